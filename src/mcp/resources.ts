import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "@modelcontextprotocol/server";
import type { CatalogResource, CatalogResourceTemplate, ToolOutcome } from "../catalog.js";
import type { ClientInfo } from "../chain.js";
import { compactJson } from "../runtime/result.js";
import type { Runtime } from "../runtime/runtime.js";
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
      throw new ResourceNotFoundError(request.uri);
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
  if (value === undefined || !assets.values.includes(value)) throw new ResourceNotFoundError(uri);
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
  if (!tool) throw new ResourceNotFoundError(request.uri);
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
  return [toolContents(request.uri, template.mimeType, outcome.data)];
}

function isBinaryData(data: unknown): data is { content: string; contentType: string } {
  return (
    data !== null &&
    typeof data === "object" &&
    typeof (data as Record<string, unknown>).content === "string" &&
    typeof (data as Record<string, unknown>).contentType === "string" &&
    typeof (data as Record<string, unknown>).size === "number"
  );
}

function toolContents(uri: string, mimeType: string, data: unknown): ResourceContents {
  if (!/json/i.test(mimeType) && isBinaryData(data)) return { uri, mimeType, blob: data.content };
  return { uri, mimeType, text: compactJson(data) };
}

function outcomeError(outcome: ToolOutcome, uri: string, correlationId: string): Error {
  const error = outcome.error!;
  // A tool denied by policy reads like a resource that does not exist (as an unknown tool name does).
  if (error.code === "http_404" || error.code === "unknown_tool") return new ResourceNotFoundError(uri);
  const message = `${error.message} (correlation id ${correlationId})`;
  // Policy refusals (path scopes, tenant lock, confirmation) are about the request, like bad arguments.
  const refused = error.code === "refused" || error.code === "confirmation_required";
  if (refused || error.code === "invalid_arguments" || error.code === "invalid_argument") {
    return new ProtocolError(ProtocolErrorCode.InvalidParams, message);
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, message);
}
