import { dirname, relative, resolve } from "node:path";
import type { GraphQLError, OperationTypeNode } from "graphql";
import { sharedToken, sharedWhat, slotClash } from "../../src/executors/upstream-auth.js";
import type { Diagnostics } from "../diagnostics.js";
import { toIdentifier } from "../ir/symbols.js";
import type {
  ArgumentNaming,
  AuthScheme,
  PropertyNode,
  SafetyBasis,
  SchemaNode,
  SourceNode,
  SourceRef,
  ToolNode,
} from "../ir/types.js";
import { type LoadedDocument, readInput } from "../load/document.js";
import { graphqlErrorRef, graphqlJs } from "../load/graphql.js";
import type { Manifest, SelectorSpec, SourceSpec, ToolSpec } from "../manifest/types.js";
import type { GraphqlSourceModel, RootField } from "../normalize/graphql/model.js";
import {
  type AnalyzedOperation,
  analyzeOperation,
  rootFieldDocument,
} from "../normalize/graphql/operation.js";
import {
  DEFAULT_DEPTH,
  MAX_DEPTH,
  SelectionDeriver,
  SelectionTooLarge,
} from "../normalize/graphql/selection.js";
import { withMeta } from "../normalize/graphql/types.js";
import { fitName, humanize, safeArgName, snakeCase } from "../plan/names.js";
import { compareStrings, didYouMean, distance } from "../util.js";
import { applyArgumentNaming, argumentNamingOf } from "./arg-naming.js";
import { classifyGraphql } from "./classify.js";
import type { BindContext } from "./http-tool.js";
import { authFor, timeoutOf, valueSourceOf } from "./sources.js";
import {
  annotationsFor,
  composeDescription,
  decideSafety,
  isObjectRoot,
  outputOf,
  policyOf,
  tagsOf,
} from "./tool-common.js";

/**
 * GraphQL tools: one per root field (with a derived or given selection) or per operation document. The root
 * field's arguments, or the document's variables, are the tool's arguments; the selection's data shape is its
 * output. Every document is validated against the schema here, at build time.
 */

export interface GraphqlBindContext extends BindContext {
  doc: LoadedDocument;
  root: string;
  /** `.graphql` files read (absolute), for the catalog's input hash. */
  documents: string[];
  /** `source#Query.field` of every root field a tool already maps (bulk selection skips them). */
  boundFields: Set<string>;
  derivers: Map<string, SelectionDeriver>;
}

export type GraphqlTarget =
  | { kind: "field"; model: GraphqlSourceModel; field: RootField }
  | { kind: "document"; model: GraphqlSourceModel };

const ROOT_REF = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** Canonical and schema-specific names of a root type (`Query` and, say, `QueryRoot`). */
function rootNames(rf: RootField): string[] {
  const canonical = rf.operationType.charAt(0).toUpperCase() + rf.operationType.slice(1);
  return canonical === rf.typeName ? [canonical] : [canonical, rf.typeName];
}

function matchesRoot(rf: RootField, ref: string): boolean {
  const m = ROOT_REF.exec(ref.trim());
  return m !== null && m[2] === rf.name && rootNames(rf).includes(m[1] as string);
}

/** A GraphQL source as the catalog publishes it: the endpoint is `base_url`, auth comes from the manifest. */
export function bindGraphqlSource(
  model: GraphqlSourceModel,
  manifest: Manifest,
  doc: LoadedDocument,
  diags: Diagnostics,
): SourceNode {
  const spec = manifest.sources?.[model.id] ?? {};
  const baseUrl = spec.base_url ? valueSourceOf(spec.base_url) : {};
  if (!baseUrl.env && baseUrl.default === undefined && !baseUrl.byEnv) {
    diags.error(
      "TW143",
      `GraphQL source ${JSON.stringify(model.id)} needs base_url (the endpoint URL); a schema does not say where it is served`,
      doc.ref(`#/sources/${model.id}`, true),
    );
  }
  const auth: AuthScheme[] = [];
  for (const [scheme, authSpec] of Object.entries(spec.auth ?? {})) {
    const bound = authFor(
      scheme,
      authSpec,
      undefined,
      diags,
      doc.ref(`#/sources/${model.id}/auth/${scheme}`, true),
    );
    if (bound) auth.push(bound);
  }
  const security = gatedSecurity(model.id, securityOf(model.id, spec, auth, doc, diags), auth, diags, {
    security: doc.ref(`#/sources/${model.id}/${spec.security ? "security" : "auth"}`, true),
  });
  return {
    id: model.id,
    kind: "graphql",
    file: model.spec.files.map((f) => f.file).join(", "),
    baseUrl,
    ...(spec.path ? { path: spec.path } : {}),
    auth,
    ...(security ? { security } : {}),
    timeoutMs: timeoutOf(spec),
    ...namingOf(manifest, model.id),
  };
}

