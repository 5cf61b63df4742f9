import { createRequire } from "node:module";
import type { Ajv2020, ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { z } from "zod";
import {
  type CatalogTool,
  type ContentBlock,
  type ExactNumber,
  isScalarValue,
  type JsonSchema,
  type ResultConfig,
  type ToolOutcome,
} from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import { imageTypeOf } from "../executors/image-structure.js";
import { forgetParsed, integerText, isParsedPlain } from "../executors/json-text.js";
import { binaryBlockOf, describeStatus, shapesByPath } from "../executors/response.js";
import { nestingDepth } from "../policy/depth.js";
import { addressable } from "../policy/field-paths.js";
import { CLIENT_MESSAGE_BYTES, CLIENT_PART_BYTES } from "../publish/client-limit.js";
import { formatBytes } from "../telemetry/bytes.js";
import { describeError, logLine } from "../telemetry/log.js";
import { withoutPrototypes } from "./args.js";
import { formatIssues, type IssueLike, issuePath } from "./issues.js";
import { type Precheck, precheckCompiler } from "./output-precheck.js";
import type { SchemaCache } from "./schemas.js";

/**
 * Result shaping: outcome -> MCP `CallToolResult`. Success carries a compact JSON text block (every client can
 * read it) plus `structuredContent` for tools that publish an output schema; failures are `isError` results
 * with a safe message and the call's correlation id.
 */

export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: "text"; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/**
 * Checks successful outcomes against the tool's output schema. Real APIs drift from their specs, so a response
 * that fails the spec's own (faithful) schema is checked again against the schema the tool publishes, which
 * tolerates drift (`publish/drift.ts`): if it passes, the call succeeds with the data as it came, marked as
 * drifted (masking then fails closed), and the drift is logged once per tool and path so a maintainer can fix
 * the spec. A response of the wrong kind entirely is an error naming the path, with the data as text (but no
 * `structuredContent`, which clients would validate and reject).
 */
export function validateOutput(
  schemas: SchemaCache,
  published: PublishedOutput,
  table: Readonly<Record<string, JsonSchema>> = {},
): NamedMiddleware {
  const tolerant = new Map<string, ValidateFunction>();
  const logged = new Set<string>();
  const named = new Map<string, readonly string[] | null>();
  const names = (tool: CatalogTool): readonly string[] | null => {
    let found = named.get(tool.name);
    if (found === undefined) {
      found = tool.outputSchema ? schemaNames(tool.outputSchema, table) : null;
      named.set(tool.name, found);
    }
    return found;
  };
  const precheck = prechecksByTool();
  return {
    name: "validate-output",
    async run(ctx, next) {
      const outcome = tooDeep(await next());
      const parsed = isParsedPlain(outcome.data);
      forgetParsed();
      if (outcome.error || !ctx.tool.outputSchema) return outcome;
      // A 304 Not Modified has no content by definition (executors/response.ts `notModified`): no drift to log.
      if (outcome.status === 304 && outcome.data === null) return outcome;
      if (outcome.binary) return binaryInstead(outcome, ctx.tool, logged);
      const schema = schemas.output(ctx.tool.name);
      if (!schema) return outcome;
      // Data read as it came passes exactly when its copy would (`readableAsIs`); when it does not pass, the
      // answer is made from the copy as always, so a refusal or a drift reads the same either way. The compiled
      // pre-check accepts only what zod accepts (`output-precheck.ts`); what it refuses, zod checks.
      if (
        parsed &&
        noPrototypeNames(names(ctx.tool)) &&
        (precheck(ctx.tool.name, schema)?.(outcome.data) === true || schema.safeParse(outcome.data).success)
      )
        return outcome;
      // A prototype-free copy, as for arguments: an optional field named `constructor` must not be "found".
      // Exact numbers are checked as the numbers they stand for (`checkedAs`); the data keeps them as they are.
      const copy = withoutPrototypes(outcome.data, checkedAs);
      const checked = schema.safeParse(copy);
      if (checked.success) return outcome;
      if ((copy === null || copy === undefined) && ctx.tool.binding.kind !== "graphql")
        return emptyDrift(outcome, ctx.tool, logged);
      const validate = tolerantValidator(tolerant, ctx.tool, published);
      const wrapped = ctx.tool.outputWrapped ? { result: copy } : copy;
      // Only JSON that paths address can drift: a text body or an undecoded one is the wrong kind entirely.
      if (addressable(copy) && validate?.(wrapped)) {
        const paths = driftPaths(checked.error.issues);
        for (const [path, message] of paths) {
          const key = `${ctx.tool.name} ${path}`;
          if (logged.has(key)) continue;
          logged.add(key);
          logLine(
            `drift: tool ${ctx.tool.name}: the upstream response differs from the spec at ${path}: ${message} (served as it came; fix the spec)`,
          );
        }
        return { ...outcome, drift: [...paths.keys()] };
      }
      if (otherStatus(ctx.tool, outcome.status)) return otherShape(outcome, ctx.tool, logged);
      const issues = validate?.errors?.length
        ? ajvIssues(validate.errors, ctx.tool.outputWrapped === true)
        : checked.error.issues;
      return {
        ...outcome,
        error: {
          message: `the upstream response does not match the tool's output schema: ${formatIssues(issues, 3)}`,
          code: "output_mismatch",
        },
      };
    },
  };
}

/**
 * A success reply without content (an empty body, or JSON `null`) from an upstream whose spec declares a body for
 * it and no success status without one: served as the empty result it is (the call succeeded; an error would invite
 * a retry of what was done) and logged once per tool as drift, so a maintainer can declare the status. Tools whose
 * spec declares such a status (200 and 204) admit null in their generated output schema and never come here. A
 * hand-written handler that returns nothing (null or undefined) where its tool publishes an output schema is served
 * the same way (null), logged once as its handler's.
 */
function emptyDrift(outcome: ToolOutcome, tool: CatalogTool, logged: Set<string>): ToolOutcome {
  const key = `${tool.name} (empty)`;
  if (!logged.has(key)) {
    logged.add(key);
    const status = outcome.status !== undefined ? ` ${outcome.status}` : "";
    logLine(
      tool.binding.kind === "custom"
        ? `drift: tool ${tool.name}: its handler returned nothing (null or undefined) where its output schema describes a result (served as an empty result; return the data, or declare no output)`
        : `drift: tool ${tool.name}: the upstream answered${status} without content (an empty or null body) where the spec declares a body (served as an empty result; fix the spec: declare the status without content)`,
    );
  }
  return { ...outcome, data: null, drift: ["(root)"] };
}

/** Whether `status` is a success status other than the one the tool's output schema came from (`HttpBinding.success`). */
function otherStatus(tool: CatalogTool, status: number | undefined): boolean {
  if (tool.binding.kind !== "http" || status === undefined || status < 200 || status > 299) return false;
  const declared = tool.binding.success.status;
  return /^\d{3}$/.test(declared) && Number(declared) !== status;
}

/**
 * A success reply of another status than the one the output schema describes, whose body is not of that shape
 * (GitHub's `/repos/{owner}/{repo}/stats/*`: 200 with an array, 202 with `{}` while the statistics are computed): a
 * result, since the call succeeded, with the body in the text block, `structuredContent` as for an empty reply (which
 * the published schema accepts: clients validate it and refuse a result that fails), a note saying so, and drift
 * logged once per tool and status, so a maintainer can see it. Masking reads it as drifted (fails closed).
 */
function otherShape(outcome: ToolOutcome, tool: CatalogTool, logged: Set<string>): ToolOutcome {
  const status = describeStatus(outcome.status ?? 0);
  const declared = tool.binding.kind === "http" ? tool.binding.success.status : "";
  const key = `${tool.name} (status ${outcome.status})`;
  if (!logged.has(key)) {
    logged.add(key);
    logLine(
      `drift: tool ${tool.name}: the upstream answered ${status} with a body of another shape than the output schema (its ${declared} response) describes (served as text, structuredContent empty)`,
    );
  }
  const note = `the upstream answered ${status}, whose body is not of the shape the output schema describes (the ${declared} response): it is in this text, and structuredContent is empty`;
  return {
    ...outcome,
    drift: ["(root)"],
    unstructured: true,
    notes: [...(outcome.notes ?? []), note],
  };
}

/**
 * A body of a binary media type (an image, a PDF, octet-stream) from an operation whose tool publishes an output
 * schema, i.e. whose spec declares JSON (content negotiation, an error page sent as an image, a CDN in front): a
 * result, as a declared binary body is, its bytes the content block `withBodyBlock` makes, with `structuredContent`
 * as for an empty reply (which the published schema accepts), a note saying the reply was not what the spec
 * declares, and drift logged once per tool and type. Masking reads it as drifted (fails closed), as for `otherShape`.
 */
function binaryInstead(outcome: ToolOutcome, tool: CatalogTool, logged: Set<string>): ToolOutcome {
  const body = (outcome.data ?? {}) as { contentType?: unknown; size?: unknown };
  const type =
    typeof body.contentType === "string" ? body.contentType.split(";")[0]!.trim() : "a binary type";
  const size = typeof body.size === "number" ? ` (${formatBytes(body.size)})` : "";
  const declared =
    tool.binding.kind === "http"
      ? `${tool.binding.success.mediaType ?? "JSON"} (its ${tool.binding.success.status} response)`
      : "JSON";
  const key = `${tool.name} (type ${type})`;
  if (!logged.has(key)) {
    logged.add(key);
    logLine(
      `drift: tool ${tool.name}: the upstream answered ${type} where the spec declares ${declared} (served as a content block, structuredContent empty)`,
    );
  }
  const note = `the upstream answered ${type}${size}, not the ${declared} the output schema describes${IN_BLOCK}`;
  return { ...outcome, drift: ["(root)"], unstructured: true, notes: [...(outcome.notes ?? []), note] };
}

/**
 * How `binaryInstead`'s note ends: where the bytes are when `withBodyBlock` makes their block. Where it makes none
 * (a policy replaced the bytes; their base64 passes what a block carries), it says what the result holds instead
 * (`placed`).
 */
const IN_BLOCK = ": its bytes are in the content block after this text, and structuredContent is empty";
const REPLACED =
  ": its bytes were replaced (masked, or a credential withheld), so no content block carries them: the text before this note is what is left of them, and structuredContent is empty";
const NOT_SENT = ": its bytes were not sent, as the error above says";

/** `outcome` with `binaryInstead`'s note ending as `ending` says (only an outcome that note is on). */
function placed(outcome: ToolOutcome, ending: string): ToolOutcome {
  if (!outcome.unstructured || !outcome.notes) return outcome;
  const notes = outcome.notes.map((note) =>
    note.endsWith(IN_BLOCK) ? `${note.slice(0, -IN_BLOCK.length)}${ending}` : note,
  );
  return { ...outcome, notes };
}

/**
 * What `structuredContent` carries for a successful outcome: the data, under `result` for a wrapped tool; for an
 * empty reply (null) of an object tool, an empty object, which every published output schema accepts (they
 * require no property: `publish/drift.ts`) while still describing the body the other statuses carry. The same for
 * the body of another status of another shape (`otherShape`), which the text block carries.
 */
function structuredOf(tool: CatalogTool, outcome: ToolOutcome): unknown {
  const data = outcome.unstructured ? null : outcome.data;
  if (tool.outputWrapped) return { result: data };
  return data === null || data === undefined ? {} : data;
}

/** Each tool's compiled pre-check (`output-precheck.ts`), or null, built when its first result is checked. */
function prechecksByTool(): (tool: string, schema: z.ZodType) => Precheck | null {
  const compile = precheckCompiler();
  const built = new Map<string, Precheck | null>();
  return (tool, schema) => {
    let found = built.get(tool);
    if (found === undefined) {
      found = compile(schema);
      built.set(tool, found);
    }
    return found;
  };
}

/**
 * Whether the output check may read `data` as it came instead of its prototype-free copy: it passes exactly when
 * the copy would. The copy differs from the data only where zod looks past an object's own members (it tests a
 * key with `in` and reads `obj[key]`, and walks open objects and records with `for...in`) and at exact numbers.
 * So the data is read as it is only when it is plain parsed JSON without exact numbers (`isParsedPlain`: own data
 * members only, every number a double), no name the tool's output schema holds (`schemaNames`) is found on
 * `Object.prototype`, and `Object.prototype` has no enumerable key for `for...in` to meet. Checked per call: a
 * prototype changed after the schema was first read still sends the data through the copy.
 */
export function readableAsIs(data: unknown, names: readonly string[] | null): boolean {
  return isParsedPlain(data) && noPrototypeNames(names);
}

/** Whether none of `names` is found on `Object.prototype`, and it has no enumerable key (`readableAsIs`). */
function noPrototypeNames(names: readonly string[] | null): boolean {
  if (names === null) return false;
  for (const _member in NO_MEMBERS) return false;
  for (const name of names) if (name in Object.prototype) return false;
  return true;
}

const NO_MEMBERS = {};

/** JSON Schema keywords whose string values are prose or patterns, never a member's name. */
const PROSE = new Set(["description", "title", "$comment", "pattern", "format", "contentMediaType"]);
/** Keywords whose values are instances shown or compared, never read as a member's name. */
const INSTANCES = new Set(["examples", "example", "default", "const"]);
/** Keywords whose values map names (members, definitions) to schemas or lists. */
const MAPS = new Set(["properties", "patternProperties", "dependentSchemas", "dependentRequired", "$defs"]);

/**
 * Every string a tool's output schema (and each named schema of `table` it reaches, `#/$defs/<Name>`) holds
 * where zod could take it for a member's name: every key of a map of names (`properties`, `dependentRequired`...)
 * and every string value (required lists, enums, a discriminator's property name), prose, patterns and example
 * or default instances aside. Null when it refers anywhere else: the output check then always reads
 * the copy.
 */
export function schemaNames(root: JsonSchema, table: Readonly<Record<string, JsonSchema>>): string[] | null {
  const names = new Set<string>();
  const seen = new Set<string>();
  // Each node with whether it is a map of names (`properties`...), whose keys are names and never keywords.
  const stack: Array<[node: unknown, map: boolean]> = [[root, false]];
  while (stack.length > 0) {
    const [node, map] = stack.pop()!;
    if (typeof node === "string") {
      names.add(node);
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, false]);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (map) {
        names.add(key);
        stack.push([value, false]);
      } else if (key === "$ref" && typeof value === "string") {
        if (!value.startsWith("#/$defs/")) return null;
        const name = value.slice("#/$defs/".length).replace(/~1/g, "/").replace(/~0/g, "~");
        if (!Object.hasOwn(table, name)) return null;
        if (!seen.has(name)) {
          seen.add(name);
          stack.push([table[name], false]);
        }
      } else if (MAPS.has(key)) {
        stack.push([value, true]);
      } else if (!INSTANCES.has(key) && !(PROSE.has(key) && typeof value === "string")) {
        stack.push([value, false]);
      }
    }
  }
  return [...names];
}

