import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import type { CatalogResourceTemplate, CatalogTool, TemplateListing, ToolOutcome } from "../catalog.js";
import type { CallEntry, ClientInfo } from "../chain.js";
import type { Runtime } from "../runtime/runtime.js";
import { type CompiledTemplate, compileTemplate, expandTemplate } from "./uri-template.js";

/**
 * The resources of tool-bound templates that say how they are listed (`list:`): `resources/list` shows them and
 * `completion/complete` offers their variables' values. Every listing is a call of the listing tool through the
 * runtime's one chain, exactly like `tools/call`, so path scopes drop items, the tenant lock fills or refuses the
 * tenant, masking and the audit log apply; a template whose listing or reading tool the policy denies is never
 * listed. Listed URIs are made from an item's values and read back to exactly those values.
 */

/** Who asked: what a chain call needs from the MCP request. */
export interface ListingRequest {
  client: ClientInfo;
  signal: AbortSignal;
  requestId?: string | number;
}

export interface ListedResource {
  uri: string;
  name: string;
  mimeType: string;
  title?: string;
  description?: string;
}

/** Pages followed for one completion: enough for a picker, bounded so a keystroke never walks a whole vault. */
const COMPLETION_PAGES = 5;
/** Items per listing call when the tool takes a page size and the manifest gives no maximum. */
const LISTING_PAGE = 100;

export interface ListableTemplate {
  template: CatalogResourceTemplate & { list: TemplateListing };
  compiled: CompiledTemplate;
  tool: CatalogTool;
}

export function createTemplateListing(runtime: Runtime) {
  const listable: ListableTemplate[] = [];
  for (const template of runtime.catalog.doc.resourceTemplates) {
    const { list } = template;
    const reader = template.tool ? runtime.tools.get(template.tool.name) : undefined;
    const tool = list ? runtime.tools.get(list.tool) : undefined;
    // Listing what cannot be read (or through a tool clients may not call) would show dead entries.
    if (!list || !reader || !tool || runtime.policy.denied(reader) || runtime.policy.denied(tool)) continue;
    listable.push({ template: { ...template, list }, compiled: compileTemplate(template.uriTemplate), tool });
  }
  const byUri = new Map(listable.map((l) => [l.template.uriTemplate, l]));

  return {
    listable,
    /** One page of a template's resources: one listing call, from `cursor` (the API's own) on. */
    async page(at: ListableTemplate, cursor: string | undefined, size: number, request: ListingRequest) {
      const data = await callListing(
        runtime,
        at,
        pageArgs(at.template.list, cursor, size),
        request,
        "resources/list",
      );
      const resources = itemsOf(at, data).flatMap((item) => listedResource(at, item));
      return { resources, next: nextCursor(at.template.list, data) };
    },
    /** Values for one variable of a listed template, narrowed by what was typed and the values already chosen. */
    complete(
      uriTemplate: string,
      variable: string,
      typed: string,
      context: Record<string, string>,
      request: ListingRequest,
    ) {
      const at = byUri.get(uriTemplate);
      if (!at?.compiled.variables.includes(variable)) return undefined;
      return completeVariable(runtime, at, variable, typed, context, request);
    },
  };
}

export type TemplateListingSurface = ReturnType<typeof createTemplateListing>;

function pageArgs(list: TemplateListing, cursor: string | undefined, size: number): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (list.page?.sizeArg !== undefined) args[list.page.sizeArg] = Math.min(size, list.page.maxSize ?? size);
  if (cursor !== undefined && list.page) args[list.page.cursorArg] = cursor;
  return args;
}

async function callListing(
  runtime: Runtime,
  at: ListableTemplate,
  args: Record<string, unknown>,
  request: ListingRequest,
  entry: CallEntry,
): Promise<unknown> {
  const { outcome, ctx } = await runtime.call({
    tool: at.tool,
    calledAs: at.tool.name,
    entry,
    rawArgs: args,
    client: request.client,
    signal: request.signal,
    resourceUri: at.template.uriTemplate,
    ...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
  });
  if (outcome.error) throw new ListingError(outcome, ctx.correlationId, at.tool.name);
  return outcome.data;
}

