import type { CatalogDocument, CatalogTool, JsonSchema, Source } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import type { Config } from "../config/config.js";
import { ValueError, valueNow } from "../config/values.js";
import type { StateStore } from "../state/index.js";
import {
  type AuditFailureMode,
  type AuditSink,
  type AuditWriter,
  auditStep,
  openAuditSink,
  trackedSink,
} from "./audit.js";
import { confirmationStep, type RequestLine } from "./confirm.js";
import { ConfirmationTokens } from "./confirm-token.js";
import { deniedToolsStep } from "./denied-tools.js";
import { argumentDepthStep } from "./depth.js";
import { maskStep } from "./mask.js";
import { widenForMask } from "./mask-schema.js";
import { namesOnlyStep } from "./names-only.js";
import { pathScopeStep } from "./paths.js";
import { readOnlyStep } from "./read-only.js";
import type { Lookup } from "./scope-values.js";
import { secretKeysStep } from "./secret-keys.js";
import { type PolicySettings, resolvePolicySettings } from "./settings.js";
import { namedMaskPaths, namedMaskStep, type RuntimeSwitches } from "./switches.js";
import { tenantLockSteps } from "./tenant.js";

/**
 * The policy layer of one catalog: settings read once at start (bad env stops the server), and the steps it
 * puts around the runtime's own (`parse-args`, `validate-output`). The order, outermost first:
 *
 *   audit -> argument-depth -> denied-tools -> read-only -> tenant-fill -> parse-args -> tenant-lock -> paths
 *     -> secret-keys
 *     -> confirmation -> mask-named (serve --mask) -> mask -> names-only -> withhold-credentials
 *     -> validate-output -> execute
 *
 * Refusals that need no arguments come before parsing (a denied tool says nothing about its schema); results
 * are validated as the upstream sent them, then reduced (names-only) and masked on the way out, so the audit
 * step sees every call, refusal and error last.
 */

export interface PolicyOptions {
  /** Where audit lines go instead of the catalog's sink (tests); `false` turns them off. */
  audit?: AuditWriter | false;
  /** While the audit log cannot be written: refuse calls (default) or run them unaudited. */
  auditFailure?: AuditFailureMode;
  /** Where spent confirmation tokens are remembered (default: this process's memory). */
  state?: StateStore;
  /** Clock for confirmation tokens (tests). */
  now?: () => number;
  /** Runs another tool for a path base looked up from the upstream (`scoped_values` with `base.lookup`). */
  lookup?: Lookup;
  /** Run-time switches (`serve --read-only --allow --deny --mask`): they only narrow the catalog's policy. */
  switches?: RuntimeSwitches;
  /** The request line an HTTP tool's arguments make, as sent: what a confirmation shows (the runtime's). */
  requestLine?: RequestLine;
}

export interface Policies {
  readonly settings: PolicySettings;
  readonly tokens: ConfirmationTokens;
  /** The runtime's default steps with the policy steps in place. */
  wrap(defaults: readonly NamedMiddleware[]): NamedMiddleware[];
  /** Whether the tool is denied (left out of tools/list, refused by name as an unknown tool). */
  denied(tool: CatalogTool): boolean;
  /** Whether the tool is left out of tools/list: denied, or refused in read-only mode (which says so). */
  hidden(tool: CatalogTool): boolean;
  /** A published output schema as the policy needs it (wider where it masks or reduces fields to names). */
  outputSchema(tool: CatalogTool, schema: JsonSchema): JsonSchema;
  /** Whether `outputSchema` returns every output schema of the tool unchanged (nothing masked or reduced). */
  keepsOutputSchema(tool: CatalogTool): boolean;
  /** Closes the audit file, if any. */
  close(): void;
}

