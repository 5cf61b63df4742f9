import { authValues, type ServerTemplate } from "../../src/catalog.js";
import { sharedToken, slotClash } from "../../src/executors/upstream-auth.js";
import { CONFIRM_TEXT, CONFIRMATION_TOKEN_TEXT } from "../../src/publish/describe.js";
import type { Diagnostics } from "../diagnostics.js";
import type { SymbolTable } from "../ir/symbols.js";
import type { AuthScheme, CatalogIR, PropertyNode, SourceNode, SourceRef, ToolNode } from "../ir/types.js";
import { Views } from "../ir/views.js";
import { encodePointer, type LoadedDocument } from "../load/document.js";
import { appliedPatches } from "../load/patch.js";
import type { Manifest, SelectorSpec, SourceSpec } from "../manifest/types.js";
import type { GraphqlSourceModel } from "../normalize/graphql/model.js";
import { shareGraphqlShapes } from "../normalize/graphql/share.js";
import type { OpenApiSourceModel, OperationNode } from "../normalize/openapi/model.js";
import { defaultToolName, fitName, TOOL_NAME } from "../plan/names.js";
import { secretInPath, urlCredentials } from "../url-credentials.js";
import { didYouMean, nearest } from "../util.js";
import { argumentNamingOf } from "./arg-naming.js";
import { type BoundAssets, bindAssets } from "./assets.js";
import { LeftOutCredentials } from "./credential-params.js";
import {
  bindGraphqlSource,
  bindGraphqlTool,
  type GraphqlBindContext,
  graphqlTargetOf,
  namingOf,
  selectGraphqlTools,
} from "./graphql-tool.js";
import { bindHandlerTool, type HandlerRef } from "./handler-tool.js";
import { bodyFieldNames, namesPartOf } from "./http-input.js";
import { bindHttpTool } from "./http-tool.js";
import { checkManifestText } from "./manifest-credentials.js";
import { nearOperations, resolveFrom, selectorMatches } from "./select.js";
import { bindBudget, bindLimits, bindPolicy, bindPublish, bindResult, bindTransport } from "./settings.js";
import { OperationGate, specEndpoints } from "./skips.js";
import { authFor, bindEnv, envNamesOf, timeoutOf, valueSourceOf } from "./sources.js";

/** The longest tool name hosts accept, prefix included (OpenAI, Anthropic and Gemini function names: 64). */
export const HOST_NAME_LIMIT = 64;

/** The prefix most hosts put before a tool's name (Claude Code, Cursor, Codex...): `mcp__<server>__`. */
export function hostPrefix(server: string): string {
  return `mcp__${server}__`;
}

/**
 * The name budget: `naming.max_length`, else what leaves room for `mcp__<catalog>__` within 64 characters
 * (never below 32, so a long catalog name cannot squeeze every name).
 */
export function nameBudget(manifest: Manifest): { max: number; explicit: boolean } {
  const explicit = manifest.naming?.max_length;
  if (explicit !== undefined) return { max: explicit, explicit: true };
  return { max: Math.max(32, HOST_NAME_LIMIT - hostPrefix(manifest.catalog).length), explicit: false };
}

export interface BindInput {
  manifest: Manifest;
  doc: LoadedDocument;
  cwd: string;
  sources: OpenApiSourceModel[];
  /** GraphQL sources (the manifest's order of all sources is kept in the output). */
  graphql?: GraphqlSourceModel[];
  symbols: SymbolTable;
  diags: Diagnostics;
  /** Problems confined to one operation are errors instead of leaving it out (`--strict`, manifest `strict`). */
  strict?: boolean;
}

export interface BoundCatalog {
  ir: CatalogIR;
  assets: BoundAssets;
  handlers: HandlerRef[];
  /** `.graphql` document files tools read (absolute), for the input hash. */
  documents: string[];
}

/** The argument a destructive call repeats with to confirm; only a token from its own preview is accepted. */
export const CONFIRMATION_ARG = "confirmation_token";

