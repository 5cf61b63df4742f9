import { argumentWireNames, usageError } from "./chunk-EXAFZZY7.js";
import "./chunk-MTZUHO2O.js";
import { CatalogLoadError, findCatalogDir } from "./chunk-FR23S2JT.js";
import { DEFAULT_PUBLISH } from "./chunk-QIHSY5GF.js";
import "./chunk-BT76AUPC.js";
import { namesIn } from "./chunk-YVYBC7VZ.js";
import "./chunk-5LKFIVJH.js";
import "./chunk-ZE2OXDKH.js";
import "./chunk-WSFCRVEQ.js";

// codegen/cli/diff.ts
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

// codegen/diff/compare.ts
var SAFETY_RANK = { read: 0, write: 1, destructive: 2 };
function props(schema) {
  const out = /* @__PURE__ */ new Map();
  const required = new Set(schema?.required ?? []);
  for (const [name, s] of Object.entries(schema?.properties ?? {})) {
    out.set(name, { required: required.has(name), schema: JSON.stringify(s) });
  }
  return out;
}
function stable(value) {
  return JSON.stringify(value, (k, v) =>
    k === "$schema"
      ? void 0
      : v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}
function renamedArguments(before, after, a, b) {
  const oldByWire = /* @__PURE__ */ new Map();
  for (const [arg, wire] of argumentWireNames(before.binding)) if (!b.has(arg)) oldByWire.set(wire, arg);
  const renamed = /* @__PURE__ */ new Map();
  for (const [arg, wire] of argumentWireNames(after.binding)) {
    const old = oldByWire.get(wire);
    if (!a.has(arg) && old !== void 0) renamed.set(arg, old);
  }
  return renamed;
}
function reachedSchemas(root, table) {
  const seen = /* @__PURE__ */ new Set();
  const queue = namesIn(root ?? {});
  const reached = {};
  while (queue.length > 0) {
    const name = queue.shift();
    if (seen.has(name)) continue;
    seen.add(name);
    reached[name] = table[name] ?? null;
    queue.push(...namesIn(table[name] ?? {}));
  }
  return stable(reached);
}
function compareArguments(name, before, after, tables, out) {
  const a = props(before.inputSchema);
  const b = props(after.inputSchema);
  const renamed = renamedArguments(before, after, a, b);
  const renamedFrom = new Set(renamed.values());
  for (const [arg, p] of b) {
    const was = renamed.get(arg);
    if (was !== void 0) {
      const wire = argumentWireNames(after.binding).get(arg);
      out.push({
        subject: name,
        kind: "argument renamed",
        detail: `${was} -> ${arg} (still sent as ${wire})`,
        widens: false,
      });
      const prev = a.get(was);
      if (prev.required !== p.required)
        out.push({
          subject: name,
          kind: p.required ? "argument now required" : "argument now optional",
          detail: arg,
          widens: !p.required,
        });
      if (prev.schema !== p.schema)
        out.push({ subject: name, kind: "argument schema changed", detail: arg, widens: false });
      continue;
    }
    const old = a.get(arg);
    if (!old)
      out.push({
        subject: name,
        kind: "argument added",
        detail: `${arg}${p.required ? " (required)" : ""}`,
        widens: !p.required,
      });
    else if (old.required && !p.required)
      out.push({ subject: name, kind: "argument now optional", detail: arg, widens: true });
    else if (!old.required && p.required)
      out.push({ subject: name, kind: "argument now required", detail: arg, widens: false });
    if (old && old.schema !== p.schema)
      out.push({ subject: name, kind: "argument schema changed", detail: arg, widens: false });
  }
  for (const arg of a.keys())
    if (!b.has(arg) && !renamedFrom.has(arg))
      out.push({ subject: name, kind: "argument removed", detail: arg, widens: false });
  if (reachedSchemas(before.inputSchema, tables.before) !== reachedSchemas(after.inputSchema, tables.after)) {
    out.push({
      subject: name,
      kind: "argument types changed",
      detail: "named schemas ($defs) differ",
      widens: false,
    });
  }
}
function comparePolicy(name, before, after, out) {
  const p = before.policy;
  const q = after.policy;
  const facts = [
    ["scoped path", p.scopedPath, q.scopedPath],
    ["scoped listing", p.scopedList?.prefixArg, q.scopedList?.prefixArg],
    ["tenant lock", p.tenantArg, q.tenantArg],
    ["partner lock", p.partnerArg, q.partnerArg],
    ["secret-like keys", p.secretKeys?.keysArg, q.secretKeys?.keysArg],
    ["names only", p.namesOnly, q.namesOnly],
  ];
  for (const [label, x, y] of facts) {
    if (x === y) continue;
    if (y === void 0) out.push({ subject: name, kind: `${label} removed`, detail: String(x), widens: true });
    else if (x === void 0)
      out.push({ subject: name, kind: `${label} added`, detail: String(y), widens: false });
    else out.push({ subject: name, kind: `${label} moved`, detail: `${x} -> ${y}`, widens: true });
  }
  const wasConfirmed = p.confirm === "required";
  const isConfirmed = q.confirm === "required";
  if (wasConfirmed && !isConfirmed)
    out.push({
      subject: name,
      kind: "confirmation removed",
      detail: "runs without confirmation",
      widens: true,
    });
  if (!wasConfirmed && isConfirmed)
    out.push({ subject: name, kind: "confirmation added", detail: "asks before running", widens: false });
  const masked = new Set(q.masked ?? []);
  for (const field of p.masked ?? [])
    if (!masked.has(field))
      out.push({ subject: name, kind: "field no longer masked", detail: field, widens: true });
  const wasMasked = new Set(p.masked ?? []);
  for (const field of q.masked ?? [])
    if (!wasMasked.has(field))
      out.push({ subject: name, kind: "field masked", detail: field, widens: false });
}
function compareTool(before, after, tables, out) {
  const name = after.name;
  if (before.safety !== after.safety) {
    out.push({
      subject: name,
      kind: "safety class changed",
      detail: `${before.safety} -> ${after.safety}`,
      widens: SAFETY_RANK[after.safety] > SAFETY_RANK[before.safety],
    });
  }
  if (stable(before.annotations) !== stable(after.annotations) && before.safety === after.safety) {
    out.push({
      subject: name,
      kind: "annotations changed",
      detail: `${stable(before.annotations)} -> ${stable(after.annotations)}`,
      widens: false,
    });
  }
  if (before.summary !== after.summary) {
    out.push({
      subject: name,
      kind: "binding changed",
      detail: `${before.summary} -> ${after.summary}`,
      widens: true,
    });
  }
  if (before.description !== after.description)
    out.push({ subject: name, kind: "description changed", detail: "", widens: false });
  compareArguments(name, before, after, tables, out);
  if (
    stable(before.outputSchema) !== stable(after.outputSchema) ||
    reachedSchemas(before.outputSchema, tables.before) !== reachedSchemas(after.outputSchema, tables.after)
  ) {
    out.push({ subject: name, kind: "result schema changed", detail: "", widens: false });
  }
  const aliases = new Set(before.aliases);
  for (const a of after.aliases)
    if (!aliases.has(a)) out.push({ subject: name, kind: "alias added", detail: a, widens: true });
  for (const a of before.aliases)
    if (!after.aliases.includes(a))
      out.push({ subject: name, kind: "alias removed", detail: a, widens: false });
  comparePolicy(name, before, after, out);
}
function compareSettings(before, after, out) {
  const p = before.policy;
  const q = after.policy;
  const switches = [
    ["read-only switch", p?.readOnly?.env, q?.readOnly?.env],
    ["masking switch", p?.maskValues?.env, q?.maskValues?.env],
    ["allowed-paths switch", p?.allowedPaths?.env, q?.allowedPaths?.env],
    ["denied-paths switch", p?.deniedPaths?.env, q?.deniedPaths?.env],
    ["tenant lock switch", p?.tenant?.env, q?.tenant?.env],
    ["partner lock switch", p?.partner?.env, q?.partner?.env],
  ];
  for (const [label, x, y] of switches) {
    if (x === y) continue;
    out.push({
      subject: "catalog",
      kind: y === void 0 ? `${label} removed` : x === void 0 ? `${label} added` : `${label} renamed`,
      detail: `${x ?? "none"} -> ${y ?? "none"}`,
      widens: y === void 0,
    });
  }
  const denied = new Set(q?.deniedTools.tools ?? []);
  for (const t of p?.deniedTools.tools ?? [])
    if (!denied.has(t))
      out.push({ subject: "catalog", kind: "tool no longer denied", detail: t, widens: true });
  if (p?.secretKeyPattern !== q?.secretKeyPattern)
    out.push({
      subject: "catalog",
      kind: "secret-key pattern changed",
      detail: `${p?.secretKeyPattern} -> ${q?.secretKeyPattern}`,
      widens: true,
    });
  const modeBefore = p?.confirmation.mode ?? "token";
  const modeAfter = q?.confirmation.mode ?? "token";
  if (modeBefore !== modeAfter)
    out.push({
      subject: "catalog",
      kind: "confirmation mode changed",
      detail: `${modeBefore} -> ${modeAfter}`,
      // A boolean the model can set confirms less than a token from the user's preview or an elicited answer.
      widens: modeAfter === "argument",
    });
  if ((p?.audit.enabledByDefault ?? true) && q?.audit.enabledByDefault === false)
    out.push({ subject: "catalog", kind: "audit off by default", detail: "", widens: true });
  const envBefore = new Map(before.env.map((e) => [e.name, e]));
  for (const e of after.env) {
    const old = envBefore.get(e.name);
    if (!old) out.push({ subject: "catalog", kind: "env variable added", detail: e.name, widens: false });
    else if (old.default !== e.default)
      out.push({
        subject: "catalog",
        kind: "env default changed",
        detail: `${e.name}: ${old.default ?? "none"} -> ${e.default ?? "none"}`,
        widens: false,
      });
  }
  for (const e of before.env)
    if (!after.env.some((x) => x.name === e.name))
      out.push({ subject: "catalog", kind: "env variable removed", detail: e.name, widens: false });
  const sources = new Map(before.sources.map((s) => [s.id, s]));
  for (const s of after.sources) {
    const old = sources.get(s.id);
    if (old && (old.argumentNaming ?? "as_is") !== (s.argumentNaming ?? "as_is"))
      out.push({
        subject: "catalog",
        kind: "argument naming changed",
        detail: `${s.id}: ${old.argumentNaming ?? "as_is"} -> ${s.argumentNaming ?? "as_is"}`,
        widens: false,
      });
    if (!old) out.push({ subject: "catalog", kind: "source added", detail: s.id, widens: true });
    else if (stable(old.baseUrl) !== stable(s.baseUrl) || stable(old.auth) !== stable(s.auth)) {
      out.push({
        subject: "catalog",
        kind: "source endpoint or credentials changed",
        detail: s.id,
        widens: true,
      });
    }
  }
}
function compareCatalogs(before, after) {
  const out = [];
  const tables = { before: before.schemas ?? {}, after: after.schemas ?? {} };
  const old = new Map(before.tools.map((t) => [t.name, t]));
  const listed = (t) => !t.internal;
  for (const tool of after.tools) {
    const prev = old.get(tool.name);
    if (!prev) {
      out.push({
        subject: tool.name,
        kind: "tool added",
        detail: `${tool.safety} · ${tool.summary}${listed(tool) ? "" : " (internal)"}`,
        widens: true,
      });
    } else compareTool(prev, tool, tables, out);
  }
  for (const tool of before.tools) {
    if (!after.tools.some((t) => t.name === tool.name))
      out.push({ subject: tool.name, kind: "tool removed", detail: tool.summary, widens: false });
  }
  compareSettings(before, after, out);
  const resources = (d) =>
    /* @__PURE__ */ new Set([
      ...d.resources.map((r) => r.uri),
      ...d.resourceTemplates.map((t) => t.uriTemplate),
    ]);
  const ra = resources(before);
  const rb = resources(after);
  for (const r of rb)
    if (!ra.has(r)) out.push({ subject: "catalog", kind: "resource added", detail: r, widens: true });
  for (const r of ra)
    if (!rb.has(r)) out.push({ subject: "catalog", kind: "resource removed", detail: r, widens: false });
  const pa = new Set(before.prompts.map((p) => p.name));
  for (const p of after.prompts)
    if (!pa.has(p.name))
      out.push({ subject: "catalog", kind: "prompt added", detail: p.name, widens: false });
  for (const p of before.prompts)
    if (!after.prompts.some((x) => x.name === p.name))
      out.push({ subject: "catalog", kind: "prompt removed", detail: p.name, widens: false });
  return out;
}

// codegen/diff/format1.ts
function fromFormat1(doc) {
  const table = {};
  const lift = (tool, schema) => {
    if (!schema) return schema;
    const { $schema: _dialect, $defs, ...root } = schema;
    const renamed = /* @__PURE__ */ new Map();
    for (const [name, def] of Object.entries($defs ?? {})) {
      const existing = table[name];
      if (existing === void 0 || JSON.stringify(existing) === JSON.stringify(def)) table[name] = def;
      else {
        renamed.set(name, `${name}~${tool}`);
        table[`${name}~${tool}`] = def;
      }
    }
    if (renamed.size === 0) return root;
    const text = JSON.stringify(root).replace(/"#\/\$defs\/([^"]+)"/g, (m, name) =>
      renamed.has(name) ? JSON.stringify(`#/$defs/${renamed.get(name)}`) : m,
    );
    return JSON.parse(text);
  };
  const tools = (doc.tools ?? []).map((tool) => {
    const out = { ...tool, inputSchema: lift(tool.name, tool.inputSchema) };
    const output = lift(tool.name, tool.outputSchema);
    if (output) out.outputSchema = output;
    return out;
  });
  const sorted = Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    ...doc,
    format: 2,
    publish: DEFAULT_PUBLISH,
    tools,
    schemas: sorted,
  };
}

