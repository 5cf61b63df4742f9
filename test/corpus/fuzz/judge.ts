import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { loadCatalog } from "../../../src/load/catalog.js";
import { ROOT } from "../../helpers/paths.js";

/** A failure bound for one generate of a small mutant (a hang), not a speed target. */
const HANG_MS = 60_000;
const CLI = join(ROOT, "dist/toolwright.js");

export interface Run {
  code: number | null;
  stderr: string;
  hung: boolean;
}

/** `toolwright generate` (the compiled CLI) with `args` in `cwd`; killed past the hang bound. */
export function generate(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "generate", ...args], {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      if (stderr.length < 100_000) stderr += d;
    });
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, HANG_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, hung });
    });
  });
}

/** Every file under `dir` (relative path -> SHA-256 of its bytes). */
export function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(dir, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

const same = (a: Map<string, string>, b: Map<string, string>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** A JavaScript failure reaching the user: a stack frame, an engine error's name, the CLI's last-resort message. */
const CRASH =
  /\n\s+at .+:\d+:\d+|TypeError|ReferenceError|Cannot read propert|is not a function|is not iterable|unexpected error|FATAL ERROR|out of memory/;
/** An error diagnostic names a place: `file:line:col`, or a JSON pointer. */
const LOCATED = /:\d+:\d+|#\/|\(#\)/;

export type Verdict =
  | "ok"
  | "refused"
  | "hang"
  | "crash"
  | "unlocated"
  | "output changed"
  | "invalid catalog"
  | "not deterministic";

/** What is wrong with a refusal: a crash, an error without a place, a touched output folder. */
export function judgeRefusal(run: Run, before: Map<string, string>, out: string): Verdict[] {
  const found: Verdict[] = [];
  const errors = run.stderr.split("\n").filter((l) => / error TW\d+/.test(l) || /^toolwright: /.test(l));
  const own = errors.filter((l) => !/^toolwright: errors above/.test(l));
  if (own.length === 0 || own.some((l) => !LOCATED.test(l))) found.push("unlocated");
  if (!same(before, tree(out))) found.push("output changed");
  return found;
}

const ajv = new Ajv2020({ strict: false, validateFormats: false });

/** A written catalog's problems: a published schema ajv refuses, a catalog the runtime does not load. */
export async function catalogProblems(dir: string): Promise<string[]> {
  const problems: string[] = [];
  const published = join(dir, "published.gen.txt");
  const lines = existsSync(published)
    ? readFileSync(published, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .slice(1)
    : [];
  for (const line of lines) {
    const entry = JSON.parse(line) as { name: string; inputSchema?: object; outputSchema?: object };
    for (const schema of [entry.inputSchema, entry.outputSchema]) {
      if (!schema) continue;
      try {
        ajv.compile(schema);
      } catch (e) {
        // ajv's own code generator overflows the stack on an object of ~5,000 properties (a manifest's handler
        // input made huge): a limit of ajv's, which says nothing of the schema's validity.
        if (e instanceof RangeError) continue;
        problems.push(`${entry.name}: ${(e as Error).message.slice(0, 200)}`);
      }
    }
  }
  await loadCatalog(dir).catch((e: Error) => problems.push(`does not load: ${e.message.slice(0, 300)}`));
  return problems;
}

/** The catalog folders generate wrote under `out`. */
export function catalogDirs(out: string): string[] {
  return existsSync(out)
    ? readdirSync(out)
        .map((n) => join(out, n))
        .filter((p) => statSync(p).isDirectory() && existsSync(join(p, "catalog.json")))
    : [];
}

export { CRASH, same };
