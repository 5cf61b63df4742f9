import { execFile } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textJson } from "../helpers/mcp.js";
import { npmTools, TOOLS } from "../helpers/package-tools.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * toolwright installed the other ways users install it, from the packed tarball: pnpm (isolated node_modules,
 * where a package sees only what it depends on), Yarn 4 (node-modules linker, and Plug'n'Play), Bun,
 * `npm install -g --prefix`, `npx -y file:<tarball>` and `npm exec`; every folder (install, spec, catalog) named
 * with spaces and non-ASCII characters; a global install run read-only by another user with HOME unset. The
 * package managers come from the npm registry at exact versions (test/helpers/package-tools.ts), their stores
 * kept under test/.tmp so later runs install from them.
 */

const run = promisify(execFile);
const PNPM = "pnpm@12.23.0";
const YARN = "@yarnpkg/cli-dist@4.18.1";
const BUN = "bun@1.4.4";
/** Installs and packs: a failure bound that holds on a busy 2-core machine, not a target. */
const BOUND = 300_000;

let work: string;
let tools: string;
let upstream: RecordingServer;
const tarballs = { toolwright: "", runtime: "" };

/** Where each package manager keeps what it downloads: npm's the machine's own, the others' under test/.tmp. */
function stores(): Record<string, string> {
  return {
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), ".npm"),
    npm_config_update_notifier: "false",
    YARN_GLOBAL_FOLDER: join(TOOLS, "yarn-global"),
    YARN_ENABLE_TELEMETRY: "0",
    YARN_ENABLE_GLOBAL_CACHE: "1",
    BUN_INSTALL_CACHE_DIR: join(TOOLS, "bun-cache"),
  };
}

/** The environment package managers run in: their tools on PATH, a home of the test's, their stores. */
function pmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${tools}:${process.env.PATH ?? ""}`,
    HOME: join(work, "home"),
    ...stores(),
    ...extra,
  };
}

async function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = pmEnv()) {
  return run(command, args, { cwd, env, maxBuffer: 64 << 20 });
}

/** An empty project folder with a package.json, named `name` (spaces and non-ASCII on purpose). */
function project(name: string, extra: Record<string, unknown> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "try", private: true, ...extra })}\n`);
  return dir;
}

async function npmPack(dir: string, dest: string): Promise<string> {
  const { stdout } = await sh(
    "npm",
    ["pack", dir, "--json", "--pack-destination", dest, "--loglevel=error"],
    ROOT,
  );
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string }[];
  if (!info) throw new Error(`npm pack ${dir} said nothing`);
  return join(dest, info.filename);
}

