import { manifestSchema } from "./chunk-MTZUHO2O.js";
import "./chunk-WSFCRVEQ.js";

// codegen/cli/manifest-schema.ts
var HELP = `Usage: toolwright manifest-schema

Prints the JSON Schema of tools.yaml. Point your editor at it for completion and validation, e.g. with the
YAML language server: # yaml-language-server: $schema=./manifest.schema.json
`;
async function run(argv) {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  process.stdout.write(`${JSON.stringify(manifestSchema, null, 2)}
`);
  return 0;
}

export { run };
