import { resolve } from "node:path";
import { escapeRoom } from "../load/ascii-json.js";
import { MAX_INPUT_FILE_BYTES, readAhead } from "../load/files.js";

/** The verbs that generate a catalog from a bare `--openapi` spec (init builds one in memory to write its manifest). */
const READS_SPEC = new Set(["generate", "init"]);

/**
 * Before the generator's modules are imported (~0.1 s), the bin starts reading the spec `generate --openapi FILE`
 * (or `init --openapi FILE`) names, on libuv's thread pool (`readAhead`), as the loader will ask for it: a `.json`
 * file with the room its one-byte text may need (`escapeRoom`; never-written pages cost nothing, so any file gets
 * it). Only a `--openapi` value counts, as `parseArgs` reads one (`--openapi FILE` or `--openapi=FILE`; init's
 * positional spec is read as before), resolved against the working folder as both verbs resolve it; a read nobody
 * takes only holds its memory until the process ends.
 */
export function readAheadSpec(argv: readonly string[], cwd: string): void {
  if (!READS_SPEC.has(argv[0] ?? "")) return;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return;
    const file =
      arg === "--openapi"
        ? argv[i + 1]
        : arg.startsWith("--openapi=")
          ? arg.slice("--openapi=".length)
          : undefined;
    if (file) readAhead(resolve(cwd, file), MAX_INPUT_FILE_BYTES, escapeRoom);
  }
}