/** Refusals by the chain, by argument validation, or by the API (a 4xx other than 429: this token may not). */
const REFUSALS = new Set(["refused", "invalid_arguments", "invalid_argument", "unknown_tool"]);

/**
 * A listing call that failed. A `refused` one (the policies or the API refusing this listing for this caller)
 * lists and completes nothing; any other failure (the upstream down, a 5xx, a 429) is an error.
 */
export class ListingError extends ProtocolError {
  readonly refused: boolean;
  constructor(outcome: ToolOutcome, correlationId: string, tool: string) {
    const error = outcome.error!;
    const code = error.code ?? "";
    const refused = REFUSALS.has(code) || (/^http_4\d\d$/.test(code) && code !== "http_429");
    super(
      refused ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InternalError,
      `listing through ${tool} failed: ${error.message} (correlation id ${correlationId})`,
    );
    this.refused = refused;
  }
}

function valueAt(data: unknown, dotPath: string): unknown {
  let value = data;
  for (const key of dotPath === "" ? [] : dotPath.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function itemsOf(at: ListableTemplate, data: unknown): unknown[] {
  const items = valueAt(data, at.template.list.itemsPath);
  if (!Array.isArray(items)) {
    throw new ProtocolError(
      ProtocolErrorCode.InternalError,
      `listing through ${at.tool.name}: the result has no list at '${at.template.list.itemsPath}'`,
    );
  }
  return items;
}

/** An item's value for each template variable; undefined when one is missing or not a plain scalar (e.g. masked). */
function itemValues(at: ListableTemplate, item: unknown): Record<string, string> | undefined {
  const values: Record<string, string> = Object.create(null); // keyed by a manifest's variable names
  for (const [variable, path] of Object.entries(at.template.list.values)) {
    const value = valueAt(item, path);
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    values[variable] = String(value);
  }
  return values;
}

function listedResource(at: ListableTemplate, item: unknown): ListedResource[] {
  const values = itemValues(at, item);
  const uri = values && expandTemplate(at.compiled, values);
  if (!uri) return [];
  const { template } = at;
  const name = template.list.namePath !== undefined ? valueAt(item, template.list.namePath) : undefined;
  return [
    {
      uri,
      name: typeof name === "string" && name !== "" ? name : uri,
      mimeType: template.mimeType,
      ...(template.title !== undefined ? { title: template.title } : {}),
    },
  ];
}

function nextCursor(list: TemplateListing, data: unknown): string | undefined {
  if (!list.page) return undefined;
  if (list.page.hasMorePath !== undefined && valueAt(data, list.page.hasMorePath) !== true) return undefined;
  const next = valueAt(data, list.page.nextCursorPath);
  return typeof next === "string" && next !== "" ? next : undefined;
}

/** The listing call's arguments for completing `variable`: chosen values of the others, and the typed prefix. */
function completionArgs(
  list: TemplateListing,
  variable: string,
  typed: string,
  context: Record<string, string>,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [other, arg] of Object.entries(list.args ?? {}))
    if (other !== variable && Object.hasOwn(context, other) && context[other]) args[arg] = context[other];
  // Own entries only: a variable may be named `constructor` (the client's context and the manifest's table).
  const prefix = list.prefix && Object.hasOwn(list.prefix, variable) ? list.prefix[variable] : undefined;
  if (prefix) {
    // An API taking whole segments gets the typed value up to its last separator; the rest is matched here.
    const sent = prefix.segment === undefined ? typed : typed.slice(0, typed.lastIndexOf(prefix.segment) + 1);
    if (sent !== "") args[prefix.arg] = sent;
  }
  return args;
}

export const MAX_COMPLETIONS = 100;

async function completeVariable(
  runtime: Runtime,
  at: ListableTemplate,
  variable: string,
  typed: string,
  context: Record<string, string>,
  request: ListingRequest,
) {
  const { list } = at.template;
  const base = completionArgs(list, variable, typed, context);
  const wanted = typed.toLowerCase();
  const found = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    let data: unknown;
    try {
      data = await callListing(
        runtime,
        at,
        { ...base, ...pageArgs(list, cursor, LISTING_PAGE) },
        request,
        "completion/complete",
      );
    } catch (error) {
      // A refused narrowing (another tenant under the lock, a path outside the scope) has no completions.
      if (error instanceof ListingError && error.refused) break;
      throw error;
    }
    for (const item of itemsOf(at, data)) {
      const values = itemValues(at, item);
      const value = values?.[variable];
      // Values already chosen that the listing could not narrow by are matched here.
      const fits = Object.entries(context).every(
        ([other, chosen]) =>
          other === variable || !Object.hasOwn(list.values, other) || values?.[other] === chosen,
      );
      if (value !== undefined && fits && value.toLowerCase().startsWith(wanted)) found.add(value);
    }
    cursor = nextCursor(list, data);
  } while (cursor !== undefined && ++pages < COMPLETION_PAGES && found.size <= MAX_COMPLETIONS);
  const values = [...found].sort();
  return {
    values: values.slice(0, MAX_COMPLETIONS),
    // With pages left unread the total is unknown.
    ...(cursor === undefined ? { total: values.length } : {}),
    hasMore: values.length > MAX_COMPLETIONS || cursor !== undefined,
  };
}