/** Applies the manifest to the normalised sources: which operations become which tools, with what config. */
export function bindCatalog(input: BindInput): BoundCatalog {
  const { manifest, doc, diags, symbols } = input;
  const env = bindEnv(manifest, doc, diags);
  const leftOut = new LeftOutCredentials(input.sources);
  const order = Object.keys(manifest.sources ?? {});
  const sources = [
    ...input.sources.map((model) => bindSource(model, manifest, doc, diags)),
    ...(input.graphql ?? []).map((model) => bindGraphqlSource(model, manifest, doc, diags)),
  ].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const ctx: GraphqlBindContext = {
    symbols,
    views: new Views(symbols),
    diags,
    prefix: manifest.naming?.prefix ?? "",
    naming: (sourceId) => argumentNamingOf(manifest, sourceId),
    paramEnv: (sourceId) => manifest.sources?.[sourceId]?.param_env ?? {},
    credentials: (sourceId) => ({
      schemes: input.sources.find((s) => s.id === sourceId)?.securitySchemes ?? {},
      auth: manifest.sources?.[sourceId]?.auth ?? {},
      leftOut,
    }),
    argRef: (tool, key) => doc.ref(encodePointer(["tools", tool, "args", key]), true),
    paramEnvRef: (sourceId, key) => doc.ref(encodePointer(["sources", sourceId, "param_env", key]), true),
    doc,
    root: input.cwd,
    documents: [],
    boundFields: new Set(),
    derivers: new Map(),
  };
  const handlers: HandlerRef[] = [];
  const openapi = sources.filter((s) => s.kind === "openapi");
  const gate = new OperationGate(
    openapi,
    input.sources,
    input.strict === true || manifest.strict === true,
    diags,
  );
  for (const model of input.sources) gate.unreadable(model);
  const bound = new Map<OperationNode, string>();
  const tools = bindTools(input, ctx, handlers, gate, bound);
  leftOut.report(diags);
  shareGraphqlShapes(tools, input.graphql ?? [], symbols);
  addOperationScopes(sources, tools, bound, manifest, gate);
  markInternal(tools, manifest, doc, diags);
  addConfirmationArgs(tools, manifest.policy?.confirmation?.mode ?? "token", doc, diags);
  checkNames(tools, nameBudget(manifest), manifest.catalog, diags);
  checkPolicyArgs(tools, sources, doc, diags);
  checkScopeLookups(tools, doc, diags);
  const assets = bindAssets(manifest, doc, tools, input.cwd, diags);
  checkTemplateTools(assets, tools, diags);
  checkEnvReferences(sources, env, doc, diags);
  checkUrlDefaults(manifest, doc, diags);
  checkManifestText(doc, diags);
  checkParamEnv(tools, env, doc, diags);
  checkParamEnvNames(input, ctx.views, doc, diags);
  const first = input.sources[0];
  const limits = bindLimits(manifest, env, tools, sources, doc, diags);
  return {
    ir: catalogIR(input, { sources, env, tools, assets, limits, first, skipped: gate.skipped }),
    assets,
    handlers,
    documents: ctx.documents,
  };
}

/** The catalog's IR from what was bound; the catalog-wide settings are bound here, in this order. */
function catalogIR(
  input: BindInput,
  bound: {
    sources: SourceNode[];
    env: CatalogIR["env"];
    tools: ToolNode[];
    assets: BoundAssets;
    limits: CatalogIR["limits"];
    first: OpenApiSourceModel | undefined;
    skipped: OperationGate["skipped"];
  },
): CatalogIR {
  const { manifest, doc, diags } = input;
  const { sources, env, tools, assets, limits, first, skipped } = bound;
  return {
    name: manifest.catalog,
    server: {
      name: manifest.server?.name ?? manifest.catalog,
      version: manifest.server?.version ?? first?.version ?? "0.0.0",
      ...(manifest.server?.title ? { title: manifest.server.title } : {}),
      ...(manifest.server?.instructions ? { instructions: manifest.server.instructions.trim() } : {}),
    },
    sources,
    env,
    symbols: [],
    tools,
    resources: assets.resources,
    resourceTemplates: assets.resourceTemplates,
    prompts: assets.prompts,
    policy: bindPolicy(manifest, env, tools, doc, diags),
    transport: bindTransport(manifest, env, doc, diags),
    result: bindResult(manifest),
    ...(limits ? { limits } : {}),
    publish: bindPublish(manifest),
    ...(manifest.publish?.descriptions === undefined || manifest.publish.descriptions === "auto"
      ? { autoDescriptions: true as const }
      : {}),
    budget: bindBudget(manifest, doc),
    ...(skipped.length > 0 ? { skipped } : {}),
  };
}

/**
 * `internal: true`: a helper only hand-written handlers call. It has no second names (no client ever sees it), and
 * a confirmation it would ask for could never be answered, so both are refused at build time.
 */
function markInternal(tools: ToolNode[], manifest: Manifest, doc: LoadedDocument, diags: Diagnostics): void {
  for (const tool of tools) {
    const entries = manifest.tools ?? {};
    const spec = Object.hasOwn(entries, tool.name) ? entries[tool.name] : undefined;
    if (spec?.internal !== true) continue;
    tool.internal = true;
    const at = doc.ref(`#/tools/${tool.name}/internal`);
    if (tool.aliases.length > 0)
      diags.error("TW110", `tool "${tool.name}": an internal tool has no aliases`, at);
    if (tool.policy.confirm === "required") {
      diags.error(
        "TW110",
        `tool "${tool.name}": an internal tool cannot require confirmation (no client sees it); set confirm: none or make it public`,
        at,
      );
    }
  }
}

/** Resource templates are read by clients, so they cannot call a tool clients cannot. */
function checkTemplateTools(assets: BoundAssets, tools: ToolNode[], diags: Diagnostics): void {
  for (const template of assets.resourceTemplates) {
    const target = template.tool?.name;
    const tool = tools.find((t) => t.name === target || t.aliases.includes(target ?? ""));
    if (tool?.internal) {
      diags.error(
        "TW115",
        `resource template ${template.uriTemplate} calls internal tool "${tool.name}", which clients cannot call`,
        template.source,
      );
    }
  }
}

/** The `argument` confirmation mode's boolean (`policy.confirmation.mode: argument`). */
export const CONFIRM_ARG = "confirm";

/**
 * The argument a tool that needs confirmation gets: `confirmation_token` (token mode: only a token from its own
 * preview works) or `confirm` (argument mode: a boolean, as servers with a "call again with confirm: true" contract
 * take it; honest about being settable by the model).
 */