/** `sources.<id>.security`: alternatives that name only the source's own `auth` schemes (else a located error). */
function securityOf(
  sourceId: string,
  spec: SourceSpec,
  auth: AuthScheme[],
  doc: LoadedDocument,
  diags: Diagnostics,
): string[][] | undefined {
  if (!spec.security) return undefined;
  const defined = new Set(Object.keys(spec.auth ?? {}));
  spec.security.forEach((alternative, i) => {
    for (const name of alternative.filter((n) => !defined.has(n)))
      diags.error(
        "TW110",
        `security names ${JSON.stringify(name)}, which is not a scheme under sources.${sourceId}.auth`,
        doc.ref(`#/sources/${sourceId}/security/${i}`, true),
      );
  });
  const bound = new Set(auth.map((a) => a.scheme));
  return spec.security.filter((alternative) => alternative.every((n) => bound.has(n)));
}

/**
 * The source's security alternatives through the gate an OpenAPI operation's pass (`OperationGate`, skips.ts): the
 * schemes of an alternative that share one bearer token (`sharedToken`) are made one, said with a TW142 info; an
 * alternative two of whose schemes need one slot (`slotClash`: basic and bearer both as Authorization) is never sent,
 * a TW142 warning when another remains and an error when none does (every tool of the source would fail at its
 * first call, the runtime refusing it as it refuses any such alternative). Undeclared, the alternatives are every
 * bound scheme together (as the runtime reads no `security`); unchanged, they stay as they were written.
 */
function gatedSecurity(
  sourceId: string,
  declared: string[][] | undefined,
  auth: AuthScheme[],
  diags: Diagnostics,
  at: { security: SourceRef },
): string[][] | undefined {
  const alternatives = declared ?? (auth.length > 1 ? [auth.map((a) => a.scheme)] : undefined);
  if (!alternatives) return declared;
  const schemes = new Map(auth.map((a) => [a.scheme, a]));
  let changed = false;
  const merged = alternatives.map((alternative) => {
    const one = sharedToken(alternative, schemes);
    changed ||= one.shared.length > 0;
    for (const shared of one.shared)
      diags.info(
        "TW142",
        `source "${sourceId}": security schemes ${[shared.kept, ...shared.merged].map((s) => JSON.stringify(s)).join(" and ")}, required together, ${sharedWhat(shared)}`,
        at.security,
      );
    return one.alternative;
  });
  const clashes = merged.map((alternative) => slotClash(alternative, schemes));
  const kept = merged.filter((_, i) => clashes[i] === undefined);
  const dropped = clashes.filter((c) => c !== undefined);
  if (dropped.length > 0 && kept.length === 0)
    diags.error(
      "TW142",
      `source "${sourceId}": every security alternative needs one slot twice: ${dropped.join("; ")}`,
      at.security,
    );
  else if (dropped.length > 0)
    diags.warn(
      "TW142",
      `source "${sourceId}": security alternative${dropped.length === 1 ? "" : "s"} never sent: ${dropped.join("; ")}`,
      at.security,
    );
  return changed || dropped.length > 0 ? kept : declared;
}

/** The source's argument naming rule, as catalog.json records it (absent for `as_is`). */
export function namingOf(manifest: Manifest, sourceId: string): Pick<SourceNode, "argumentNaming"> {
  const rule = argumentNamingOf(manifest, sourceId);
  return rule === "as_is" ? {} : { argumentNaming: rule };
}

/**
 * Whether a manifest entry is a GraphQL tool, and of what: `undefined` when it is not (an OpenAPI operation, or
 * nothing), `null` when it is but cannot be bound (already diagnosed).
 */