export function createPolicies(doc: CatalogDocument, config: Config, options: PolicyOptions = {}): Policies {
  const settings = resolvePolicySettings(doc, config, options.switches);
  const sink = policySink(settings, options);
  const tokens = new ConfirmationTokens({
    // Read when a token is first made or checked: the key (and node:crypto) are not needed at start-up.
    get key() {
      return settings.confirmation.key;
    },
    ttlSeconds: settings.confirmation.ttlSeconds,
    namespace: doc.catalog,
    ...(settings.confirmation.shared
      ? {}
      : {
          perProcess: settings.confirmation.secretEnv ? { secretEnv: settings.confirmation.secretEnv } : {},
        }),
    ...(options.state ? { store: options.state } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const { before, after } = policySteps(doc, settings, sink, tokens, options, config);

  const masking = settings.mask?.on === true;
  /** The output paths masked or reduced to names whatever the schema holds. */
  const fixedMaskPaths = (tool: CatalogTool) => [
    ...(masking ? (tool.policy.masked ?? []) : []),
    ...(tool.policy.namesOnly !== undefined ? [`${tool.policy.namesOnly}.*`] : []),
  ];

  return {
    settings,
    tokens,
    wrap(defaults) {
      const at = defaults.findIndex((step) => step.name === "parse-args");
      const split = at === -1 ? 0 : at + 1;
      return [...before, ...defaults.slice(0, split), ...after, ...defaults.slice(split)];
    },
    denied: (tool) => settings.deniedTools.has(tool.name),
    hidden: (tool) =>
      settings.deniedTools.has(tool.name) || (settings.readOnly?.on === true && tool.safety !== "read"),
    outputSchema(tool, schema) {
      const paths = [
        ...fixedMaskPaths(tool),
        ...(settings.maskNamed
          ? namedMaskPaths(settings.maskNamed, schema, tool.outputWrapped === true)
          : []),
      ];
      return paths.length > 0 ? widenForMask(schema, paths, tool.outputWrapped === true) : schema;
    },
    keepsOutputSchema: (tool) => fixedMaskPaths(tool).length === 0 && !settings.maskNamed,
    close: () => sink?.close(),
  };
}

/** Where audit lines go: none (`audit: false`), a writer the caller gives, or the catalog's own audit file. */
function policySink(settings: PolicySettings, options: PolicyOptions): AuditSink | undefined {
  if (options.audit === false) return undefined;
  return options.audit ? trackedSink(options.audit, () => {}) : openAuditSink(settings);
}

/**
 * The policy steps: `before` run ahead of argument parsing (audit first, so every call leaves a line; depth,
 * denied tools, read-only), `after` on parsed arguments (tenant, paths, secret keys, confirmation, masking).
 */
function policySteps(
  doc: CatalogDocument,
  settings: PolicySettings,
  sink: AuditSink | undefined,
  tokens: ConfirmationTokens,
  options: PolicyOptions,
  config: Config,
): { before: NamedMiddleware[]; after: NamedMiddleware[] } {
  const before: NamedMiddleware[] = [];
  if (sink) before.push(auditStep(settings, sink, options.auditFailure ?? "refuse"));
  before.push(argumentDepthStep());
  before.push(deniedToolsStep(settings.deniedTools));
  if (settings.readOnly) before.push(readOnlyStep(settings.readOnly));
  const tenant = tenantLockSteps(settings.tenant, settings.partner, doc.tools, (name) => config.text(name), {
    sources: doc.sources,
    baseUrlOf: (source) => baseUrlNow(source, config),
  });
  if (settings.tenant || settings.partner) before.push(tenant.fill);
  const after: NamedMiddleware[] = [
    tenant.check,
    pathScopeStep(settings, options.lookup, (name) => config.text(name)),
    secretKeysStep(settings.secretKeyPattern),
    confirmationStep(tokens, settings.secretKeyPattern, settings.confirmation.mode, options.requestLine),
    ...(settings.maskNamed ? [namedMaskStep(settings.maskNamed, doc.schemas ?? {})] : []),
    maskStep(settings.mask?.on === true, doc.schemas ?? {}),
    namesOnlyStep(),
  ];
  return { before, after };
}

export type { RequestLine } from "./confirm.js";
export {
  CONFIRMATION_REQUIRED,
  INPUT_REQUIRED,
  type PendingElicitation,
  pendingElicitation,
} from "./confirm.js";
export { REFUSED } from "./decision.js";
export { UNKNOWN_TOOL } from "./denied-tools.js";
export { MASK } from "./mask.js";
export type { PolicySettings } from "./settings.js";
export type { RuntimeSwitches } from "./switches.js";

/** A source's base URL for this call, or undefined when it has none or it cannot be read (the executor says why). */
function baseUrlNow(source: Source, config: Config): string | undefined {
  try {
    return valueNow(source.baseUrl, config);
  } catch (error) {
    if (error instanceof ValueError) return undefined;
    throw error;
  }
}
