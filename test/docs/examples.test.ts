// Every example command in README.md and docs/*.md is either run here or explicitly marked not runnable
// (docs/testing.md, "Runnable examples"), so the docs cannot drift from the code.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import { type Block, commandsOf, parseMarkdown } from "./blocks.js";

const COMMAND_TIMEOUT_MS = 60_000;
const TMP = join(ROOT, "test/.tmp");
const BIN = join(TMP, "docs-bin");

function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs];
}

const parsed = docFiles().map((file) => parseMarkdown(file, readFileSync(join(ROOT, file), "utf8")));
const runnable: Block[] = parsed.flatMap((p) => p.blocks.filter((b) => b.marker === "runnable"));
const commands = runnable.flatMap((block) => commandsOf(block).map((c) => ({ ...c, file: block.file })));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

/** Runs one command line with bash from the repository root, stdin closed, killing its process group on timeout. */
function run(command: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", command], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}`, NO_COLOR: "1" },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString("utf8");
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, COMMAND_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, output });
    });
  });
}

/** Size and mtime of every file under generated/: runnable examples must not write there. */
function fingerprint(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${relative(ROOT, p)} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out.join("\n");
}

describe("docs examples: every command block is marked", () => {
  it("finds the docs pages and some runnable commands", () => {
    expect(docFiles()).toContain("docs/testing.md");
    expect(commands.length).toBeGreaterThan(10);
  });

  for (const p of parsed) {
    it(`${p.file}: markers are well-formed and every command block has one`, () => {
      expect(p.problems).toEqual([]);
    });
  }

  it("runnable generate commands write only under test/.tmp/", () => {
    const bad = commands.filter(
      (c) => /\b(generate|npm run generate)\b/.test(c.text) && !/--out\s+(\.\/)?test\/\.tmp\//.test(c.text),
    );
    expect(bad.map((c) => `${c.file}:${c.line}: ${c.text}`)).toEqual([]);
  });
});

let before = "";

describe("docs examples: runnable commands exit 0", () => {
  beforeAll(() => {
    rmSync(join(TMP, "examples"), { recursive: true, force: true });
    // `toolwright` and `toolwright-demo` on PATH, as after `npm link`.
    rmSync(BIN, { recursive: true, force: true });
    mkdirSync(BIN, { recursive: true });
    symlinkSync(join(ROOT, "bin/toolwright.mjs"), join(BIN, "toolwright"));
    symlinkSync(join(ROOT, "bin/toolwright-demo.mjs"), join(BIN, "toolwright-demo"));
    before = existsSync(join(ROOT, "generated")) ? fingerprint(join(ROOT, "generated")) : "";
  });

  // Blocks run concurrently; the commands of one block run in order (a later one may use an earlier one's output).
  for (const block of runnable) {
    const cmds = commandsOf(block);
    const name = `${block.file}:${block.line}: ${cmds.map((c) => c.text.split(/\s+#/)[0]!.trim()).join(" ; ")}`;
    it.concurrent(name, { timeout: cmds.length * COMMAND_TIMEOUT_MS + 10_000 }, async () => {
      for (const c of cmds) {
        const outcome = await run(c.text);
        const where = `${block.file}:${c.line}: ${c.text}`;
        const tail = outcome.output.slice(-4000);
        expect(outcome.timedOut, `${where}\ntimed out after ${COMMAND_TIMEOUT_MS} ms:\n${tail}`).toBe(false);
        expect(outcome.code, `${where}\nexit ${outcome.code} (signal ${outcome.signal}):\n${tail}`).toBe(0);
        for (const text of c.expect) {
          expect(outcome.output, `${where}\noutput should contain "${text}"`).toContain(text);
        }
      }
    });
  }
});

describe("docs examples: afterwards", () => {
  it("left generated/ untouched", () => {
    const after = existsSync(join(ROOT, "generated")) ? fingerprint(join(ROOT, "generated")) : "";
    expect(after).toBe(before);
  });
});

describe("docs examples: the marker rules themselves", () => {
  const md = (s: string) => parseMarkdown("x.md", s);

  it("an unmarked command block fails, an unmarked non-command block does not", () => {
    expect(md("```sh\nnpx toolwright --help\n```\n").problems).toHaveLength(1);
    expect(md("```\nnpx toolwright --help\n```\n").problems).toHaveLength(1);
    expect(md("```\nFOO=1 node x.js\n```\n").problems).toHaveLength(1);
    expect(md("```json\n{}\n```\n\n```\ncli/ -> transports/\n```\n").problems).toEqual([]);
  });

  it("markers: runnable, norun with a reason, blank lines allowed before the fence", () => {
    expect(md("<!-- runnable -->\n\n```sh\nls\n```\n").problems).toEqual([]);
    expect(md("<!-- norun: needs the network -->\n```bash\ncurl x\n```\n").problems).toEqual([]);
    expect(md("<!-- norun -->\n```sh\ncurl x\n```\n").problems).not.toEqual([]);
    expect(md("<!-- runnable please -->\n```sh\nls\n```\n").problems).not.toEqual([]);
    expect(md("<!-- runnable -->\nsome text\n\n```sh\nls\n```\n").problems).toHaveLength(2);
    expect(md("<!-- runnable -->\n```json\n{}\n```\n").problems).toHaveLength(1);
  });

  it("commands: comments skipped, continuations joined, # -> attaches to the command before it", () => {
    const [block] = md(
      "<!-- runnable -->\n```sh\n# a comment\nA=1 \\\n  node x.js   # trailing\n# -> ok\n$ ls\n```\n",
    ).blocks;
    expect(commandsOf(block!)).toEqual([
      { text: "A=1 node x.js   # trailing", line: 4, expect: ["ok"] },
      { text: "ls", line: 7, expect: [] },
    ]);
  });
});