/**
 * What the output check reads for an exact number (an upstream number a double does not hold, kept as its
 * digits): an integer as the largest safe integer of its sign, so `type: integer` and zod's `.int()` (a safe
 * integer) hold as they would for the exact value; a decimal as its nearest double; an out-of-range exponent as
 * the largest finite double of its sign. A `minimum`/`maximum` between 2^53 and the exact value is checked
 * against the stand-in, not the digits (no spec in the corpus bounds a 64-bit id that way).
 */
function checkedAs(value: ExactNumber): number {
  const text = value.rawJSON;
  const sign = text.startsWith("-") ? -1 : 1;
  if (integerText(text)) return sign * Number.MAX_SAFE_INTEGER;
  const nearest = Number(text);
  return Number.isFinite(nearest) ? nearest : sign * Number.MAX_VALUE;
}

/**
 * Responses nested deeper than this many levels of objects and arrays are not read: every later reader (output
 * validation, drift tolerance, masking, rendering) may recurse over them, and a deep enough value would overflow
 * the stack or stall the server. Real APIs stay far below it.
 */
export const MAX_RESPONSE_DEPTH = 256;

/** An outcome whose data nests too deep becomes an error without its data (success or error alike). */
function tooDeep(outcome: ToolOutcome): ToolOutcome {
  const data = outcome.data;
  if (data === null || typeof data !== "object") return outcome;
  if (nestingDepth(data, MAX_RESPONSE_DEPTH) <= MAX_RESPONSE_DEPTH) return outcome;
  const { data: _data, drift: _drift, content: _content, ...rest } = outcome;
  return {
    ...rest,
    data: undefined,
    error: {
      message: `the upstream response is nested deeper than ${MAX_RESPONSE_DEPTH} levels of objects and arrays, which this server does not read${outcome.status !== undefined ? ` (upstream status ${outcome.status})` : ""}`,
      code: "response_too_deep",
    },
  };
}

