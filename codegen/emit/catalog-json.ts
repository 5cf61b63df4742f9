import {
  type Binding,
  CATALOG_FORMAT,
  type CatalogDocument,
  type CatalogTool,
  type JsonSchema,
} from "../../src/catalog.js";
import type { CatalogIR, SchemaNode, ToolNode } from "../ir/types.js";
import type { JsonSchemaEmitter } from "./json-schema.js";

export function bindingSummary(b: Binding): string {
  switch (b.kind) {
    case "http":
      return `${b.method} ${b.path}`;
    case "graphql":
      return `${b.operationType} ${b.field ?? b.operationName}`;
    case "custom":
      return `handler ${b.module}`;
  }
}

/** Every tool's root schemas (referring into the catalog's schema table), computed once. */
export interface ToolSchemasJson {
  input: JsonSchema;
  output?: JsonSchema;
}

export function toolSchemasJson(tool: ToolNode, emitter: JsonSchemaEmitter): ToolSchemasJson {
  return {
    input: emitter.toolSchema(tool.input),
    ...(tool.output ? { output: emitter.toolSchema(tool.output as SchemaNode) } : {}),
  };
}

/** Whether the classifier or the manifest had a say (else the binding alone decided, as its summary shows). */
function decidedBeyondBinding(tool: ToolNode): boolean {
  const b = tool.safetyBasis;
  return b !== undefined && (b.proposed !== b.binding || b.manifest !== undefined);
}

function catalogTool(tool: ToolNode, schemas: ToolSchemasJson): CatalogTool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    aliases: tool.aliases,
    safety: tool.safety,
    ...(decidedBeyondBinding(tool) ? { safetyBasis: tool.safetyBasis } : {}),
    annotations: tool.annotations,
    ...(tool.tags.length > 0 ? { tags: tool.tags } : {}),
    summary: bindingSummary(tool.binding),
    binding: tool.binding,
    inputSchema: schemas.input,
    ...(schemas.output ? { outputSchema: schemas.output } : {}),
    ...(tool.outputWrapped ? { outputWrapped: true } : {}),
    policy: tool.policy,
    ...(tool.notes.length > 0 ? { notes: tool.notes } : {}),
    ...(tool.argumentRules ? { argumentRules: tool.argumentRules } : {}),
    ...(tool.deprecated ? { deprecated: true } : {}),
    ...(tool.internal ? { internal: true } : {}),
    source: tool.source,
  };
}

/**
 * catalog.json: everything the server publishes and executes, as data (and what auditors diff). Named schemas
 * are stored once, in `schemas` (`table`), so the document grows with the spec, not with tools x schemas.
 */
export function catalogDocument(
  ir: CatalogIR,
  schemas: Map<string, ToolSchemasJson>,
  table: Record<string, JsonSchema>,
  inputHash: string,
  version: string,
): CatalogDocument {
  return {
    format: CATALOG_FORMAT,
    generator: { name: "toolwright", version },
    inputHash,
    catalog: ir.name,
    server: ir.server,
    env: ir.env.map(({ source: _source, ...e }) => e),
    sources: ir.sources.map((s) => ({
      id: s.id,
      kind: s.kind,
      spec: s.file,
      baseUrl: s.baseUrl,
      ...(s.path ? { path: s.path } : {}),
      auth: s.auth,
      ...(s.security ? { security: s.security } : {}),
      timeoutMs: s.timeoutMs,
      ...(s.argumentNaming ? { argumentNaming: s.argumentNaming } : {}),
      ...(s.servers ? { servers: s.servers } : {}),
    })),
    publish: ir.publish,
    tools: ir.tools.map((t) => catalogTool(t, schemas.get(t.name) as ToolSchemasJson)),
    resources: ir.resources.map(({ source: _source, ...r }) => r),
    resourceTemplates: ir.resourceTemplates.map(({ source: _source, ...t }) => t),
    prompts: ir.prompts.map(({ source: _source, ...p }) => p),
    policy: ir.policy,
    transport: ir.transport,
    result: ir.result,
    ...(ir.limits ? { limits: ir.limits } : {}),
    schemas: table,
  };
}