function confirmationArgument(mode: "token" | "argument"): PropertyNode {
  if (mode === "argument") {
    return {
      name: CONFIRM_ARG,
      required: false,
      schema: {
        kind: "boolean",
        default: false,
        description: CONFIRM_TEXT,
      },
    };
  }
  return {
    name: CONFIRMATION_ARG,
    required: false,
    schema: {
      kind: "string",
      description: CONFIRMATION_TOKEN_TEXT,
    },
  };
}

function addConfirmationArgs(
  tools: ToolNode[],
  mode: "token" | "argument",
  doc: LoadedDocument,
  diags: Diagnostics,
): void {
  const added = confirmationArgument(mode);
  for (const tool of tools) {
    if (tool.policy.confirm !== "required" || tool.input.kind !== "object") continue;
    if (tool.input.properties.some((p) => p.name === added.name)) {
      diags.error(
        "TW115",
        `tool "${tool.name}" already has an argument named ${added.name}, which confirmation needs; rename it with args:`,
        locate(doc, tool),
      );
      continue;
    }
    tool.input.properties.push(added);
  }
}

function bindSource(
  model: OpenApiSourceModel,
  manifest: Manifest,
  doc: LoadedDocument,
  diags: Diagnostics,
): SourceNode {
  const spec = manifest.sources?.[model.id] ?? {};
  const at = doc.ref(`#/sources/${model.id}`, true);
  if (spec.path !== undefined) {
    diags.error(
      "TW110",
      `source "${model.id}": path applies to GraphQL sources (an OpenAPI spec's paths are already complete)`,
      doc.ref(`#/sources/${model.id}/path`),
    );
  }
  return {
    id: model.id,
    kind: "openapi",
    file: model.spec.root.file,
    baseUrl: baseUrlOf(model, spec, at, diags),
    auth: sourceAuth(model, spec, at, doc, diags),
    timeoutMs: timeoutOf(spec),
    ...namingOf(manifest, model.id),
    ...(model.spec.patch ? { patches: appliedPatches(model.spec.patch) } : {}),
    ...(model.serverTemplates ? { servers: model.serverTemplates } : {}),
  };
}