/** The output schema a tool publishes (what clients validate `structuredContent` against). */
export type PublishedOutput = (tool: CatalogTool) => JsonSchema | undefined;

function tolerantValidator(
  cache: Map<string, ValidateFunction>,
  tool: CatalogTool,
  published: PublishedOutput,
): ValidateFunction | undefined {
  let validate = cache.get(tool.name);
  if (!validate) {
    const schema = published(tool);
    if (!schema) return undefined;
    try {
      validate = ajv().compile(schema);
    } catch (error) {
      logLine(
        `drift: tool ${tool.name}: its published output schema does not compile: ${describeError(error)}`,
      );
      return undefined;
    }
    cache.set(tool.name, validate);
  }
  return validate;
}

let shared: Ajv2020 | undefined;
/** ajv loads (synchronously, it is CommonJS) when the first output schema is compiled, not at start-up. */
function ajv(): Ajv2020 {
  if (!shared) {
    const loaded = createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
    shared = new loaded.Ajv2020({
      strict: false,
      validateFormats: false,
      allErrors: false,
      validateSchema: false,
    });
  }
  return shared;
}

/** Each drifting path (array indices as `[]`, so one per field however many items) and its first message. */
function driftPaths(issues: readonly IssueLike[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of issues) {
    const path = issuePath(issue.path.map((key) => (typeof key === "number" ? "[]" : key))).replace(
      /\.\[\]/g,
      "[]",
    );
    if (!out.has(path)) out.set(path, issue.message);
  }
  return out;
}

