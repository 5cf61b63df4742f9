import type { z } from "zod";
import { type CatalogTool, type ExactNumber, isExactNumber } from "../catalog.js";
import { failure, type NamedMiddleware } from "../chain.js";
import { parseJson } from "../executors/json-text.js";
import type { ArgumentDecoder } from "../publish/profiles.js";
import { describeArgumentIssues, formatIssues, type IssueLike, issuePath } from "./issues.js";
import { keepProtoMembers, missingProtoMembers } from "./proto-members.js";
import type { SchemaCache } from "./schemas.js";
import { hasLoneSurrogate, illFormedText } from "./well-formed.js";

/** The decoder of a tool's published input schema, when its profile encodes some values (e.g. as JSON text). */
export type ArgumentDecoders = (tool: CatalogTool) => ArgumentDecoder | undefined;

/**
 * First step of the chain: arguments are validated by the tool's generated zod schema before any policy or
 * executor sees them. Executors read `ctx.args` only, never `ctx.rawArgs`.
 */
export function parseArgs(
  schemas: SchemaCache,
  decoders: ArgumentDecoders = () => undefined,
): NamedMiddleware {
  return {
    name: "parse-args",
    async run(ctx, next) {
      const raw = ctx.rawArgs ?? {};
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        return failure("invalid arguments: expected an object of named arguments", "invalid_arguments");
      }
      const text = { illFormed: false };
      const rounded = roundedInteger(raw, text);
      if (rounded !== undefined) return failure(rounded, "invalid_arguments");
      const decoder = decoders(ctx.tool);
      const result = checkArguments(schemas.input(ctx.tool.name), raw, decoder);
      if (!result.ok) return failure(inexactAt(raw, result.issues) ?? result.message, "invalid_arguments");
      // The validated arguments hold no string or key the raw ones do not (a generated schema transforms none;
      // dropped nulls and host arguments only take away), so raw text the walk above found well-formed is
      // well-formed there too. Walked again, to name the first ill-formed text where the validated arguments have
      // it: when the raw ones hold one, and whenever decoding (a profile's JSON text) or a hand-written handler's
      // schema may have made new text.
      if (text.illFormed || decoder !== undefined || ctx.tool.binding.kind === "custom") {
        const illFormed = illFormedText(result.data);
        if (illFormed !== undefined) return failure(illFormed, "invalid_arguments");
      }
      // Without a prototype, so an absent `constructor` argument reads as absent to executors and policies too.
      ctx.args = Object.assign(Object.create(null), result.data ?? {}) as Record<string, unknown>;
      return next();
    },
  };
}

/**
 * A number in the arguments that would not reach the upstream as the client wrote it: an integer beyond ±2^53
 * read as a double (it may already have been rounded, by a JavaScript host's own `JSON.parse` of what the model
 * wrote, and nothing can tell). Such arguments are refused, never sent rounded; a 64-bit integer argument takes
 * the digits as a string instead. Arguments nest at most `MAX_ARGUMENT_DEPTH` levels (checked before this step).
 */
export function roundedInteger(args: object, text?: { illFormed: boolean }): string | undefined {
  const found = roundedIn(args, text);
  if (found === undefined) return undefined;
  let path = "";
  for (let i = found.steps.length - 1; i >= 0; i--) {
    const [holder, key] = found.steps[i] as [object, string];
    path = pathOf(holder, path, key);
  }
  return `invalid arguments: ${path} is ${found.value}, an integer beyond ±2^53 (9007199254740991): a JSON number that large may already have been rounded when the request was read, so it is refused rather than sent upstream changed. ${STRING_FORM}`;
}

/**
 * The first integer beyond ±2^53 in depth-first order, the last key of each object or array first, and the
 * holders and keys that lead to it (innermost first). Paths are only built for one that is found: the usual call
 * (no such integer) walks its arguments without making a string. With `text`, the same walk marks it when a string
 * or an object's key it passes holds a lone surrogate (`hasLoneSurrogate`), so that `illFormedText` need not walk
 * the validated arguments again for the usual call (it names where; this only tells whether).
 */
function roundedIn(
  value: object,
  text: { illFormed: boolean } | undefined,
): { value: number; steps: Array<[object, string]> } | undefined {
  if (isExactNumber(value)) return undefined;
  const keys = Object.keys(value);
  const keyed = text !== undefined && !Array.isArray(value);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i] as string;
    if (keyed && !text.illFormed && hasLoneSurrogate(key)) text.illFormed = true;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "number") {
      if (Number.isInteger(item) && !Number.isSafeInteger(item))
        return { value: item, steps: [[value, key]] };
    } else if (typeof item === "string") {
      if (text !== undefined && !text.illFormed && hasLoneSurrogate(item)) text.illFormed = true;
    } else if (item !== null && typeof item === "object") {
      const found = roundedIn(item, text);
      if (found !== undefined) {
        found.steps.push([value, key]);
        return found;
      }
    }
  }
  return undefined;
}