// codegen/cli/diff.ts
var HELP = `Usage: toolwright diff <old> <new> [--json] [--fail-on-widening]

Shows what changed between two generated catalogs, as a reviewer reads it: tools added or removed, safety
class and binding changes, arguments added, removed or made optional, result schemas, policies (scoped paths,
tenant lock, masked fields, confirmation), env variables, sources, resources and prompts. Each change says
whether it widens what an agent can do.

<old> and <new> are each a generated catalog folder or name (as \`serve\` finds them), a catalog.json file, or a
git revision and path, read with \`git show\` without checking anything out:

  toolwright diff v1.2:generated/scaivault generated/scaivault
  toolwright diff HEAD~1:generated/scaly/catalog.json scaly --fail-on-widening

Options:
  --json               the changes as one JSON document
  --fail-on-widening   exit 1 when any change widens what an agent can do (a release gate in CI)
  -h, --help           this help
`;
function comparable(parsed, where) {
  if (parsed === null || typeof parsed !== "object" || !Array.isArray(parsed.tools))
    return `${where} is not a catalog.json (no tools)`;
  const format = parsed.format;
  if (format === 1) return fromFormat1(parsed);
  if (format !== 2)
    return `${where} has catalog format ${JSON.stringify(format)}, which this toolwright cannot compare (it reads formats 1 and 2)`;
  return parsed;
}
async function readCatalog(ref) {
  const gitRef = /^([^:]+):(.+)$/.exec(ref);
  if (gitRef && !existsSync(ref)) {
    const [, rev, path] = gitRef;
    const file = path.endsWith(".json") ? path : `${path.replace(/\/+$/, "")}/catalog.json`;
    try {
      const text = execFileSync("git", ["show", `${rev}:${file}`], {
        encoding: "utf8",
        maxBuffer: 1024 * 1024 * 1024,
        stdio: ["ignore", "pipe", "pipe"],
      });
      return comparable(JSON.parse(text), `${file} at ${rev}`);
    } catch (e) {
      return `cannot read ${file} at ${rev} with git show (${(e.stderr ?? e.message).trim().split("\n")[0]})`;
    }
  }
  if (ref.endsWith(".json") && existsSync(ref)) {
    try {
      return comparable(JSON.parse(readFileSync(ref, "utf8")), ref);
    } catch (e) {
      return `${ref} is not a catalog.json (${e.message})`;
    }
  }
  let dir;
  try {
    dir = findCatalogDir(ref);
  } catch (e) {
    if (!(e instanceof CatalogLoadError)) throw e;
    return `no catalog at ${ref} (a generated folder, a catalog name, a catalog.json, or REV:path)`;
  }
  try {
    return comparable(JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")), join(dir, "catalog.json"));
  } catch (e) {
    return `${join(dir, "catalog.json")} is not a catalog.json (${e.message})`;
  }
}
function render(before, after, changes) {
  const widening = changes.filter((c) => c.widens).length;
  const lines = [
    `${after.catalog}: ${before.server.version} (${before.inputHash.slice(0, 15)}…) -> ${after.server.version} (${after.inputHash.slice(0, 15)}…)`,
  ];
  if (changes.length === 0) {
    lines.push("no changes a reviewer would see");
    return `${lines.join("\n")}
`;
  }
  lines.push(
    `${changes.length} change${changes.length === 1 ? "" : "s"}, ${widening} widen${widening === 1 ? "s" : ""} what an agent can do:`,
  );
  const width = Math.min(40, Math.max(...changes.map((c) => c.subject.length)));
  for (const c of changes) {
    const mark = c.kind.includes("added") ? "+" : c.kind.includes("removed") ? "-" : "~";
    lines.push(
      `  ${mark} ${c.subject.padEnd(width)}  ${c.kind}${c.detail ? `: ${c.detail}` : ""}${c.widens ? "  [widens]" : ""}`,
    );
  }
  return `${lines.join("\n")}
`;
}
async function run(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        "fail-on-widening": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    return usageError(e.message);
  }
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length !== 2) return usageError("diff takes two catalogs: <old> <new>");
  const [oldRef, newRef] = parsed.positionals;
  const before = await readCatalog(oldRef);
  if (typeof before === "string") return usageError(before);
  const after = await readCatalog(newRef);
  if (typeof after === "string") return usageError(after);
  const changes = compareCatalogs(before, after);
  if (parsed.values.json) {
    process.stdout.write(
      `${JSON.stringify({ catalog: after.catalog, from: before.inputHash, to: after.inputHash, changes }, null, 2)}
`,
    );
  } else process.stdout.write(render(before, after, changes));
  return parsed.values["fail-on-widening"] && changes.some((c) => c.widens) ? 1 : 0;
}

export { run };