/** ajv's errors as issue paths (`/a/0/b` -> `a[0].b`), below the `{ result }` wrapper of wrapped tools. */
function ajvIssues(errors: readonly ErrorObject[], wrapped: boolean): IssueLike[] {
  return withUnionsFolded(errors).map((error) => {
    const segments = error.instancePath
      .split("/")
      .slice(1)
      .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
    const path = wrapped && segments[0] === "result" ? segments.slice(1) : segments;
    return { path, message: error.message ?? "does not match" };
  });
}

/**
 * ajv reports a failed `anyOf` as one error per branch and then the `anyOf` itself. Published schemas spell
 * "string or null" as `anyOf: [{type: string}, {type: null}]`, so the branch errors fold into the `anyOf` error:
 * `must be string or null` when every branch only failed its type, `must match a schema in anyOf` otherwise.
 */
function withUnionsFolded(errors: readonly ErrorObject[]): ErrorObject[] {
  const folded: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== "anyOf") {
      folded.push(error);
      continue;
    }
    const prefix = `${error.schemaPath}/`;
    const branches = folded.filter(
      (e) => e.instancePath === error.instancePath && e.schemaPath.startsWith(prefix),
    );
    const kinds = branches.every((e) => e.keyword === "type") ? branches.map((e) => e.params.type) : [];
    for (const branch of branches) folded.splice(folded.indexOf(branch), 1);
    const message = kinds.length > 0 ? `must be ${kinds.join(" or ")}` : error.message;
    folded.push({ ...error, ...(message !== undefined ? { message } : {}) });
  }
  return folded;
}

