import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VENDORED } from "../../codegen/vendored.js";
import { CATALOG_FORMAT } from "../../src/catalog.js";
import { textJson } from "../helpers/mcp.js";
import { unsupportedNode } from "../helpers/package-tools.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * toolwright as a user gets it: `npm pack` (which builds), installed from the tarball into an empty folder outside
 * the repository (dependencies from the registry, through the machine's shared npm cache), used there with `npx`;
 * then a reference catalog packed with `toolwright pack`, installed with the toolwright-runtime tarball into
 * another empty folder, and run as a host runs it.
 */

const run = promisify(execFile);
const NPM = "npm";
/** No audit or funding chatter; the cache is the machine's own, so a warm cache makes this fast. */
const QUIET = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

let work: string;
let upstream: RecordingServer;
/** The clone's package.json as it was before the first pack. */
let manifestBefore: string;
const tarballs: { toolwright: string; runtime: string } = { toolwright: "", runtime: "" };
/** The paths each tarball holds. */
const packed: { toolwright: string[]; runtime: string[] } = { toolwright: [], runtime: [] };

async function npm(args: string[], cwd: string) {
  return run(NPM, args, {
    cwd,
    env: { ...process.env, npm_config_update_notifier: "false" },
    maxBuffer: 64 << 20,
  });
}

async function npmPack(dir: string, dest: string): Promise<{ file: string; files: string[]; pkg: any }> {
  const { stdout } = await npm(["pack", dir, "--json", "--pack-destination", dest, "--loglevel=error"], ROOT);
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!info) throw new Error(`npm pack ${dir} said nothing`);
  return { file: join(dest, info.filename), files: info.files.map((f) => f.path), pkg: info };
}

/** What each `npm install` in installInto printed (stdout and stderr), by folder name. */
const installed: Record<string, string> = {};