export function graphqlTargetOf(
  name: string,
  spec: ToolSpec,
  sources: GraphqlSourceModel[],
  openapiIds: string[],
  doc: LoadedDocument,
  diags: Diagnostics,
): GraphqlTarget | null | undefined {
  const from = parseFrom(spec);
  const { sourceId } = from;
  const at = doc.ref(`#/tools/${name}`, true);
  if (sourceId !== undefined && openapiIds.includes(sourceId)) {
    if (spec.document === undefined) return undefined;
    diags.error(
      "TW112",
      `tool ${JSON.stringify(name)}: source ${JSON.stringify(sourceId)} is OpenAPI; a document needs a GraphQL source`,
      at,
    );
    return null;
  }
  const pool = sourceId === undefined ? sources : sources.filter((s) => s.id === sourceId);
  if (pool.length === 0) {
    if (sourceId !== undefined && spec.document !== undefined) {
      const ids = [...sources.map((s) => s.id), ...openapiIds].join(", ");
      diags.error(
        "TW112",
        `tool ${JSON.stringify(name)}: unknown source ${JSON.stringify(sourceId)} (sources: ${ids})`,
        at,
      );
      return null;
    }
    return undefined;
  }
  if (spec.document !== undefined) return documentTarget(name, spec, pool, at, diags);
  if (from.ref === undefined || !ROOT_REF.test(from.ref.trim())) return undefined;
  return rootFieldTarget(name, spec, { ...from, ref: from.ref }, pool, openapiIds, doc, diags);
}

/** A manifest `from:` split into its source (before `#`, if any) and its reference; `source:` as fallback. */
interface FromRef {
  fromSource: string | undefined;
  ref: string | undefined;
  sourceId: string | undefined;
}

function parseFrom(spec: ToolSpec): FromRef {
  const hash = spec.from?.indexOf("#") ?? -1;
  const fromSource = spec.from && hash !== -1 ? spec.from.slice(0, hash) : undefined;
  const ref = spec.from ? (hash === -1 ? spec.from : spec.from.slice(hash + 1)) : undefined;
  return { fromSource, ref, sourceId: fromSource ?? spec.source };
}

/** A `document:` tool: it names one GraphQL source (or there is only one) and nothing else shapes it. */
function documentTarget(
  name: string,
  spec: ToolSpec,
  pool: GraphqlSourceModel[],
  at: SourceRef,
  diags: Diagnostics,
): GraphqlTarget | null {
  if (spec.from !== undefined || spec.selection !== undefined || spec.depth !== undefined) {
    diags.error(
      "TW110",
      `tool ${JSON.stringify(name)}: document cannot be combined with from, selection or depth (the document says it all)`,
      at,
    );
    return null;
  }
  if (pool.length > 1) {
    diags.error(
      "TW114",
      `tool ${JSON.stringify(name)}: several GraphQL sources (${pool.map((s) => s.id).join(", ")}); say which with source:`,
      at,
    );
    return null;
  }
  return { kind: "document", model: pool[0] as GraphqlSourceModel };
}

/** The one root field a `Type.field` reference names among the pool's sources, or a located error. */
function rootFieldTarget(
  name: string,
  spec: ToolSpec,
  from: FromRef & { ref: string },
  pool: GraphqlSourceModel[],
  openapiIds: string[],
  doc: LoadedDocument,
  diags: Diagnostics,
): GraphqlTarget | null | undefined {
  const { ref } = from;
  const found = pool.flatMap((model) =>
    model.rootFields.filter((rf) => matchesRoot(rf, ref)).map((field) => ({ model, field })),
  );
  const fromAt = doc.ref(`#/tools/${name}/from`);
  if (found.length === 1)
    return { kind: "field", ...(found[0] as { model: GraphqlSourceModel; field: RootField }) };
  if (found.length > 1) {
    diags.error(
      "TW114",
      `${JSON.stringify(spec.from)} matches root fields of several sources (${found.map((f) => f.model.id).join(", ")})`,
      fromAt,
    );
    return null;
  }
  const rootType = ref.split(".")[0] as string;
  const candidates = pool
    .flatMap((m) => m.rootFields.filter((rf) => rootNames(rf).includes(rootType)).map((rf) => rf.key))
    .sort(compareStrings);
  if (candidates.length === 0) {
    // `Foo.bar` that is no root type of any GraphQL source: it may be an OpenAPI operationId after all.
    if (openapiIds.length > 0 && from.fromSource === undefined) return undefined;
    diags.error(
      "TW113",
      `${JSON.stringify(spec.from)}: ${rootType} is not a root type (use Query.<field> or Mutation.<field>)`,
      fromAt,
    );
    return null;
  }
  diags.error(
    "TW113",
    `${JSON.stringify(spec.from)} matches no root field${from.sourceId ? ` of source ${JSON.stringify(from.sourceId)}` : ""}`,
    fromAt,
    nearRootFields(ref, candidates),
  );
  return null;
}

