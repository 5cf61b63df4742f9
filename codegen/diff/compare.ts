import type {
  CatalogDocument,
  CatalogTool,
  EnvVar,
  JsonSchema,
  Safety,
  ScopedValue,
  Source,
  ToolAnnotations,
  ValueSource,
} from "../../src/catalog.js";
import { authValues, serverTemplatesOf, setOwn } from "../../src/catalog.js";
import { namesIn } from "../../src/publish/project.js";
import { shownValue } from "../../src/telemetry/redact.js";
import { argumentWireNames } from "../ir/wire-names.js";
import { compareBinding } from "./binding.js";
import type { Change } from "./change.js";
import { ANNOTATIONS, acceptsNoMore, canonical } from "./narrows.js";
import { resultChanges } from "./result.js";
import { templateChanges } from "./servers.js";
import {
  compareConfirmationTtl,
  compareEnvelope,
  compareLimits,
  comparePublish,
  compareTransport,
} from "./settings.js";

export type { Change } from "./change.js";

const SAFETY_RANK: Record<Safety, number> = { read: 0, write: 1, destructive: 2 };

function props(schema: JsonSchema | undefined): Map<string, ArgumentFacts> {
  const out = new Map<string, ArgumentFacts>();
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  for (const [name, s] of Object.entries((schema?.properties as Record<string, unknown> | undefined) ?? {})) {
    out.set(name, { required: required.has(name), schema: s, text: JSON.stringify(s) });
  }
  return out;
}

/** Canonical JSON for comparison; the `$schema` dialect marker says nothing about what a tool does. */
function stable(value: unknown): string {
  return JSON.stringify(value, (k, v) =>
    k === "$schema"
      ? undefined
      : v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          )
        : v,
  );
}

/**
 * Arguments that only changed name: gone from `before`, new in `after`, and sent under the same API name (a naming
 * rule or a rename). Returns new name -> old name.
 */
function renamedArguments(
  before: CatalogTool,
  after: CatalogTool,
  a: Map<string, unknown>,
  b: Map<string, unknown>,
): Map<string, string> {
  const oldByWire = new Map<string, string>();
  for (const [arg, wire] of argumentWireNames(before.binding)) if (!b.has(arg)) oldByWire.set(wire, arg);
  const renamed = new Map<string, string>();
  for (const [arg, wire] of argumentWireNames(after.binding)) {
    const old = oldByWire.get(wire);
    if (!a.has(arg) && old !== undefined) renamed.set(arg, old);
  }
  return renamed;
}

/** The named schemas a root reaches in its catalog's table, by name. */
function reachedNames(root: unknown, table: Record<string, JsonSchema>): string[] {
  const seen = new Set<string>();
  const queue = namesIn(root ?? {});
  // Schema names are a spec's: `__proto__` is a name like any other, `constructor` is found only when defined.
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i] as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const def = Object.hasOwn(table, name) ? table[name] : undefined;
    queue.push(...namesIn(def ?? {}));
  }
  return [...seen];
}

/** The named schemas a root reaches in its catalog's table, by name, for comparison. */
function reachedSchemas(root: unknown, table: Record<string, JsonSchema>): string {
  const reached: Record<string, unknown> = {};
  for (const name of reachedNames(root, table))
    setOwn(reached, name, Object.hasOwn(table, name) ? table[name] : null);
  return stable(reached);
}

/** The named schemas either side of an argument reaches whose text differs between the two tables. */
function changedNames(was: unknown, now: unknown, tables: Tables): string[] {
  const names = new Set([...reachedNames(was, tables.before), ...reachedNames(now, tables.after)]);
  return [...names].filter((name) => schemaText(tables.before, name) !== schemaText(tables.after, name));
}

/** A named schema's canonical text, made once per table and name (every argument and result reaching it asks). */
const texts = new WeakMap<Record<string, JsonSchema>, Map<string, string>>();
function schemaText(table: Record<string, JsonSchema>, name: string): string {
  let known = texts.get(table);
  if (!known) {
    known = new Map();
    texts.set(table, known);
  }
  let text = known.get(name);
  if (text === undefined) {
    text = Object.hasOwn(table, name) ? stable(table[name]) : "absent";
    known.set(name, text);
  }
  return text;
}

/** Both catalogs' schema tables, so a tool's named schemas compare by what they say. */
interface Tables {
  before: Record<string, JsonSchema>;
  after: Record<string, JsonSchema>;
}

interface ArgumentFacts {
  required: boolean;
  schema: unknown;
  /** The schema's JSON as the catalog holds it. */
  text: string;
}