/** An empty project folder outside the repository with the given tarballs installed. */
async function installInto(name: string, files: string[]): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: `try-${name}`, private: true })}\n`);
  // Warnings too (the QUIET log level would hide npm 11's install-scripts warning).
  const { stdout, stderr } = await npm(
    ["install", ...QUIET.filter((a) => !a.startsWith("--loglevel")), ...files],
    dir,
  );
  installed[name] = stdout + stderr;
  return dir;
}

/** Every file under `dir`, as paths relative to it with / separators. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(dir, rel) : [rel];
  });
}

/** One file of a tarball. */
async function fromTarball(tarball: string, path: string): Promise<string> {
  return (await run("tar", ["-xzOf", tarball, `package/${path}`], { maxBuffer: 64 << 20 })).stdout;
}

/** npm installs and packs from tarballs: a failure bound that holds on a busy 2-core machine, not a target. */
const NPM_BOUND = 300_000;

async function npx(dir: string, args: string[]) {
  return run("npx", ["--no-install", ...args], { cwd: dir, env: { ...process.env, HOME: dir } });
}

/** A host's stdio connection to `npx <args>` in `dir`, with only the env given (and PATH, HOME). */
async function connect(dir: string, args: string[], env: Record<string, string>) {
  const transport = new StdioClientTransport({
    command: "npx",
    args: ["--no-install", ...args],
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const client = new Client({ name: "package-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tw-package-"));
  upstream = await startRecordingServer((req, res) => {
    if (req.method === "POST" && req.path === "/pets")
      return sendJson(res, 200, JSON.parse(req.body.toString()));
  });
  manifestBefore = readFileSync(join(ROOT, "package.json"), "utf8");
  // The runtime package is built by the same build `npm pack` runs for toolwright (prepack).
  const toolwright = await npmPack(ROOT, work);
  const runtime = await npmPack(join(ROOT, "build/runtime"), work);
  tarballs.toolwright = toolwright.file;
  tarballs.runtime = runtime.file;
  packed.toolwright = toolwright.files;
  packed.runtime = runtime.files;
}, 300_000);

afterAll(async () => {
  await upstream?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed tarballs", () => {
  it("toolwright ships compiled code, declarations and the reference catalogs' runtime files, and no sources", () => {
    const files = packed.toolwright;
    expect(files).toContain("dist/toolwright.js");
    expect(files).toContain("dist/catalog.js");
    expect(files).toContain("dist/catalog.d.ts");
    expect(files).toContain("generated/scaivault/catalog.gen.mjs");
    expect(files).toContain("generated/scaly/handlers.gen.mjs");
    // The one-file copies generate loads instead of yaml's and Handlebars' module files (codegen/vendored.ts).
    for (const file of Object.values(VENDORED)) expect(files).toContain(`dist/chunks/vendor/${file}`);
    expect(files.filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => /^(src|codegen|test|specs|bin|scripts)\//.test(f))).toEqual([]);
  });

  it("toolwright holds every file the reference catalogs' servers read (their prompts and resources too), and no dotfile", () => {
    for (const catalog of ["scaivault", "scaly"]) {
      const runtimeFiles = filesUnder(join(ROOT, "generated", catalog)).filter((f) => !f.endsWith(".ts"));
      expect(runtimeFiles.some((f) => f.startsWith("assets/"))).toBe(true);
      const missing = runtimeFiles.filter((f) => !packed.toolwright.includes(`generated/${catalog}/${f}`));
      expect(missing, `generated/${catalog}`).toEqual([]);
    }
    // dist/.built (the build's time stamp, for bin/toolwright.mjs in a clone) made every pack differ.
    const dotfiles = [...packed.toolwright, ...packed.runtime].filter((f) => /(^|\/)\./.test(f));
    expect(dotfiles).toEqual([]);
  });

  it("toolwright's package.json has no install script, nor the clone's scripts and devDependencies; the clone's is left as it was", async () => {
    const pkg = JSON.parse(await fromTarball(tarballs.toolwright, "package.json"));
    expect(Object.keys(pkg)).not.toContain("scripts");
    expect(Object.keys(pkg)).not.toContain("devDependencies");
    expect(Object.keys(pkg)).not.toContain("allowScripts");
    const clone = JSON.parse(manifestBefore);
    for (const field of ["name", "version", "license", "type", "bin", "exports", "engines", "dependencies"])
      expect(pkg[field], field).toEqual(clone[field]);
    expect(readFileSync(join(ROOT, "package.json"), "utf8")).toBe(manifestBefore);
    expect(existsSync(join(ROOT, "build/package.json.clone"))).toBe(false);
  });

  it("packing twice makes the same tarball, byte for byte", { timeout: NPM_BOUND }, async () => {
    const again = join(work, "again");
    mkdirSync(again);
    const second = await npmPack(ROOT, again);
    const digest = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
    expect(second.files).toEqual(packed.toolwright);
    expect(digest(second.file)).toBe(digest(tarballs.toolwright));
  });

  it("file modes, line ends and shebang: only the bin is executable, it starts #!/usr/bin/env node, no file has a CR", async () => {
    for (const [name, tarball] of Object.entries(tarballs)) {
      const { stdout } = await run("tar", ["-tvzf", tarball]);
      const modes = stdout
        .trim()
        .split("\n")
        .map((line) => {
          const [mode = "", , , , , ...rest] = line.split(/\s+/);
          return [rest.join(" ").replace(/^package\//, ""), mode] as const;
        });
      expect(modes.length, name).toBeGreaterThan(5);
      const executable = modes.filter(([, mode]) => mode !== "-rw-r--r--");
      expect(executable, name).toEqual(name === "toolwright" ? [["dist/toolwright.js", "-rwxr-xr-x"]] : []);
      const dir = join(work, `unpacked-${name}`);
      mkdirSync(dir);
      await run("tar", ["-xzf", tarball, "-C", dir]);
      const withCR = filesUnder(join(dir, "package")).filter((f) =>
        readFileSync(join(dir, "package", f)).includes(13),
      );
      expect(withCR, name).toEqual([]);
    }
    expect((await fromTarball(tarballs.toolwright, "dist/toolwright.js")).split("\n")[0]).toBe(
      "#!/usr/bin/env node",
    );
  });

  it("both carry toolwright's own license text, the one package.json names", () => {
    expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).license).toBe("Apache-2.0");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toContain(
      "Apache License\n                           Version 2.0, January 2004",
    );
    expect(packed.toolwright).toContain("LICENSE");
    expect(packed.runtime).toContain("LICENSE");
  });

  it("both carry the licenses of the packages compiled into their chunks", () => {
    expect(packed.toolwright).toContain("dist/THIRD-PARTY-NOTICES.md");
    expect(packed.runtime).toContain("dist/THIRD-PARTY-NOTICES.md");
    for (const file of ["dist/THIRD-PARTY-NOTICES.md", "build/runtime/dist/THIRD-PARTY-NOTICES.md"]) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const name of ["@modelcontextprotocol/server", "@modelcontextprotocol/core", "zod"]) {
        const version = JSON.parse(
          readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8"),
        ).version;
        expect(text).toContain(`## ${name} ${version} (`);
      }
      expect(text).toContain("Permission is hereby granted"); // zod's MIT text
      expect(text).toContain("Apache License"); // the SDK's
    }
  });

  it("toolwright-runtime depends on the runtime's packages only, none of the generator's", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "build/runtime/package.json"), "utf8"));
    const deps = Object.keys(pkg.dependencies);
    // The SDK's server and zod are compiled into the runtime's chunks; zod stays for compiled handlers to import.
    expect(deps).not.toContain("@modelcontextprotocol/server");
    expect(deps).toContain("zod");
    expect(deps).toContain("re2js");
    for (const generatorOnly of [
      "ts-morph",
      "typescript",
      "openapi-typescript",
      "esbuild",
      "graphql",
      "tsx",
    ]) {
      expect(deps).not.toContain(generatorOnly);
    }
    expect(packed.runtime.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(f))).toEqual(
      [],
    );
  });
});

