import { fileURLToPath } from "node:url";
import { runServe } from "./serve.js";

/**
 * The entry point of `toolwright-runtime`, the runtime published on its own for catalogs packed as packages
 * (`toolwright pack`): a packed catalog's bin calls this with its catalog folder and its own name, and the
 * process serves that catalog (`<bin> --help` lists the options and the catalog's env).
 */
export async function runPackedCatalog(
  catalog: URL | string,
  program: string,
  argv: string[] = process.argv.slice(2),
): Promise<never> {
  const dir = catalog instanceof URL ? fileURLToPath(catalog) : catalog;
  let code: number;
  try {
    code = await runServe(argv, { dir, program });
  } catch (error) {
    process.stderr.write(
      `${program}: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    code = 1;
  }
  // Exit explicitly: idle upstream keep-alive sockets must not hold the process once the client is gone.
  process.exit(code);
}
