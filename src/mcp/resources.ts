import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import type { CatalogResource, CatalogResourceTemplate, ToolOutcome } from "../catalog.js";
import type { ClientInfo } from "../chain.js";
import { compactJson, withBodyBlock } from "../runtime/result.js";
import type { Runtime } from "../runtime/runtime.js";
import { resourceNotFound } from "./protocol-errors.js";
import { type CompiledTemplate, compileTemplate, matchTemplate } from "./uri-template.js";

/**
 * Resources: static files from the catalog folder, and templates. A tool-bound template runs its tool through
 * the same chain as `tools/call` (so policies apply to reads too); an asset template serves one file per listed
 * value and nothing else.
 */

export type ResourceContents = { uri: string; mimeType: string } & ({ text: string } | { blob: string });

export interface ReadRequest {
  uri: string;
  client: ClientInfo;
  signal: AbortSignal;
  requestId?: string | number;
}

const TEXTUAL = /^(text\/|application\/(json|xml|yaml|x-yaml|javascript|ld\+json)|.*\+(json|xml)$)/i;

export function isTextual(mimeType: string): boolean {
  return TEXTUAL.test(mimeType);
}

export function createResourceReader(runtime: Runtime) {
  const { dir, doc } = runtime.catalog;
  const statics = new Map(doc.resources.map((r) => [r.uri, r]));
  const templates: Array<CompiledTemplate & { template: CatalogResourceTemplate }> =
    doc.resourceTemplates.map((template) => ({
      template,
      ...compileTemplate(template.uriTemplate),
    }));

  return {
    list: () => listedResources(doc.resources),
    listTemplates: () => listedTemplates(runtime, doc.resourceTemplates),
    async read(request: ReadRequest): Promise<ResourceContents[]> {
      const fixed = statics.get(request.uri);
      if (fixed) return [await readAsset(dir, request.uri, fixed.asset, fixed.mimeType)];
      for (const compiled of templates) {
        const values = matchTemplate(compiled, request.uri);
        if (!values) continue;
        const { template } = compiled;
        if (template.tool) return readThroughTool(runtime, request, template, values);
        if (template.assets) return [await readTemplateAsset(dir, request.uri, template, values)];
      }
      throw resourceNotFound(request.uri);
    },
  };
}

function listedResources(resources: readonly CatalogResource[]) {
  return resources.map((r) => ({
    uri: r.uri,
    name: r.name,
    mimeType: r.mimeType,
    ...(r.title !== undefined ? { title: r.title } : {}),
    ...(r.description !== undefined ? { description: r.description } : {}),
  }));
}

/**
 * Whether a template reads through a tool left out of tools/list (denied, or a write in read-only mode): it is
 * left out of the list too, and reading it answers "not found" or the refusal.
 */
export function templateDenied(runtime: Runtime, template: CatalogResourceTemplate): boolean {
  const tool = template.tool ? runtime.tools.get(template.tool.name) : undefined;
  return tool !== undefined && runtime.policy.hidden(tool);
}

function listedTemplates(runtime: Runtime, templates: readonly CatalogResourceTemplate[]) {
  return templates
    .filter((t) => !templateDenied(runtime, t))
    .map((t) => ({
      uriTemplate: t.uriTemplate,
      name: t.name,
      mimeType: t.mimeType,
      ...(t.title !== undefined ? { title: t.title } : {}),
      ...(t.description !== undefined ? { description: t.description } : {}),
    }));
}

async function readAsset(
  dir: string,
  uri: string,
  asset: string,
  mimeType: string,
): Promise<ResourceContents> {
  const bytes = await readFile(resolve(dir, asset));
  return isTextual(mimeType)
    ? { uri, mimeType, text: bytes.toString("utf8") }
    : { uri, mimeType, blob: bytes.toString("base64") };
}