const STRING_FORM =
  "Send it as a string of digits where the tool's schema accepts one (a 64-bit integer argument does)";

function pathOf(holder: object, path: string, key: string): string {
  return Array.isArray(holder) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
}

/**
 * The refusal of an exact number (`ExactNumber`: a number a double does not hold, which the transport read
 * exactly) that the tool's schema did not take where it was sent: only a 64-bit integer argument takes one
 * (`rt.integer`), and a value of any type (free-form JSON) passes it on as written. Undefined when no refused
 * place holds one.
 */
export function inexactAt(args: unknown, issues: readonly IssueLike[]): string | undefined {
  for (const issue of issues) {
    // A 64-bit integer argument's own refusal (range, bounds) says more than this one.
    if (issue.code === "custom") continue;
    const value = valueAt(args, issue.path);
    if (!isExactNumber(value)) continue;
    return `invalid arguments: ${issuePath(issue.path)} is ${value.rawJSON.slice(0, 80)}, a number a double does not hold exactly (an integer beyond ±2^53 = 9007199254740991, or more digits than a double keeps), where the tool takes a number a double holds; it is refused rather than sent upstream changed. ${STRING_FORM}`;
  }
  return undefined;
}

const keep = (value: ExactNumber): unknown => value;

/**
 * A deep copy of JSON data whose objects have no prototype. zod reads properties with `obj[key]`, so on a plain
 * object an absent optional property named like an `Object.prototype` member (`constructor`, `toString`,
 * `valueOf`) is found on the prototype, a function, and the call is refused ("expected number, received
 * function"). Validating the copy sees only what the JSON holds. Iterative: a deeply nested hostile value must
 * not cost stack. An exact number (`ExactNumber`) is a value, not an object: kept, or given as `exact` makes it.
 */
export function withoutPrototypes(value: unknown, exact: (value: ExactNumber) => unknown = keep): unknown {
  if (value === null || typeof value !== "object") return value;
  if (isExactNumber(value)) return exact(value);
  const copy = (source: object): object =>
    Array.isArray(source) ? new Array(source.length) : (Object.create(null) as object);
  const root = copy(value);
  const stack: Array<[source: object, target: Record<string, unknown>]> = [
    [value, root as Record<string, unknown>],
  ];
  while (stack.length > 0) {
    const [source, target] = stack.pop()!;
    for (const key of Object.keys(source)) {
      const item = (source as Record<string, unknown>)[key];
      if (isExactNumber(item)) {
        target[key] = exact(item);
      } else if (item !== null && typeof item === "object") {
        const child = copy(item);
        target[key] = child;
        stack.push([item, child as Record<string, unknown>]);
      } else {
        target[key] = item;
      }
    }
  }
  return root;
}

/**
 * A tool's arguments checked against its schema (on a prototype-free copy, `null` for an optional property read
 * as absent); a refusal's message names every problem and, for an unknown property, the valid ones. With a
 * decoder (a published profile's encoding, e.g. JSON text for a free-form value), the decoded arguments are
 * tried first and the arguments as sent second, so a value valid either way is never refused.
 */
export function checkArguments(
  schema: z.ZodType,
  raw: unknown,
  decoder?: ArgumentDecoder,
): { ok: true; data: unknown } | { ok: false; message: string; issues: readonly IssueLike[] } {
  let decodedIssues: readonly IssueLike[] | undefined;
  if (decoder) {
    const decoded = withoutPrototypes(raw);
    if (decoder(decoded, withoutPrototypes, parseJson)) {
      const result = parseWithNullAsAbsent(schema, decoded);
      if (result.success) return unlessProtoDropped(schema, result.data, decoded);
      decodedIssues = result.issues;
    }
  }
  const copy = withoutPrototypes(raw);
  const result = parseWithNullAsAbsent(schema, copy);
  if (result.success) return unlessProtoDropped(schema, result.data, copy);
  const issues = decodedIssues ?? result.issues;
  return { ok: false, message: `invalid arguments: ${describeArgumentIssues(schema, issues)}`, issues };
}

/**
 * The parse's result with the `__proto__` members it left out judged and put back (`keepProtoMembers`), or refused,
 * as it is when a required one is missing (`missingProtoMembers`).
 */
function unlessProtoDropped(
  schema: z.ZodType,
  data: unknown,
  input: unknown,
): { ok: true; data: unknown } | { ok: false; message: string; issues: readonly IssueLike[] } {
  const missing = missingProtoMembers(schema, input);
  const kept =
    missing.length > 0
      ? { ok: false as const, issues: missing }
      : keepProtoMembers(schema, data, input, parseWithNullAsAbsent);
  if (kept.ok) return kept;
  return { ok: false, message: `invalid arguments: ${formatIssues(kept.issues)}`, issues: kept.issues };
}

