import { isLoopback } from "../../src/config/loopback.js";
import { binaryBlockOf, kindOf } from "../../src/executors/response.js";
import type { Diagnostics } from "../diagnostics.js";
import type { SymbolTable } from "../ir/symbols.js";
import type { ArgumentNaming, SourceRef, ToolNode } from "../ir/types.js";
import type { Views } from "../ir/views.js";
import type { ToolSpec } from "../manifest/types.js";
import type { OperationNode } from "../normalize/openapi/model.js";
import { humanize } from "../plan/names.js";
import { classifyHttp } from "./classify.js";
import { buildHttpInput, type CredentialContext, type HttpInput } from "./http-input.js";
import {
  annotationsFor,
  composeDescription,
  decideSafety,
  outputOf,
  policyOf,
  tagsOf,
  titleFromSummary,
} from "./tool-common.js";

export interface BindContext {
  symbols: SymbolTable;
  views: Views;
  diags: Diagnostics;
  prefix: string;
  /** The argument naming rule of a source's tools (the catalog's for handler tools, `undefined`). */
  naming: (sourceId: string | undefined) => ArgumentNaming;
  /** A source's parameters sent from env variables (`sources.<id>.param_env`). */
  paramEnv?: (sourceId: string) => Readonly<Record<string, string>>;
  /** A source's security schemes and where parameters left out as credentials are gathered. */
  credentials?: (sourceId: string) => CredentialContext;
  /** Where a manifest tool's `args:` entry is (`tools.<tool>.args.<key>`). */
  argRef?: (tool: string, key: string) => SourceRef;
  /** Where a source's `param_env` entry is (`sources.<id>.param_env.<key>`). */
  paramEnvRef?: (sourceId: string, key: string) => SourceRef;
}

/** One tool from one HTTP operation, shaped by its manifest entry (if any). */
export function bindHttpTool(
  name: string,
  op: OperationNode,
  spec: ToolSpec | undefined,
  at: SourceRef,
  ctx: BindContext,
  /** The name before it was fitted into the name budget (its title reads it, not the hash that shortened it). */
  unshortened = name,
): ToolNode {
  const built = buildHttpInput(
    op,
    spec?.args ?? {},
    ctx.views,
    ctx.symbols,
    ctx.diags,
    at,
    ctx.naming(op.sourceId),
    ctx.paramEnv?.(op.sourceId),
    ctx.credentials?.(op.sourceId),
    (key) => ctx.argRef?.(name, key) ?? at,
    (key) => ctx.paramEnvRef?.(op.sourceId, key) ?? at,
  );
  const notes = [...built.notes];
  const successSchema = op.success?.schema ? ctx.views.view(op.success.schema, "output") : undefined;
  const { output, wrapped } = outputOf(successSchema, ctx.symbols);
  notes.push(...operationNotes(op));
  const { safety, safetyBasis } = decideSafety(classifyHttp(op), spec);
  const title = spec?.title ?? titleFromSummary(op.summary) ?? humanize(unshortened, ctx.prefix);
  // The argument rules follow the description as published (a blank line, then the sentences): within the cap.
  const rules = built.argumentRules?.join(" ");
  const description = composeDescription(
    spec?.description !== undefined ? [spec.description] : [op.summary, op.description],
    notes,
    rules ? rules.length + 2 : 0,
  );
  return {
    name,
    title,
    description: description || title,
    aliases: [...(spec?.aliases ?? [])],
    safety,
    safetyBasis,
    annotations: annotationsFor(title, safety, op.method === "PUT" || op.method === "DELETE", spec),
    input: built.input,
    ...(output ? { output } : {}),
    outputWrapped: wrapped,
    binding: httpBindingOf(op, built),
    policy: policyOf(spec, safety),
    notes,
    ...(built.argumentRules ? { argumentRules: built.argumentRules } : {}),
    source: op.source,
    ...(spec ? { declaredAt: at } : {}),
    tags: tagsOf(op.tags, spec),
    deprecated: op.deprecated,
  };
}

/** How the description names each content block a binary body becomes (`binaryBlockOf`). */
const BLOCK_WORDS = {
  image: "an image content block",
  audio: "an audio content block",
  resource: "an embedded resource content block (base64 blob)",
} as const;

/** What the tool's description says about the operation's response and server (toolwright's own choices). */
function operationNotes(op: OperationNode): string[] {
  const notes: string[] = [];
  if (op.success?.streamed) {
    notes.push(
      "the upstream streams its results, one JSON object per line (each {result} or {error}: gRPC-gateway's server streaming); they are returned as text, without an output schema",
    );
  } else if (op.success && !op.success.schema && op.success.mediaType) {
    // As the runtime returns the body (src/executors/response.ts): bytes of a binary type as a content block.
    const how =
      kindOf(op.success.mediaType) === "binary"
        ? `it is returned as ${BLOCK_WORDS[binaryBlockOf(op.success.mediaType)]} (its contentType and size as text)`
        : "it is returned as text";
    notes.push(`the success response is ${op.success.mediaType}; ${how}, without an output schema`);
  }
  if (op.server)
    notes.push(
      `the spec gives this operation its own server: it is sent to ${op.server.url} while the base URL is the spec's ${op.server.instead} (${op.server.relative === undefined ? "another configured base URL takes it" : `under another configured base URL, ${op.server.relative} is resolved against it`})${inClear(op.server) ? "; that server is plain http in front of an https API, so the call is refused there: it would carry the source's credentials in clear" : ""}`,
    );
  else if (op.servers)
    notes.push(
      `the spec gives this operation its own server (${op.servers.join(", ")}); the source base URL is used`,
    );
  return notes;
}

/** Whether an operation's own server is plain http (off this machine) in front of an https API (the runtime refuses it). */
function inClear(server: { url: string; instead: string }): boolean {
  try {
    const url = new URL(server.url);
    return (
      url.protocol === "http:" && new URL(server.instead).protocol === "https:" && !isLoopback(url.hostname)
    );
  } catch {
    return false;
  }
}

/** How the runtime sends the tool's call: method, path, where each argument goes, and the success response. */
function httpBindingOf(op: OperationNode, built: HttpInput): ToolNode["binding"] {
  return {
    kind: "http",
    source: op.sourceId,
    method: op.method,
    path: `${op.pathPrefix ?? ""}${op.sentPath ?? op.path}`,
    params: built.params,
    ...(built.body ? { body: built.body } : {}),
    security: op.security,
    success: {
      status: op.success?.status ?? "200",
      ...(op.success?.mediaType ? { mediaType: op.success.mediaType } : {}),
      // Only beside an output schema: a text or binary body has none, and its empty reply is a result already.
      ...(op.success?.schema && op.success.empty ? { empty: op.success.empty } : {}),
      ...(op.success?.schema && op.success.others ? { others: op.success.others } : {}),
    },
    ...(op.server ? { server: op.server } : {}),
  };
}
