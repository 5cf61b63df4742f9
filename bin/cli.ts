// `toolwright <command>`: the one place that knows both planes. `serve` loads the runtime (src/), the build
// verbs load the generator (codegen/) lazily, so serving never pays for (or depends on) the generator.
//
// Compiled into the package's bin (dist/toolwright.js, `npm run build`); in a clone, bin/toolwright.mjs runs it
// from the TypeScript sources.
import { readAheadSpec } from "../codegen/cli/read-ahead.js";
import { enableCompileCache } from "../src/cli/compile-cache.js";
import { exitWhenWritten } from "../src/cli/exit.js";
import { packageVersion } from "../src/load/package.js";

// The Node lines package.json's engines names; on another (Node 20 reached end of life in April 2026) say so
// plainly instead of failing on a missing API. A namespace import, so nothing fails before this check.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (!((major === 22 && minor >= 15) || major >= 24)) {
  process.stderr.write(
    `toolwright: needs Node.js 22.15 or later on the 22 line, or 24 and later (package.json engines); this is Node.js ${process.version}\n`,
  );
  process.exit(1);
}

// `generate --openapi FILE` (and init's): the spec is read on libuv's thread pool while the generator's modules load.
readAheadSpec(process.argv.slice(2), process.cwd());

// Node keeps the bytecode of every module it compiles (ours, the SDK, zod, a catalog's) in an on-disk cache of
// this user's, so a start after the first skips compiling them (NODE_DISABLE_COMPILE_CACHE=1 turns it off).
enableCompileCache();

type Verb = (argv: string[]) => Promise<number>;

interface Command {
  summary: string;
  load: () => Promise<Verb>;
}

const VERBS: Record<string, Command> = {
  serve: {
    summary: "serve a generated catalog over stdio",
    load: async () => (await import("../src/cli/serve.js")).runServe,
  },
  init: {
    summary: "start a commented tools.yaml from a spec (every operation, by tag, with its safety class)",
    load: async () => (await import("../codegen/cli/init.js")).run,
  },
  generate: {
    summary: "regenerate catalogs from specs/ (or one bare spec)",
    load: async () => (await import("../codegen/cli/generate.js")).run,
  },
  check: {
    summary: "fail, listing files, when generated/ is stale",
    load: async () => (await import("../codegen/cli/check.js")).run,
  },
  audit: {
    summary: "print each tool's safety class, binding and policies",
    load: async () => (await import("../codegen/cli/audit.js")).run,
  },
  diff: {
    summary: "what changed between two generated catalogs (and whether it widens what an agent can do)",
    load: async () => (await import("../codegen/cli/diff.js")).run,
  },
  pack: {
    summary: "make an npm package of a generated catalog (a bin hosts run with npx)",
    load: async () => (await import("../codegen/cli/pack.js")).run,
  },
  "manifest-schema": {
    summary: "print the JSON Schema of tools.yaml",
    load: async () => (await import("../codegen/cli/manifest-schema.js")).run,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(VERBS).map((verb) => verb.length));
  const lines = Object.entries(VERBS).map(([verb, { summary }]) => `  ${verb.padEnd(width)}  ${summary}`);
  return `Usage: toolwright <command> [options]

Compiles OpenAPI/GraphQL specs plus a YAML manifest into MCP tool catalogs, and serves them.

Commands:
${lines.join("\n")}

Run \`toolwright <command> --help\` for a command's options; \`toolwright --version\` prints the version.
`;
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    process.stdout.write(usage());
    return 0;
  }
  if (verb === "--version" || verb === "-v") {
    process.stdout.write(`toolwright ${packageVersion()}\n`);
    return 0;
  }
  const command = VERBS[verb];
  if (!command) {
    process.stderr.write(`toolwright: unknown command ${JSON.stringify(verb)}\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  // The verbs report their own errors; reaching here is a bug, so say so without a stack full of paths.
  process.stderr.write(
    `toolwright: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  code = 1;
}
// Exit explicitly: after `serve` ends (stdin closed) idle upstream keep-alive sockets must not hold the process;
// once stdout and stderr are written out (a large --json summary into a pipe was cut at 64 KiB).
await exitWhenWritten(code);
