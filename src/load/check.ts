import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import {
  authValues,
  CATALOG_FORMAT,
  type CatalogDocument,
  type CatalogModule,
  type CatalogTool,
  type HttpBinding,
  isHeaderToken,
  isPathReference,
  type Source,
  type ValueSource,
} from "../catalog.js";
import { envNamesOf } from "../config/values.js";
import { namesIn } from "../publish/project.js";

/**
 * Consistency checks run once at start, so a broken or hand-edited catalog fails before a client connects
 * rather than on the first call that happens to touch the broken part.
 */

const TOOL_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * What a JSON object without a `format` member is, for the error that refuses it as a catalog (it said "catalog
 * format undefined is not supported"): an OpenAPI or Swagger spec, a manifest, or something else.
 */
export function notACatalog(d: Record<string, unknown>): string {
  const what =
    typeof d.openapi === "string" || typeof d.swagger === "string"
      ? `it is an ${typeof d.swagger === "string" ? "Swagger" : "OpenAPI"} spec: generate a catalog from it first (toolwright generate --openapi <spec> --out <folder>) and serve that folder`
      : "serve the folder toolwright generate wrote (its catalog.json has a format)";
  return `not a toolwright catalog (no "format" member); ${what}`;
}

/** Throws when `catalog.json` is not a document this runtime can read at all. */
export function checkDocumentShape(doc: unknown, file: string): asserts doc is CatalogDocument {
  if (doc === null || typeof doc !== "object") throw new Error(`${file}: not a JSON object`);
  const d = doc as Record<string, unknown>;
  if (d.format === undefined) throw new Error(`${file}: ${notACatalog(d)}`);
  if (d.format !== CATALOG_FORMAT) {
    const older = typeof d.format === "number" && d.format < CATALOG_FORMAT;
    throw new Error(
      `${file}: catalog format ${JSON.stringify(d.format)} is not supported (this runtime reads format ${CATALOG_FORMAT}${older ? "; format 1 copied every schema into every tool" : ""}); regenerate the catalog with this toolwright version (toolwright generate)`,
    );
  }
  if (d.schemas === null || typeof d.schemas !== "object" || Array.isArray(d.schemas))
    throw new Error(`${file}: "schemas" must be an object of named schemas`);
  for (const key of ["env", "sources", "tools", "resources", "resourceTemplates", "prompts"]) {
    if (!Array.isArray(d[key])) throw new Error(`${file}: "${key}" must be an array`);
  }
  if (typeof d.inputHash !== "string") throw new Error(`${file}: "inputHash" must be a string`);
}

/**
 * Every inconsistency between the document, the module and the folder, as readable lines. The tools in `deferred`
 * (served from `catalog.index.json`) have their records checked on first use (`checkToolRecord`), not here: here
 * only their names, and a custom binding's handler (the index holds custom bindings).
 */
export function checkCatalog(
  doc: CatalogDocument,
  module: CatalogModule,
  dir: string,
  deferred?: ReadonlySet<CatalogTool>,
): string[] {
  const problems: string[] = [];
  checkSources(doc, problems);
  const names = new Set<string>();
  for (const tool of doc.tools) {
    checkToolNames(tool, names, problems);
    if (!deferred?.has(tool)) problems.push(...checkToolRecord(tool, doc, module));
    else {
      const light = Object.getOwnPropertyDescriptor(tool, "binding")?.value as
        | CatalogTool["binding"]
        | undefined;
      if (light?.kind === "custom") checkHandler(tool.name, light.handler, module, problems);
    }
  }
  for (const resource of doc.resources) checkAsset(dir, resource.asset, `resource ${resource.uri}`, problems);
  checkResourceTemplates(doc, dir, problems);
  for (const prompt of doc.prompts) checkAsset(dir, prompt.asset, `prompt ${prompt.name}`, problems);
  return problems;
}

/** One tool's record: schema roots and the names they refer to, its binding (source, schemes, path) or handler. */
export function checkToolRecord(tool: CatalogTool, doc: CatalogDocument, module: CatalogModule): string[] {
  const problems: string[] = [];
  checkToolSchemas(tool, doc.schemas, problems);
  const binding = tool.binding;
  if (binding.kind === "http") {
    const source = doc.sources.find((s) => s.id === binding.source);
    checkHttpBinding(tool.name, binding, source, problems);
  } else if (binding.kind === "custom") checkHandler(tool.name, binding.handler, module, problems);
  return problems;
}

function checkHandler(tool: string, handler: string, module: CatalogModule, problems: string[]): void {
  if (typeof module.handlers[handler] !== "function") {
    problems.push(`tool ${tool} uses handler '${handler}', which catalog.gen does not export`);
  }
}

/** Every env variable a source reads (base URL, credentials) is declared; a GraphQL path is a path. */
function checkSources(doc: CatalogDocument, problems: string[]): void {
  const declared = new Set(doc.env.map((v) => v.name));
  const checkEnv = (source: ValueSource, where: string) => {
    for (const name of envNamesOf(source)) {
      if (!declared.has(name))
        problems.push(`${where} reads env variable ${name}, which the catalog does not declare`);
    }
  };
  for (const source of doc.sources) {
    checkEnv(source.baseUrl, `source '${source.id}' base URL`);
    if (source.path !== undefined && (source.kind !== "graphql" || !/^\/[^?#]*$/.test(source.path)))
      problems.push(`source '${source.id}': path must be a GraphQL endpoint path starting with /`);
    for (const scheme of source.auth) {
      const where = `source '${source.id}' scheme '${scheme.scheme}'`;
      for (const value of authValues(scheme)) checkEnv(value, where);
      if (scheme.kind === "apiKey" && scheme.in !== "query" && !isHeaderToken(scheme.name))
        problems.push(
          `${where}: the apiKey's ${scheme.in} name ${JSON.stringify(scheme.name)} is not a token (RFC 9110, RFC 6265), so no request can carry the key`,
        );
    }
    const schemes = new Set(source.auth.map((a) => a.scheme));
    for (const name of (source.security ?? []).flat()) {
      if (!schemes.has(name))
        problems.push(`source '${source.id}': security names scheme '${name}', which it does not define`);
    }
  }
}

/** Valid, unique names (aliases included). */
function checkToolNames(tool: CatalogTool, names: Set<string>, problems: string[]): void {
  for (const name of [tool.name, ...tool.aliases]) {
    if (!TOOL_NAME.test(name))
      problems.push(`tool name ${JSON.stringify(name)} is not a valid MCP tool name`);
    if (names.has(name)) problems.push(`tool name ${name} is used twice`);
    names.add(name);
  }
}

/**
 * Object schemas whose references resolve. That the module has each tool's input schema is checked when its schema
 * table is first built (`load/catalog.ts`), not here: building it at start would cost in proportion to the whole
 * catalog.
 */
function checkToolSchemas(tool: CatalogTool, schemas: CatalogDocument["schemas"], problems: string[]): void {
  // MCP requires object roots; the SDK would otherwise fail the whole tools/list response.
  for (const name of [...namesIn(tool.inputSchema), ...namesIn(tool.outputSchema)]) {
    if (!Object.hasOwn(schemas, name))
      problems.push(`tool ${tool.name} refers to schema ${name}, which catalog.json's schemas do not hold`);
  }
  if (tool.inputSchema?.type !== "object")
    problems.push(`tool ${tool.name}: inputSchema must have type "object"`);
  if (tool.outputSchema !== undefined && tool.outputSchema.type !== "object") {
    problems.push(`tool ${tool.name}: outputSchema must have type "object" (wrap non-objects under result)`);
  }
}

/** The binding's source and security schemes exist, and its path template and path parameters match. */
function checkHttpBinding(
  toolName: string,
  binding: HttpBinding,
  source: Source | undefined,
  problems: string[],
): void {
  if (!source) {
    problems.push(`tool ${toolName} uses source '${binding.source}', which is not defined`);
    return;
  }
  const schemes = new Set(source.auth.map((s) => s.scheme));
  for (const name of binding.security.flat()) {
    if (!schemes.has(name))
      problems.push(`tool ${toolName} requires security scheme '${name}', which is not defined`);
  }
  const vars = [...binding.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const pathParams = binding.params.filter((p) => p.in === "path").map((p) => p.name);
  for (const v of vars) {
    if (v !== undefined && !pathParams.includes(v))
      problems.push(`tool ${toolName}: {${v}} has no path parameter`);
  }
  for (const p of pathParams) {
    if (!vars.includes(p)) problems.push(`tool ${toolName}: path parameter ${p} is not in ${binding.path}`);
  }
  for (const p of binding.params) {
    if ((p.in === "header" || p.in === "cookie") && !isHeaderToken(p.name))
      problems.push(
        `tool ${toolName}: ${p.in} parameter ${JSON.stringify(p.name)} is not ${p.in === "header" ? "an HTTP header name (RFC 9110 token)" : "a cookie name (RFC 6265 token)"}, so no request can carry it`,
      );
  }
  if (binding.server !== undefined && !isServerUrl(binding.server.url))
    problems.push(`tool ${toolName}: its server must be an absolute http(s) URL without a fragment`);
  const relative = binding.server?.relative;
  if (relative !== undefined && !isPathReference(relative))
    problems.push(
      `tool ${toolName}: its server's relative reference must be a path (no scheme, host or fragment)`,
    );
}

function isServerUrl(text: unknown): boolean {
  if (typeof text !== "string") return false;
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hash === "" && !text.includes("#");
  } catch {
    return false;
  }
}

/** A template either calls a defined tool with its own variables, or serves assets over exactly one variable. */
function checkResourceTemplates(doc: CatalogDocument, dir: string, problems: string[]): void {
  if (doc.resourceTemplates.length === 0) return;
  const toolsByName = new Map(doc.tools.map((t) => [t.name, t]));
  for (const template of doc.resourceTemplates) {
    const where = `resource template ${template.uriTemplate}`;
    const vars = [...template.uriTemplate.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (template.tool) {
      const tool =
        toolsByName.get(template.tool.name) ?? doc.tools.find((t) => t.aliases.includes(template.tool!.name));
      if (!tool) problems.push(`${where} calls tool ${template.tool.name}, which is not defined`);
      for (const v of Object.keys(template.tool.args)) {
        if (!vars.includes(v)) problems.push(`${where} maps {${v}}, which the template does not have`);
      }
    } else if (template.assets) {
      if (vars.length !== 1 || vars[0] !== template.assets.variable) {
        problems.push(`${where} must have exactly the variable {${template.assets.variable}}`);
      }
      for (const value of template.assets.values) {
        const asset = template.assets.pattern.replaceAll(`{${template.assets.variable}}`, value);
        checkAsset(dir, asset, where, problems);
      }
    } else {
      problems.push(`${where} has neither a tool nor assets`);
    }
  }
}

/** An asset path stays inside the catalog folder and exists there. */
function checkAsset(dir: string, asset: string, where: string, problems: string[]): void {
  const full = resolve(dir, asset);
  const rel = relative(dir, full);
  if (isAbsolute(asset) || rel.startsWith("..") || isAbsolute(rel)) {
    problems.push(`${where}: asset path ${JSON.stringify(asset)} leaves the catalog folder`);
  } else if (!existsSync(full)) {
    problems.push(`${where}: asset ${asset} is missing from the catalog folder`);
  }
}