/**
 * "did you mean" for an unknown root field: up to three fields of its root type whose name is near (within two
 * edits, or a third of its length) or holds the one asked for or is held by it. The field is what follows the last
 * `.` of each (a name with none is all field). Holding counts from three letters: `a` or an empty field was
 * held by every candidate's name, so each was offered.
 */
function nearRootFields(ref: string, candidates: string[]): string | undefined {
  const fieldOf = (key: string) => key.slice(key.lastIndexOf(".") + 1).toLowerCase();
  const field = fieldOf(ref);
  if (field === "") return undefined;
  const near = candidates
    .map((c) => ({ c, f: fieldOf(c) }))
    .filter(({ f }) => f !== "")
    .map(({ c, f }) => ({ c, d: holds(f, field) ? 0 : distance(f, field) }))
    .filter((x) => x.d <= Math.max(2, field.length / 3))
    .sort((a, b) => a.d - b.d || compareStrings(a.c, b.c))
    .slice(0, 3)
    .map((x) => x.c);
  return didYouMean(near);
}

function holds(a: string, b: string): boolean {
  return Math.min(a.length, b.length) >= 3 && (a.includes(b) || b.includes(a));
}

/** Positions inside a manifest string value: line/column of the text -> tools.yaml line/column. */
function inlineLocator(doc: LoadedDocument, pointer: string): (line: number, column: number) => SourceRef {
  const ref = doc.ref(pointer);
  if (ref.line === undefined) return () => ref;
  const lines = doc.text.split("\n");
  const startColumn = ref.column ?? 1;
  const head = (lines[ref.line - 1] ?? "").slice(startColumn - 1);
  if (/^[|>]/.test(head)) {
    // A block scalar: the text starts on the next line, at that line's indentation.
    const indent = /^ */.exec(lines[ref.line] ?? "")?.[0].length ?? 0;
    return (line, column) => ({ ...ref, line: ref.line! + line, column: indent + column });
  }
  const quote = /^["']/.test(head) ? 1 : 0;
  return (line, column) =>
    line === 1
      ? { ...ref, column: startColumn + quote + column - 1 }
      : { ...ref, line: ref.line! + line - 1, column };
}

function errorPosition(e: GraphQLError): { line: number; column: number } | undefined {
  const loc = e.locations?.[0];
  return loc ? { line: loc.line, column: loc.column } : undefined;
}

interface DocumentSource {
  text: string;
  /** Derived by the generator (no manifest selection or document): `AnalyzeOptions.derived`. */
  derived?: boolean;
  locate: (e: GraphQLError) => SourceRef;
  source: SourceRef;
}

function documentSource(name: string, spec: ToolSpec, ctx: GraphqlBindContext): DocumentSource | undefined {
  const value = spec.document as string;
  const pointer = `#/tools/${name}/document`;
  if (/\.(graphql|gql)$/i.test(value.trim()) && !value.includes("{")) {
    const abs = resolve(dirname(ctx.doc.abs), value.trim());
    const file = relative(ctx.root, abs).split("\\").join("/");
    const text = readInput(abs, file, ctx.diags, ctx.doc.ref(pointer));
    if (text === undefined) return undefined;
    ctx.documents.push(abs);
    return { text, locate: (e) => graphqlErrorRef(file, e), source: { file } };
  }
  const at = inlineLocator(ctx.doc, pointer);
  return {
    text: value,
    locate: (e) => {
      const pos = errorPosition(e);
      return pos ? at(pos.line, pos.column) : ctx.doc.ref(pointer);
    },
    source: ctx.doc.ref(`#/tools/${name}`, true),
  };
}

function rootFieldText(
  name: string,
  rf: RootField,
  model: GraphqlSourceModel,
  spec: ToolSpec | undefined,
  ctx: GraphqlBindContext,
  operationName: string,
): DocumentSource | undefined {
  const toolAt = spec ? ctx.doc.ref(`#/tools/${name}`, true) : rf.source;
  if (spec?.selection !== undefined) {
    if (spec.depth !== undefined)
      ctx.diags.warn(
        "TW110",
        `tool ${JSON.stringify(name)}: depth applies to derived selections; selection: is used as given`,
        ctx.doc.ref(`#/tools/${name}/depth`),
      );
    const text = rootFieldDocument(rf, operationName, spec.selection);
    // The selection starts on line 2 of the document, after `  field(args) ` (and `{ ` when it had no braces).
    const secondLine = text.split("\n")[1] ?? "";
    const trimmed = spec.selection.trim();
    const prefix =
      secondLine.indexOf(trimmed.startsWith("{") ? trimmed : `{ ${trimmed}`) +
      (trimmed.startsWith("{") ? 0 : 2);
    const at = inlineLocator(ctx.doc, `#/tools/${name}/selection`);
    const lead = spec.selection.length - spec.selection.trimStart().length;
    return {
      text,
      locate: (e) => {
        const pos = errorPosition(e);
        if (!pos || pos.line < 2) return ctx.doc.ref(`#/tools/${name}/selection`);
        return pos.line === 2 ? at(1, pos.column - prefix + lead) : at(pos.line - 1, pos.column);
      },
      source: rf.source,
    };
  }
  const depth = spec?.depth ?? DEFAULT_DEPTH;
  if (depth > MAX_DEPTH) {
    ctx.diags.error(
      "TW110",
      `tool ${JSON.stringify(name)}: depth is at most ${MAX_DEPTH} (deeper selections flood the context)`,
      ctx.doc.ref(`#/tools/${name}/depth`),
    );
    return undefined;
  }
  const deriver = ctx.derivers.get(model.id) ?? new SelectionDeriver(model.schema);
  ctx.derivers.set(model.id, deriver);
  let selection: ReturnType<SelectionDeriver["derive"]>;
  try {
    selection = deriver.derive(getNamed(rf), depth);
  } catch (error) {
    if (!(error instanceof SelectionTooLarge)) throw error;
    // The source-wide bound is reported once, at the first tool past it.
    if (error.scope === "tool" || !ctx.diags.items.some((d) => d.message.includes(error.message)))
      ctx.diags.error(
        "TW190",
        `tool ${JSON.stringify(name)}: ${error.message} (the schema's types fan out): refused as a resource exhaustion risk`,
        toolAt,
        "Give the tool a `selection:` in the manifest (or a smaller `depth`), or select fewer root fields.",
      );
    return undefined;
  }
  const text = rootFieldDocument(rf, operationName, selection);
  return {
    text,
    derived: true,
    // A derived document that does not validate is a generator bug; say where it came from.
    locate: () => toolAt,
    source: rf.source,
  };
}

function getNamed(rf: RootField) {
  let t = rf.field.type as { ofType?: unknown };
  while (t.ofType) t = t.ofType as { ofType?: unknown };
  return t as unknown as Parameters<SelectionDeriver["derive"]>[0];
}

/** One tool from a root field or a document, shaped by its manifest entry (if any). */
export function bindGraphqlTool(
  name: string,
  target: GraphqlTarget,
  spec: ToolSpec | undefined,
  at: SourceRef,
  ctx: GraphqlBindContext,
  /** The name before it was fitted into the name budget (its title reads it, not the hash that shortened it). */
  unshortened = name,
): ToolNode | undefined {
  const { model } = target;
  const validated = validatedOperation(name, target, spec, ctx);
  if (!validated) return undefined;
  const { src, analyzed } = validated;
  if (analyzed.root) ctx.boundFields.add(`${model.id}#${rootKey(model, analyzed)}`);
  const notes: string[] = [];
  const args = argumentsOf(name, analyzed, spec, {
    diags: ctx.diags,
    at,
    notes,
    naming: ctx.naming(model.id),
  });
  if (!args) return undefined;
  const { output, wrapped, field } = outputOfOperation(analyzed, ctx, notes);
  if (target.kind === "field" && spec?.selection === undefined) {
    notes.push(
      `selection derived from the schema (depth ${spec?.depth ?? DEFAULT_DEPTH}); set selection: to choose fields`,
    );
  }
  const { safety, safetyBasis } = decideSafety(graphqlSafety(analyzed), spec);
  const title = spec?.title ?? humanize(unshortened, ctx.prefix);
  const description = composeDescription(
    spec?.description !== undefined ? [spec.description] : [analyzed.root?.description],
    notes,
  );
  return {
    name,
    title,
    description: description || `${analyzed.operationType} ${field ?? analyzed.operationName}`,
    aliases: [...(spec?.aliases ?? [])],
    safety,
    safetyBasis,
    annotations: annotationsFor(title, safety, false, spec),
    input: { kind: "object", properties: args.properties, additional: false },
    ...(output ? { output } : {}),
    outputWrapped: wrapped,
    binding: graphqlBindingOf(model, analyzed, args.variables, field),
    policy: policyOf(spec, safety),
    notes,
    source: target.kind === "field" ? target.field.source : src.source,
    ...(spec ? { declaredAt: at } : {}),
    tags: tagsOf([], spec),
    deprecated: analyzed.root?.deprecated ?? false,
  };
}

/**
 * The tool's operation text (a root field's derived or given selection, or its document) validated against
 * the schema; undefined when it cannot be read or does not validate (diagnosed).
 */
function validatedOperation(
  name: string,
  target: GraphqlTarget,
  spec: ToolSpec | undefined,
  ctx: GraphqlBindContext,
): { src: DocumentSource; analyzed: AnalyzedOperation } | undefined {
  const { model } = target;
  const operationName = toIdentifier(name);
  const src =
    target.kind === "field"
      ? rootFieldText(name, target.field, model, spec, ctx, operationName)
      : documentSource(name, spec as ToolSpec, ctx);
  if (!src) return undefined;
  const analyzed = analyzeOperation(
    model,
    src.text,
    {
      ...(spec?.operation_name ? { operationName: spec.operation_name } : {}),
      fallbackName: operationName,
      locate: src.locate,
      ...(src.derived ? { derived: true } : {}),
      at: spec ? ctx.doc.ref(`#/tools/${name}`, true) : src.source,
    },
    ctx.diags,
  );
  return analyzed ? { src, analyzed } : undefined;
}

/** How the runtime sends the tool's call: the validated document and which argument is which variable. */
function graphqlBindingOf(
  model: GraphqlSourceModel,
  analyzed: AnalyzedOperation,
  variables: { arg: string; name: string }[],
  field: string | undefined,
): ToolNode["binding"] {
  return {
    kind: "graphql",
    source: model.id,
    operationType: analyzed.operationType,
    operationName: analyzed.operationName,
    document: analyzed.document,
    variables,
    ...(field !== undefined ? { field } : {}),
  };
}

function rootKey(model: GraphqlSourceModel, op: AnalyzedOperation): string {
  const type = model.schema.getRootType(op.operationType as OperationTypeNode);
  return `${type?.name ?? "Query"}.${op.root?.name}`;
}

/**
 * The operation's variables as tool arguments: each named by the naming rule (or its explicit rename). Two variables
 * that would end up with one name are an error located at the tool.
 */
function argumentsOf(
  name: string,
  op: AnalyzedOperation,
  spec: ToolSpec | undefined,
  {
    diags,
    at,
    notes,
    naming,
  }: { diags: Diagnostics; at: SourceRef; notes: string[]; naming: ArgumentNaming },
): { properties: PropertyNode[]; variables: { arg: string; name: string }[] } | undefined {
  const renames = spec?.args ?? {};
  for (const key of Object.keys(renames)) {
    if (!op.variables.some((v) => v.name === key)) {
      const names = op.variables.map((v) => v.name).join(", ") || "none";
      diags.error(
        "TW115",
        `tool ${JSON.stringify(name)}: args: ${JSON.stringify(key)} is not a variable of the operation (it has: ${names})`,
        at,
      );
      return undefined;
    }
    if (Object.hasOwn(renames, key) && renames[key]?.multi_segment)
      diags.error(
        "TW115",
        `tool ${JSON.stringify(name)}: args: ${JSON.stringify(key)}: multi_segment applies to path parameters only`,
        at,
      );
  }
  const properties: PropertyNode[] = [];
  const variables: { arg: string; name: string }[] = [];
  const taken = new Map<string, string>();
  for (const v of op.variables) {
    // Own entries only: a variable may be named `constructor`.
    const r = Object.hasOwn(renames, v.name) ? renames[v.name] : undefined;
    const named = applyArgumentNaming(v.name, naming);
    const arg = r?.rename ?? safeArgName(named);
    const owner = taken.get(arg);
    if (owner !== undefined) {
      diags.error(
        "TW125",
        `tool ${JSON.stringify(name)}: variables $${owner} and $${v.name} would both be argument ${JSON.stringify(arg)}${naming === "as_is" ? "" : ` (naming rule ${naming})`}; rename one with args:`,
        at,
      );
      return undefined;
    }
    if (!r?.rename && arg !== named) notes.push(`variable $${v.name} is argument ${JSON.stringify(arg)}`);
    taken.set(arg, v.name);
    const schema = r?.description ? withMeta(v.schema, { description: r.description }) : v.schema;
    properties.push({ name: arg, required: v.required, schema });
    variables.push({ arg, name: v.name });
  }
  return { properties, variables };
}

/**
 * A tool mapping one root field returns that field's value; otherwise the whole `data`. A nullable object
 * (`app(id:): App`) publishes the object itself: null means nothing matched, and the executor answers with a
 * `not_found` error instead of a result clients would reject.
 */
function outputOfOperation(
  op: AnalyzedOperation,
  ctx: GraphqlBindContext,
  notes: string[],
): { output?: SchemaNode; wrapped: boolean; field?: string } {
  if (!op.root) return { output: op.data, wrapped: false };
  const schema = op.root.schema;
  // An interface or union selection is a union of objects: as much an object as MCP needs.
  const objectLike = (node: SchemaNode) =>
    isObjectRoot(node, ctx.symbols) ||
    (node.kind === "union" && node.variants.every((v) => isObjectRoot(v, ctx.symbols)));
  if (objectLike(schema)) return { output: schema, wrapped: false, field: op.root.key };
  if (schema.kind === "nullable" && objectLike(schema.inner)) {
    notes.push(
      `${op.root.name} may return null (nothing matches); the tool then answers with a not_found error`,
    );
    const { kind: _kind, inner, ...meta } = schema;
    return { output: withMeta(inner, meta), wrapped: false, field: op.root.key };
  }
  const { output, wrapped } = outputOf(schema, ctx.symbols);
  return { ...(output ? { output } : {}), wrapped, field: op.root.key };
}

function selectorMatches(sel: SelectorSpec, model: GraphqlSourceModel, rf: RootField): boolean {
  if (sel.source !== undefined && sel.source !== model.id) return false;
  // Tags, path prefixes and HTTP methods are OpenAPI notions: such a selector never picks a GraphQL field.
  if (sel.tag !== undefined || sel.path_prefix !== undefined || sel.methods !== undefined) return false;
  if (sel.operation !== undefined) return matchesRoot(rf, sel.operation);
  // An entry that names only its source selects every root field of it, as `{ source, all: true }` does, but
  // Federation's fields for the router.
  return (sel.all === true || sel.source !== undefined) && !routerField(rf);
}

/**
 * Apollo Federation's fields for the router, which a subgraph's introspection holds beside its own:
 * `_entities(representations: [_Any!]!)` (entities by their keys, as the router fetches them) and `_service`
 * (the subgraph's SDL, for composition). Selecting every field leaves them out; an `operation:` selector or a
 * tool entry naming them still makes them tools.
 */
function routerField(rf: RootField): boolean {
  if (rf.operationType !== "query") return false;
  const named = graphqlJs().getNamedType(rf.field.type);
  if (rf.name === "_service") return named.name === "_Service";
  return rf.name === "_entities" && rf.field.args.some((a) => a.name === "representations");
}

/**
 * A selected root field's tool name: its name in snake case, or, when a tool already has that name (a query and a
 * mutation of one name, as Linear's `initiativeUpdate` (fetch one update) and `initiativeUpdate` (change an
 * initiative); one field of each of two sources), the name with its operation type before it, then a counter, with a
 * located TW124 warning, as OpenAPI operations fall back to their method and path.
 */
function freeFieldName(
  rf: RootField,
  ctx: GraphqlBindContext,
  max: number,
  taken: Set<string>,
): { name: string; full: string; unshortened: string } {
  const full = `${ctx.prefix}${snakeCase(rf.name)}`;
  const preferred = fitName(full, max);
  if (!taken.has(preferred)) return { name: preferred, full, unshortened: full };
  const typed = `${ctx.prefix}${rf.operationType}_${snakeCase(rf.name)}`;
  let unshortened = typed;
  let name = fitName(typed, max);
  for (let n = 2; taken.has(name); n++) {
    unshortened = `${typed}_${n}`;
    name = fitName(unshortened, max);
  }
  ctx.diags.warn(
    "TW124",
    `${rf.key}: ${JSON.stringify(preferred)} is taken, so it is named ${JSON.stringify(name)}`,
    rf.source,
  );
  return { name, full: typed, unshortened };
}

/**
 * Root fields picked by `select:` (minus `exclude:`) that no manifest entry maps. Mutations of a source with
 * `mutations: listed` are never picked in bulk, and subscriptions never at all.
 */
export function selectGraphqlTools(
  manifest: Manifest,
  sources: GraphqlSourceModel[],
  ctx: GraphqlBindContext,
  maxName: number,
  /** Names (and aliases) of the tools bound before these. */
  taken: Set<string>,
): ToolNode[] {
  const selectors = manifest.select ?? [];
  const excludes = manifest.exclude ?? [];
  const tools: ToolNode[] = [];
  for (const model of sources) {
    const left = model.rootFields.filter(
      (rf) =>
        routerField(rf) &&
        !ctx.boundFields.has(`${model.id}#${rf.key}`) &&
        !selectors.some((s) => selectorMatches(s, model, rf)),
    );
    if (left.length > 0)
      ctx.diags.info(
        "TW150",
        `source ${JSON.stringify(model.id)}: ${left.map((rf) => rf.key).join(" and ")}, Apollo Federation's fields for the router, are not tools unless named (a tool entry, or select: [{ operation: ${left[0]?.key} }])`,
        left[0]?.source,
      );
    const subscriptions = model.rootFields.filter(
      (rf) =>
        rf.operationType === "subscription" &&
        !ctx.boundFields.has(`${model.id}#${rf.key}`) &&
        selectors.some((s) => selectorMatches(s, model, rf)),
    );
    if (subscriptions.length > 0)
      ctx.diags.info(
        "TW150",
        `source ${JSON.stringify(model.id)}: ${subscriptions.length === 1 ? "subscription" : `${subscriptions.length} subscriptions`} ${subscriptions
          .slice(0, 5)
          .map((rf) => rf.key)
          .join(
            ", ",
          )}${subscriptions.length > 5 ? ", ..." : ""} ${subscriptions.length === 1 ? "is not a tool" : "are not tools"}: a subscription streams events over a connection it keeps open (WebSocket, SSE), and a tool call is answered once; a query of the same data can be`,
        subscriptions[0]?.source,
      );
    for (const rf of model.rootFields) {
      if (rf.operationType === "subscription") continue;
      if (rf.operationType === "mutation" && model.mutations === "listed") continue;
      if (ctx.boundFields.has(`${model.id}#${rf.key}`)) continue;
      if (
        !selectors.some((s) => selectorMatches(s, model, rf)) ||
        excludes.some((s) => selectorMatches(s, model, rf))
      )
        continue;
      const { name, full, unshortened } = freeFieldName(rf, ctx, maxName, taken);
      taken.add(name);
      const field = { kind: "field", model, field: rf } as const;
      const tool = bindGraphqlTool(name, field, undefined, rf.source, ctx, unshortened);
      if (tool && name !== full) tool.shortenedFrom = full;
      if (tool) tools.push(tool);
    }
  }
  warnUnmappedScalars(sources, ctx);
  return tools;
}

/** Runs last, once every tool of the catalog has been typed: which custom scalars did any of them leave unmapped. */
function warnUnmappedScalars(sources: GraphqlSourceModel[], ctx: GraphqlBindContext): void {
  for (const model of sources) {
    for (const [scalar, at] of [...model.types.unmapped].sort(([a], [b]) => compareStrings(a, b))) {
      if (scalar === "Upload") {
        // graphql-upload's and Apollo's file scalar: a mapping would not help, so none is suggested.
        ctx.diags.warn(
          "TW150",
          `source ${JSON.stringify(model.id)}: scalar Upload is a file sent as a multipart request (the GraphQL multipart request spec), which tool calls do not send: its arguments take only null (what the JSON part of a multipart request holds), so a call that needs a file fails upstream`,
          at,
          "Leave the mutations that take a file out (exclude:), or write a handler that sends the multipart request; a scalars: entry does not make a file.",
        );
        continue;
      }
      ctx.diags.warn(
        "TW150",
        `source ${JSON.stringify(model.id)}: scalar ${scalar} has no JSON Schema mapping; its arguments take any JSON primitive and its results any JSON value`,
        at,
        `Map it under sources.${model.id}.scalars (e.g. ${scalar}: { type: string }).`,
      );
    }
  }
}

const SEVERITY = { read: 0, write: 1, destructive: 2 } as const;

/**
 * The class of an operation: of its one root field, or, when it selects several (aliases: `a: createUser,
 * b: deleteUser`) or one only under a condition (`@include`), the most severe of every root field it may select
 * and of its operation name, so a destructive field beside another is not a mere write.
 */
function graphqlSafety(analyzed: AnalyzedOperation): SafetyBasis {
  const of = (field?: { name: string; description?: string }) =>
    classifyGraphql({
      operationType: analyzed.operationType,
      field: field?.name,
      operationName: analyzed.operationName,
      description: field?.description,
    });
  if (analyzed.root) return of(analyzed.root);
  const bases = [of(), ...analyzed.rootFields.map(of)];
  return bases.reduce((worst, b) => (SEVERITY[b.proposed] > SEVERITY[worst.proposed] ? b : worst));
}