function compareArguments(
  name: string,
  before: CatalogTool,
  after: CatalogTool,
  tables: Tables,
  out: Change[],
): void {
  const a = props(before.inputSchema);
  const b = props(after.inputSchema);
  const renamed = renamedArguments(before, after, a, b);
  const renamedFrom = new Set(renamed.values());
  for (const [arg, p] of b) {
    const was = renamed.get(arg);
    if (was !== undefined) {
      const wire = argumentWireNames(after.binding).get(arg);
      out.push({
        subject: name,
        kind: "argument renamed",
        detail: `${was} -> ${arg} (still sent as ${wire})`,
        widens: false,
      });
      compareArgumentFacts(name, arg, a.get(was)!, p, tables, out);
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
    else compareArgumentFacts(name, arg, old, p, tables, out);
  }
  for (const arg of a.keys())
    if (!b.has(arg) && !renamedFrom.has(arg))
      out.push({ subject: name, kind: "argument removed", detail: arg, widens: false });
  // Named schemas the root itself reaches outside its arguments (none in a generated catalog, but a catalog.json
  // may be hand-made): compared whole.
  if (
    !out.some((c) => c.subject === name && c.kind.startsWith("argument")) &&
    reachedSchemas(before.inputSchema, tables.before) !== reachedSchemas(after.inputSchema, tables.after)
  ) {
    const names = changedNames(before.inputSchema, after.inputSchema, tables);
    out.push({
      subject: name,
      kind: "argument types changed",
      detail: `named schemas differ: ${listed(names)}`,
      widens: !acceptsNoMore(after.inputSchema, before.inputSchema, tables),
    });
  }
}

function listed(names: string[], most = 3): string {
  const shown = names.slice(0, most).join(", ");
  return names.length > most ? `${shown} (and ${names.length - most} more)` : shown;
}

/** The assertion keywords of two argument schemas that differ, for a reviewer: `maxLength 64 -> none`. */
function keywordChanges(was: unknown, now: unknown, assertionsOnly = true): string[] {
  const kw = (s: unknown) =>
    s && typeof s === "object" && !Array.isArray(s) ? (s as Record<string, unknown>) : {};
  const a = kw(was);
  const b = kw(now);
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const short = (v: unknown) => {
    const text = v === undefined ? "none" : JSON.stringify(v);
    return text.length > 60 ? `${text.slice(0, 59)}…` : text;
  };
  for (const key of keys) {
    if (assertionsOnly && (ANNOTATIONS.has(key) || key.startsWith("x-"))) continue;
    const x = Object.hasOwn(a, key) ? a[key] : undefined;
    const y = Object.hasOwn(b, key) ? b[key] : undefined;
    if (canonical(x) === canonical(y)) continue;
    if (key === "enum" && Array.isArray(x) && Array.isArray(y)) {
      const before = new Set(x.map(canonical));
      const after = new Set(y.map(canonical));
      const added = [...after].filter((v) => !before.has(v));
      const removed = [...before].filter((v) => !after.has(v));
      out.push(
        `enum${added.length ? ` +${short(added.map((v) => JSON.parse(v)))}` : ""}${removed.length ? ` -${short(removed.map((v) => JSON.parse(v)))}` : ""}`,
      );
    } else if (typeof (x ?? y) === "object" && x !== undefined && y !== undefined) out.push(`${key} changed`);
    else out.push(`${key} ${short(x)} -> ${short(y)}`);
  }
  return out;
}

/**
 * One argument present on both sides (under its old or new name): requiredness, then its schema with the named
 * schemas it reaches. A schema change widens unless the new schema is shown to accept no value the old one refused
 * (a loosened constraint is what a release gate must catch); one that accepts the same values both ways changed
 * only what it says.
 */
function compareArgumentFacts(
  name: string,
  arg: string,
  old: ArgumentFacts,
  now: ArgumentFacts,
  tables: Tables,
  out: Change[],
): void {
  if (old.required !== now.required)
    out.push({
      subject: name,
      kind: now.required ? "argument now required" : "argument now optional",
      detail: arg,
      widens: !now.required,
    });
  const names = changedNames(old.schema, now.schema, tables);
  if (old.text === now.text && names.length === 0) return;
  const narrower = acceptsNoMore(now.schema, old.schema, tables);
  const swapped: Tables = { before: tables.after, after: tables.before };
  if (narrower && acceptsNoMore(old.schema, now.schema, swapped)) {
    out.push({ subject: name, kind: "argument description changed", detail: arg, widens: false });
    return;
  }
  const parts = keywordChanges(old.schema, now.schema);
  if (names.length > 0) parts.push(`named schema${names.length === 1 ? "" : "s"} ${listed(names)} changed`);
  const detail = `${arg}${parts.length ? ` (${parts.join("; ")})` : ""}`;
  out.push(
    narrower
      ? { subject: name, kind: "argument narrowed", detail, widens: false }
      : { subject: name, kind: "argument schema changed", detail, widens: true },
  );
}

function comparePolicy(name: string, before: CatalogTool, after: CatalogTool, out: Change[]): void {
  const p = before.policy;
  const q = after.policy;
  const facts: [string, unknown, unknown][] = [
    ["scoped path", p.scopedPath, q.scopedPath],
    ["scoped listing", p.scopedList?.prefixArg, q.scopedList?.prefixArg],
    ["tenant lock", p.tenantArg, q.tenantArg],
    ["partner lock", p.partnerArg, q.partnerArg],
    ["secret-like keys", p.secretKeys?.keysArg, q.secretKeys?.keysArg],
    ["secret values argument", p.secretKeys?.valuesArg, q.secretKeys?.valuesArg],
    ["names only", p.namesOnly, q.namesOnly],
  ];
  // Where a scoped listing's items carry their paths: items read elsewhere are no longer dropped out of scope.
  if (p.scopedList && q.scopedList)
    facts.push(["scoped listing items", itemsAt(p.scopedList), itemsAt(q.scopedList)]);
  for (const [label, x, y] of facts) {
    if (x === y) continue;
    if (y === undefined)
      out.push({ subject: name, kind: `${label} removed`, detail: String(x), widens: true });
    else if (x === undefined)
      out.push({ subject: name, kind: `${label} added`, detail: String(y), widens: false });
    else out.push({ subject: name, kind: `${label} moved`, detail: `${x} -> ${y}`, widens: true });
  }
  compareScopeLists(name, p, q, out);
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

/** `items[].path`: where a listing's items and their path field sit in the result. */
function itemsAt(list: { itemsPath: string; itemPathField: string }): string {
  return `${list.itemsPath}[].${list.itemPathField}`;
}

/** A scoped value's base as a reviewer reads it: `mount` (an argument), `get_backend(id=backend_id).prefix`. */
function baseOf(base: NonNullable<ScopedValue["base"]>): string {
  if ("arg" in base) return base.arg;
  const args = Object.entries(base.lookup.args)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return `${base.lookup.tool}(${args}).${base.lookup.field}`;
}

/**
 * The path scope's other facts, entry by entry: an argument holding a path, prefix or pattern checked against the
 * scope (`scopedValues`; dropped or read another way widens), a result list whose items out of scope are dropped
 * (`scopedItems`; dropped widens), and an argument named like a path exempted from the fail-closed rule
 * (`notPaths`; a new exemption widens).
 */
function compareScopeLists(
  name: string,
  p: CatalogTool["policy"],
  q: CatalogTool["policy"],
  out: Change[],
): void {
  const values = (list: CatalogTool["policy"]["scopedValues"]) =>
    new Map((list ?? []).map((v) => [v.arg, `${v.kind}${v.base ? ` under ${baseOf(v.base)}` : ""}`]));
  const was = values(p.scopedValues);
  const now = values(q.scopedValues);
  for (const [arg, how] of was) {
    const next = now.get(arg);
    if (next === undefined)
      out.push({ subject: name, kind: "scoped value removed", detail: `${arg} (${how})`, widens: true });
    else if (next !== how)
      out.push({
        subject: name,
        kind: "scoped value changed",
        detail: `${arg}: ${how} -> ${next}`,
        widens: true,
      });
  }
  for (const [arg, how] of now)
    if (!was.has(arg))
      out.push({ subject: name, kind: "scoped value added", detail: `${arg} (${how})`, widens: false });
  const items = (list: CatalogTool["policy"]["scopedItems"]) => new Set((list ?? []).map(itemsAt));
  const itemsWas = items(p.scopedItems);
  const itemsNow = items(q.scopedItems);
  for (const at of itemsWas)
    if (!itemsNow.has(at))
      out.push({ subject: name, kind: "scoped items removed", detail: at, widens: true });
  for (const at of itemsNow)
    if (!itemsWas.has(at)) out.push({ subject: name, kind: "scoped items added", detail: at, widens: false });
  const exemptWas = new Set(p.notPaths ?? []);
  const exemptNow = new Set(q.notPaths ?? []);
  for (const arg of exemptNow)
    if (!exemptWas.has(arg))
      out.push({ subject: name, kind: "argument exempt from path scope", detail: arg, widens: true });
  for (const arg of exemptWas)
    if (!exemptNow.has(arg))
      out.push({
        subject: name,
        kind: "argument no longer exempt from path scope",
        detail: arg,
        widens: false,
      });
}

/** A tool's title and whether it is deprecated: what hosts show a user, said without widening. */
function compareToolTexts(name: string, before: CatalogTool, after: CatalogTool, out: Change[]): void {
  if ((before.title ?? "") !== (after.title ?? ""))
    out.push({
      subject: name,
      kind: "title changed",
      detail: `${JSON.stringify(before.title ?? "")} -> ${JSON.stringify(after.title ?? "")}`,
      widens: false,
    });
  if ((before.deprecated ?? false) !== (after.deprecated ?? false))
    out.push({
      subject: name,
      kind: after.deprecated ? "tool deprecated" : "tool no longer deprecated",
      detail: "",
      widens: false,
    });
}

/** What a binding calls, as its parts say (the summary says it too, but is only text): `GET /notes/{id}`. */
function requestLine(b: CatalogTool["binding"]): string {
  if (b.kind === "http") return `${b.method} ${b.path}`;
  if (b.kind === "graphql") return `${b.operationType} ${b.operationName}`;
  return b.module;
}

/** The arguments both tools take under the same name. */
function keptArguments(before: CatalogTool, after: CatalogTool): Set<string> {
  const a = props(before.inputSchema);
  return new Set([...props(after.inputSchema).keys()].filter((arg) => a.has(arg)));
}

function compareTool(before: CatalogTool, after: CatalogTool, tables: Tables, out: Change[]): void {
  const name = after.name;
  if (before.safety !== after.safety) {
    // Either way widens, to be read by a person. Raised: the tool may now do more than it did. Lowered: policy
    // holds it less (a read is served in read-only mode and hosts auto-approve a readOnlyHint; a write no longer
    // destructive loses destructiveHint, and its default confirmation, reported on its own).
    const lowered =
      SAFETY_RANK[after.safety] >= SAFETY_RANK[before.safety]
        ? ""
        : after.safety === "read"
          ? " (served in read-only mode, advertised readOnlyHint)"
          : " (no longer advertised destructiveHint)";
    out.push({
      subject: name,
      kind: "safety class changed",
      detail: `${before.safety} -> ${after.safety}${lowered}`,
      widens: true,
    });
  }
  compareAnnotations(name, before, after, out);
  if (before.summary !== after.summary) {
    out.push({
      subject: name,
      kind: "binding changed",
      detail: `${before.summary} -> ${after.summary}`,
      widens: true,
    });
  } else if (requestLine(before.binding) !== requestLine(after.binding))
    // A catalog.json edited by hand (or by a generator bug) may keep the summary and call elsewhere.
    out.push({
      subject: name,
      kind: "binding changed",
      detail: `${requestLine(before.binding)} -> ${requestLine(after.binding)} (the summary still says ${after.summary})`,
      widens: true,
    });
  compareBinding(name, before.binding, after.binding, out, keptArguments(before, after));
  if (before.description !== after.description)
    out.push({ subject: name, kind: "description changed", detail: "", widens: false });
  compareToolTexts(name, before, after, out);
  const rules = [before.argumentRules ?? [], after.argumentRules ?? []].map((r) => r.join(" ") || "(none)");
  // What the model is told about which arguments go together: text, not surface (the upstream checks the rules).
  if (rules[0] !== rules[1])
    out.push({
      subject: name,
      kind: "argument rules changed",
      detail: `${rules[0]} -> ${rules[1]}`,
      widens: false,
    });
  compareArguments(name, before, after, tables, out);
  compareResult(name, before, after, tables, out);
  const aliases = new Set(before.aliases);
  for (const a of after.aliases)
    if (!aliases.has(a)) out.push({ subject: name, kind: "alias added", detail: a, widens: true });
  for (const a of before.aliases)
    if (!after.aliases.includes(a))
      out.push({ subject: name, kind: "alias removed", detail: a, widens: false });
  compareListing(name, before, after, out);
  comparePolicy(name, before, after, out);
}

/**
 * What a hint claims when it is true (`ToolAnnotations`), and whether claiming it claims less risk: hosts run a
 * tool advertised `readOnlyHint` without asking, ask for one advertised `destructiveHint`, may retry one
 * advertised `idempotentHint`, and weigh one advertised `openWorldHint` as reaching outside.
 */
const HINTS: [keyof ToolAnnotations, boolean, string][] = [
  ["readOnlyHint", true, "hosts may run it without asking"],
  ["destructiveHint", false, "hosts may no longer ask before running it"],
  ["idempotentHint", true, "hosts may retry it"],
  ["openWorldHint", false, "hosts may weigh it as reaching nothing outside"],
];

/**
 * A tool's annotations, hint by hint (a catalog.json may be hand-made or older: they are read as they are, not as
 * the safety class implies). A hint that now claims less risk widens (a destructive tool now advertised
 * `readOnlyHint: true` runs unasked in hosts that auto-approve reads); the reverse, and the title, are said
 * without widening. A hint that only follows a changed safety class is said by `safety class changed`.
 */
function compareAnnotations(name: string, before: CatalogTool, after: CatalogTool, out: Change[]): void {
  const a = (before.annotations ?? {}) as Partial<ToolAnnotations>;
  const b = (after.annotations ?? {}) as Partial<ToolAnnotations>;
  const follows = (hint: keyof ToolAnnotations, value: unknown) =>
    before.safety !== after.safety &&
    ((hint === "readOnlyHint" && value === (after.safety === "read")) ||
      (hint === "destructiveHint" && value === (after.safety === "destructive")));
  const widening: string[] = [];
  const said: string[] = [];
  for (const [hint, lessRisk, effect] of HINTS) {
    const was = a[hint];
    const now = b[hint];
    if (was === now || follows(hint, now)) continue;
    const text = `${hint} ${was ?? "none"} -> ${now ?? "none"}`;
    // An absent hint is no claim (MCP's defaults assume the most risk, but hosts differ): a claim made widens.
    if (now === lessRisk) widening.push(`${text} (${effect})`);
    else said.push(text);
  }
  if (a.title !== b.title)
    said.push(`title ${JSON.stringify(a.title ?? "")} -> ${JSON.stringify(b.title ?? "")}`);
  if (widening.length > 0)
    out.push({ subject: name, kind: "annotations changed", detail: widening.join("; "), widens: true });
  if (said.length > 0)
    out.push({ subject: name, kind: "annotations changed", detail: said.join("; "), widens: false });
}

/**
 * How a tool is offered: its tags (what `serve --allow/--deny tag:NAME` select it by) and whether clients see it.
 * A tag gone or added widens either way, to be read by a person: a tool that lost the tag a deny list names, or
 * gained the one an allow list names, is now served there. A handler's helper (`internal`) made a listed tool
 * widens (clients can now call it directly); the reverse does not.
 */
function compareListing(name: string, before: CatalogTool, after: CatalogTool, out: Change[]): void {
  const had = new Set(before.tags ?? []);
  const has = new Set(after.tags ?? []);
  const tags = [
    ...[...has].filter((t) => !had.has(t)).map((t) => `+${t}`),
    ...[...had].filter((t) => !has.has(t)).map((t) => `-${t}`),
  ];
  if (tags.length > 0)
    out.push({
      subject: name,
      kind: "tags changed",
      detail: `${tags.join(", ")} (serve --allow/--deny tag: selects it differently)`,
      widens: true,
    });
  const wasInternal = before.internal === true;
  const isInternal = after.internal === true;
  if (wasInternal && !isInternal)
    out.push({
      subject: name,
      kind: "tool now listed",
      detail: "clients can call it, no longer only handlers",
      widens: true,
    });
  if (!wasInternal && isInternal)
    out.push({
      subject: name,
      kind: "tool now internal",
      detail: "only handlers can call it",
      widens: false,
    });
}

/**
 * What a tool's result holds, said where it changed (never widening: it is what comes back, not what a call can
 * do): the schema declared or dropped, its properties added or removed, a type or an assertion changed (each side's
 * named schemas read in its own table), or only its descriptions; and whether the data sits under `result`.
 * Nothing is said when the two read the same (before, a change of a named schema's text alone printed `result
 * schema changed` with an empty detail).
 */
function compareResult(
  name: string,
  before: CatalogTool,
  after: CatalogTool,
  tables: Tables,
  out: Change[],
): void {
  const push = (kind: string, detail: string) => out.push({ subject: name, kind, detail, widens: false });
  const was = before.outputSchema;
  const now = after.outputSchema;
  if (was !== undefined || now !== undefined) {
    const changes = resultChanges(was ?? {}, now ?? {}, tables);
    if (was === undefined) push("result schema added", listed(changes.shape, 6));
    else if (now === undefined) push("result schema removed", listed(changes.shape, 6));
    else if (changes.shape.length > 0) push("result schema changed", listed(changes.shape, 6));
    else if (changes.text.length > 0) push("result description changed", listed(changes.text, 6));
  }
  if ((before.outputWrapped ?? false) !== (after.outputWrapped ?? false))
    push(
      "result wrapping changed",
      after.outputWrapped ? "the data now sits under result" : "the data no longer sits under result",
    );
}

type CatalogPolicy = CatalogDocument["policy"];

function compareSettings(before: CatalogDocument, after: CatalogDocument, out: Change[]): void {
  comparePolicySwitches(before.policy, after.policy, out);
  compareCatalogPolicy(before.policy, after.policy, out);
  compareEnv(before.env, after.env, policyEnv(after.policy), out);
  compareSources(before.sources, after.sources, out);
  compareConfirmationTtl(before, after, out);
  compareTransport(before.transport, after.transport, out);
  compareLimits(before.limits, after.limits, out);
  compareEnvelope(before, after, out);
  comparePublish(before, after, out);
}

/**
 * The env variables that switch policies at run time: added, removed or renamed. A protective switch removed or
 * renamed widens: a deployment that set it (read-only on, a denied path, a tenant, the audit file) is no longer
 * held by it, the old name being read no more. The audit switch gone or renamed widens only when the audit is off
 * by default (a deployment that turned it on loses it); the confirmation secret's env is said without widening
 * (without it, tokens are signed with a secret of the process: a preview confirmed at another replica fails).
 */
function comparePolicySwitches(p: CatalogPolicy, q: CatalogPolicy, out: Change[]): void {
  const auditOff = q?.audit.enabledByDefault === false;
  const switches: [string, string | undefined, string | undefined, boolean][] = [
    ["read-only switch", p?.readOnly?.env, q?.readOnly?.env, true],
    ["masking switch", p?.maskValues?.env, q?.maskValues?.env, true],
    ["allowed-paths switch", p?.allowedPaths?.env, q?.allowedPaths?.env, true],
    ["denied-paths switch", p?.deniedPaths?.env, q?.deniedPaths?.env, true],
    ["denied-tools switch", p?.deniedTools.env, q?.deniedTools.env, true],
    ["tenant lock switch", p?.tenant?.env, q?.tenant?.env, true],
    ["partner lock switch", p?.partner?.env, q?.partner?.env, true],
    ["audit switch", p?.audit.enabledEnv, q?.audit.enabledEnv, auditOff],
    ["audit file switch", p?.audit.fileEnv, q?.audit.fileEnv, true],
    ["confirmation secret env", p?.confirmation.secretEnv, q?.confirmation.secretEnv, false],
  ];
  for (const [label, x, y, protective] of switches) {
    if (x === y) continue;
    out.push({
      subject: "catalog",
      kind: y === undefined ? `${label} removed` : x === undefined ? `${label} added` : `${label} renamed`,
      detail: `${x ?? "none"} -> ${y ?? "none"}${x !== undefined && protective ? ` (a value set in ${x} is no longer read)` : ""}`,
      widens: protective && x !== undefined,
    });
  }
}

/** Catalog-wide policy: denied tools, the secret-key pattern, the confirmation mode and the audit default. */
function compareCatalogPolicy(p: CatalogPolicy, q: CatalogPolicy, out: Change[]): void {
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
  const auditWas = p?.audit.enabledByDefault ?? true;
  const auditNow = q?.audit.enabledByDefault ?? true;
  if (auditWas && !auditNow)
    out.push({
      subject: "catalog",
      kind: "audit off by default",
      detail: q?.audit.enabledEnv
        ? `calls are recorded only while ${q.audit.enabledEnv} is on`
        : "calls are not recorded",
      widens: true,
    });
  if (!auditWas && auditNow)
    out.push({
      subject: "catalog",
      kind: "audit on by default",
      detail: "calls are recorded",
      widens: false,
    });
  const deniedWas = new Set(p?.deniedTools.tools ?? []);
  for (const t of q?.deniedTools.tools ?? [])
    if (!deniedWas.has(t)) out.push({ subject: "catalog", kind: "tool denied", detail: t, widens: false });
}

/** How a policy reads an env variable's value, by the variable's name, for judging a changed default. */
type PolicyEnvRole = "on" | "denied" | "allowed" | "fixed";

/** The env variables the catalog's policies read (the new catalog's names), with how each is read. */
function policyEnv(p: CatalogPolicy): Map<string, PolicyEnvRole> {
  const roles = new Map<string, PolicyEnvRole>();
  const add = (name: string | undefined, role: PolicyEnvRole) => {
    if (name !== undefined) roles.set(name, role);
  };
  add(p?.readOnly?.env, "on");
  add(p?.maskValues?.env, "on");
  add(p?.audit.enabledEnv, "on");
  add(p?.deniedPaths?.env, "denied");
  add(p?.deniedTools.env, "denied");
  add(p?.allowedPaths?.env, "allowed");
  add(p?.tenant?.env, "fixed");
  add(p?.partner?.env, "fixed");
  add(p?.audit.fileEnv, "fixed");
  return roles;
}

const listOf = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/**
 * Whether a policy switch's new default lets through what the old one stopped: a switch that was on (read-only,
 * masking, audit) and is no longer, a denied entry dropped, an allow list that now admits a prefix it did not
 * (an empty one admits everything), a lock or audit file moved. Unknown shapes widen.
 */
function defaultWidens(role: PolicyEnvRole, was: string | undefined, now: string | undefined): boolean {
  switch (role) {
    case "on": {
      const on = (v: string | undefined) => ["true", "1", "yes"].includes((v ?? "").trim().toLowerCase());
      return on(was) && !on(now);
    }
    case "denied": {
      const kept = new Set(listOf(now));
      return listOf(was).some((item) => !kept.has(item));
    }
    case "allowed": {
      const old = listOf(was);
      const allowed = listOf(now);
      if (old.length === 0) return false;
      const under = (item: string) =>
        old.some((o) => item === o || item.startsWith(o.endsWith("/") ? o : `${o}/`));
      return allowed.length === 0 || !allowed.every(under);
    }
    default:
      return true;
  }
}

/**
 * A changed default as a reviewer reads it, never with a credential in it: a secret variable's values not at all, any
 * other's as `shownValue` shows them; two that read the same once their credentials are withheld say so.
 */
function defaultChange(was: EnvVar, now: EnvVar): string {
  const secret = was.secret || now.secret;
  const shown = (v: string | undefined) =>
    v === undefined ? "none" : secret ? "(a secret value, not shown)" : shownValue(v);
  const [a, b] = [shown(was.default), shown(now.default)];
  if (a !== b) return `${a} -> ${b}`;
  return secret ? "the secret default changed (not shown)" : `${a} (a credential in it changed, not shown)`;
}

function compareEnv(
  before: CatalogDocument["env"],
  after: CatalogDocument["env"],
  policyRoles: Map<string, PolicyEnvRole>,
  out: Change[],
): void {
  const envBefore = new Map(before.map((e) => [e.name, e]));
  for (const e of after) {
    const old = envBefore.get(e.name);
    if (!old) out.push({ subject: "catalog", kind: "env variable added", detail: e.name, widens: false });
    else compareEnvFacts(old, e, out);
    if (old && old.default !== e.default) {
      const role = policyRoles.get(e.name);
      out.push({
        subject: "catalog",
        kind: role === undefined ? "env default changed" : "policy switch default changed",
        detail: `${e.name}: ${defaultChange(old, e)}`,
        widens: role !== undefined && defaultWidens(role, old.default, e.default),
      });
    }
  }
  for (const e of before)
    if (!after.some((x) => x.name === e.name))
      out.push({ subject: "catalog", kind: "env variable removed", detail: e.name, widens: false });
}

/**
 * An env variable's facts besides its default: no longer secret widens (its value may now be shown: in `serve
 * --help`, `--print-config`, audit and diff reports, a packed README); now secret, now or no longer required, and
 * another type or set of values are said without widening.
 */
function compareEnvFacts(was: EnvVar, now: EnvVar, out: Change[]): void {
  const push = (kind: string, detail: string, widens: boolean) =>
    out.push({ subject: "catalog", kind, detail, widens });
  if (was.secret && !now.secret)
    push("env variable no longer secret", `${now.name} (its value may now be shown)`, true);
  if (!was.secret && now.secret) push("env variable now secret", now.name, false);
  if (was.required !== now.required)
    push(now.required ? "env variable now required" : "env variable now optional", now.name, false);
  if (was.type !== now.type)
    push("env variable type changed", `${now.name}: ${was.type} -> ${now.type}`, false);
  else if (
    canonical([was.values ?? null, was.aliases ?? null]) !==
    canonical([now.values ?? null, now.aliases ?? null])
  ) {
    // An alias is another spelling a value is accepted under (`staging` for a URL): another target reads it so.
    const aliases = (v: EnvVar) =>
      Object.entries(v.aliases ?? {})
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([k, target]) => `${shownValue(k)}=${shownValue(target)}`);
    const shown = (v: EnvVar) => [...(v.values ?? []).map(shownValue), ...aliases(v)].join(", ") || "any";
    const secret = was.secret || now.secret;
    push(
      "env variable values changed",
      `${now.name}${secret ? "" : `: ${shown(was)} -> ${shown(now)}`}`,
      false,
    );
  }
  // A url variable's path endings removed from a value (the endpoint URL a user copies, read as its base).
  const endings = (v: EnvVar) => (v.trimPaths ?? []).map(shownValue).join(", ") || "none";
  if (endings(was) !== endings(now))
    push("env variable URL endings changed", `${now.name}: ${endings(was)} -> ${endings(now)}`, false);
}

/**
 * Sources added (widens), with another endpoint or credentials (widens), another argument naming rule, or other
 * server templates (the tenant lock's reading of the base URL: `templateChanges`).
 */
function compareSources(
  before: CatalogDocument["sources"],
  after: CatalogDocument["sources"],
  out: Change[],
): void {
  const sources = new Map(before.map((s) => [s.id, s]));
  for (const s of after) {
    const old = sources.get(s.id);
    if (old && (old.argumentNaming ?? "as_is") !== (s.argumentNaming ?? "as_is"))
      out.push({
        subject: "catalog",
        kind: "argument naming changed",
        detail: `${s.id}: ${old.argumentNaming ?? "as_is"} -> ${s.argumentNaming ?? "as_is"}`,
        widens: false,
      });
    if (!old) out.push({ subject: "catalog", kind: "source added", detail: s.id, widens: true });
    else {
      if (stable(old.baseUrl) !== stable(s.baseUrl) || (old.path ?? "") !== (s.path ?? ""))
        out.push({
          subject: "catalog",
          kind: "source endpoint changed",
          detail: `${s.id}: ${endpointText(old)} -> ${endpointText(s)}`,
          widens: true,
        });
      // A scheme's hint is the text a call missing the credential is told (how to obtain it): said apart.
      const hints = (auth: Source["auth"]) => auth.map((a) => [a.scheme, a.hint ?? ""]);
      const sent = (auth: Source["auth"]) => auth.map(({ hint: _hint, ...a }) => a);
      if (
        stable(hints(old.auth)) !== stable(hints(s.auth)) &&
        stable(sent(old.auth)) === stable(sent(s.auth))
      )
        out.push({ subject: "catalog", kind: "credential hint changed", detail: s.id, widens: false });
      if (stable(sent(old.auth)) !== stable(sent(s.auth)))
        out.push({
          subject: "catalog",
          kind: "source credentials changed",
          detail: `${s.id}: ${[...credentialChanges(old.auth, s.auth), ...scopeChanges(old.auth, s.auth)].join("; ")}`,
          widens: true,
        });
    }
    if (old) {
      if (old.timeoutMs !== s.timeoutMs)
        out.push({
          subject: "catalog",
          kind: "source timeout changed",
          detail: `${s.id}: ${old.timeoutMs}ms -> ${s.timeoutMs}ms`,
          // A call may now hold the upstream (and a concurrency slot) longer.
          widens: s.timeoutMs > old.timeoutMs,
        });
      compareAlternatives(old, s, out);
    }
    if (old)
      for (const c of templateChanges(serverTemplatesOf(old), serverTemplatesOf(s)))
        out.push({ subject: "catalog", kind: c.kind, detail: `${s.id}: ${c.detail}`, widens: c.widens });
  }
}

/** A GraphQL source's credential alternatives as sent: `security`, else every scheme together (or none). */
function alternativesOf(s: Source): string[][] {
  return s.security ?? [s.auth.map((a) => a.scheme)];
}

const alternativeText = (alt: string[]) =>
  alt.length === 0 ? "none (sent without credentials)" : alt.join(" + ");

/**
 * A GraphQL source's credential alternatives (`security`: the first whose credentials are all set is sent), when
 * either catalog names them (otherwise every scheme goes together, and `source credentials changed` says it). An
 * alternative added widens (a request may now go with those credentials only, or with none); one removed does not;
 * the same ones in another order widen (when several are set, another credential is sent).
 */
function compareAlternatives(old: Source, now: Source, out: Change[]): void {
  if (old.security === undefined && now.security === undefined) return;
  const was = alternativesOf(old).map((a) => [...a].sort().join("\u0000"));
  const is = alternativesOf(now).map((a) => [...a].sort().join("\u0000"));
  const text = (key: string) => alternativeText(key === "" ? [] : key.split("\u0000"));
  const added = is.filter((a) => !was.includes(a));
  const removed = was.filter((a) => !is.includes(a));
  if (added.length > 0)
    out.push({
      subject: "catalog",
      kind: "credential alternative added",
      detail: `${now.id}: ${added.map(text).join("; ")}`,
      widens: true,
    });
  if (removed.length > 0)
    out.push({
      subject: "catalog",
      kind: "credential alternative removed",
      detail: `${now.id}: ${removed.map(text).join("; ")}`,
      widens: false,
    });
  const kept = (list: string[], other: string[]) => list.filter((a) => other.includes(a));
  if (added.length === 0 && removed.length === 0 && canonical(kept(was, is)) !== canonical(kept(is, was)))
    out.push({
      subject: "catalog",
      kind: "credential alternatives reordered",
      detail: `${now.id}: ${is.map(text).join(", then ")}`,
      widens: true,
    });
}

/** Where a value is read from, never the value: `env NOTES_URL`, `a default`, `the file named by env F`. */
function sourceText(v: ValueSource): string {
  const parts: string[] = [];
  if (v.env !== undefined) parts.push(`env ${v.env}`);
  if (v.file !== undefined) parts.push(`the file named by ${sourceText(v.file.path)}`);
  if (v.byEnv !== undefined) parts.push(`a value chosen by ${v.byEnv.env}`);
  if (v.default !== undefined) parts.push(`default ${shownValue(v.default)}`);
  return parts.join(", else ") || "nothing";
}

/** A source's endpoint as diff shows it: where its base URL is read from, and the GraphQL path after it. */
function endpointText(s: Source): string {
  return `${sourceText(s.baseUrl)}${s.path ? ` then ${s.path}` : ""}`;
}

/**
 * Which credentials changed, by scheme and kind, never a value: `bearer added (bearer)`, `key removed (apiKey in
 * header X-Key)`, `key: apiKey in header X-Key -> apiKey in query key`, `key: read from env A -> env B`.
 */
function credentialChanges(before: Source["auth"], after: Source["auth"]): string[] {
  const kind = (a: Source["auth"][number]) =>
    a.kind === "apiKey"
      ? `apiKey in ${a.in} ${a.name}`
      : a.kind === "oauth2ClientCredentials"
        ? `OAuth2 client credentials at ${shownValue(a.tokenUrl)}`
        : a.kind;
  const reads = (a: Source["auth"][number]) =>
    authValues(a)
      .map(sourceText)
      .map((t) => t.replace(/default .*/, "a default"))
      .join("; ");
  const was = new Map(before.map((a) => [a.scheme, a]));
  const now = new Map(after.map((a) => [a.scheme, a]));
  const notes: string[] = [];
  for (const [scheme, a] of now) {
    const b = was.get(scheme);
    if (b === undefined) notes.push(`${scheme} added (${kind(a)})`);
    else if (stable({ ...a, hint: undefined }) === stable({ ...b, hint: undefined })) continue;
    else if (kind(a) !== kind(b)) notes.push(`${scheme}: ${kind(b)} -> ${kind(a)}`);
    else if (reads(a) !== reads(b)) notes.push(`${scheme}: read from ${reads(b)} -> ${reads(a)}`);
    else if (requestedScopes(a) === requestedScopes(b)) notes.push(`${scheme}: ${kind(a)} settings`);
  }
  for (const [scheme, b] of was) if (!now.has(scheme)) notes.push(`${scheme} removed (${kind(b)})`);
  return notes;
}

/** The OAuth2 scopes a scheme's tokens are requested with (none for another kind). */
function requestedScopes(auth: Source["auth"][number] | undefined): string {
  if (auth?.kind !== "oauth2ClientCredentials" && auth?.kind !== "oauth2") return "";
  return (auth.scopes.length > 0 ? auth.scopes : (auth.operationScopes ?? [])).join(" ");
}

/** The OAuth2 scopes a scheme's tokens are requested with, where they changed: `oauth scopes: a -> a b`. */
function scopeChanges(before: Source["auth"], after: Source["auth"]): string[] {
  const notes: string[] = [];
  for (const scheme of after) {
    const was = requestedScopes(before.find((b) => b.scheme === scheme.scheme));
    const now = requestedScopes(scheme);
    if (was !== now) notes.push(`${scheme.scheme} scopes: ${was || "(none)"} -> ${now || "(none)"}`);
  }
  return notes;
}

export function compareCatalogs(before: CatalogDocument, after: CatalogDocument): Change[] {
  const out: Change[] = [];
  const tables: Tables = { before: before.schemas ?? {}, after: after.schemas ?? {} };
  const old = new Map(before.tools.map((t) => [t.name, t]));
  const listed = (t: CatalogTool) => !(t as CatalogTool & { internal?: boolean }).internal;
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
  compareServer(before, after, out);
  compareSettings(before, after, out);
  const resources = (d: CatalogDocument) =>
    new Set([...d.resources.map((r) => r.uri), ...d.resourceTemplates.map((t) => t.uriTemplate)]);
  const ra = resources(before);
  const rb = resources(after);
  for (const r of rb)
    if (!ra.has(r)) out.push({ subject: "catalog", kind: "resource added", detail: r, widens: true });
  for (const r of ra)
    if (!rb.has(r)) out.push({ subject: "catalog", kind: "resource removed", detail: r, widens: false });
  compareResources(before.resources, after.resources, out);
  compareTemplates(before.resourceTemplates, after.resourceTemplates, out);
  const pa = new Map(before.prompts.map((p) => [p.name, p]));
  for (const p of after.prompts) {
    const was = pa.get(p.name);
    if (!was) out.push({ subject: "catalog", kind: "prompt added", detail: p.name, widens: false });
    else {
      comparePromptArguments(was, p, out);
      const text = textChanges(was, p, ["title", "description"]);
      if (text !== "")
        out.push({
          subject: "catalog",
          kind: "prompt description changed",
          detail: `${p.name}: ${text}`,
          widens: false,
        });
      if (contentChanged(was.sha256, p.sha256))
        out.push({
          subject: "catalog",
          kind: "prompt text changed",
          detail: `${p.name}: ${p.asset}`,
          widens: false,
        });
    }
  }
  for (const p of before.prompts)
    if (!after.prompts.some((x) => x.name === p.name))
      out.push({ subject: "catalog", kind: "prompt removed", detail: p.name, widens: false });
  return out;
}

/**
 * The server as clients know it: the catalog's name (hosts prefix its tools with it, `mcp__<catalog>__`), the name
 * and title it announces, and the instructions the model is given for the whole catalog. Said, never widening; the
 * version is the API's release number and is not compared.
 */
function compareServer(before: CatalogDocument, after: CatalogDocument, out: Change[]): void {
  const push = (kind: string, detail: string) =>
    out.push({ subject: "catalog", kind, detail, widens: false });
  if (before.catalog !== after.catalog) push("catalog renamed", `${before.catalog} -> ${after.catalog}`);
  // A catalog.json may be hand-made (tests, older tools): a missing server reads as one with nothing said.
  const [a, b] = [before.server ?? { name: "" }, after.server ?? { name: "" }];
  if (a.name !== b.name) push("server name changed", `${a.name} -> ${b.name}`);
  if ((a.title ?? "") !== (b.title ?? ""))
    push("server title changed", `${JSON.stringify(a.title ?? "")} -> ${JSON.stringify(b.title ?? "")}`);
  if ((a.instructions ?? "") !== (b.instructions ?? ""))
    push("server instructions changed", "what the model is told about the whole catalog");
}

/** The members of two records (a resource, a template, a prompt) whose text differs: `title, description`. */
function textChanges<T>(was: T, now: T, members: (keyof T)[]): string {
  return members.filter((m) => (was[m] ?? "") !== (now[m] ?? "")).join(", ");
}

/**
 * Whether an asset's text changed: both catalogs record its hash (catalogs before round 47 record none, and
 * nothing is said about a text that cannot be compared).
 */
function contentChanged(was: string | undefined, now: string | undefined): boolean {
  return was !== undefined && now !== undefined && was !== now;
}

/**
 * Each entry of `after` whose key (`key`) an entry of `before` has too, compared with that one by `compare`, whose
 * `push` says a change of the catalog's, detailed after the entry's key (`notes://a: reworded`).
 */
function compareKept<T>(
  before: readonly T[],
  after: readonly T[],
  key: (x: T) => string,
  out: Change[],
  compare: (old: T, now: T, push: (kind: string, detail: string, widens: boolean) => void) => void,
): void {
  const was = new Map(before.map((x) => [key(x), x]));
  for (const now of after) {
    const old = was.get(key(now));
    if (old === undefined) continue;
    compare(old, now, (kind, detail, widens) =>
      out.push({ subject: "catalog", kind, detail: `${key(now)}: ${detail}`, widens }),
    );
  }
}

/**
 * A static resource present in both catalogs (by URI): its text (what a client reads, and may hand the model),
 * media type or description changed. A resource runs nothing, so none widens.
 */
function compareResources(
  before: CatalogDocument["resources"],
  after: CatalogDocument["resources"],
  out: Change[],
): void {
  compareKept(
    before,
    after,
    (r) => r.uri,
    out,
    (old, r, push) => {
      if (contentChanged(old.sha256, r.sha256)) push("resource content changed", r.asset, false);
      if (old.mimeType !== r.mimeType)
        push("resource media type changed", `${old.mimeType} -> ${r.mimeType}`, false);
      const text = textChanges(old, r, ["name", "title", "description"]);
      if (text !== "")
        push("resource description changed", `reworded${text === "description" ? "" : ` (${text})`}`, false);
    },
  );
}

/** A template's tool as read: `notes_get(id={id})`. */
function boundText(tool: { name: string; args: Record<string, string> } | undefined): string {
  if (tool === undefined) return "none";
  const args = Object.entries(tool.args)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([v, arg]) => `${arg}={${v}}`)
    .join(", ");
  return `${tool.name}(${args})`;
}