type Parsed = { success: true; data: unknown } | { success: false; issues: readonly IssueLike[] };

/**
 * Validates arguments where `null` for a property whose schema does not accept null means "absent". OpenAI's
 * strict function calling makes every optional property required and nullable, so strict clients send
 * `"state": null` for an argument the model left out. Such a property is dropped (and so never sent upstream)
 * and the arguments validated again; a property that does accept null keeps it. Dropping a required argument's
 * null leaves it missing, which stays an error ("required, got null"). `args` is the caller's own copy: dropped
 * properties are deleted from it.
 */
export function parseWithNullAsAbsent(schema: z.ZodType, args: unknown): Parsed {
  const candidate = args;
  const dropped = new Set<string>();
  for (;;) {
    const result = schema.safeParse(candidate);
    if (result.success) return { success: true, data: result.data };
    if (dropHostArguments(result.error.issues, candidate)) continue;
    const nulls = nullIssuePaths(result.error.issues, candidate);
    if (nulls.length === 0) return { success: false, issues: renamedDrops(result.error.issues, dropped) };
    for (const path of nulls) {
      const parent = valueAt(candidate, path.slice(0, -1)) as Record<string, unknown>;
      delete parent[path.at(-1) as string];
      dropped.add(pathKey(path));
    }
  }
}

/**
 * Arguments that MCP hosts and client libraries add to a tool's arguments for their own use and send on to the
 * server with them, by name and the JSON type they send. Gemini CLI (`@google/gemini-cli-core` 0.61,
 * `DeclarativeTool.addWaitForPreviousParameter`) adds a boolean `wait_for_previous` to every tool it shows the
 * model, tells the model to set it on a call that depends on an earlier one, reads it to schedule calls, and passes
 * the arguments to the MCP server unchanged. Strands Agents (`@strands-agents/sdk` 1.19, `McpClient.callTool`)
 * puts the caller's trace context (`{ traceparent, ... }`) into the arguments as an object `_meta` whenever an
 * OpenTelemetry span is active, as it is in its agent loop once tracing is set up (`setupTracer`); MCP reserves
 * the name `_meta` for such metadata. A strict tool refused every such call ("unknown property").
 */
const HOST_ARGUMENTS: ReadonlyMap<string, (value: unknown) => boolean> = new Map([
  ["wait_for_previous", (value: unknown) => typeof value === "boolean"],
  ["_meta", (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value)],
]);

/**
 * Drops the host arguments (HOST_ARGUMENTS, top level, of the host's type) that the tool's schema refused as
 * unknown; true when one was dropped. A tool that declares such a name, or accepts any property, keeps it; a
 * value of another type is no host's and stays an error. Nothing dropped is sent upstream.
 */
function dropHostArguments(issues: readonly z.core.$ZodIssue[], args: unknown): boolean {
  if (args === null || typeof args !== "object" || Array.isArray(args)) return false;
  let dropped = false;
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys" || issue.path.length > 0) continue;
    for (const key of issue.keys) {
      const isHosts = HOST_ARGUMENTS.get(key);
      if (isHosts === undefined || !Object.hasOwn(args, key)) continue;
      if (!isHosts((args as Record<string, unknown>)[key])) continue;
      delete (args as Record<string, unknown>)[key];
      dropped = true;
    }
  }
  return dropped;
}

/** Paths (from zod issues, inside unions too) of object properties whose value is null. */
function nullIssuePaths(issues: readonly z.core.$ZodIssue[], root: unknown): PropertyKey[][] {
  const out = new Map<string, PropertyKey[]>();
  const visit = (list: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]) => {
    for (const issue of list) {
      const path = [...prefix, ...issue.path];
      if (issue.code === "invalid_union") {
        for (const branch of issue.errors) visit(branch, path);
        continue;
      }
      if (issue.code === "unrecognized_keys" || path.length === 0) continue;
      const key = path.at(-1);
      const parent = valueAt(root, path.slice(0, -1));
      if (typeof key !== "string" || parent === null || typeof parent !== "object" || Array.isArray(parent))
        continue;
      if ((parent as Record<string, unknown>)[key] === null) out.set(pathKey(path), path);
    }
  };
  visit(issues, []);
  return [...out.values()];
}

/** An issue about a property whose null was dropped says so, rather than "received undefined". */
function renamedDrops(issues: readonly z.core.$ZodIssue[], dropped: ReadonlySet<string>): IssueLike[] {
  return issues.map((issue) =>
    dropped.has(pathKey(issue.path)) ? { ...issue, message: "required, got null" } : issue,
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at = root;
  for (const key of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function pathKey(path: readonly PropertyKey[]): string {
  return JSON.stringify(path.map((key) => (typeof key === "symbol" ? String(key) : key)));
}
