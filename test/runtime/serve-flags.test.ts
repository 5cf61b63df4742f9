import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TransportConfig } from "../../src/catalog.js";
import {
  optionsHelp,
  parseServeArgs,
  readClientKey,
  SERVE_OPTIONS,
  ServeUsageError,
} from "../../src/cli/serve-flags.js";
import { ConfigError, resolveConfig } from "../../src/config/config.js";
import {
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  HttpSettingsError,
  resolveHttpSettings,
  wantsHttp,
} from "../../src/transports/http-settings.js";

// `toolwright serve`'s own options: one table drives parsing (flags and TOOLWRIGHT_* env), checking and --help;
// the transport options reach the HTTP settings of any catalog, bare (no transport env at all) or not.

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof HttpSettingsError) return error.problems;
    throw error;
  }
  return [];
};

describe("parsing", () => {
  it("reads flags (both spellings) and the catalog", () => {
    const parsed = parseServeArgs(
      ["cat", "--http", "--port", "9000", "--allowed-hosts=a.example.com, b.example.com:8443", "--discovery"],
      {},
    );
    expect(parsed.positionals).toEqual(["cat"]);
    expect(parsed.options).toEqual({
      http: true,
      port: 9000,
      allowedHosts: ["a.example.com", "b.example.com:8443"],
      discovery: true,
    });
    expect(parsed.sources).toMatchObject({ http: "--http", port: "--port" });
  });

  it("reads each option's env variable, and a flag wins over it", () => {
    const env = { TOOLWRIGHT_HTTP: "yes", TOOLWRIGHT_PORT: "7000", TOOLWRIGHT_HOST: "::1" };
    expect(parseServeArgs(["cat"], env).options).toEqual({ http: true, port: 7000, host: "::1" });
    expect(parseServeArgs(["cat", "--port", "7001"], env).options.port).toBe(7001);
    expect(parseServeArgs(["cat"], { TOOLWRIGHT_HTTP: "false" }).options.http).toBe(false);
    expect(parseServeArgs(["cat"], { TOOLWRIGHT_PORT: "" }).options).toEqual({});
  });

  it("names the flag or the env variable a bad value came from, with every problem", () => {
    expect(problemsOf(() => parseServeArgs(["--port", "x", "--keep-alive-timeout", "soon"], {}))).toEqual([
      '--port: expected an integer, got "x"',
      '--keep-alive-timeout: expected an integer, got "soon"',
    ]);
    expect(problemsOf(() => parseServeArgs([], { TOOLWRIGHT_HTTP: "ture" }))).toEqual([
      'TOOLWRIGHT_HTTP: expected true/false, 1/0 or yes/no, got "ture"',
    ]);
    expect(problemsOf(() => parseServeArgs(["--keep-alive-timeout", "0"], {}))).toEqual([
      "--keep-alive-timeout: expected at least 1, got 0",
    ]);
  });

  it.each([
    [["--bogus"], "unknown option --bogus"],
    [["--port"], "--port needs a value <port>"],
    [["--port", "--http"], "--port needs a value <port>"],
    [["--http=no"], "--http takes no value"],
    [["--client-key", "sekret-sekret-sekret"], "--client-key is not accepted: a value on the command line"],
    [["--client-key=sekret-sekret-sekret"], "set TOOLWRIGHT_CLIENT_KEY or pass --client-key-file <path>"],
  ])("refuses %j", (argv, message) => {
    let error: unknown;
    try {
      parseServeArgs(argv, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServeUsageError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("sekret");
  });

  it("the client key comes from its env variable or a file, never a flag", () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-key-"));
    writeFileSync(join(dir, "key"), "file-key-0123456789\n", { mode: 0o600 });
    expect(readClientKey(parseServeArgs(["--client-key-file", join(dir, "key")], {}).options)).toBe(
      "file-key-0123456789",
    );
    expect(readClientKey(parseServeArgs([], { TOOLWRIGHT_CLIENT_KEY: "env-key-0123456789" }).options)).toBe(
      "env-key-0123456789",
    );
    expect(problemsOf(() => readClientKey({ clientKeyFile: join(dir, "missing") }))).toEqual([
      `--client-key-file (TOOLWRIGHT_CLIENT_KEY_FILE): cannot read ${join(dir, "missing")} (ENOENT)`,
    ]);
  });

  it("--help lists every option with its env variable", () => {
    const help = optionsHelp();
    for (const row of SERVE_OPTIONS) {
      expect(help).toContain(row.env);
      if ("flag" in row) expect(help).toContain(row.flag);
    }
    expect(help.split("\n").every((line) => line.length <= 112)).toBe(true);
  });
});

/** A bare catalog's transport section: no env names at all. */
const BARE: TransportConfig = { httpValues: ["http"], host: "127.0.0.1", port: 8765, requiredScopes: [] };
const LABELS = {
  host: "--host",
  port: "--port",
  allowedHosts: "--allowed-hosts",
  publicUrl: "--public-url",
  authorizationServers: "--authorization-servers",
  bearer: "TOOLWRIGHT_CLIENT_KEY",
  requiredScopes: "--required-scopes",
};
const KEY = "k".repeat(16);
const bare = (overrides: Record<string, unknown>, tuning = {}) =>
  resolveHttpSettings({ transport: BARE }, resolveConfig([], {}), tuning, { ...overrides, labels: LABELS });

describe("HTTP settings for any catalog", () => {
  it("a bare catalog serves HTTP with serve's options, with the reference catalogs' safe defaults", () => {
    expect(wantsHttp(BARE, resolveConfig([], {}))).toBe(false);
    expect(wantsHttp(BARE, resolveConfig([], {}), true)).toBe(true);
    expect(bare({ bearer: KEY })).toMatchObject({
      host: "127.0.0.1",
      port: 8765,
      loopback: true,
      allowedHosts: ["localhost", "127.0.0.1", "[::1]"],
      bearer: KEY,
      keepAliveTimeoutMs: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    });
  });

  it("keep-alive outlasts the 60 s idle timeout of common proxies, and is configurable", () => {
    const s = bare({ bearer: KEY });
    expect(s.keepAliveTimeoutMs).toBeGreaterThan(60_000);
    expect(s.headersTimeoutMs).toBeGreaterThanOrEqual(30_000);
    expect(bare({ bearer: KEY }, { keepAliveTimeoutMs: 700_000 }).keepAliveTimeoutMs).toBe(700_000);
  });

  it("refuses what the reference catalogs refuse, naming serve's options", () => {
    expect(problemsOf(() => bare({}))).toEqual([
      "HTTP mode refuses to serve without client authentication: set TOOLWRIGHT_CLIENT_KEY (clients send Authorization: Bearer <key>) or set --authorization-servers (OAuth access tokens)",
    ]);
    expect(problemsOf(() => bare({ bearer: KEY, host: "0.0.0.0" })).join("\n")).toContain(
      "binding to 0.0.0.0 (not loopback) needs --allowed-hosts",
    );
    expect(problemsOf(() => bare({ bearer: "short" }))).toEqual([
      "TOOLWRIGHT_CLIENT_KEY: the client key must be at least 16 characters",
    ]);
    expect(
      problemsOf(() =>
        bare({
          host: "0.0.0.0",
          allowedHosts: ["mcp.example.com"],
          authorizationServers: ["https://as.example"],
        }),
      ),
    ).toEqual([
      "OAuth mode on a non-loopback bind needs --public-url: tokens must be issued for that exact resource",
    ]);
    expect(problemsOf(() => bare({ bearer: KEY, allowedHosts: ["*.example.com"] }))).toEqual([
      '--allowed-hosts: wildcards are not accepted (got "*.example.com")',
    ]);
  });

  it("serve's options win over the catalog's own transport env", () => {
    const t: TransportConfig = { ...BARE, portEnv: "P", allowedHostsEnv: "H", bearerEnv: "K" };
    const config = resolveConfig(
      [
        { name: "P", description: "", type: "integer", required: false, secret: false },
        { name: "H", description: "", type: "list", required: false, secret: false },
        { name: "K", description: "", type: "string", required: false, secret: true },
      ],
      { P: "1000", H: "a.example.com", K: KEY },
    );
    const s = resolveHttpSettings(
      { transport: t },
      config,
      {},
      { port: 2000, requiredScopes: ["mcp:tools"] },
    );
    expect(s).toMatchObject({ port: 2000, allowedHosts: ["a.example.com"], bearer: KEY });
    expect(s.requiredScopes).toEqual(["mcp:tools"]);
    // Unset, the catalog's env and serve's option are both offered.
    const refused = problemsOf(() =>
      resolveHttpSettings({ transport: t }, resolveConfig(config.vars, {}), {}, { labels: LABELS }),
    );
    expect(refused[0]).toContain("set K or TOOLWRIGHT_CLIENT_KEY");
  });
});