/** A host's stdio connection, with only the env given (and PATH). */
async function connect(command: string, args: string[], cwd: string, env: Record<string, string>) {
  const transport = new StdioClientTransport({
    command,
    args,
    cwd,
    env: { PATH: `${tools}:${process.env.PATH ?? ""}`, ...stores(), ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const client = new Client({ name: "package-managers-test", version: "1.0.0" });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`${command} ${args.join(" ")}: ${(error as Error).message}\n${stderr}`);
  }
  return { client, stderr: () => stderr };
}

/**
 * The README's first steps with `toolwright` (a command and its leading args): generate a catalog from a spec
 * whose path has spaces and non-ASCII characters, into such a folder, serve it to a real client and call a
 * tool that reaches the upstream.
 */
async function generateServeCall(dir: string, toolwright: string[], env: Record<string, string> = {}) {
  const [command = "", ...lead] = toolwright;
  const spec = join(dir, "specs ü", "pets spec é.json");
  mkdirSync(join(spec, ".."), { recursive: true });
  copyFileSync(join(ROOT, "test/fixtures/openapi30/openapi.json"), spec);
  const out = join(dir, "catalogs é", "pets ü");
  const gen = await sh(command, [...lead, "generate", "--openapi", spec, "--out", out], dir, pmEnv(env));
  expect(gen.stdout).toMatch(/2 tools \(1 read, 1 write, 0 destructive\)/);
  const { client } = await connect(command, [...lead, "serve", out], dir, {
    HOME: join(work, "home"),
    PETS_BASE_URL: upstream.url,
    ...env,
  });
  try {
    const { tools: listed } = await client.listTools();
    expect(listed.map((t) => t.name).sort()).toEqual(["add_pet", "list_pets"]);
    upstream.received.length = 0;
    const result = await client.callTool({
      name: "add_pet",
      arguments: { body: { petType: "Cat", name: "Zoë", indoor: true } },
    });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(textJson(result)).toEqual({ petType: "Cat", name: "Zoë", indoor: true });
    expect(upstream.received).toHaveLength(1);
  } finally {
    await client.close();
  }
}

/**
 * A catalog with a hand-written handler that imports zod, which the project does not depend on (the runtime
 * lends toolwright's): generate --verify type-checks it, serve runs it.
 */
async function handlerCatalog(dir: string, toolwright: string[]) {
  const [command = "", ...lead] = toolwright;
  const files: Record<string, string> = {
    "specs/notes/tools.yaml": `catalog: notes
tools:
  notes_shout:
    handler: ./handlers/shout.ts
    safety: read
    description: Upper-cases a note.
    input: { type: object, properties: { text: { type: string } }, required: [text] }
`,
    "specs/notes/handlers/shout.ts": `import type { CustomHandler } from "toolwright/catalog";
import { z } from "zod";

const Args = z.object({ text: z.string() });
const shout: CustomHandler<{ text: string }> = async (args) => ({
  data: { shout: Args.parse(args).text.toUpperCase() },
});
export default shout;
`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const gen = await sh(command, [...lead, "generate", "--verify"], dir);
  expect(gen.stdout).toContain("verified: generated TypeScript type-checks");
  const { client } = await connect(command, [...lead, "serve", "./generated/notes"], dir, {
    HOME: join(work, "home"),
  });
  try {
    const result = await client.callTool({ name: "notes_shout", arguments: { text: "hi" } });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(textJson(result)).toEqual({ shout: "HI" });
  } finally {
    await client.close();
  }
}

/**
 * `toolwright pack` of handlerCatalog's catalog: its handler imports zod, which the project does not depend on
 * and the runtime lends, so the package declares zod at the version toolwright has.
 */
async function packNotes(dir: string, toolwright: string[], name: string) {
  const [command = "", ...lead] = toolwright;
  const out = join(work, name);
  await sh(command, [...lead, "pack", "./generated/notes", "--out", out], dir);
  const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
  expect(Object.keys(pkg.dependencies)).toEqual(["toolwright-runtime", "zod"]);
  expect(pkg.dependencies.zod).toMatch(/^\^4\.\d+\.\d+$/);
}

/** Every file under `dir` with its size and modification time, to see that a run wrote nothing there. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const path = join(e.parentPath, e.name);
      const stat = statSync(path, { throwIfNoEntry: false });
      return `${path} ${stat?.size} ${stat?.mtimeMs}`;
    })
    .sort();
}

const token = `x.${Buffer.from(JSON.stringify({ exp: 4102444800 })).toString("base64url")}.y`;
const SCALY_ENV = { SCALY_API_KEY: "k", SCALY_APPSYNC_KEY: "a", SCALY_OIDC_TOKEN: token };

/** A packed scaly-mcp serving: its tools listed, a compiled handler (imports yaml) and a spec pattern (re2js). */
async function scalyServes(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const { client } = await connect(command, args, cwd, { HOME: join(work, "home"), ...SCALY_ENV, ...env });
  try {
    const { tools: listed } = await client.listTools();
    expect(listed.length).toBeGreaterThan(10);
    const status = await client.callTool({ name: "scaly_auth_status", arguments: {} });
    expect(status.isError, JSON.stringify(status)).toBeFalsy();
    expect(JSON.stringify(status.structuredContent)).toMatch(/"present":true/);
    const refused = await client.callTool({
      name: "scaly_apply",
      arguments: { plan_hash: "not-hex", auto_approve: true },
    });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/plan_hash/);
    expect(JSON.stringify(refused.content)).not.toMatch(/re2js|Cannot find|internal error/i);
  } finally {
    await client.close();
  }
}

/**
 * `toolwright pack` of the installed scaly catalog, then the package as it would be published, except that its
 * toolwright-runtime dependency is this build's tarball (the registry's may not be this version).
 */
async function packScaly(toolwright: string[], catalog: string, name: string): Promise<string> {
  const [command = "", ...lead] = toolwright;
  const out = join(work, name);
  await sh(command, [...lead, "pack", catalog, "--out", out], work);
  const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
  expect(Object.keys(pkg.dependencies).sort()).toEqual(["ajv", "ajv-formats", "toolwright-runtime", "yaml"]);
  pkg.dependencies["toolwright-runtime"] = `file:${tarballs.runtime}`;
  writeFileSync(join(out, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  const dest = join(work, `${name} tarball`);
  mkdirSync(dest);
  return npmPack(out, dest);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tw managers é ü-"));
  chmodSync(work, 0o755); // another user runs the global install below
  mkdirSync(join(work, "home"));
  upstream = await startRecordingServer((req, res) => {
    if (req.method === "POST" && req.path === "/pets")
      return sendJson(res, 200, JSON.parse(req.body.toString()));
  });
  const [bin] = await Promise.all([
    npmTools("managers", [PNPM, YARN, BUN]),
    (async () => {
      const dest = join(work, "tarballs ü");
      mkdirSync(dest);
      tarballs.toolwright = await npmPack(ROOT, dest);
      tarballs.runtime = await npmPack(join(ROOT, "build/runtime"), dest);
    })(),
  ]);
  tools = bin;
}, BOUND);

afterAll(async () => {
  await upstream?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("pnpm (isolated node_modules)", () => {
  let dir: string;
  const toolwright = () => [join(dir, "node_modules/.bin/toolwright")];

  beforeAll(async () => {
    dir = project("pnpm project é ü");
    // pnpm 12 fails an install that skips a dependency's build script unless told: esbuild's (toolwright has none).
    await sh(
      "pnpm",
      ["add", "--store-dir", join(TOOLS, "pnpm-store"), "--allow-build=esbuild", tarballs.toolwright],
      dir,
    );
  }, BOUND);

  it("installs with nothing hoisted: the project sees toolwright alone", () => {
    expect(readdirSync(join(dir, "node_modules")).filter((f) => !f.startsWith("."))).toEqual(["toolwright"]);
    expect(existsSync(join(dir, "node_modules/zod"))).toBe(false);
  });

  it("generate, serve and call a tool", { timeout: BOUND }, async () => {
    await generateServeCall(dir, toolwright());
  });

  it("a hand-written handler importing zod, which the project does not have: generate --verify, serve, call; pack declares zod", {
    timeout: BOUND,
  }, async () => {
    await handlerCatalog(dir, toolwright());
    await packNotes(dir, toolwright(), "notes pnpm pkg");
  });

  it("pnpm dlx <tarball> runs the bin once, from an empty folder", { timeout: BOUND }, async () => {
    const empty = join(work, "pnpm dlx é");
    mkdirSync(empty);
    const ran = await sh(
      "pnpm",
      [
        "dlx",
        "--store-dir",
        join(TOOLS, "pnpm-store"),
        "--allow-build=esbuild",
        tarballs.toolwright,
        "--version",
      ],
      empty,
    );
    expect(ran.stdout.trim()).toBe(
      `toolwright ${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}`,
    );
  });

  it("the reference catalog packed with toolwright pack: npm publish --dry-run passes, and pnpm installs and serves it", {
    timeout: BOUND,
  }, async () => {
    const catalog = join(dir, "node_modules/toolwright/generated/scaly");
    const out = join(work, "scaly pkg é");
    await sh(toolwright()[0] as string, ["pack", catalog, "--out", out], work);
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    expect(Object.keys(pkg).sort()).toEqual(
      [
        "name",
        "version",
        "description",
        "license",
        "keywords",
        "type",
        "bin",
        "files",
        "engines",
        "dependencies",
        "toolwrightPack",
      ].sort(),
    );
    const dry = await sh("npm", ["publish", "--dry-run", "--loglevel=notice"], out);
    expect(`${dry.stdout}${dry.stderr}`).toContain("scaly-mcp@0.1.47");

    const tarball = await packScaly(toolwright(), catalog, "scaly for pnpm ü");
    const host = project("pnpm host ü é");
    await sh("pnpm", ["add", "--store-dir", join(TOOLS, "pnpm-store"), tarball], host);
    expect(existsSync(join(host, "node_modules/typescript"))).toBe(false);
    const help = await sh("pnpm", ["exec", "scaly-mcp", "--help"], host);
    expect(help.stdout).toMatch(/^Usage: scaly-mcp \[options\]/);
    await scalyServes(join(host, "node_modules/.bin/scaly-mcp"), [], host);
  });
});

describe("Yarn 4", () => {
  it("node-modules linker: generate, serve and call a tool", { timeout: BOUND }, async () => {
    const dir = project("yarn nm é");
    writeFileSync(join(dir, ".yarnrc.yml"), "nodeLinker: node-modules\n");
    writeFileSync(join(dir, "yarn.lock"), "");
    await sh("yarn", ["add", `toolwright@file:${tarballs.toolwright}`], dir);
    await generateServeCall(dir, [join(dir, "node_modules/.bin/toolwright")]);
  });

  it("Plug'n'Play (no node_modules): generate, serve and call; a handler importing zod verifies, runs and packs", {
    timeout: BOUND,
  }, async () => {
    const dir = project("yarn pnp ü");
    writeFileSync(join(dir, ".yarnrc.yml"), "nodeLinker: pnp\n");
    writeFileSync(join(dir, "yarn.lock"), "");
    await sh("yarn", ["add", `toolwright@file:${tarballs.toolwright}`], dir);
    expect(existsSync(join(dir, "node_modules"))).toBe(false);
    await generateServeCall(dir, ["yarn", "toolwright"]);
    await handlerCatalog(dir, ["yarn", "toolwright"]);
    await packNotes(dir, ["yarn", "toolwright"], "notes pnp pkg");
  });

  it("Plug'n'Play host: the reference catalog packed with toolwright pack installs with yarn add and serves", {
    timeout: BOUND,
  }, async () => {
    const tarball = await packScaly(
      [join(ROOT, "bin/toolwright.mjs")],
      join(ROOT, "generated/scaly"),
      "scaly for yarn é",
    );
    const host = project("yarn pnp host ü");
    writeFileSync(join(host, ".yarnrc.yml"), "nodeLinker: pnp\n");
    writeFileSync(join(host, "yarn.lock"), "");
    await sh("yarn", ["add", `scaly-mcp@file:${tarball}`], host);
    expect(existsSync(join(host, "node_modules"))).toBe(false);
    await scalyServes("yarn", ["scaly-mcp"], host);
  });
});

describe("Bun", () => {
  it("bun add, then generate, serve and call a tool", { timeout: BOUND }, async () => {
    const dir = project("bun project ü");
    await sh("bun", ["add", tarballs.toolwright], dir);
    await generateServeCall(dir, [join(dir, "node_modules/.bin/toolwright")]);
  });
});

/**
 * A monorepo: a private package of shared code, and the API package whose folder holds the catalog's manifest and
 * hand-written handlers, which import the shared package, `yaml` (declared by the API package, with `@types/node`) and a Node module
 * without its `node:` prefix. `shared` is the dependency spec the API package declares on the shared one.
 */
function workspace(name: string, shared: string, extra: Record<string, unknown>): string {
  const root = project(name, { ...extra, devDependencies: { toolwright: `file:${tarballs.toolwright}` } });
  const files: Record<string, string> = {
    "packages/shared/package.json": JSON.stringify({
      name: "@acme/shared",
      version: "1.2.0",
      private: true,
      type: "module",
      exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
    }),
    "packages/shared/index.js": 'export const greet = (who) => "hello " + who;\n',
    "packages/shared/index.d.ts": "export declare const greet: (who: string) => string;\n",
    "packages/api/package.json": JSON.stringify({
      name: "@acme/api",
      version: "0.3.0",
      private: true,
      type: "module",
      dependencies: { "@acme/shared": shared, yaml: "^2.8.0" },
      devDependencies: { "@types/node": "^24.0.0" },
    }),
    "packages/api/specs/api/tools.yaml": `catalog: api
server: { name: acme-api, version: 0.3.0 }
tools:
  api_greet:
    handler: ./handlers/greet.ts
    safety: read
    description: Greets someone, with the workspace's shared code.
    input: { type: object, properties: { who: { type: string } }, required: [who] }
`,
    "packages/api/specs/api/handlers/greet.ts": `import { existsSync } from "fs";
import { greet } from "@acme/shared";
import type { CustomHandler } from "toolwright/catalog";
import { stringify } from "yaml";

const h: CustomHandler<{ who: string }> = async (args) => ({
  data: { text: stringify(greet(args.who)).trim(), root: existsSync("/") },
});
export default h;
`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The workspace's catalog, generated and verified where it is, serves its handler to a real client. */
async function workspaceServes(root: string) {
  const api = join(root, "packages/api");
  const toolwright = join(root, "node_modules/.bin/toolwright");
  const gen = await sh(toolwright, ["generate", "--verify"], api);
  expect(gen.stdout).toContain("verified: generated TypeScript type-checks");
  const { client } = await connect(toolwright, ["serve", "./generated/api"], api, {
    HOME: join(work, "home"),
  });
  try {
    const result = await client.callTool({ name: "api_greet", arguments: { who: "Zoë" } });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(textJson(result)).toEqual({ text: "hello Zoë", root: true });
  } finally {
    await client.close();
  }
}

/** `toolwright pack` from the API package's folder: its exit code, what it printed, and the package.json it wrote. */
async function packApi(root: string, out: string) {
  const api = join(root, "packages/api");
  const ran = await sh(
    join(root, "node_modules/.bin/toolwright"),
    ["pack", "generated/api", "--out", out],
    api,
  ).then(
    (r) => ({ code: 0, ...r }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
    }),
  );
  const file = join(out, "package.json");
  return { ...ran, pkg: existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined };
}

describe("a catalog in a workspace, with its handlers beside it", () => {
  it("npm workspaces: generate --verify and serve where it is; pack refuses the private workspace package the handlers import, then declares it (and yaml, not fs); pnpm installs the package strictly and it serves", {
    timeout: BOUND,
  }, async () => {
    const root = workspace("npm workspace é", "*", { workspaces: ["packages/*"] });
    await sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], root);
    await workspaceServes(root);

    // A private package is on no registry: a host would fail to install it, or install someone else's.
    const out = join(work, "acme api pkg ü");
    const refused = await packApi(root, out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `toolwright pack: the catalog's handlers import @acme/shared (${join(root, "packages/shared")}), a package whose package.json says "private": true`,
    );
    expect(refused.stderr).toContain("nothing was written");
    expect(existsSync(out)).toBe(false);

    // Published (no longer private): declared at the version installed, with yaml; `fs` is Node's, no package.
    const sharedJson = join(root, "packages/shared/package.json");
    const { private: _, ...shared } = JSON.parse(readFileSync(sharedJson, "utf8"));
    writeFileSync(sharedJson, JSON.stringify(shared));
    const packed = await packApi(root, out);
    expect(packed.code, packed.stderr).toBe(0);
    const yaml = JSON.parse(readFileSync(join(root, "node_modules/yaml/package.json"), "utf8")).version;
    expect(packed.pkg.dependencies).toEqual({
      "@acme/shared": "^1.2.0",
      "toolwright-runtime": `^${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}`,
      yaml: `^${yaml}`,
    });

    // As a host installs it, from the registry but for this build's runtime and the shared package's tarball.
    const dest = join(work, "acme tarballs");
    mkdirSync(dest);
    packed.pkg.dependencies["@acme/shared"] = `file:${await npmPack(join(root, "packages/shared"), dest)}`;
    packed.pkg.dependencies["toolwright-runtime"] = `file:${tarballs.runtime}`;
    writeFileSync(join(out, "package.json"), `${JSON.stringify(packed.pkg, null, 2)}\n`);
    const host = project("acme host é");
    await sh("pnpm", ["add", "--store-dir", join(TOOLS, "pnpm-store"), await npmPack(out, dest)], host);
    const { client } = await connect(join(host, "node_modules/.bin/acme-api-mcp"), [], host, {
      HOME: join(work, "home"),
    });
    try {
      const result = await client.callTool({ name: "api_greet", arguments: { who: "Åsa" } });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(textJson(result)).toEqual({ text: "hello Åsa", root: true });
    } finally {
      await client.close();
    }
  });

  it("pnpm workspaces: generate --verify and serve where it is; a package the API package does not declare: serve names it, and pack refuses it though pnpm's bin puts it on NODE_PATH", {
    timeout: BOUND,
  }, async () => {
    const root = workspace("pnpm workspace ü", "workspace:*", {});
    writeFileSync(join(root, "pnpm-workspace.yaml"), "packages:\n  - packages/*\n");
    await sh("pnpm", ["install", "--store-dir", join(TOOLS, "pnpm-store"), "--allow-build=esbuild"], root);
    await workspaceServes(root);

    // ajv is toolwright's dependency, not the API package's: an ES module import from the catalog folder does
    // not find it, but require.resolve did, through the NODE_PATH pnpm's bin sets.
    const api = join(root, "packages/api");
    writeFileSync(
      join(api, "specs/api/handlers/greet.ts"),
      `import Ajv from "ajv";\n${readFileSync(join(api, "specs/api/handlers/greet.ts"), "utf8")}void Ajv;\n`,
    );
    await sh(join(root, "node_modules/.bin/toolwright"), ["generate"], api);
    const served = await sh(
      join(root, "node_modules/.bin/toolwright"),
      ["serve", "./generated/api"],
      api,
    ).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(served?.code).toBe(1);
    expect(served?.stderr).toContain(
      `cannot load it: the catalog's handlers import ajv, which is not installed where the catalog is (${join(api, "generated/api")}); install it there (under pnpm: in the dependencies of the package whose folder holds the catalog)`,
    );
    const out = join(work, "acme pnpm pkg");
    const refused = await packApi(root, out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `toolwright pack: the catalog's handlers import ajv, which is not installed where the catalog is (${join(api, "generated/api")})`,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe("npm, without a project", () => {
  it("npx -y file:<tarball> and npm exec --package run the bin from an empty folder", {
    timeout: BOUND,
  }, async () => {
    const dir = join(work, "empty é");
    mkdirSync(dir);
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    const npx = await sh("npx", ["-y", `file:${tarballs.toolwright}`, "--version"], dir);
    expect(npx.stdout.trim()).toBe(`toolwright ${version}`);
    const exec = await sh(
      "npm",
      ["exec", "--yes", `--package=${tarballs.toolwright}`, "--", "toolwright", "--version"],
      dir,
    );
    expect(exec.stdout.trim()).toBe(`toolwright ${version}`);
  });

  it("npm install -g --prefix: the global bin serves, generates, verifies and packs, run read-only by another user with HOME unset, writing nothing into the install", {
    timeout: BOUND,
  }, async () => {
    const prefix = join(work, "global prefix é");
    await sh(
      "npm",
      ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", tarballs.toolwright],
      work,
    );
    const bin = join(prefix, "bin/toolwright");
    expect((await sh(bin, ["--version"], work)).stdout).toMatch(/^toolwright /);

    // Root ignores file modes: as root the run is another user's (nobody), who cannot write the install; as
    // anyone else the install is made read-only.
    const asRoot = process.getuid?.() === 0;
    const installed = join(prefix, "lib");
    if (!asRoot) await run("chmod", ["-R", "a-w", installed]);
    const user = join(work, "user files ü");
    mkdirSync(user);
    if (asRoot) chownSync(user, 65534, 65534);
    const before = snapshot(installed);
    // No HOME: the compile cache falls back to a folder of the user's own under the temporary folder.
    const wrap = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin] : [bin];
    const env = { PATH: process.env.PATH ?? "", TMPDIR: join(work, "user files ü") };
    const [command = "", ...lead] = wrap;
    const gen = await run(
      command,
      [
        ...lead,
        "generate",
        "--openapi",
        join(ROOT, "test/fixtures/openapi30/openapi.json"),
        "--out",
        "pets é",
      ],
      {
        cwd: user,
        env,
      },
    );
    expect(gen.stdout).toMatch(/2 tools/);
    const { client, stderr } = await connect(command, [...lead, "serve", "./pets é"], user, {
      ...env,
      PETS_BASE_URL: upstream.url,
    });
    try {
      const result = await client.callTool({
        name: "add_pet",
        arguments: { body: { petType: "Pet", name: "Åsa" } },
      });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
    } finally {
      await client.close();
    }
    expect(stderr()).not.toMatch(/EACCES|EROFS|Error:/);

    // A hand-written handler importing zod in a folder with no node_modules: the global install lends zod to
    // generate --verify, and pack declares it (pack refused it before: "zod, which is not installed").
    const notes = join(user, "specs/notes");
    mkdirSync(join(notes, "handlers"), { recursive: true });
    writeFileSync(
      join(notes, "tools.yaml"),
      "catalog: notes\ntools:\n  notes_shout:\n    handler: ./handlers/shout.ts\n    safety: read\n    description: Upper-cases a note.\n    input: { type: object, properties: { text: { type: string } }, required: [text] }\n",
    );
    writeFileSync(
      join(notes, "handlers/shout.ts"),
      `import type { CustomHandler } from "toolwright/catalog";
import { z } from "zod";
const shout: CustomHandler<{ text: string }> = async (args) => ({ data: { shout: z.string().parse(args.text) } });
export default shout;
`,
    );
    const verified = await run(command, [...lead, "generate", "--verify"], { cwd: user, env });
    expect(verified.stdout).toContain("verified: generated TypeScript type-checks");
    await run(command, [...lead, "pack", "./generated/notes", "--out", "notes pkg"], { cwd: user, env });
    const notesPkg = JSON.parse(readFileSync(join(user, "notes pkg/package.json"), "utf8"));
    expect(Object.keys(notesPkg.dependencies)).toEqual(["toolwright-runtime", "zod"]);
    expect(snapshot(installed)).toEqual(before);
    expect(
      readdirSync(join(work, "user files ü")).some((f) => f.startsWith("toolwright-compile-cache-")),
    ).toBe(true);
    if (!asRoot) await run("chmod", ["-R", "u+w", installed]);
  });

  it("a packed catalog installed with npm install -g serves from its global bin", {
    timeout: BOUND,
  }, async () => {
    const tarball = await packScaly(
      [join(ROOT, "bin/toolwright.mjs")],
      join(ROOT, "generated/scaly"),
      "scaly global é",
    );
    const prefix = join(work, "global catalog ü");
    await sh("npm", ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", tarball], work);
    await scalyServes(join(prefix, "bin/scaly-mcp"), [], work);
  });
});