function readTemplateAsset(
  dir: string,
  uri: string,
  template: CatalogResourceTemplate,
  values: Record<string, string>,
): Promise<ResourceContents> {
  const assets = template.assets!;
  const value = values[assets.variable];
  // Only listed values: the variable must never become a path into the folder.
  if (value === undefined || !assets.values.includes(value)) throw resourceNotFound(uri);
  const asset = assets.pattern.replaceAll(`{${assets.variable}}`, value);
  return readAsset(dir, uri, asset, template.mimeType);
}

/** Runs the template's tool through the chain (policies apply to reads too) with the URI's variables. */
async function readThroughTool(
  runtime: Runtime,
  request: ReadRequest,
  template: CatalogResourceTemplate,
  values: Record<string, string>,
) {
  const binding = template.tool!;
  const tool = runtime.tools.get(binding.name);
  if (!tool) throw resourceNotFound(request.uri);
  const args: Record<string, string> = {};
  for (const [variable, arg] of Object.entries(binding.args)) {
    const value = values[variable];
    if (value !== undefined) args[arg] = value;
  }
  const init = {
    tool,
    calledAs: binding.name,
    entry: "resources/read" as const,
    rawArgs: args,
    client: request.client,
    signal: request.signal,
    resourceUri: request.uri,
    ...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
  };
  const { outcome, ctx } = await runtime.call(init);
  if (outcome.error) throw outcomeError(outcome, request.uri, ctx.correlationId);
  return [toolContents(request.uri, template.mimeType, outcome, ctx.correlationId)];
}

/**
 * A tool-bound read's contents: an upstream body of a binary media type as its `blob`, typed as the body is (the
 * template's own type when it names one other than JSON); anything else as JSON text. The bytes are taken as
 * every policy left them (`withBodyBlock`): where masking replaced them, they are no longer base64, and the
 * contents are that JSON, typed `application/json`.
 */
function toolContents(
  uri: string,
  mimeType: string,
  outcome: ToolOutcome,
  correlationId: string,
): ResourceContents {
  // A handler's tool may pass on such a body (`ctx.call`'s data) without the mark: a template typed as binary takes it.
  const binary = outcome.binary === true || (!/json/i.test(mimeType) && isBinaryData(outcome.data));
  if (!binary) return { uri, mimeType, text: compactJson(outcome.data) };
  const shown = withBodyBlock({ ...outcome, binary: true }, correlationId);
  // Past the block bound (CLIENT_PART_BYTES): the same error a tool call answers.
  if (shown.error) throw outcomeError(shown, uri, correlationId);
  const block = shown.content?.[0];
  if (block !== undefined && block.type !== "text") {
    const [blob, type] =
      block.type === "resource" ? [blobOf(block), block.resource.mimeType] : [block.data, block.mimeType];
    if (blob !== undefined)
      return { uri, mimeType: /json/i.test(mimeType) ? (type ?? mimeType) : mimeType, blob };
  }
  return { uri, mimeType: "application/json", text: compactJson(outcome.data) };
}

function isBinaryData(data: unknown): boolean {
  if (data === null || typeof data !== "object") return false;
  const d = data as Record<string, unknown>;
  return typeof d.content === "string" && typeof d.contentType === "string" && typeof d.size === "number";
}

function blobOf(block: { resource: { blob: string } | { text: string } }): string | undefined {
  return "blob" in block.resource ? block.resource.blob : undefined;
}

function outcomeError(outcome: ToolOutcome, uri: string, correlationId: string): Error {
  const error = outcome.error!;
  // A tool denied by policy reads like a resource that does not exist (as an unknown tool name does).
  if (error.code === "http_404" || error.code === "unknown_tool") return resourceNotFound(uri);
  const message = `${error.message} (correlation id ${correlationId})`;
  // Policy refusals (path scopes, tenant lock, confirmation) are about the request, like bad arguments.
  const refused = error.code === "refused" || error.code === "confirmation_required";
  if (refused || error.code === "invalid_arguments" || error.code === "invalid_argument") {
    return new ProtocolError(ProtocolErrorCode.InvalidParams, message);
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, message);
}