describe("installed, not cloned", () => {
  let project: string;
  beforeAll(async () => {
    project = await installInto("user", [tarballs.toolwright]);
    copyFileSync(join(ROOT, "test/fixtures/openapi30/openapi.json"), join(project, "openapi.json"));
  }, 300_000);

  it("npm runs no install script of toolwright's, nor warns of one", () => {
    expect(installed.user).not.toMatch(/toolwright@[^\n]*(postinstall|prepare|preinstall)/);
    expect(existsSync(join(project, "node_modules/toolwright/package.json"))).toBe(true);
  });

  it("npx toolwright serve scaivault serves the packed reference catalog with its prompt texts", {
    timeout: NPM_BOUND,
  }, async () => {
    const { client } = await connect(project, ["toolwright", "serve", "scaivault"], {
      SCAIVAULT_TOKEN: "t",
      XDG_STATE_HOME: join(project, "state"),
    });
    try {
      const { prompts } = await client.listPrompts();
      expect(prompts.map((p) => p.name).sort()).toEqual([
        "audit-investigation",
        "migrate-from-env",
        "rotate-credential",
      ]);
      const prompt = await client.getPrompt({ name: "audit-investigation", arguments: { path: "app/db" } });
      expect(JSON.stringify(prompt.messages)).toContain("app/db");
    } finally {
      await client.close();
    }
  });

  it("nothing compiles at run time: no tsx installed, the bin is the compiled dist/toolwright.js", () => {
    expect(existsSync(join(project, "node_modules/tsx"))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(project, "node_modules/toolwright/package.json"), "utf8"));
    expect(pkg.bin).toEqual({ toolwright: "dist/toolwright.js" });
  });

  it("npx toolwright --version, generate, audit, and serve with a real client against a local upstream", {
    timeout: NPM_BOUND,
  }, async () => {
    const version = await npx(project, ["toolwright", "--version"]);
    expect(version.stdout.trim()).toBe(
      `toolwright ${JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version}`,
    );

    const gen = await npx(project, ["toolwright", "generate", "--openapi", "openapi.json", "--out", "gen"]);
    expect(gen.stdout).toMatch(/2 tools \(1 read, 1 write, 0 destructive\)/);
    expect(existsSync(join(project, "gen/catalog.gen.mjs"))).toBe(true);

    const audit = await npx(project, ["toolwright", "audit", "./gen"]);
    expect(audit.stdout).toMatch(/^Catalog pets /); // named after info.title ("Pets 3.0")
    expect(audit.stdout).toContain("POST /pets");

    const { client } = await connect(project, ["toolwright", "serve", "./gen"], {
      PETS_BASE_URL: upstream.url,
    });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(["add_pet", "list_pets"]);
      upstream.received.length = 0;
      const result = await client.callTool({
        name: "add_pet",
        arguments: { body: { petType: "Pet", name: "Rex" } },
      });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(textJson(result)).toMatchObject({ petType: "Pet", name: "Rex" });
      expect(upstream.received).toHaveLength(1);
      const [received] = upstream.received;
      expect(received?.method).toBe("POST");
      expect(received?.path).toBe("/pets");
      expect(JSON.parse(received?.body.toString() ?? "")).toEqual({ petType: "Pet", name: "Rex" });
    } finally {
      await client.close();
    }
  });

  it("a user's repository (CommonJS package.json) with hand-written handlers: generate --verify, serve, call; a syntax error is located", {
    timeout: NPM_BOUND,
  }, async () => {
    // The project's package.json has no "type": CommonJS, as most repositories are.
    const files: Record<string, string> = {
      "specs/notes/tools.yaml": `catalog: notes
tools:
  notes_shout:
    handler: ./handlers/shout.ts
    safety: read
    description: Upper-cases a note, in a handler of the user's own repository.
    input: { type: object, properties: { text: { type: string } }, required: [text] }
`,
      "specs/notes/handlers/shout.ts": `import type { CustomHandler } from "toolwright/catalog";
import { z } from "zod";
import { suffix } from "./lib/suffix.js";

const Args = z.object({ text: z.string() });
const shout: CustomHandler<{ text: string }> = async (args) => ({
  data: { shout: \`\${Args.parse(args).text.toUpperCase()}\${suffix}\` },
});
export default shout;
`,
      "specs/notes/handlers/lib/suffix.ts": `export const suffix = "!";\n`,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(project, path, ".."), { recursive: true });
      writeFileSync(join(project, path), text);
    }
    const gen = await npx(project, ["toolwright", "generate", "--verify"]);
    expect(gen.stderr).not.toMatch(/error/i);
    expect(gen.stdout).toContain("verified: generated TypeScript type-checks");
    expect(existsSync(join(project, "generated/notes/handlers.gen.mjs"))).toBe(true);

    const { client } = await connect(project, ["toolwright", "serve", "./generated/notes"], {});
    try {
      const result = await client.callTool({ name: "notes_shout", arguments: { text: "hi" } });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(textJson(result)).toEqual({ shout: "HI!" });
    } finally {
      await client.close();
    }

    const before = readFileSync(join(project, "generated/notes/handlers.gen.mjs"), "utf8");
    writeFileSync(join(project, "specs/notes/handlers/lib/suffix.ts"), `export const suffix = ;\n`);
    const broken = await npx(project, ["toolwright", "generate"]).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(broken?.code).toBe(1);
    expect(broken?.stderr).toMatch(/specs\/notes\/handlers\/lib\/suffix\.ts:1:\d+/);
    expect(readFileSync(join(project, "generated/notes/handlers.gen.mjs"), "utf8")).toBe(before);
  });

  it("a reference catalog packed with toolwright pack runs with npx <bin> from an empty folder", {
    timeout: NPM_BOUND,
  }, async () => {
    const out = join(work, "scaly-package");
    const packedMsg = await npx(project, ["toolwright", "pack", join(ROOT, "generated/scaly"), "--out", out]);
    expect(packedMsg.stdout).toContain('"command": "npx", "args": ["-y", "scaly-mcp"]');
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    expect(pkg.name).toBe("scaly-mcp");
    expect(pkg.version).toBe("0.1.47");
    expect(pkg.bin).toEqual({ "scaly-mcp": "bin/scaly-mcp.mjs" });
    // The runtime alone, plus what the compiled handlers import; nothing of the generator.
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      "ajv",
      "ajv-formats",
      "toolwright-runtime",
      "yaml",
    ]);
    const tarball = await npmPack(out, work);
    expect(tarball.files.filter((f) => f.endsWith(".ts"))).toEqual([]);

    const host = await installInto("host", [tarball.file, tarballs.runtime]);
    expect(existsSync(join(host, "node_modules/toolwright"))).toBe(false);
    expect(existsSync(join(host, "node_modules/typescript"))).toBe(false);

    const help = await npx(host, ["scaly-mcp", "--help"]);
    expect(help.stdout).toMatch(/^Usage: scaly-mcp \[options\]/);
    expect(help.stdout).toMatch(/SCALY_API_KEY\n\s+.*\n\s+\[string; required; secret\]/);

    // The Node lines it runs on are checked before anything loads: one line on an older Node, not a stack.
    const old = await unsupportedNode();
    const refused = await run(old.node, [join(host, "node_modules/.bin/scaly-mcp"), "--help"], {
      cwd: host,
    }).then(
      () => undefined,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stdout).toBe("");
    expect(refused?.stderr).toBe(
      `scaly-mcp: needs Node.js 22.15 or later on the 22 line, or 24 and later (package.json engines); this is Node.js ${old.version}\n`,
    );

    const token = `x.${Buffer.from(JSON.stringify({ exp: 4102444800 })).toString("base64url")}.y`;
    const { client } = await connect(host, ["scaly-mcp"], {
      SCALY_API_KEY: "k",
      SCALY_APPSYNC_KEY: "a",
      SCALY_OIDC_TOKEN: token,
    });
    try {
      const { tools } = await client.listTools();
      const doc = JSON.parse(readFileSync(join(ROOT, "generated/scaly/catalog.json"), "utf8")) as {
        tools: { name: string; aliases: string[]; internal?: boolean }[];
      };
      const listed = doc.tools.filter((t) => !t.internal).flatMap((t) => [t.name, ...t.aliases]);
      expect(tools.map((t) => t.name).sort()).toEqual(listed.sort());
      // A compiled hand-written handler, loaded with its package imports from the installed package.
      const status = await client.callTool({ name: "scaly_auth_status", arguments: {} });
      expect(status.isError, JSON.stringify(status)).toBeFalsy();
      expect(JSON.stringify(status.structuredContent)).toMatch(/"present":true/);
      // A spec pattern, checked by the runtime's pattern engine (loaded from the installed runtime on first use).
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
  });
});