/** Where a `resources/list` page starts: in the catalog's fixed resources, or in a listed template's pages. */
type Position = { s: number } | { t: number; c?: string };

function encodePosition(position: Position): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

function decodePosition(cursor: string, statics: number, templates: number): Position {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    position = undefined;
  }
  const p = position as Record<string, unknown> | undefined;
  const index = (v: unknown, max: number) =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
  if (p && typeof p === "object" && Object.keys(p).length === 1 && index(p.s, statics))
    return { s: p.s as number };
  const cursorOk = p?.c === undefined || (typeof p.c === "string" && p.c.length <= 4096);
  if (
    p &&
    typeof p === "object" &&
    index(p.t, templates - 1) &&
    cursorOk &&
    Object.keys(p).every((k) => k === "t" || k === "c")
  )
    return p as Position;
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, "invalid cursor");
}

/**
 * A `resources/list` page: the catalog's fixed resources first, then each listed template's resources, page by
 * page as its API pages them (at most one listing call per page). A listing the policies refuse lists nothing.
 */
export async function listResourcesPage(
  statics: readonly ListedResource[],
  listing: TemplateListingSurface,
  cursor: string | undefined,
  pageSize: number,
  request: ListingRequest,
): Promise<{ resources: ListedResource[]; nextCursor?: string }> {
  const { listable } = listing;
  let position: Position =
    cursor === undefined ? { s: 0 } : decodePosition(cursor, statics.length, listable.length);
  const resources: ListedResource[] = [];
  const more = (next: Position | undefined) => ({
    resources,
    ...(next ? { nextCursor: encodePosition(next) } : {}),
  });
  if ("s" in position) {
    const end = Math.min(statics.length, position.s + pageSize);
    resources.push(...statics.slice(position.s, end));
    const rest: Position | undefined =
      end < statics.length ? { s: end } : listable.length > 0 ? { t: 0 } : undefined;
    if (resources.length >= pageSize || !rest || "s" in rest) return more(rest);
    position = rest;
  }
  const { t, c } = position;
  const after: Position | undefined = t + 1 < listable.length ? { t: t + 1 } : undefined;
  try {
    const page = await listing.page(listable[t]!, c, pageSize - resources.length, request);
    resources.push(...page.resources);
    return more(page.next !== undefined ? { t, c: page.next } : after);
  } catch (error) {
    if (error instanceof ListingError && error.refused) return more(after);
    throw error;
  }
}
