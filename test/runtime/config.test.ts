import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EnvVar } from "../../src/catalog.js";
import { ConfigError, resolveConfig, trimUrlPath } from "../../src/config/config.js";
import { describeSource, jsonPointer, resolveValue, ValueError } from "../../src/config/values.js";

const v = (name: string, type: EnvVar["type"], extra: Partial<EnvVar> = {}): EnvVar => ({
  name,
  description: `${name} description`,
  type,
  required: false,
  secret: false,
  ...extra,
});

function problems(vars: EnvVar[], env: Record<string, string>): string[] {
  try {
    resolveConfig(vars, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("boolean", () => {
  const vars = [v("FLAG", "boolean")];
  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["Yes", true],
    [" false ", false],
    ["0", false],
    ["no", false],
    ["NO", false],
  ])("%j -> %s", (raw, expected) => {
    expect(resolveConfig(vars, { FLAG: raw }).get("FLAG")).toBe(expected);
  });
  it.each(["maybe", "ture", "on", "off", "2", "y", "t"])("%j is an error, never a default", (raw) => {
    expect(problems(vars, { FLAG: raw })).toEqual([
      `FLAG: expected true/false, 1/0 or yes/no, got ${JSON.stringify(raw)}`,
    ]);
  });
  it("an invalid value never falls back to the declared default", () => {
    expect(problems([v("RO", "boolean", { default: "true" })], { RO: "maybe" })).toHaveLength(1);
  });
});

describe("url", () => {
  const vars = [v("URL", "url")];
  it("accepts http and https", () => {
    expect(resolveConfig(vars, { URL: "https://x.example/api" }).get("URL")).toBe("https://x.example/api");
    expect(resolveConfig(vars, { URL: "http://127.0.0.1:8080" }).get("URL")).toBe("http://127.0.0.1:8080");
  });
  it.each([
    ["ftp://x.example", /scheme "ftp:"/],
    ["file:///etc/passwd", /scheme "file:"/],
    ["not a url", /expected an http\(s\) URL/],
    ["https://user:pw@x.example", /credentials/],
    ["https://x.example/#frag", /fragment/],
  ])("refuses %j", (raw, message) => {
    const found = problems(vars, { URL: raw });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });
});

describe("integer, list, enum, path, string", () => {
  it("integer", () => {
    expect(resolveConfig([v("N", "integer")], { N: " 42 " }).get("N")).toBe(42);
    expect(resolveConfig([v("N", "integer")], { N: "-7" }).get("N")).toBe(-7);
    for (const bad of ["4.2", "1e3", "12abc", "99999999999999999999"]) {
      expect(problems([v("N", "integer")], { N: bad }), bad).toHaveLength(1);
    }
  });

  it("list: comma-separated and trimmed; empty items are errors", () => {
    expect(resolveConfig([v("L", "list")], { L: "a/b, c ,d" }).get("L")).toEqual(["a/b", "c", "d"]);
    expect(resolveConfig([v("L", "list")], { L: "a/b, c ,d" }).text("L")).toBe("a/b,c,d");
    for (const bad of ["a,,b", "a,", ",a", " , "]) {
      expect(problems([v("L", "list")], { L: bad }), bad).toHaveLength(1);
    }
  });

  it("enum with aliases, case-insensitive, canonical value returned", () => {
    const vars = [v("MODE", "enum", { values: ["stdio", "http"], aliases: { sse: "http" } })];
    expect(resolveConfig(vars, { MODE: "HTTP" }).get("MODE")).toBe("http");
    expect(resolveConfig(vars, { MODE: "sse" }).get("MODE")).toBe("http");
    expect(problems(vars, { MODE: "websocket" })).toEqual([
      'MODE: expected one of stdio, http, sse, got "websocket"',
    ]);
  });

  it("path expands ~", () => {
    expect(resolveConfig([v("P", "path")], { P: "~/x/y" }).get("P")).toBe(join(homedir(), "x/y"));
  });

  it("string keeps the value as given", () => {
    expect(resolveConfig([v("S", "string")], { S: " spaced " }).get("S")).toBe(" spaced ");
  });
});

describe("required, defaults and reporting", () => {
  it("collects every problem into one error", () => {
    const vars = [
      v("A", "string", { required: true }),
      v("B", "boolean"),
      v("C", "url"),
      v("D", "integer", { required: true, default: "5" }),
    ];
    const found = problems(vars, { B: "perhaps", C: "gopher://x" });
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^A: required but not set/);
    expect(found[1]).toMatch(/^B:/);
    expect(found[2]).toMatch(/^C:/);
  });

  it("never quotes a secret value", () => {
    const vars = [v("TOKEN", "url", { secret: true })];
    let error: unknown;
    try {
      resolveConfig(vars, { TOKEN: "s3cr3t-canary-value" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain("s3cr3t-canary-value");
    expect((error as Error).message).toMatch(/TOKEN/);
  });

  it("an empty value counts as unset (the default applies)", () => {
    const config = resolveConfig([v("RO", "boolean", { default: "false" })], { RO: "" });
    expect(config.get("RO")).toBe(false);
    expect(config.isSet("RO")).toBe(false);
  });

  it("an invalid default in the catalog is reported", () => {
    expect(problems([v("RO", "boolean", { default: "sometimes" })], {})[0]).toMatch(/default is invalid/);
  });

  it("is frozen and refuses undeclared names", () => {
    const config = resolveConfig([v("A", "string")], { A: "x", OTHER: "y" });
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.get("A")).toBe("x");
    expect(() => config.get("OTHER")).toThrow(/not declared/);
    expect(config.declares("OTHER")).toBe(false);
  });
});

describe("value sources", () => {
  const vars = [
    v("TOKEN", "string", { secret: true }),
    v("TOKEN_FILE", "path"),
    v("REGION", "enum", { values: ["eu", "us"], default: "eu" }),
    v("URL", "url", { default: "https://declared.example" }),
  ];
  const dir = mkdtempSync(join(tmpdir(), "tw-values-"));
  const file = join(dir, "token.json");

  it("env first, then the file (re-read on every use), then byEnv, then the default", async () => {
    const source = {
      env: "TOKEN",
      file: { path: { env: "TOKEN_FILE" }, pointer: "/auth/access_token" },
      byEnv: { env: "REGION", values: { eu: "eu-default", us: "us-default" } },
      default: "plain-default",
    };
    const fromEnv = resolveConfig(vars, { TOKEN: "from-env", TOKEN_FILE: file });
    expect(await resolveValue(source, fromEnv)).toBe("from-env");

    const fromFile = resolveConfig(vars, { TOKEN_FILE: file });
    writeFileSync(file, JSON.stringify({ auth: { access_token: "first" } }), { mode: 0o600 });
    expect(await resolveValue(source, fromFile)).toBe("first");
    writeFileSync(file, JSON.stringify({ auth: { access_token: "refreshed" } }));
    expect(await resolveValue(source, fromFile)).toBe("refreshed");

    const noFile = resolveConfig(vars, { TOKEN_FILE: join(dir, "missing.json"), REGION: "us" });
    expect(await resolveValue(source, noFile)).toBe("us-default");
    const { byEnv: _, ...withoutByEnv } = source;
    expect(await resolveValue(withoutByEnv, noFile)).toBe("plain-default");
  });

  it("a file without a pointer is its trimmed text; ~ is expanded", async () => {
    const plain = join(dir, "plain.txt");
    writeFileSync(plain, "  tok-123\n", { mode: 0o600 });
    const config = resolveConfig(vars, { TOKEN_FILE: plain });
    expect(await resolveValue({ file: { path: { env: "TOKEN_FILE" } } }, config)).toBe("tok-123");
    const tilde = resolveConfig(vars, { TOKEN_FILE: "~/definitely-not-here-toolwright" });
    expect(await resolveValue({ file: { path: { env: "TOKEN_FILE" } }, default: "d" }, tilde)).toBe("d");
  });

  it("a credential file is a secret file: others may not read or write it, nor is a device read (files/place.ts)", async () => {
    const value = (path: string) =>
      resolveValue(
        { file: { path: { env: "TOKEN_FILE" } } },
        resolveConfig(vars, { TOKEN_FILE: path }),
      ).catch((e) => e);
    const open = join(dir, "open-token.txt");
    writeFileSync(open, "s3cr3t-open\n", { mode: 0o644 });
    chmodSync(open, 0o644);
    for (const [path, said] of [
      [open, "open-token.txt is readable by every user (mode 0644), who could read the secret it holds"],
      ["/dev/zero", "/dev/zero is not a regular file (a character device)"],
    ] as const) {
      const error = await value(path);
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toContain(said);
      expect(error.message).not.toContain("s3cr3t");
    }
    chmodSync(open, 0o620);
    expect((await value(open)).message).toContain(
      "is writable by its group (mode 0620), who could choose the credential",
    );
    chmodSync(open, 0o600);
    expect(await value(open)).toBe("s3cr3t-open");
  });

  it("a broken file is an error naming the file, not its contents", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json: s3cr3t", { mode: 0o600 });
    const config = resolveConfig(vars, { TOKEN_FILE: broken });
    const error = await resolveValue({ file: { path: { env: "TOKEN_FILE" }, pointer: "/x" } }, config).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toContain("broken.json");
    expect(error.message).not.toContain("s3cr3t");
  });

  it("the variable's declared default comes after the source's own fallbacks", async () => {
    const config = resolveConfig(vars, {});
    expect(await resolveValue({ env: "URL", default: "https://source.example" }, config)).toBe(
      "https://source.example",
    );
    expect(await resolveValue({ env: "URL" }, config)).toBe("https://declared.example");
    expect(await resolveValue({ env: "TOKEN" }, config)).toBeUndefined();
  });

  it("describes where a value comes from without its value", () => {
    expect(describeSource({ env: "TOKEN", file: { path: { env: "TOKEN_FILE" }, pointer: "/t" } })).toBe(
      "TOKEN or the file named by TOKEN_FILE (at /t)",
    );
  });

  it("JSON pointers", () => {
    const doc = { a: { "b/c": [10, { "~d": 1 }] } };
    expect(jsonPointer(doc, "/a/b~1c/1/~0d")).toBe(1);
    expect(jsonPointer(doc, "#/a/b~1c/0")).toBe(10);
    expect(jsonPointer(doc, "/a/x")).toBeUndefined();
  });
});

describe("url variables with trim_paths", () => {
  it.each([
    ["https://api.example.com/graphql", "https://api.example.com"],
    ["https://api.example.com/graphql/", "https://api.example.com"],
    ["https://api.example.com/GraphQL", "https://api.example.com"],
    ["https://example.com/scaly/graphql", "https://example.com/scaly"],
    ["https://api.example.com", "https://api.example.com"],
    ["https://api.example.com/v2", "https://api.example.com/v2"],
    ["https://api.example.com/graphqlx", "https://api.example.com/graphqlx"],
    ["http://127.0.0.1:8080/graphql?x=1", "http://127.0.0.1:8080/?x=1"],
  ])("%s -> %s", (raw, want) => {
    expect(trimUrlPath(raw, ["/graphql"])).toBe(want);
    const config = resolveConfig(
      [
        {
          name: "API_URL",
          description: "",
          type: "url",
          required: false,
          secret: false,
          trimPaths: ["/graphql"],
        },
      ],
      { API_URL: raw },
    );
    expect(config.text("API_URL")).toBe(want);
  });
});

describe("file values with several pointers", () => {
  const vars: EnvVar[] = [
    { name: "STORE", description: "", type: "path", required: false, secret: false },
    { name: "STAGE", description: "", type: "enum", values: ["prod", "dev"], required: false, secret: false },
  ];
  const source = {
    file: {
      path: { env: "STORE" },
      pointers: ["/stages/{STAGE}/id_token", "/{STAGE}/token", "/session_token"],
    },
  };
  const read = async (content: unknown, env: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "tw-pointers-"));
    writeFileSync(join(dir, "auth.json"), JSON.stringify(content), { mode: 0o600 });
    return resolveValue(source, resolveConfig(vars, { STORE: join(dir, "auth.json"), ...env }));
  };

  it.each([
    [{ stages: { prod: { id_token: "a" } }, session_token: "z" }, { STAGE: "prod" }, "a"],
    [{ stages: { dev: { id_token: "a" } }, prod: { token: "b" } }, { STAGE: "prod" }, "b"],
    [{ stages: { prod: { id_token: "" } }, session_token: "z" }, { STAGE: "prod" }, "z"],
    [{ stages: { prod: { id_token: "a" } }, session_token: "z" }, {}, "z"],
    [{ stages: { dev: { id_token: "a" } } }, { STAGE: "prod" }, undefined],
    [{ "a/b": { token: "slash" } }, { STAGE: "prod" }, undefined],
  ])("%j with %j -> %s", async (content, env, want) => {
    expect(await read(content, env)).toBe(want);
  });

  it("names every place in a missing-credential message", () => {
    expect(describeSource(source)).toBe(
      "the file named by STORE (at /stages/{STAGE}/id_token or /{STAGE}/token or /session_token)",
    );
  });
});