export function compactJson(data: unknown): string {
  if (typeof data === "string") return data;
  return JSON.stringify(data) ?? "null";
}

/** How a catalog renders results (`catalog.result`), and the call facts its envelope reports. */
export interface ResultView {
  envelope?: ResultConfig["envelope"];
  /** `meta` of the `success-data` envelope: tool, upstream status, duration (the correlation id is added). */
  meta?: Record<string, unknown>;
  /**
   * Whether clients were given an output schema for the tool, so results carry `structuredContent` (default:
   * whenever the tool has one; a catalog served with output schemas `none` answers in text only).
   */
  structured?: boolean;
}

export function renderToolResult(
  outcome: ToolOutcome,
  tool: CatalogTool,
  correlationId: string,
  view: ResultView = {},
): ToolResult {
  if (view.envelope === "success-data")
    return envelopeResult(outcome, tool, correlationId, view.meta, view.structured);
  if (outcome.error) {
    // A confirmation preview is JSON for the model to act on (it carries its correlation id inside).
    if (outcome.error.code === "confirmation_required")
      return { content: [{ type: "text", text: outcome.error.message }], isError: true };
    const content: ToolResult["content"] = [
      { type: "text", text: `${outcome.error.message} (correlation id ${correlationId})` },
    ];
    // An error that carries data keeps it: a schema mismatch (the data came back fine, just not as the spec
    // promised) or GraphQL partial data (what did resolve, next to the errors).
    if (attachable(tool, outcome.data)) content.push({ type: "text", text: compactJson(outcome.data) });
    // Notes with or without the data: a throttled GraphQL call's extensions say when to try again.
    content.push(...noteBlocks(outcome));
    return { content, isError: true };
  }
  const result: ToolResult = {
    content: [{ type: "text", text: compactJson(outcome.data) }, ...noteBlocks(outcome)],
  };
  if (tool.outputSchema && view.structured !== false) {
    const structured = structuredOf(tool, outcome);
    if (isScalarValue(structured) || Array.isArray(structured)) {
      // Clients reject a result without structuredContent from a tool that declares an output schema.
      const message = "the upstream response is not the object the tool's output schema describes";
      return renderToolResult(
        { ...outcome, error: { message, code: "output_mismatch" } },
        tool,
        correlationId,
        view,
      );
    }
    result.structuredContent = structured as Record<string, unknown>;
  }
  return result;
}

