#!/usr/bin/env node
// The package ships TypeScript sources; tsx compiles them on the fly (and caches the result),
// so there is no build step between editing a manifest and serving the catalog.
//
// This shim is the only place that knows both planes: `serve` loads the runtime (src/), the build verbs load
// the generator (codegen/) lazily, so serving never pays for (or depends on) the generator.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();

const VERBS = {
  serve: {
    module: "../src/cli/serve.ts",
    entry: "runServe",
    summary: "serve a generated catalog over stdio",
  },
  generate: {
    module: "../codegen/cli/generate.ts",
    entry: "run",
    summary: "regenerate catalogs from specs/ (or one bare spec)",
  },
  check: {
    module: "../codegen/cli/check.ts",
    entry: "run",
    summary: "fail, listing files, when generated/ is stale",
  },
  audit: {
    module: "../codegen/cli/audit.ts",
    entry: "run",
    summary: "print each tool's safety class, binding and policies",
  },
  diff: {
    module: "../codegen/cli/diff.ts",
    entry: "run",
    summary: "what changed between two generated catalogs (and whether it widens what an agent can do)",
  },
  "manifest-schema": {
    module: "../codegen/cli/manifest-schema.ts",
    entry: "run",
    summary: "print the JSON Schema of tools.yaml",
  },
};

function usage() {
  const width = Math.max(...Object.keys(VERBS).map((verb) => verb.length));
  const lines = Object.entries(VERBS).map(([verb, { summary }]) => `  ${verb.padEnd(width)}  ${summary}`);
  return `Usage: toolwright <command> [options]

Compiles OpenAPI/GraphQL specs plus a YAML manifest into MCP tool catalogs, and serves them.

Commands:
${lines.join("\n")}

Run \`toolwright <command> --help\` for a command's options.
`;
}

async function main(argv) {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    process.stdout.write(usage());
    return 0;
  }
  const command = VERBS[verb];
  if (!command) {
    process.stderr.write(`toolwright: unknown command ${JSON.stringify(verb)}\n\n${usage()}`);
    return 2;
  }
  const url = new URL(command.module, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    process.stderr.write(
      `toolwright ${verb}: not available in this build yet (${command.module.slice(3)} is missing)\n`,
    );
    return 1;
  }
  const loaded = await import(url.href);
  return loaded[command.entry](rest);
}

let code;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  // The verbs report their own errors; reaching here is a bug, so say so without a stack full of paths.
  process.stderr.write(
    `toolwright: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  code = 1;
}
// Exit explicitly: after `serve` ends (stdin closed) idle upstream keep-alive sockets must not hold the process.
process.exit(code);
