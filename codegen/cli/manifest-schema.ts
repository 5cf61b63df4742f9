import { manifestSchema } from "../manifest/schema.js";

const HELP = `Usage: toolwright manifest-schema

Prints the JSON Schema of tools.yaml. Point your editor at it for completion and validation, e.g. with the
YAML language server: # yaml-language-server: $schema=./manifest.schema.json
`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  process.stdout.write(`${JSON.stringify(manifestSchema, null, 2)}\n`);
  return 0;
}