/** A text block per note (`ToolOutcome.notes`: where the data is not exactly what the upstream sent). */
function noteBlocks(outcome: ToolOutcome): ToolResult["content"] {
  return (outcome.notes ?? []).map((note) => ({ type: "text", text: `note: ${note}` }));
}

/**
 * Whether a failure may show the data it carries. Never for a tool whose policies shape its data by path
 * (masked fields, names-only, a path-scoped listing) unless the data is JSON those paths address: text or an
 * undecoded body got past them untouched, so it is not shown (the policies replace it already; this is the
 * last line).
 */
function attachable(tool: CatalogTool, data: unknown): boolean {
  if (data === null || data === undefined) return false;
  return !shapesByPath(tool.policy) || addressable(data);
}

/**
 * A successful call whose data is an upstream body of a binary media type (`ToolOutcome.binary`), with its bytes
 * as the MCP content block a model and a client can read (`binaryBlockOf`): an `image` or `audio` block (`data`,
 * `mimeType`), or an embedded `resource` with a `blob` (named `toolwright://results/<correlation id>`, since the
 * body has no address of its own to give; audio too, for a client whose `protocol` revision predates audio blocks,
 * 2025-03-26). The data keeps `contentType` and `size` for the text block, without
 * the base64, which a model would read as text. Run after every policy: when one changed the bytes (masking
 * replaced them, a withheld credential's marker is inside), they are no longer base64 and the data stays as it
 * is, in text alone. A note `binaryInstead` wrote says where the bytes are in each case (`placed`).
 */