/** The module URLs and public Node built-ins one stdio start loaded, answering initialize and tools/list. */
async function startLoads(args: string[], cwd: string, env: Record<string, string>) {
  const record = join(mkdtempSync(join(work, "loads-")), "loads.txt");
  const child = execFile(
    process.execPath,
    ["--import", join(ROOT, "test/cli/fixtures/record-loads.mjs"), ...args],
    {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: work, RECORD_LOADS: record, ...env },
      maxBuffer: 64 << 20,
    },
  );
  const stdout = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
  const hello = { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } };
  child.stdin?.end(
    `${[
      { jsonrpc: "2.0", id: 1, method: "initialize", params: hello },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
    ]
      .map((m) => JSON.stringify(m))
      .join("\n")}\n`,
  );
  const listed = (await stdout)
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .find((m) => m.id === 2)?.result?.tools?.length;
  const urls = readFileSync(record, "utf8").trim().split("\n");
  const packages = urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []);
  return {
    listed,
    files: urls.filter((url) => url.startsWith("file:")),
    packages: [...new Set(packages)].sort(),
    builtins: urls.filter((url) => url.startsWith("node:")).sort(),
  };
}

describe("a packed catalog starts as the clone serves it", () => {
  it("the ScaiVault package's bin loads the clone's Node built-ins, toolwright-runtime alone and no more module files; the catalog's zod module waits for a call", {
    timeout: NPM_BOUND,
  }, async () => {
    const out = join(work, "scaivault-package");
    await run(
      process.execPath,
      [join(ROOT, "dist/toolwright.js"), "pack", "generated/scaivault", "--out", out],
      {
        cwd: ROOT,
      },
    );
    const host = await installInto("scaivault-host", [(await npmPack(out, work)).file, tarballs.runtime]);
    const env = { SCAIVAULT_URL: "http://127.0.0.1:9", SCAIVAULT_TOKEN: "t" };
    const packedBin = join(host, "node_modules/scaivault-mcp/bin/scaivault-mcp.mjs");
    const packedStart = await startLoads([packedBin], host, env);
    const clone = await startLoads([join(ROOT, "dist/toolwright.js"), "serve", "scaivault"], ROOT, env);
    expect(packedStart.listed).toBeGreaterThan(60);
    expect(packedStart.listed).toBe(clone.listed);
    expect(packedStart.builtins).toEqual(clone.builtins);
    expect(clone.packages).toEqual([]);
    expect(packedStart.packages).toEqual(["scaivault-mcp", "toolwright-runtime"]);
    expect(packedStart.files.length).toBeLessThanOrEqual(clone.files.length);
    const catalogModules = (files: string[]) =>
      files
        .filter((url) => /\/(generated\/scaivault|scaivault-mcp\/catalog)\//.test(url))
        .map((url) => url.split("/").pop());
    expect(catalogModules(packedStart.files)).toEqual(["catalog.gen.mjs"]);
    expect(catalogModules(clone.files)).toEqual(["catalog.gen.mjs"]);
  });
});

describe("the library API, from a consumer's own project", () => {
  let consumer: string;
  const version = () => JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
  beforeAll(async () => {
    consumer = await installInto("consumer", [tarballs.toolwright, tarballs.runtime]);
  }, 300_000);

  it("ESM and CommonJS (require of an ES module, Node 22.12+) load every entry point exports offers", async () => {
    writeFileSync(
      join(consumer, "esm.mjs"),
      `import { CATALOG_FORMAT, authValues } from "toolwright/catalog";
import { runPackedCatalog } from "toolwright-runtime";
import { CATALOG_FORMAT as again } from "toolwright-runtime/catalog";
import { compileCacheFolder, enableCompileCache } from "toolwright-runtime/compile-cache";
import pkg from "toolwright/package.json" with { type: "json" };
console.log(JSON.stringify([CATALOG_FORMAT, again, typeof authValues, typeof runPackedCatalog, typeof enableCompileCache, typeof compileCacheFolder, pkg.version]));
`,
    );
    writeFileSync(
      join(consumer, "cjs.cjs"),
      `const { CATALOG_FORMAT, authValues } = require("toolwright/catalog");
const { runPackedCatalog } = require("toolwright-runtime");
const { CATALOG_FORMAT: again } = require("toolwright-runtime/catalog");
const { compileCacheFolder, enableCompileCache } = require("toolwright-runtime/compile-cache");
const pkg = require("toolwright/package.json");
console.log(JSON.stringify([CATALOG_FORMAT, again, typeof authValues, typeof runPackedCatalog, typeof enableCompileCache, typeof compileCacheFolder, pkg.version]));
`,
    );
    const expected = [
      CATALOG_FORMAT,
      CATALOG_FORMAT,
      "function",
      "function",
      "function",
      "function",
      version(),
    ];
    for (const file of ["esm.mjs", "cjs.cjs"]) {
      const { stdout, stderr } = await run(process.execPath, [file], { cwd: consumer });
      expect(JSON.parse(stdout), file).toEqual(expected);
      expect(stderr, file).toBe("");
    }
  });

  it("a script of the consumer's serves a generated catalog with runPackedCatalog, to a real client", {
    timeout: NPM_BOUND,
  }, async () => {
    copyFileSync(join(ROOT, "test/fixtures/openapi30/openapi.json"), join(consumer, "openapi.json"));
    await npx(consumer, ["toolwright", "generate", "--openapi", "openapi.json", "--out", "pets"]);
    writeFileSync(
      join(consumer, "my-server.mjs"),
      `import { runPackedCatalog } from "toolwright-runtime";
await runPackedCatalog(new URL("./pets/", import.meta.url), "my-server");
`,
    );
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["my-server.mjs"],
      cwd: consumer,
      env: { PATH: process.env.PATH ?? "", HOME: consumer, PETS_BASE_URL: upstream.url },
      stderr: "pipe",
    });
    const client = new Client({ name: "embedding-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(["add_pet", "list_pets"]);
      const result = await client.callTool({
        name: "add_pet",
        arguments: { body: { petType: "Pet", name: "Nemo" } },
      });
      expect(textJson(result)).toEqual({ petType: "Pet", name: "Nemo" });
    } finally {
      await client.close();
    }
  });

  it("TypeScript consumers type-check against the shipped declarations and a generated catalog, strict (verbatimModuleSyntax, exactOptionalPropertyTypes, no skipLibCheck): node16, nodenext (ESM and CommonJS), bundler", {
    timeout: NPM_BOUND,
  }, async () => {
    // An ES module package inside the consumer's project (node_modules is the consumer's): its own catalog, with
    // a hand-written handler typed from the generated ToolTypes, generated and verified there.
    const ts = join(consumer, "ts");
    const files: Record<string, string> = {
      "package.json": `${JSON.stringify({ name: "ts-consumer", private: true, type: "module" })}\n`,
      "specs/notes/tools.yaml": `catalog: notes
tools:
  notes_shout:
    handler: ./handlers/shout.ts
    safety: read
    description: Upper-cases a note.
    input: { type: object, properties: { text: { type: string }, times: { type: integer } }, required: [text] }
`,
      "specs/notes/handlers/shout.ts": `import type { CustomHandler } from "toolwright/catalog";
import type { ToolTypes } from "../../../generated/notes/schemas.gen.js";

type Args = ToolTypes["notes_shout"]["input"];
const shout: CustomHandler<Args> = async (args) => ({
  data: { shout: args.text.toUpperCase().repeat(args.times ?? 1) },
});
export default shout;
`,
      "use.mts": `import type { CatalogModule, CatalogTool, CustomHandler } from "toolwright/catalog";
import { CATALOG_FORMAT } from "toolwright/catalog";
import { runPackedCatalog } from "toolwright-runtime";
import { enableCompileCache } from "toolwright-runtime/compile-cache";
import notes from "./generated/notes/catalog.gen.js";
import type { ToolTypes } from "./generated/notes/schemas.gen.js";

export const args: ToolTypes["notes_shout"]["input"] = { text: "hi" };
export const catalogs: CatalogModule[] = [notes];
export const handler: CustomHandler<{ text: string }> = async (a) => ({ data: { echo: a.text } });
export const format: number = CATALOG_FORMAT;
export const names = (tools: CatalogTool[]): string[] => tools.map((t) => t.name);
export async function serve(): Promise<never> {
  const cache: string | undefined = enableCompileCache();
  void cache;
  return runPackedCatalog(new URL("./generated/notes/", import.meta.url), "my-server", ["--read-only"]);
}
`,
      // CommonJS requiring the ES modules (Node 22.12+), their types under nodenext (TypeScript 5.8+); node16
      // needs resolution-mode on a type import (docs/packaging.md).
      "use.cts": `import runtime = require("toolwright-runtime");
import contract = require("toolwright/catalog");
import type { CustomHandler } from "toolwright/catalog";

const handler: CustomHandler<{ text: string }> = async (args) => ({ data: { echo: args.text } });
const serve: (catalog: URL | string, program: string) => Promise<never> = runtime.runPackedCatalog;
export = { handler, serve, format: contract.CATALOG_FORMAT };
`,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(ts, path, ".."), { recursive: true });
      writeFileSync(join(ts, path), text);
    }
    const gen = await npx(ts, ["toolwright", "generate", "--verify"]);
    expect(gen.stdout).toContain("verified: generated TypeScript type-checks");

    const generated = ["generated/notes/catalog.gen.ts", "generated/notes/schemas.gen.ts"];
    const handlers = ["specs/notes/handlers/shout.ts"];
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    for (const [resolution, module, only] of [
      ["node16", "node16", ["use.mts"]],
      ["nodenext", "nodenext", ["use.mts", "use.cts"]],
      ["bundler", "esnext", ["use.mts"]],
      ["bundler", "preserve", ["use.mts"]],
    ] as const) {
      const config = `tsconfig.${module}.json`;
      writeFileSync(
        join(ts, config),
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution: resolution,
            target: "es2022",
            lib: ["es2022", "dom"],
            types: [],
            strict: true,
            verbatimModuleSyntax: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            isolatedModules: true,
            skipLibCheck: false,
            outDir: `out-${module}`,
          },
          files: [...only, ...generated, ...handlers],
        }),
      );
      const checked = await run(process.execPath, [tsc, "-p", config], { cwd: ts }).then(
        () => "",
        (error: { stdout?: string }) => error.stdout ?? "failed",
      );
      expect(checked, `${resolution} ${module}`).toBe("");
    }
    // What tsc wrote for CommonJS runs: require() of the ES module packages.
    const cjs = await run(
      process.execPath,
      ["-e", `const m = require("./out-nodenext/use.cjs"); console.log(typeof m.serve, m.format)`],
      { cwd: ts },
    );
    expect(cjs.stdout.trim()).toBe(`function ${CATALOG_FORMAT}`);
    expect(cjs.stderr).toBe("");
  });
});