/**
 * A resource template present in both catalogs (by its URI template): reading a URI, or listing and completing
 * them, calls a tool a client may use without the model (or the user) choosing it, so another tool, or a variable
 * sent as another argument, widens; another listing item path, name or page setting, another set of assets, or
 * another media type is said without widening.
 */
function compareTemplates(
  before: CatalogDocument["resourceTemplates"],
  after: CatalogDocument["resourceTemplates"],
  out: Change[],
): void {
  compareKept(
    before,
    after,
    (t) => t.uriTemplate,
    out,
    (old, t, push) => {
      if (canonical(old.tool ?? null) !== canonical(t.tool ?? null))
        push("resource template tool changed", `${boundText(old.tool)} -> ${boundText(t.tool)}`, true);
      const lister = (x: typeof t) => x.list?.tool;
      const listArgs = (x: typeof t) => canonical([x.list?.args ?? null, x.list?.prefix ?? null]);
      if (lister(old) !== lister(t) || listArgs(old) !== listArgs(t))
        push(
          "resource template listing tool changed",
          `${lister(old) ?? "none"} -> ${lister(t) ?? "none"}${lister(old) === lister(t) ? " (its arguments)" : ""}`,
          true,
        );
      else if (canonical(old.list ?? null) !== canonical(t.list ?? null))
        push("resource template listing changed", "where items, names or pages are read", false);
      // The files' hash is compared apart: a catalog before round 47 has none.
      const files = (x: typeof t) => {
        if (x.assets === undefined) return null;
        const { sha256: _sha256, ...rest } = x.assets;
        return rest;
      };
      if (canonical(files(old)) !== canonical(files(t))) {
        const values = (x: typeof t) => new Set(x.assets?.values ?? []);
        const [a, b] = [values(old), values(t)];
        const added = [...b].filter((v) => !a.has(v));
        const removed = [...a].filter((v) => !b.has(v));
        const counts = [
          added.length > 0 ? `+${listed(added)}` : "",
          removed.length > 0 ? `-${listed(removed)}` : "",
        ];
        const said = counts.filter(Boolean).join(", ");
        push(
          "resource template assets changed",
          said || `${old.assets?.pattern ?? "none"} -> ${t.assets?.pattern ?? "none"}`,
          false,
        );
      } else if (contentChanged(old.assets?.sha256, t.assets?.sha256))
        push("resource template assets changed", "the text of one or more files", false);
      if (old.mimeType !== t.mimeType)
        push("resource template media type changed", `${old.mimeType} -> ${t.mimeType}`, false);
      const text = textChanges(old, t, ["name", "title", "description"]);
      if (text !== "") push("resource template description changed", text, false);
    },
  );
}

/**
 * A prompt's arguments: added (required or not), removed, or made required or optional. Prompts are templates a
 * user picks (their text an asset); none lets a call do more, so none widens.
 */
function comparePromptArguments(
  was: CatalogDocument["prompts"][number],
  now: CatalogDocument["prompts"][number],
  out: Change[],
): void {
  const push = (kind: string, detail: string) =>
    out.push({ subject: "catalog", kind, detail: `${now.name}: ${detail}`, widens: false });
  const old = new Map(was.arguments.map((a) => [a.name, a]));
  for (const a of now.arguments) {
    const b = old.get(a.name);
    if (b === undefined) push("prompt argument added", `${a.name}${a.required ? " (required)" : ""}`);
    else if (b.required !== a.required)
      push(a.required ? "prompt argument now required" : "prompt argument now optional", a.name);
    else if ((b.description ?? "") !== (a.description ?? ""))
      push("prompt argument description changed", a.name);
  }
  for (const a of was.arguments)
    if (!now.arguments.some((x) => x.name === a.name)) push("prompt argument removed", a.name);
}