export function withBodyBlock(outcome: ToolOutcome, correlationId: string, protocol?: string): ToolOutcome {
  if (!outcome.binary || outcome.error) return outcome;
  const data = outcome.data as { content?: unknown; contentType?: unknown; size?: unknown } | null;
  if (data === null || typeof data !== "object") return placed(outcome, REPLACED);
  const { content: bytes, contentType, size } = data;
  if (typeof bytes !== "string" || typeof contentType !== "string" || !isBase64(bytes))
    return placed(outcome, REPLACED);
  const mimeType = contentType.split(";")[0]!.trim().toLowerCase() || "application/octet-stream";
  if (bytes.length > CLIENT_PART_BYTES)
    return placed(tooLargeForBlock(outcome, mimeType, bytes.length), NOT_SENT);
  const made = binaryBlockOf(mimeType);
  // An image block only for bytes that are the image (a model API refuses one that is not, on every later turn).
  const image = made === "image" ? imageTypeOf(Buffer.from(bytes, "base64")) : undefined;
  if (made === "image" && image === undefined) return notTheImage(outcome, mimeType, bytes, correlationId);
  // MCP 2025-03-26 added audio blocks: a client that negotiated an earlier revision gets the clip as a resource.
  const kind = made === "audio" && protocol !== undefined && protocol < AUDIO_SINCE ? "resource" : made;
  const block: ContentBlock =
    kind === "resource"
      ? {
          type: "resource",
          resource: { uri: `toolwright://results/${correlationId}`, mimeType, blob: bytes },
        }
      : { type: kind, data: bytes, mimeType: image ?? mimeType };
  return { ...outcome, data: { contentType, size }, content: [block, ...(outcome.content ?? [])] };
}

/**
 * A body labelled a model image type whose bytes are no such image (an HTML error page or a truncated file sent as
 * image/png): an embedded resource typed application/octet-stream, since the label is wrong, with a note saying so.
 */
function notTheImage(
  outcome: ToolOutcome,
  mimeType: string,
  bytes: string,
  correlationId: string,
): ToolOutcome {
  const { contentType, size } = outcome.data as { contentType: string; size: unknown };
  const block: ContentBlock = {
    type: "resource",
    resource: {
      uri: `toolwright://results/${correlationId}`,
      mimeType: "application/octet-stream",
      blob: bytes,
    },
  };
  const note = `the upstream labelled its body ${mimeType}, but its bytes are not such an image: they are in the content block after this text as application/octet-stream, not as an image a model would be sent`;
  return {
    ...outcome,
    data: { contentType, size },
    content: [block, ...(outcome.content ?? [])],
    notes: [...(outcome.notes ?? []), note],
  };
}

/** The MCP revision that added audio content blocks. */
const AUDIO_SINCE = "2025-03-26";

/**
 * A binary body whose base64 passes the most a content block carries (`CLIENT_PART_BYTES`, as a tools/list page):
 * an error saying so, without the bytes.
 */
