#!/usr/bin/env node
import { packageVersion } from "./chunks/chunk-ZE2OXDKH.js";
import "./chunks/chunk-WSFCRVEQ.js";

// bin/cli.ts
var VERBS = {
  serve: {
    summary: "serve a generated catalog over stdio",
    load: async () => (await import("./chunks/serve-A5RTNC5Z.js")).runServe,
  },
  generate: {
    summary: "regenerate catalogs from specs/ (or one bare spec)",
    load: async () => (await import("./chunks/generate-22AHHS6H.js")).run,
  },
  check: {
    summary: "fail, listing files, when generated/ is stale",
    load: async () => (await import("./chunks/check-OGYHNUJU.js")).run,
  },
  audit: {
    summary: "print each tool's safety class, binding and policies",
    load: async () => (await import("./chunks/audit-UMVN3S3K.js")).run,
  },
  diff: {
    summary: "what changed between two generated catalogs (and whether it widens what an agent can do)",
    load: async () => (await import("./chunks/diff-YIVPSZU6.js")).run,
  },
  pack: {
    summary: "make an npm package of a generated catalog (a bin hosts run with npx)",
    load: async () => (await import("./chunks/pack-KXHUQL36.js")).run,
  },
  "manifest-schema": {
    summary: "print the JSON Schema of tools.yaml",
    load: async () => (await import("./chunks/manifest-schema-LF5E2K3Q.js")).run,
  },
};
function usage() {
  const width = Math.max(...Object.keys(VERBS).map((verb) => verb.length));
  const lines = Object.entries(VERBS).map(([verb, { summary }]) => `  ${verb.padEnd(width)}  ${summary}`);
  return `Usage: toolwright <command> [options]

Compiles OpenAPI/GraphQL specs plus a YAML manifest into MCP tool catalogs, and serves them.

Commands:
${lines.join("\n")}

Run \`toolwright <command> --help\` for a command's options; \`toolwright --version\` prints the version.
`;
}
async function main(argv) {
  const [verb, ...rest] = argv;
  if (verb === void 0 || verb === "--help" || verb === "-h" || verb === "help") {
    process.stdout.write(usage());
    return 0;
  }
  if (verb === "--version" || verb === "-v") {
    process.stdout.write(`toolwright ${packageVersion()}
`);
    return 0;
  }
  const command = VERBS[verb];
  if (!command) {
    process.stderr.write(`toolwright: unknown command ${JSON.stringify(verb)}

${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}
var code;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `toolwright: unexpected error: ${error instanceof Error ? error.message : String(error)}
`,
  );
  code = 1;
}
process.exit(code);
