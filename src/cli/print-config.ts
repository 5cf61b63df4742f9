import { realpathSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { CatalogDocument, EnvVar } from "../catalog.js";
import { shownValue } from "../telemetry/redact.js";
import { terminalJson } from "../telemetry/terminal.js";
import { type HttpSettings, urlHost } from "../transports/http-settings.js";
import { SERVE_OPTIONS, type ServeOptions } from "./serve-flags.js";

/**
 * `toolwright serve <catalog> --print-config claude|cursor|codex|vscode`: the exact block a host's config needs.
 * With `--http` (or the catalog's transport env set to HTTP): the remote form, the server's URL and the client
 * key's header with the key referred to by its env variable (`renderRemoteConfig`). Otherwise: the block that starts
 * this server over stdio, with absolute paths (hosts do not start in your shell's folder, and Claude
 * Desktop does not inherit its PATH) and the serve options given beside it. Environment: every variable the
 * catalog requires, plus the ones set now (the effective settings). A secret's value is never printed: the block
 * refers to it the way the host fills it in (`${NAME}` from the host's environment for Claude Code and Cursor,
 * a password prompt for VS Code, a placeholder for Codex, which expands nothing).
 */

export const HOSTS = ["claude", "cursor", "codex", "vscode"] as const;
export type Host = (typeof HOSTS)[number];

export interface ServerCommand {
  name: string;
  command: string;
  args: string[];
  /** Each variable with its value, or a reference when the value is a secret or not set. */
  env: Array<{ name: string; value?: string; secret: boolean; description: string }>;
}

/** The command that runs this very toolwright (or packed bin) again, by absolute paths. */
function selfCommand(): { command: string; script: string } {
  const script = process.argv[1] ?? "";
  let real = script;
  try {
    real = realpathSync(script);
  } catch {}
  return { command: process.execPath, script: real };
}

/** serve's own options as given, back as flags (paths made absolute); env-only options go to the env block. */
function serveArgs(options: ServeOptions, cwd: string): { args: string[]; env: ServerCommand["env"] } {
  const args: string[] = [];
  const env: ServerCommand["env"] = [];
  const values = options as Record<string, unknown>;
  for (const row of SERVE_OPTIONS) {
    const value = values[row.key];
    if (value === undefined) continue;
    const secret = "secret" in row && row.secret === true;
    let text = Array.isArray(value) ? value.join(",") : String(value);
    if (row.type === "path" && !isAbsolute(text)) text = resolve(cwd, text);
    if (!("flag" in row) || secret) {
      env.push({ name: row.env, secret, description: row.help, ...(secret ? {} : { value: text }) });
    } else if (row.type === "boolean") {
      if (value === true) args.push(row.flag);
      else env.push({ name: row.env, secret: false, description: row.help, value: text });
    } else args.push(row.flag, text);
  }
  return { args, env };
}

/** The catalog's variables a host must pass: the required ones and whatever is set now (secrets by reference). */
function catalogEnv(vars: readonly EnvVar[], environment: NodeJS.ProcessEnv): ServerCommand["env"] {
  return vars
    .filter((v) => v.required || environment[v.name] !== undefined)
    .map((v) => {
      const now = environment[v.name];
      return {
        name: v.name,
        secret: v.secret,
        description: v.description,
        // A value holding a credential (a base URL's `?key=` or `/bot<token>/`, `user:pass@`) is referred to as a
        // secret's is: the block is printed, pasted and committed, and the host fills it in from its environment.
        ...(!v.secret && now !== undefined && shownValue(now) === now ? { value: now } : {}),
      };
    });
}

export function serverCommand(
  doc: CatalogDocument,
  dir: string | undefined,
  options: ServeOptions,
  environment: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ServerCommand {
  const self = selfCommand();
  const own = serveArgs(options, cwd);
  return {
    name: doc.catalog,
    command: self.command,
    args: [self.script, ...(dir === undefined ? [] : ["serve", resolve(cwd, dir)]), ...own.args],
    env: [...catalogEnv(doc.env, environment), ...own.env],
  };
}

/** How a host refers to a value it fills in itself. */
function reference(host: Host, name: string): string {
  if (host === "claude") return `\${${name}}`;
  if (host === "cursor") return `\${env:${name}}`;
  if (host === "vscode") return `\${input:${name}}`;
  return `<${name}>`;
}

function envBlock(host: Host, server: ServerCommand): Record<string, string> {
  return Object.fromEntries(server.env.map((v) => [v.name, v.value ?? reference(host, v.name)]));
}

function tomlString(value: string): string {
  return terminalJson(value, undefined, { toml: true });
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : terminalJson(key, undefined, { toml: true });
}

/** The config block for one host (stdout), and where it goes (stderr). */
export function renderHostConfig(host: Host, server: ServerCommand): { block: string; where: string } {
  const env = envBlock(host, server);
  const stdio = { command: server.command, args: server.args, ...(server.env.length > 0 ? { env } : {}) };
  const json = (value: unknown) => `${terminalJson(value, 2)}\n`;
  const unset = server.env.filter((v) => v.value === undefined).map((v) => v.name);
  switch (host) {
    case "claude":
      return {
        block: json({ mcpServers: { [server.name]: { type: "stdio", ...stdio } } }),
        where: `Claude Code: put this in .mcp.json at your project's root (or run \`claude mcp add-json ${server.name} '<the server object>'\`); Claude Desktop: claude_desktop_config.json, with the values written in (it expands no \${VAR}).${unset.length > 0 ? ` Set ${unset.join(", ")} in the environment Claude Code starts from.` : ""}`,
      };
    case "cursor":
      return {
        block: json({ mcpServers: { [server.name]: stdio } }),
        where: `Cursor: .cursor/mcp.json in your project (or ~/.cursor/mcp.json).${unset.length > 0 ? ` Set ${unset.join(", ")} in the environment Cursor starts from.` : ""}`,
      };
    case "vscode": {
      const inputs = server.env
        .filter((v) => v.value === undefined)
        .map((v) => ({
          type: "promptString",
          id: v.name,
          description: v.description || v.name,
          ...(v.secret ? { password: true } : {}),
        }));
      return {
        block: json({
          ...(inputs.length > 0 ? { inputs } : {}),
          servers: { [server.name]: { type: "stdio", ...stdio } },
        }),
        where:
          "VS Code: .vscode/mcp.json in your workspace; it asks for each input once and stores it encrypted.",
      };
    }
    case "codex": {
      const lines = [
        `[mcp_servers.${tomlKey(server.name)}]`,
        `command = ${tomlString(server.command)}`,
        `args = [${server.args.map(tomlString).join(", ")}]`,
      ];
      if (server.env.length > 0)
        lines.push(
          `env = { ${Object.entries(env)
            .map(([k, v]) => `${tomlKey(k)} = ${tomlString(v)}`)
            .join(", ")} }`,
        );
      return {
        block: `${lines.join("\n")}\n`,
        where: `Codex: ~/.codex/config.toml (or .codex/config.toml in a trusted project).${unset.length > 0 ? ` Replace the placeholders ${unset.map((n) => `<${n}>`).join(", ")} (Codex expands no variables).` : ""}`,
      };
    }
  }
}

/**
 * A server already running over Streamable HTTP, as a host connects to it: its URL and, when it takes a static
 * client key, the env variable the host reads the key from (the value is never printed: hosts fill it in).
 */
export interface RemoteServer {
  name: string;
  url: string;
  /** The variable holding the client key (`Authorization: Bearer <key>`); absent when clients sign in by OAuth. */
  keyEnv?: string;
}

/** Where hosts reach the server: the public URL, else the bind address (a wildcard bind: the first allowed host). */
export function remoteUrl(settings: HttpSettings): string {
  if (settings.publicUrl) return settings.publicUrl.href;
  if (settings.port === 0)
    throw new Error(
      "--print-config with --http needs the port clients will use: port 0 picks a free one at start (give --port)",
    );
  const wildcard = settings.host === "0.0.0.0" || settings.host === "::";
  const name = wildcard ? settings.allowedHosts[0]?.replace(/:\d+$/, "") : settings.host;
  if (name === undefined)
    throw new Error("--print-config: the server binds every address; give --public-url or --allowed-hosts");
  return `http://${urlHost(name)}:${settings.port}/mcp`;
}

/** The header a host sends, with the key referred to the way that host fills it in. */
function keyHeaders(host: Host, server: RemoteServer): { headers?: Record<string, string> } {
  return server.keyEnv === undefined
    ? {}
    : { headers: { Authorization: `Bearer ${reference(host, server.keyEnv)}` } };
}

/** The remote config block for one host (stdout), and where it goes and what to set (stderr). */
export function renderRemoteConfig(host: Host, server: RemoteServer): { block: string; where: string } {
  const json = (value: unknown) => `${terminalJson(value, 2)}\n`;
  const key = server.keyEnv;
  const setKey =
    key === undefined
      ? " It signs in by OAuth (the server names its authorization servers at /.well-known/oauth-protected-resource)."
      : ` Set ${key} to the server's client key in the environment the host starts from.`;
  switch (host) {
    case "claude": {
      const entry = { type: "http", url: server.url, ...keyHeaders(host, server) };
      return {
        block: json({ mcpServers: { [server.name]: entry } }),
        where: `Claude Code: put this in .mcp.json at your project's root (or run \`claude mcp add-json ${server.name} '<the server object>'\`).${setKey}`,
      };
    }
    case "cursor":
      return {
        block: json({ mcpServers: { [server.name]: { url: server.url, ...keyHeaders(host, server) } } }),
        where: `Cursor: .cursor/mcp.json in your project (or ~/.cursor/mcp.json).${setKey}`,
      };
    case "vscode": {
      const inputs =
        key === undefined
          ? []
          : [{ type: "promptString", id: key, description: `Client key of ${server.name}`, password: true }];
      return {
        block: json({
          ...(inputs.length > 0 ? { inputs } : {}),
          servers: { [server.name]: { type: "http", url: server.url, ...keyHeaders(host, server) } },
        }),
        where: `VS Code: .vscode/mcp.json in your workspace; it asks for the key once and stores it encrypted.${key === undefined ? setKey : ""}`,
      };
    }
    case "codex": {
      const lines = [`[mcp_servers.${tomlKey(server.name)}]`, `url = ${tomlString(server.url)}`];
      if (key !== undefined) lines.push(`bearer_token_env_var = ${tomlString(key)}`);
      return {
        block: `${lines.join("\n")}\n`,
        where: `Codex: ~/.codex/config.toml (or .codex/config.toml in a trusted project).${setKey}`,
      };
    }
  }
}