function tooLargeForBlock(outcome: ToolOutcome, mimeType: string, chars: number): ToolOutcome {
  const { data: _data, binary: _binary, content: _content, ...rest } = outcome;
  return {
    ...rest,
    data: undefined,
    error: {
      // Not "more than clients read": a block of 9.5 MiB fits in a message they read; the bound leaves room.
      message: `the upstream's ${mimeType} body is ${formatBytes(chars)} as base64, more than a content block carries (${formatBytes(CLIENT_PART_BYTES)}: its message must stay within the ${formatBytes(CLIENT_MESSAGE_BYTES)} clients read)`,
      code: "response_too_large",
    },
  };
}

/** Whether `text` is standard padded base64 (RFC 4648 section 4), as `Buffer.toString("base64")` writes it. */
function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A successful call's extra content blocks from a hand-written handler (images, audio, embedded resources),
 * after the rendered text. `ToolResult` keeps text-only content for the code that reads results back.
 */
export function withHandlerContent(
  result: ToolResult,
  outcome: ToolOutcome,
): Omit<ToolResult, "content"> & { content: Array<ToolResult["content"][number] | ContentBlock> } {
  if (result.isError || outcome.error || !outcome.content || outcome.content.length === 0) return result;
  return { ...result, content: [...result.content, ...outcome.content] };
}

/** What the wire shows for an exception nobody anticipated; the details go to stderr, redacted. */
export function internalErrorResult(correlationId: string, view: ResultView = {}): ToolResult {
  if (view.envelope === "success-data") {
    const body = {
      success: false,
      error: { message: "internal error", code: "internal" },
      meta: { ...view.meta, correlation_id: correlationId },
    };
    return { content: [{ type: "text", text: JSON.stringify(body) }], isError: true };
  }
  return {
    content: [{ type: "text", text: `internal error (correlation id ${correlationId})` }],
    isError: true,
  };
}

/**
 * The `success-data` envelope: the text block is JSON only, `{"success":true,"data":...,"meta":{...}}`, or
 * `{"success":false,"error":{"message","code","details"?},"data"?,"meta":{...}}` for every failure alike
 * (policy refusals, upstream errors, GraphQL errors with the partial data they kept). `structuredContent` stays
 * the data itself, as the output schema describes it; the correlation id lives in `meta`.
 */
function envelopeResult(
  outcome: ToolOutcome,
  tool: CatalogTool,
  correlationId: string,
  extra: Record<string, unknown> = {},
  published = true,
): ToolResult {
  const meta = {
    ...extra,
    correlation_id: correlationId,
    ...(outcome.notes?.length ? { notes: outcome.notes } : {}),
  };
  if (!outcome.error && tool.outputSchema && published) {
    const structured = structuredOf(tool, outcome);
    if (isScalarValue(structured) || Array.isArray(structured)) {
      const message = "the upstream response is not the object the tool's output schema describes";
      return envelopeResult(
        { ...outcome, error: { message, code: "output_mismatch" } },
        tool,
        correlationId,
        extra,
        published,
      );
    }
    const body = { success: true, data: outcome.data, meta };
    return {
      content: [{ type: "text", text: JSON.stringify(body) }],
      structuredContent: structured as Record<string, unknown>,
    };
  }
  if (!outcome.error) {
    return {
      content: [{ type: "text", text: JSON.stringify({ success: true, data: outcome.data ?? null, meta }) }],
    };
  }
  const hasData = attachable(tool, outcome.data);
  const body = {
    success: false,
    error: envelopeError(outcome.error),
    ...(hasData ? { data: outcome.data } : {}),
    meta,
  };
  return { content: [{ type: "text", text: JSON.stringify(body) }], isError: true };
}

function envelopeError(error: NonNullable<ToolOutcome["error"]>): Record<string, unknown> {
  const code = error.code ?? "error";
  // A message that is itself a JSON object (a confirmation preview) is data for the model, not prose.
  const parsed = parseObject(error.message);
  if (parsed) {
    const message = typeof parsed.message === "string" ? parsed.message : code.replace(/_/g, " ");
    return { message, code, details: parsed };
  }
  return { message: error.message, code, ...(error.details !== undefined ? { details: error.details } : {}) };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