/** `base_url` from the manifest, else (or as its default) the spec's first absolute server URL; one is needed. */
function baseUrlOf(
  model: OpenApiSourceModel,
  spec: SourceSpec,
  at: SourceRef,
  diags: Diagnostics,
): SourceNode["baseUrl"] {
  const absolute = model.servers.find((u) => /^https?:\/\//i.test(u));
  let baseUrl = spec.base_url ? valueSourceOf(spec.base_url) : absolute ? { default: absolute } : {};
  if (baseUrl.default === undefined && !baseUrl.byEnv && absolute)
    baseUrl = { ...baseUrl, default: absolute };
  if (!baseUrl.env && baseUrl.default === undefined && !baseUrl.byEnv) {
    diags.error(
      "TW143",
      `source "${model.id}" has no base URL: the spec has no absolute server URL and base_url is not set`,
      at,
    );
  }
  return baseUrl;
}

/** The credentials configured for the source's schemes; a scheme operations use without any is warned about. */
function sourceAuth(
  model: OpenApiSourceModel,
  spec: SourceSpec,
  at: SourceRef,
  doc: LoadedDocument,
  diags: Diagnostics,
): AuthScheme[] {
  if (spec.security)
    diags.error(
      "TW110",
      `security is for GraphQL sources; an OpenAPI operation's security comes from the spec (patch it with sources.${model.id}.patch)`,
      doc.ref(`#/sources/${model.id}/security`, true),
    );
  const auth: AuthScheme[] = [];
  for (const [scheme, authSpec] of Object.entries(spec.auth ?? {})) {
    const bound = authFor(
      scheme,
      authSpec,
      model.securitySchemes[scheme],
      diags,
      doc.ref(`#/sources/${model.id}/auth/${scheme}`, true),
    );
    if (bound) auth.push(bound);
  }
  const used = new Set(model.operations.flatMap((o) => o.security.flat()));
  for (const scheme of Object.keys(spec.auth ?? {})) {
    // Credentials for a scheme neither defined in the spec nor named by an operation would never be sent.
    if (Object.hasOwn(model.securitySchemes, scheme) || used.has(scheme)) continue;
    const known = [...new Set([...Object.keys(model.securitySchemes), ...used])].sort();
    diags.error(
      "TW110",
      `sources.${model.id}.auth names security scheme "${scheme}", which the spec neither defines nor uses: its credentials would never be sent`,
      doc.ref(`#/sources/${model.id}/auth/${scheme}`, true),
      didYouMean(nearest(scheme, known)) ??
        (known.length > 0
          ? `the spec's schemes: ${known.map((n) => JSON.stringify(n)).join(", ")}`
          : "the spec defines no security scheme: add one with sources.<id>.patch, or remove auth"),
    );
  }
  for (const scheme of [...used].sort()) {
    const defined = Object.hasOwn(model.securitySchemes, scheme);
    const credentials = auth.some((a) => a.scheme === scheme);
    // Named by operations but defined nowhere (HubSpot's CRM specs list an `oauth2_legacy` they do not define), or
    // defined as nothing toolwright can send, and no credentials given a `type`: no configuration can supply it.
    if ((!defined && !credentials) || model.securitySchemes[scheme]?.kind === "unsupported") {
      unsendableScheme(model, scheme, auth, diags);
    } else if (!auth.some((a) => a.scheme === scheme)) {
      diags.warn(
        "TW142",
        `source "${model.id}": security scheme "${scheme}" has no credentials configured; calls that need it will fail`,
        at,
      );
    }
  }
  return auth;
}

/**
 * A scheme operations name that nothing can send: not defined in the spec's securitySchemes (no configuration can
 * supply it), malformed in the spec (TW133 at the scheme, 865cba5) or of a type toolwright cannot send (mutualTLS).
 * An operation naming it is sent with another alternative it lists, or left out with a TW139 that says why. Warned
 * only when some are sent another way (saying how many), located at the first one's `security`; when every one is
 * left out, their TW139s say all there is (one diagnostic per problem: a TW142 at the same operation repeated it).
 */
function unsendableScheme(
  model: OpenApiSourceModel,
  scheme: string,
  auth: AuthScheme[],
  diags: Diagnostics,
): void {
  const info = Object.hasOwn(model.securitySchemes, scheme) ? model.securitySchemes[scheme] : undefined;
  if (info !== undefined && info.kind !== "unsupported") return;
  const credentialed = new Map(auth.map((a) => [a.scheme, a]));
  const users = model.operations.filter((o) => o.security.some((alt) => alt.includes(scheme)));
  const sent = users.filter(
    (o) =>
      (o.problems ?? []).length === 0 &&
      o.security.some(
        (alt) =>
          !alt.includes(scheme) &&
          alt.every((s) => credentialed.has(s)) &&
          slotClash(sharedToken(alt, credentialed, specEndpoints(model)).alternative, credentialed) ===
            undefined,
      ),
  );
  const first = sent[0];
  if (!first) return;
  const why = !info
    ? "is not defined in the spec's securitySchemes, so no configuration can supply it"
    : info.problem
      ? "is malformed in the spec"
      : `has type ${info.type}, which toolwright cannot send`;
  const left = users.length - sent.length;
  diags.warn(
    "TW142",
    `source "${model.id}": security scheme "${scheme}" ${why}: ${sent.length} operation${sent.length === 1 ? " that names it is" : "s that name it are"} sent with another alternative ${sent.length === 1 ? "it lists" : "they list"}${left > 0 ? `, ${left} left out (TW139)` : ""}`,
    first.securityAt ?? first.source,
    !info
      ? "Define the scheme in components.securitySchemes (sources.<id>.patch) or remove it from the operations' security."
      : info.problem
        ? "Correct the scheme in the spec (sources.<id>.patch) where the TW133 warning locates it."
        : "Nothing to configure for it: the operations use the other alternatives they list.",
  );
}

/**
 * The scopes a client-credentials grant requests when the manifest sets none (`auth.<scheme>.scopes`): the union
 * of those the catalog's tools' operations name for the scheme, so an authorization server that grants only what
 * is asked issues a token every tool can use. One token per scheme, as with a manifest's scopes: a token per call's
 * own requirement would cost a token request per distinct scope set (Galaxy's bare catalog: 2 instead of 1).
 * Refresh-token grants keep sending no scope (RFC 6749 6: the grant's original scopes).
 */
function addOperationScopes(
  sources: SourceNode[],
  tools: ToolNode[],
  bound: Map<OperationNode, string>,
  manifest: Manifest,
  gate: OperationGate,
): void {
  const names = new Set(tools.map((t) => t.name));
  const needed = new Map<string, Set<string>>();
  for (const [op, name] of bound) {
    const named = names.has(name) ? gate.scopesOf(op) : undefined;
    if (!named) continue;
    for (const [scheme, scopes] of Object.entries(named)) {
      const key = JSON.stringify([op.sourceId, scheme]);
      const set = needed.get(key) ?? new Set<string>();
      for (const scope of scopes) set.add(scope);
      needed.set(key, set);
    }
  }
  for (const source of sources) {
    if (source.kind !== "openapi") continue;
    source.auth = source.auth.map((scheme) => {
      // Only a client-credentials grant asks for them: a token the user brings (authorization code, implicit,
      // OpenID Connect) carries what the user consented to, and a refresh-token grant asks for its original ones.
      const granted =
        scheme.kind === "oauth2ClientCredentials" ||
        (scheme.kind === "oauth2" &&
          scheme.flows.includes("clientCredentials") &&
          scheme.clientSecret !== undefined);
      if (!granted) return scheme;
      if (manifest.sources?.[source.id]?.auth?.[scheme.scheme]?.scopes !== undefined) return scheme;
      const scopes = needed.get(JSON.stringify([source.id, scheme.scheme]));
      return scopes && scopes.size > 0 ? { ...scheme, operationScopes: [...scopes].sort() } : scheme;
    });
  }
}

function bindTools(
  input: BindInput,
  ctx: GraphqlBindContext,
  handlers: HandlerRef[],
  gate: OperationGate,
  bound: Map<OperationNode, string>,
): ToolNode[] {
  const tools = bindManifestTools(input, ctx, handlers, gate, bound);
  const { max } = nameBudget(input.manifest);
  tools.push(...bindSelectedOperations(input, ctx, gate, bound, tools, max));
  const taken = new Set(tools.flatMap((t) => [t.name, ...t.aliases]));
  tools.push(...selectGraphqlTools(input.manifest, input.graphql ?? [], ctx, max, taken));
  return tools;
}

/** The tools the manifest names: hand-written handlers, GraphQL operations and mapped HTTP operations. */
function bindManifestTools(
  input: BindInput,
  ctx: GraphqlBindContext,
  handlers: HandlerRef[],
  gate: OperationGate,
  bound: Map<OperationNode, string>,
): ToolNode[] {
  const { manifest, doc, diags } = input;
  const tools: ToolNode[] = [];
  for (const [name, spec] of Object.entries(manifest.tools ?? {})) {
    const at = doc.ref(`#/tools/${name}`, true);
    if (spec.handler) {
      const tool = bindHandlerTool(name, spec, at, { ...ctx, doc, root: input.cwd }, handlers);
      if (tool) tools.push(tool);
      continue;
    }
    const openapiIds = input.sources.map((s) => s.id);
    const graphql = graphqlTargetOf(name, spec, input.graphql ?? [], openapiIds, doc, diags);
    if (graphql !== undefined) {
      const tool = graphql && bindGraphqlTool(name, graphql, spec, at, ctx);
      if (tool) tools.push(tool);
      continue;
    }
    if (!spec.from) {
      const what = spec.handler ? "handler" : spec.document ? "document" : undefined;
      diags.error(
        "TW113",
        what
          ? `tool "${name}": "${what}" needs a GraphQL or handler source, which this catalog does not declare`
          : `tool "${name}" needs "from"`,
        at,
      );
      continue;
    }
    const op = resolveFrom(spec.from, input.sources, diags, doc.ref(`#/tools/${name}/from`));
    if (!op) continue;
    const previous = bound.get(op);
    if (previous) {
      diags.error("TW123", `tools "${previous}" and "${name}" both map ${op.key}`, at);
      continue;
    }
    bound.set(op, name);
    const admitted = gate.admit(op, { name, at });
    if (admitted) tools.push(bindHttpTool(name, admitted, spec, at, ctx));
  }
  return tools;
}

/** Tools for the operations `select` matches (and `exclude` does not) that no manifest tool maps, named freely. */
function bindSelectedOperations(
  input: BindInput,
  ctx: GraphqlBindContext,
  gate: OperationGate,
  bound: Map<OperationNode, string>,
  named: ToolNode[],
  max: number,
): ToolNode[] {
  const selectors = input.manifest.select ?? [];
  const excludes = input.manifest.exclude ?? [];
  const taken = new Set(named.flatMap((t) => [t.name, ...t.aliases]));
  const tools: ToolNode[] = [];
  const matched = new Set<number>();
  for (const model of input.sources) {
    for (const op of model.operations) {
      selectors.forEach((s, i) => {
        if (selectorMatches(s, op)) matched.add(i);
      });
      if (bound.has(op)) continue;
      if (!selectors.some((s) => selectorMatches(s, op)) || excludes.some((s) => selectorMatches(s, op))) {
        gate.unselected(op);
        continue;
      }
      const admitted = gate.admit(op);
      if (!admitted) continue;
      const { name, full, unshortened } = freeName(op, ctx.prefix, max, taken, input.diags);
      taken.add(name);
      bound.set(op, name);
      const tool = gate.bindOrLeaveOut(op, () =>
        bindHttpTool(name, admitted, undefined, op.source, ctx, unshortened),
      );
      if (tool && name !== full) tool.shortenedFrom = full;
      if (tool) tools.push(tool);
    }
  }
  checkSelectorSources(input);
  warnUnmatchedOperations(input, matched);
  return tools;
}

/** A `select` or `exclude` entry naming a source the manifest does not declare would match nothing, in silence. */
function checkSelectorSources(input: BindInput): void {
  const ids = Object.keys(input.manifest.sources ?? {});
  for (const list of ["select", "exclude"] as const) {
    (input.manifest[list] ?? []).forEach((s, i) => {
      if (s.source === undefined || ids.includes(s.source)) return;
      input.diags.error(
        "TW112",
        `${list} entry names unknown source "${s.source}" (sources: ${ids.join(", ")})`,
        input.doc.ref(`#/${list}/${i}/source`),
        didYouMean(nearest(s.source, ids)),
      );
    });
  }
}

/**
 * A `select` entry that no OpenAPI operation matches would otherwise select nothing in silence: one naming an
 * operation (`operation: getUser` or `"GET /users"`, as `init` writes them) that a spec renamed or dropped, a tag, a
 * path prefix or a method no operation has (a typo, `methods: [GTE]`): warned, located. An entry that may name a
 * GraphQL field (an operation with no source, or a GraphQL one) is left to those; tags, path prefixes and methods
 * are OpenAPI's only.
 */
function warnUnmatchedOperations(input: BindInput, matched: Set<number>): void {
  const openapi = new Set(input.sources.map((s) => s.id));
  const graphql = (input.graphql ?? []).length > 0;
  (input.manifest.select ?? []).forEach((s, i) => {
    if (matched.has(i) || s.all === true) return;
    if (s.source !== undefined && !openapi.has(s.source)) return;
    if (s.operation !== undefined && s.source === undefined && graphql) return;
    const of = s.source ? ` of source "${s.source}"` : "";
    const fields: Array<[string, string]> = [];
    if (s.operation !== undefined) fields.push(["operation", `"${s.operation}"`]);
    if (s.tag !== undefined) fields.push(["tag", `tag "${s.tag}"`]);
    if (s.path_prefix !== undefined) fields.push(["path_prefix", `path_prefix "${s.path_prefix}"`]);
    if (s.methods !== undefined) fields.push(["methods", `methods ${JSON.stringify(s.methods)}`]);
    const named =
      fields.length === 0
        ? undefined
        : {
            text: fields.map(([, text]) => text).join(" with "),
            at: fields.length === 1 ? `#/select/${i}/${fields[0]![0]}` : `#/select/${i}`,
          };
    if (named === undefined) {
      if (s.all !== true && s.source === undefined)
        input.diags.warn(
          "TW113",
          "select entry names nothing (no source, operation, tag, path_prefix, methods or all: true): it selects nothing",
          input.doc.ref(`#/select/${i}`),
          "Write { all: true } for every operation, or { source: <id> } for every operation of one source.",
        );
      return;
    }
    input.diags.warn(
      "TW113",
      `select entry ${named.text} matches no operation${of}: it selects nothing`,
      input.doc.ref(named.at),
      fields.length === 1 ? unmatchedHint(s, input.sources) : undefined,
    );
  });
}

/**
 * What a select entry naming one operation or tag that matches none may have meant (`GET /v1/acount`, a tag in
 * another case or misspelt), among the operations of its source (of every OpenAPI source when it names none).
 */
function unmatchedHint(s: SelectorSpec, sources: readonly OpenApiSourceModel[]): string | undefined {
  const pool = sources.filter((src) => s.source === undefined || src.id === s.source);
  const operations = pool.flatMap((src) => src.operations);
  if (s.operation !== undefined) return didYouMean(nearOperations(s.operation, operations));
  if (s.tag !== undefined) {
    const tags = new Set(operations.flatMap((op) => op.tags));
    const exact = [...tags].filter((t) => t.toLowerCase() === (s.tag as string).toLowerCase());
    return didYouMean(exact.length > 0 ? exact : nearest(s.tag, tags));
  }
  return undefined;
}

/**
 * A default name for a selected operation. `getUser` and `get_user`, or `/a-b` and `/a_b`, share one; the
 * later operation (in spec order, so deterministically) falls back to its method and path, then a counter.
 */
function freeName(
  op: OperationNode,
  prefix: string,
  max: number,
  taken: Set<string>,
  diags: Diagnostics,
): { name: string; full: string; unshortened: string } {
  const full = `${prefix}${defaultToolName(op.operationId, op.method, op.path)}`;
  const preferred = fitName(full, max);
  if (!taken.has(preferred)) return { name: preferred, full, unshortened: full };
  const byPath = `${prefix}${defaultToolName(undefined, op.method, op.path)}`;
  let unshortened = byPath;
  let name = fitName(byPath, max);
  for (let n = 2; taken.has(name); n++) {
    unshortened = `${byPath}_${n}`;
    name = fitName(unshortened, max);
  }
  diags.warn(
    "TW124",
    `${op.method} ${op.path}: "${preferred}" is taken, so it is named "${name}"`,
    op.source,
  );
  return { name, full: byPath, unshortened };
}

/** A function name OpenAI, Anthropic and Gemini (Vertex AI) all take, the length aside. */
const PROVIDER_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function checkNames(
  tools: ToolNode[],
  budget: { max: number; explicit: boolean },
  catalog: string,
  diags: Diagnostics,
): void {
  const { max, explicit } = budget;
  const owner = new Map<string, ToolNode>();
  const lookalike = new Map<string, { name: string; tool: ToolNode }>();
  for (const tool of tools) {
    const at = tool.declaredAt ?? tool.source;
    for (const name of [tool.name, ...tool.aliases]) {
      if (!TOOL_NAME.test(name)) diags.error("TW120", `"${name}" is not a valid tool name`, at);
      else if (!PROVIDER_NAME.test(name))
        diags.warn(
          "TW127",
          `"${name}" is a valid MCP tool name that model providers refuse as a function name (${name.includes(".") ? "OpenAI and Anthropic take no '.'" : "Gemini on Vertex AI needs a letter or '_' first"}); hosts that pass it on unchanged fail`,
          at,
        );
      else if (name.length > max && (explicit || name.length > HOST_NAME_LIMIT))
        diags.error("TW121", `"${name}" is ${name.length} characters (budget ${max})`, at);
      else if (name.length > max)
        diags.warn(
          "TW121",
          `"${name}" is ${name.length} characters: with the prefix hosts add (${hostPrefix(catalog)}) it passes ${HOST_NAME_LIMIT} (name budget ${max})`,
          at,
          "Shorten it, or set `naming.max_length` to the budget you want (64 for hosts that add no prefix).",
        );
      const other = owner.get(name);
      if (other === tool) diags.error("TW122", `"${name}" is listed twice for tool ${tool.name}`, at);
      else if (other)
        diags.error("TW122", `"${name}" names two tools (${describe(other)} and ${describe(tool)})`, at);
      else owner.set(name, tool);
      // Names one tool from another only by case or by '-', '.' and '_' (`delete_user`, `Delete-User`) are one
      // name to a host that folds case or rewrites the characters a provider refuses, and to a person approving a
      // call: a call meant for one could reach the other.
      const key = name.toLowerCase().replace(/[-._]/g, "_");
      const seen = lookalike.get(key);
      if (seen === undefined) lookalike.set(key, { name, tool });
      else if (seen.tool !== tool && seen.name !== name)
        diags.error(
          "TW122",
          `"${name}" and "${seen.name}" name two tools (${describe(seen.tool)} and ${describe(tool)}) that differ only by case or by '-', '.' and '_': hosts and people may not tell them apart`,
          at,
          "Rename one of them (or its alias) so the names differ in letters or digits.",
        );
    }
  }
}

function describe(tool: ToolNode): string {
  if (tool.binding.kind === "http") return `${tool.binding.method} ${tool.binding.path}`;
  if (tool.binding.kind === "graphql")
    return `${tool.binding.operationType} ${tool.binding.field ?? tool.binding.operationName}`;
  return tool.name;
}

/**
 * Every argument a tool's policy names is one of its arguments; a tenant (partner) lock may also name a variable of
 * its source's server URL template (`https://{tenant}.api.example.com`), which the lock reads from the base URL.
 */
function checkPolicyArgs(
  tools: ToolNode[],
  sources: readonly SourceNode[],
  doc: LoadedDocument,
  diags: Diagnostics,
): void {
  for (const tool of tools) {
    const args = tool.input.kind === "object" ? tool.input.properties.map((p) => p.name) : [];
    const binding = tool.binding;
    const servers =
      binding.kind === "http" ? (sources.find((s) => s.id === binding.source)?.servers ?? []) : [];
    const variables = servers.flatMap((server) => server.variables.map((v) => v.name));
    const p = tool.policy;
    const named: [string, string | undefined][] = [
      ["scoped_path", p.scopedPath],
      ["scoped_list.prefix_arg", p.scopedList?.prefixArg],
      ["tenant_arg", p.tenantArg],
      ["partner_arg", p.partnerArg],
      ["secret_keys.keys_arg", p.secretKeys?.keysArg],
      ["secret_keys.values_arg", p.secretKeys?.valuesArg],
      ...(p.scopedValues ?? []).flatMap((v, i): [string, string | undefined][] => [
        [`scoped_values[${i}].arg`, v.arg.split(".")[0]],
        [`scoped_values[${i}].base.arg`, v.base && "arg" in v.base ? v.base.arg : undefined],
        ...Object.values(v.base && "lookup" in v.base ? v.base.lookup.args : {}).map(
          (arg): [string, string] => [`scoped_values[${i}].base.lookup.args`, arg],
        ),
      ]),
      ...(p.notPaths ?? []).map((arg): [string, string] => ["not_paths", arg.split(".")[0]!]),
    ];
    for (const [key, arg] of named) {
      const lock = key === "tenant_arg" || key === "partner_arg";
      if (arg === undefined || args.includes(arg) || (lock && variables.includes(arg))) continue;
      const where = lock ? ` nor a variable of its server (${serverVariablesText(servers)})` : "";
      diags.error(
        "TW115",
        `tool "${tool.name}": ${key} "${arg}" is not one of its arguments (${args.join(", ") || "none"})${where}`,
        locate(doc, tool),
      );
    }
  }
}

/** The variables of a source's server templates, as TW115 lists them: `tenant in https://{tenant}.x.com; ...`. */
function serverVariablesText(servers: readonly ServerTemplate[]): string {
  if (servers.length === 0) return "its server URL has none";
  return servers.map((s) => `${s.variables.map((v) => v.name).join(", ")} in ${s.template}`).join("; ");
}

/**
 * A scoped value relative to a looked-up field (a mount) names the tool the chain calls to find it: that tool must
 * exist, only read, and take the arguments the lookup gives it. Caught here, a typo is a located error instead of
 * a tool refused at run time whenever a path list is set.
 */
function checkScopeLookups(tools: ToolNode[], doc: LoadedDocument, diags: Diagnostics): void {
  const byName = new Map(tools.map((t) => [t.name, t]));
  for (const tool of tools) {
    for (const [i, value] of (tool.policy.scopedValues ?? []).entries()) {
      if (!value.base || !("lookup" in value.base)) continue;
      const { tool: name, args } = value.base.lookup;
      const key = `scoped_values[${i}].base.lookup`;
      const target = byName.get(name);
      const problem = !target
        ? `${key}.tool "${name}" is not a tool of this catalog`
        : target.safety !== "read"
          ? `${key}.tool "${name}" is a ${target.safety} tool; a lookup may only read`
          : lookupArgProblem(target, key, Object.keys(args));
      if (problem) diags.error("TW115", `tool "${tool.name}": ${problem}`, locate(doc, tool));
    }
  }
}

function lookupArgProblem(target: ToolNode, key: string, given: string[]): string | undefined {
  const known = target.input.kind === "object" ? target.input.properties.map((p) => p.name) : [];
  const unknown = given.find((arg) => !known.includes(arg));
  if (unknown === undefined) return undefined;
  return `${key}.args "${unknown}" is not an argument of ${target.name} (${known.join(", ") || "none"})`;
}

function locate(doc: LoadedDocument, tool: ToolNode): SourceRef {
  return (
    tool.declaredAt ?? (tool.source.file === doc.file ? tool.source : doc.ref(`#/tools/${tool.name}`, true))
  );
}

/** Every variable a parameter or body field is sent from is declared under env. */
function checkParamEnv(
  tools: ToolNode[],
  env: CatalogIR["env"],
  doc: LoadedDocument,
  diags: Diagnostics,
): void {
  const declared = new Set(env.map((e) => e.name));
  for (const tool of tools) {
    if (tool.binding.kind !== "http") continue;
    for (const param of tool.binding.params) {
      if (param.env === undefined || declared.has(param.env)) continue;
      diags.error(
        "TW111",
        `tool ${tool.name}: parameter "${param.name}" is sent from ${param.env}, which is not declared under env:`,
        locate(doc, tool),
      );
    }
    for (const field of tool.binding.body?.fields ?? []) {
      if (field.env === undefined || declared.has(field.env)) continue;
      diags.error(
        "TW111",
        `tool ${tool.name}: body field "${field.name}" is sent from ${field.env}, which is not declared under env:`,
        locate(doc, tool),
      );
    }
  }
}

/**
 * A `param_env` entry no operation of its source has (no parameter, no top-level body field of that name): a typo or
 * a stale name, which sent nothing and left the model filling the real field. Every operation counts, selected or
 * not; a located TW110 at the entry, with the nearest names.
 */
function checkParamEnvNames(input: BindInput, views: Views, doc: LoadedDocument, diags: Diagnostics): void {
  for (const model of input.sources) {
    const paramEnv = input.manifest.sources?.[model.id]?.param_env ?? {};
    for (const key of Object.keys(paramEnv)) {
      if (model.operations.some((op) => namesPartOf(key, op, views, input.symbols))) continue;
      const names = new Set(
        model.operations.flatMap((op) => [
          ...op.params.map((p) => p.name),
          ...bodyFieldNames(op, views, input.symbols),
        ]),
      );
      const near = didYouMean(nearest(key.replace(/^(?:path|query|header|cookie|body):/, ""), names));
      diags.error(
        "TW110",
        `sources.${model.id}.param_env: ${JSON.stringify(key)} names no parameter (\`name\`, \`in:name\`) or top-level body field (\`name\`, \`body:name\`) of any operation of source "${model.id}", so it would send nothing${/[./[]/.test(key) ? " (a field nested in a body field is never named)" : ""}${near ? `: ${near}` : ""}`,
        doc.ref(encodePointer(["sources", model.id, "param_env", key]), true),
      );
    }
  }
}

/**
 * A URL the manifest writes into the catalog (an env variable's default, a base URL's default or `by_env` value, a
 * GraphQL endpoint's path, a token or discovery URL) that holds a credential (`https://user:pass@host`,
 * `?api_key=sk_live_...`, `urlCredentials`): refused, located at it and naming what it holds, never its value. A
 * default is written into catalog.json, the generated code and a packed package; a credential belongs in the
 * environment, read by the source's auth (a secret variable).
 */
function checkUrlDefaults(manifest: Manifest, doc: LoadedDocument, diags: Diagnostics): void {
  const check = (value: unknown, path: string[], what: string, url = true) => {
    if (typeof value !== "string" || (!url && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value))) return;
    const inPath = secretInPath(value);
    const found = [
      ...urlCredentials(value),
      ...(inPath !== undefined ? [`${inPath} in its host or path`] : []),
    ];
    if (found.length === 0) return;
    diags.error(
      "TW110",
      `${what} holds credentials (${found.join(", ")}): it is written into catalog.json, the generated code and a packed package, where no credential belongs`,
      doc.ref(encodePointer(path), true),
      "Leave the credential out of the URL: send it with the source's auth (sources.<id>.auth, from an env variable marked secret: true), or leave the default out and set the whole URL in the environment.",
    );
  };
  for (const [name, e] of Object.entries(manifest.env ?? {}))
    check(e?.default, ["env", name, "default"], `env ${name}'s default`, e?.type === "url");
  for (const [id, source] of Object.entries(manifest.sources ?? {})) {
    const at = ["sources", id];
    check(source?.base_url?.default, [...at, "base_url", "default"], `source "${id}"'s base_url default`);
    for (const [key, value] of Object.entries(source?.base_url?.by_env?.values ?? {}))
      check(value, [...at, "base_url", "by_env", "values", key], `source "${id}"'s base_url for ${key}`);
    check(source?.path, [...at, "path"], `source "${id}"'s path`);
    for (const [scheme, auth] of Object.entries(source?.auth ?? {})) {
      check(auth?.token_url, [...at, "auth", scheme, "token_url"], `source "${id}"'s ${scheme} token_url`);
      check(
        auth?.discovery_url,
        [...at, "auth", scheme, "discovery_url"],
        `source "${id}"'s ${scheme} discovery_url`,
      );
    }
  }
}

function checkEnvReferences(
  sources: SourceNode[],
  env: CatalogIR["env"],
  doc: LoadedDocument,
  diags: Diagnostics,
): void {
  const declared = new Set(env.map((e) => e.name));
  for (const source of sources) {
    const refs = [
      ...envNamesOf(source.baseUrl),
      ...source.auth.flatMap((a) => authValues(a).flatMap(envNamesOf)),
    ];
    for (const name of refs) {
      if (!declared.has(name)) {
        diags.error(
          "TW111",
          `source "${source.id}" reads ${name}, which is not declared under env:`,
          doc.ref(`#/sources/${source.id}`, true),
        );
      }
    }
  }
  for (const e of env) {
    if (e.secret && e.default !== undefined)
      diags.error("TW110", `${e.name} is secret and must not have a default`, e.source);
    if (e.type === "enum" && (!e.values || e.values.length === 0))
      diags.error("TW110", `${e.name} is an enum without values`, e.source);
  }
}
