import {
  CATALOG_FORMAT,
  type CatalogDocument,
  type CatalogTool,
  type EnvVar,
  type ToolOutcome,
  type ToolPolicy,
} from "../../src/catalog.js";
import { type CallContext, type ClientInfo, compose, type NamedMiddleware } from "../../src/chain.js";
import { resolveConfig } from "../../src/config/config.js";
import { createPolicies, type PolicyOptions } from "../../src/policy/index.js";
import { resolvePolicySettings } from "../../src/policy/settings.js";

/** A tool for policy tables: an HTTP binding with a path parameter, safety and policy facts as given. */
export function tool(name: string, policy: ToolPolicy = {}, extra: Partial<CatalogTool> = {}): CatalogTool {
  return {
    name,
    title: name,
    description: "",
    aliases: [],
    safety: "read",
    annotations: {
      title: name,
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: true,
    },
    summary: "GET /v1/things/{path}",
    binding: {
      kind: "http",
      source: "api",
      method: "GET",
      path: "/v1/things/{path}",
      params: [{ arg: "path", name: "path", in: "path", style: "simple", explode: false, required: true }],
      security: [],
      success: { status: "200", mediaType: "application/json" },
    },
    inputSchema: { type: "object", properties: { path: { type: "string" } } },
    policy,
    source: { file: "spec.yaml" },
    ...extra,
  };
}

export function ctxFor(
  t: CatalogTool,
  args: Record<string, unknown>,
  extra: Partial<Omit<CallContext, "tool">> & { client?: ClientInfo } = {},
): CallContext {
  return {
    tool: t,
    calledAs: t.name,
    entry: "tools/call",
    rawArgs: args,
    args: { ...args },
    correlationId: "c0ffee000000",
    client: { capabilities: {}, era: "legacy" },
    signal: new AbortController().signal,
    upstream: { requests: 0 },
    startedAt: performance.now(),
    depth: 0,
    progress: async () => {},
    notes: new Map(),
    ...extra,
  } as CallContext;
}

/** Runs one step around a terminal that records whether (and with which arguments) it executed. */
export async function runStep(
  step: NamedMiddleware,
  ctx: CallContext,
  result: ToolOutcome = { data: { ok: true } },
): Promise<{ outcome: ToolOutcome; executed: Record<string, unknown> | undefined }> {
  let executed: Record<string, unknown> | undefined;
  const outcome = await compose([step], async (c) => {
    executed = { ...c.args };
    return result;
  })(ctx);
  return { outcome, executed };
}

/** A catalog document around the given tools, with env and policy wiring like the ScaiVault manifest's. */
export function docWith(
  tools: CatalogTool[],
  policy: Partial<CatalogDocument["policy"]> = {},
): CatalogDocument {
  const env: EnvVar[] = [
    v("APP_READ_ONLY", "boolean", { default: "false" }),
    v("APP_MASK", "boolean", { default: "false" }),
    v("APP_ALLOWED_PATHS", "list"),
    v("APP_DENIED_PATHS", "list"),
    v("APP_TENANT", "string"),
    v("APP_PARTNER", "string"),
    v("APP_DENIED_TOOLS", "list"),
    v("APP_AUDIT", "boolean", { default: "true" }),
    v("APP_AUDIT_FILE", "path"),
    v("APP_CONFIRM_SECRET", "string", { secret: true }),
  ];
  return {
    format: CATALOG_FORMAT,
    generator: { name: "toolwright", version: "0.0.0" },
    inputHash: "x",
    catalog: "app",
    server: { name: "app", version: "1.0.0" },
    env,
    sources: [],
    publish: { depth: 2, bytes: 8192, outputBytes: 1024, output: "compact", descriptions: "full" },
    tools,
    schemas: {},
    resources: [],
    resourceTemplates: [],
    prompts: [],
    policy: {
      readOnly: { env: "APP_READ_ONLY" },
      maskValues: { env: "APP_MASK" },
      allowedPaths: { env: "APP_ALLOWED_PATHS" },
      deniedPaths: { env: "APP_DENIED_PATHS" },
      tenant: { env: "APP_TENANT" },
      partner: { env: "APP_PARTNER" },
      deniedTools: { tools: [], env: "APP_DENIED_TOOLS" },
      secretKeyPattern: "(secret|token|passw(or)?d|api[_-]?key)",
      confirmation: { ttlSeconds: 300, secretEnv: "APP_CONFIRM_SECRET" },
      audit: { enabledByDefault: true, enabledEnv: "APP_AUDIT", fileEnv: "APP_AUDIT_FILE" },
      ...policy,
    },
    transport: { httpValues: ["http"], host: "127.0.0.1", port: 8765, requiredScopes: [] },
    result: { envelope: "plain" },
  };
}

function v(name: string, type: EnvVar["type"], extra: Partial<EnvVar> = {}): EnvVar {
  return { name, description: "", type, required: false, secret: false, ...extra };
}

export function settingsFor(doc: CatalogDocument, env: Record<string, string> = {}) {
  return resolvePolicySettings(doc, resolveConfig(doc.env, env));
}

export function policiesFor(
  doc: CatalogDocument,
  env: Record<string, string> = {},
  options: PolicyOptions = { audit: false },
) {
  return createPolicies(doc, resolveConfig(doc.env, env), options);
}
