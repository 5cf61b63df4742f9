import type { CatalogTool, ConfirmationMode, ToolOutcome } from "../catalog.js";
import { setOwn } from "../catalog.js";
import type { CallContext, ClientInfo, NamedMiddleware } from "../chain.js";
import type { KeyPattern } from "../patterns/matcher.js";
import { terminalJson, terminalSafe } from "../telemetry/terminal.js";
import { CONFIRM_ARG, TOKEN_ARG, withoutToken } from "./canonical.js";
import { type ConfirmationTokens, callerDigest, type TokenCheck } from "./confirm-token.js";
import { noteApplied, refuse } from "./decision.js";
import { MASK } from "./mask.js";
import { collectKeyValues } from "./secret-keys.js";

/**
 * Confirmation of tools marked `confirm: required`. Nothing runs until one of these happened:
 *
 * - the call carries a valid `confirmation_token` (issued by an earlier preview of the same tool with the same
 *   arguments, unexpired, unused): the call runs;
 * - the client declared form elicitation: the user is asked (an `input_required` round; the SDK turns it into
 *   an `elicitation/create` request for legacy clients) and the call runs only on an explicit accept with the
 *   box ticked; decline, cancel or any other answer refuses;
 * - otherwise the call returns a preview (what would happen, and a token) as an `isError` result, so a client
 *   does not mistake it for the tool's output, and changes nothing.
 *
 * The token is the only way through: the tool's schema has no `confirm: true` argument a model could set, and
 * the elicitation round's request state is a different kind of token that the argument does not accept.
 *
 * A catalog may choose the `argument` mode instead (`policy.confirmation.mode`), for compatibility with servers
 * whose contract is "call again with `confirm: true`": without the argument the call returns the preview and
 * changes nothing; with it the call runs, after asking the user through elicitation where the client supports
 * it. A model can set `confirm` itself: the argument records intent and prevents accidents, it is not a human's
 * confirmation (only the elicitation answer is).
 */

export const CONFIRMATION_REQUIRED = "confirmation_required";
export const INPUT_REQUIRED = "input_required";
const PENDING = "policy.confirmation.pending";

/** The question a middleware wants put to the user (form elicitation), and the state that comes back with it. */
export interface PendingElicitation {
  key: string;
  message: string;
  requestedSchema: {
    type: "object";
    properties: Record<string, { type: "boolean"; title: string; description: string }>;
    required: string[];
  };
  /** Opaque request state (a signed `elicit` token) the client echoes on the retry. */
  state: string;
}

export function pendingElicitation(ctx: CallContext): PendingElicitation | undefined {
  return ctx.notes.get(PENDING) as PendingElicitation | undefined;
}

/** The first protocol revision with elicitation. */
export const ELICITATION_SINCE = "2025-06-18";

/**
 * Form elicitation support as declared: `elicitation: {}` (the 2025-06-18 form, meaning form mode) or
 * `elicitation: { form: {...} }`; a client offering only `url` mode cannot answer a form. A client that negotiated
 * a revision before elicitation existed (2025-03-26, 2024-11-05) is not asked, whatever it declared: it gets the
 * preview and its token.
 */
export function supportsFormElicitation(client: ClientInfo): boolean {
  const version = client.protocolVersion;
  if (version !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(version) && version < ELICITATION_SINCE)
    return false;
  const elicitation = client.capabilities?.elicitation;
  if (elicitation === null || typeof elicitation !== "object") return false;
  const modes = elicitation as Record<string, unknown>;
  if (!("form" in modes) && !("url" in modes)) return true;
  return modes.form !== undefined && modes.form !== null;
}

const ANSWER_KEY = "confirm";

/**
 * The `_meta` key of the answer the server itself gives when the user did not answer within the confirmation's
 * lifetime (`inRevisionWords`, src/mcp/elicitation.ts): the call comes back through the chain as unanswered, so
 * it is refused and audited like any other answer, instead of ending in an error no audit line records.
 */
export const UNANSWERED = "io.toolwright/unanswered";

type Answer = "accept" | "unchecked" | "decline" | "cancel" | "unanswered" | "missing";

function answerOf(responses: Record<string, unknown> | undefined): Answer {
  const response = responses?.[ANSWER_KEY] as
    | { action?: unknown; content?: unknown; _meta?: Record<string, unknown> }
    | undefined;
  if (!response || typeof response !== "object") return "missing";
  if (response.action === "decline") return "decline";
  if (response.action === "cancel") return response._meta?.[UNANSWERED] === true ? "unanswered" : "cancel";
  if (response.action !== "accept") return "missing";
  const content = response.content as Record<string, unknown> | undefined;
  return content?.[ANSWER_KEY] === true ? "accept" : "unchecked";
}

/**
 * The request line an HTTP tool's arguments make, as sent (path values encoded as the executor encodes them, the
 * query included): given by the runtime, which owns the executors; `undefined` when the arguments would be refused.
 */
export type RequestLine = (tool: CatalogTool, args: Record<string, unknown>) => string | undefined;

/**
 * What the call would do, in one line, e.g. `DELETE /v1/secrets/integrations%2Fold?force=true`: for an HTTP tool
 * the request line exactly as it is sent (`line`), never the values spliced raw into the template, which read
 * otherwise than what runs (`a/b` shown as two segments and sent as one, `\n` starting a paragraph of its own, a
 * query left out); without `line`, or when the arguments would be refused, the template itself. For a GraphQL tool
 * the document it sends, on one line (its variables are the arguments, shown beside it): the operation's name
 * alone says nothing of what it runs (`mutation Sync` of `{ made: createProject(...) gone: deleteProject(...) }`).
 * Characters a renderer acts on (bidi controls, line breaks) are shown as escapes.
 */
export function describeAction(tool: CatalogTool, args: Record<string, unknown>, line?: RequestLine): string {
  const binding = tool.binding;
  if (binding.kind === "http") return terminalSafe(line?.(tool, args) ?? `${binding.method} ${binding.path}`);
  if (binding.kind === "graphql") {
    const document = binding.document.replace(/\s+/g, " ").trim();
    return terminalSafe(document || `${binding.operationType} ${binding.operationName}`);
  }
  return terminalSafe(tool.summary);
}

const ENCODED_MASK = encodeURIComponent(MASK);

/**
 * `describeAction` of the arguments a preview shows (`redactedArguments`): a secret-looking argument the request
 * sends in its query (`?password_confirmation=...`) or headers is shown masked, as in `arguments`. A path value is
 * shown as sent whatever its name: it names the target (`DELETE /secrets/{secret_name}`), which a person
 * confirming must see.
 */
function describeShown(
  tool: CatalogTool,
  args: Record<string, unknown>,
  shown: Record<string, unknown>,
  line: RequestLine | undefined,
): string {
  const binding = tool.binding;
  if (binding.kind !== "http" || !line) return describeAction(tool, args, line);
  const shownLine: RequestLine = (t, a) => line(t, a)?.replaceAll(ENCODED_MASK, MASK);
  const sent = { ...args };
  for (const [name, value] of Object.entries(shown)) {
    const inPath = binding.params.some((param) => param.arg === name && param.in === "path");
    if (!inPath) setOwn(sent, name, value);
  }
  return describeAction(tool, sent, shownLine);
}

/** The arguments as a preview may show them: secret-looking arguments and key/value write values masked. */
export function redactedArguments(
  tool: CatalogTool,
  args: Record<string, unknown>,
  secretKeyPattern: KeyPattern,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const spec = tool.policy.secretKeys;
  for (const [name, value] of Object.entries(withoutToken(args))) {
    if (value === undefined) continue;
    if (secretKeyPattern.test(name) || name === spec?.valuesArg) setOwn(out, name, MASK);
    else if (name === spec?.keysArg) setOwn(out, name, keysOnly(value));
    else setOwn(out, name, maskedWithin(value, secretKeyPattern));
  }
  return out;
}

/** `value` with the value of every secret-looking key inside it masked, at any depth (`{owner: {password}}`). */
function maskedWithin(value: unknown, secretKeyPattern: KeyPattern): unknown {
  if (Array.isArray(value)) return value.map((item) => maskedWithin(item, secretKeyPattern));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    setOwn(out, key, secretKeyPattern.test(key) ? MASK : maskedWithin(item, secretKeyPattern));
  }
  return out;
}

function keysOnly(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) =>
      item !== null && typeof item === "object" && "value" in item ? { ...item, value: MASK } : item,
    );
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(collectKeyValues(value).keys.map((key) => [key, MASK]));
  }
  return value;
}

const TOKEN_PROBLEMS: Record<Exclude<TokenCheck, { ok: true }>["reason"], string> = {
  malformed: "is not a confirmation token",
  signature: "is not a confirmation token this server issued",
  kind: "is not a confirmation token this server issued",
  tool: "was issued for another tool",
  arguments: "was issued for other arguments (a confirmation never carries over to other arguments)",
  caller: "was issued to another caller (a confirmation never carries over to another principal)",
  expired: "has expired",
  reused: "was already used (tokens are single-use)",
  forgotten:
    "was issued before the server's state store last lost its memory, so it can no longer be checked for reuse",
  unavailable: "cannot be checked right now: the state store that remembers spent tokens is unavailable",
};

/** Error code of a confirmation refused because the state store did not answer (the token is not spent). */
export const STATE_UNAVAILABLE = "state_unavailable";

/** The refusal of a token or request state that failed its check; `what` names it in the message. */
function refuseToken(
  ctx: CallContext,
  check: Exclude<TokenCheck, { ok: true }>,
  what: "token" | "request state",
  again: string,
  tokens: ConfirmationTokens,
): ToolOutcome {
  const named = what === "token" ? `the ${TOKEN_ARG}` : "the confirmation round's state";
  const refusal = { policy: "confirmation", reason: `${what} ${check.reason}` };
  if (check.reason === "unavailable") {
    return refuse(
      ctx,
      refusal,
      `refused by confirmation: ${named} ${TOKEN_PROBLEMS.unavailable}; nothing was changed and it is not spent. Retry the same call shortly.`,
      STATE_UNAVAILABLE,
      { retry_after_seconds: 1 },
    );
  }
  const note = check.reason === "signature" ? tokens.perProcessNote : undefined;
  return refuse(
    ctx,
    refusal,
    `refused by confirmation: ${named} ${TOKEN_PROBLEMS[check.reason]}; nothing was changed. ${again}${note ? ` ${note}` : ""}`,
  );
}

export function confirmationStep(
  tokens: ConfirmationTokens,
  secretKeyPattern: KeyPattern,
  mode: ConfirmationMode = "token",
  line?: RequestLine,
): NamedMiddleware {
  return {
    name: "confirmation",
    idle: (tool) => tool.policy.confirm !== "required",
    async run(ctx, next) {
      if (ctx.tool.policy.confirm !== "required") return next();
      if (mode === "argument") return confirmByArgument(ctx, tokens, secretKeyPattern, next, line);
      const token = ctx.args[TOKEN_ARG];
      // The executor never sees the token, and the token never covers itself.
      const args = withoutToken(ctx.args);
      ctx.args = args;
      const call = confirming(ctx, tokens, args);
      if (token !== undefined) return runWithPreviewToken(call, token, next);
      const state = ctx.input?.state;
      if (state !== undefined) return runOnElicitedAnswer(call, state, next);
      const shown = redactedArguments(ctx.tool, args, secretKeyPattern);
      const would = describeShown(ctx.tool, args, shown, line);
      await tokens.prepare();
      if (ctx.entry === "tools/call" && ctx.depth === 0 && supportsFormElicitation(ctx.client)) {
        return askTheUser(call, would, shown);
      }
      return issuePreview(call, would, shown);
    },
  };
}

/**
 * `argument` mode: `confirm: true` runs the call (asking the user first where the client can answer a form);
 * anything else previews. The executor never sees `confirm`, and an elicitation round binds the arguments
 * without it, so the retry runs exactly what the user was shown.
 */
function confirmByArgument(
  ctx: CallContext,
  tokens: ConfirmationTokens,
  secretKeyPattern: KeyPattern,
  next: () => Promise<ToolOutcome>,
  line: RequestLine | undefined,
): ToolOutcome | Promise<ToolOutcome> {
  const confirmed = ctx.args[CONFIRM_ARG] === true;
  const { [CONFIRM_ARG]: _confirm, ...args } = ctx.args;
  ctx.args = args;
  const call = confirming(ctx, tokens, args);
  const state = ctx.input?.state;
  if (state !== undefined) return runOnElicitedAnswer(call, state, next);
  const shown = redactedArguments(ctx.tool, args, secretKeyPattern);
  const would = describeShown(ctx.tool, args, shown, line);
  if (!confirmed) return previewForArgument(ctx, would, shown);
  if (ctx.entry === "tools/call" && ctx.depth === 0 && supportsFormElicitation(ctx.client)) {
    return tokens.prepare().then(() => askTheUser(call, would, shown));
  }
  noteApplied(ctx, "confirmation:argument");
  return next();
}

/** The `argument` mode's preview: what would happen, and how to go ahead. No token: `confirm: true` is the way. */
function previewForArgument(ctx: CallContext, would: string, shown: unknown): ToolOutcome {
  const preview = {
    confirmation_required: true,
    tool: ctx.calledAs,
    would: cut(would, PREVIEW_WOULD_CHARS),
    arguments: previewed(shown),
    next: `nothing was changed. Show this to the user; only once they agree to exactly this, repeat the call with ${CONFIRM_ARG}: true. To cancel, do nothing.`,
    correlation_id: ctx.correlationId,
  };
  return refuse(
    ctx,
    { policy: "confirmation", reason: "preview (confirm not set)" },
    JSON.stringify(preview),
    CONFIRMATION_REQUIRED,
  );
}

/** One call under confirmation: its context, the token issuer, and the arguments without the token. */
interface Confirming {
  ctx: CallContext;
  tokens: ConfirmationTokens;
  args: Record<string, unknown>;
  tool: string;
  /** The principal the token is bound to (`callerDigest`). */
  caller: string;
}

/** A call under confirmation: its arguments without the confirmation's own, bound to tool and principal. */
function confirming(ctx: CallContext, tokens: ConfirmationTokens, args: Record<string, unknown>): Confirming {
  return { ctx, tokens, args, tool: ctx.tool.name, caller: callerDigest(ctx.client.principal) };
}

/** The call carries a `confirmation_token`: it runs when the token is valid for this tool and these arguments. */
async function runWithPreviewToken(
  { ctx, tokens, args, tool, caller }: Confirming,
  token: unknown,
  next: () => Promise<ToolOutcome>,
): Promise<ToolOutcome> {
  const check: TokenCheck =
    typeof token === "string"
      ? await tokens.verify(token, "preview", tool, args, caller)
      : { ok: false, reason: "malformed" };
  if (!check.ok) {
    return refuseToken(
      ctx,
      check,
      "token",
      `Call ${ctx.calledAs} again without ${TOKEN_ARG} to get a new preview and token.`,
      tokens,
    );
  }
  noteApplied(ctx, "confirmation:token");
  return next();
}

/** The retry of an elicitation round: it runs on a valid state and an explicit accept with the box ticked. */
async function runOnElicitedAnswer(
  { ctx, tokens, args, tool, caller }: Confirming,
  state: string,
  next: () => Promise<ToolOutcome>,
): Promise<ToolOutcome> {
  const check = await tokens.verify(state, "elicit", tool, args, caller);
  if (!check.ok) {
    return refuseToken(ctx, check, "request state", `Call ${ctx.calledAs} again to be asked again.`, tokens);
  }
  const answer = answerOf(ctx.input?.responses);
  if (answer === "accept") {
    noteApplied(ctx, "confirmation:elicited");
    return next();
  }
  const said: Record<Exclude<Answer, "accept">, string> = {
    unchecked: "did not tick the confirmation",
    decline: "declined",
    cancel: "cancelled",
    unanswered: "did not answer within the confirmation's lifetime, and the question was withdrawn",
    missing: "gave no answer",
  };
  return refuse(
    ctx,
    { policy: "confirmation", reason: `elicitation ${answer}` },
    `not confirmed: the user ${said[answer]}; nothing was changed.`,
  );
}

/** Notes the form question for the MCP layer (an `input_required` round) and changes nothing. */
function askTheUser(
  { ctx, tokens, args, tool, caller }: Confirming,
  would: string,
  shown: Record<string, unknown>,
): ToolOutcome {
  const issued = tokens.issue("elicit", tool, args, caller);
  const pending: PendingElicitation = {
    key: ANSWER_KEY,
    message: question(ctx, would, shown),
    requestedSchema: {
      type: "object",
      properties: {
        [ANSWER_KEY]: {
          type: "boolean",
          title: `Yes, run ${ctx.calledAs}`,
          description: cut(would, QUESTION.action),
        },
      },
      required: [ANSWER_KEY],
    },
    state: issued.token,
  };
  ctx.notes.set(PENDING, pending);
  return refuse(
    ctx,
    { policy: "confirmation", reason: "elicitation requested" },
    "confirmation requested from the user; nothing was changed yet",
    INPUT_REQUIRED,
  );
}

/** Answers with a preview (what would happen, and a single-use token) as a refusal, and changes nothing. */
function issuePreview(
  { ctx, tokens, args, tool, caller }: Confirming,
  would: string,
  shown: unknown,
): ToolOutcome {
  const issued = tokens.issue("preview", tool, args, caller);
  const preview = {
    confirmation_required: true,
    tool: ctx.calledAs,
    would: cut(would, PREVIEW_WOULD_CHARS),
    arguments: previewed(shown),
    confirmation_token: issued.token,
    expires_at: new Date(issued.expiresAt).toISOString(),
    next: `nothing was changed. To go ahead, repeat the identical call with ${TOKEN_ARG} set to this token (single use, valid until expires_at); to cancel, do nothing.`,
    correlation_id: ctx.correlationId,
  };
  return refuse(
    ctx,
    { policy: "confirmation", reason: "preview issued" },
    JSON.stringify(preview),
    CONFIRMATION_REQUIRED,
  );
}

/**
 * The most characters of one string a preview's `arguments` show. A preview goes back to the model and is shown to
 * a person: an argument of a megabyte (a file's base64) was echoed whole, doubling what the call cost the model's
 * context for text nobody reads. The token still binds the arguments as given, which the repeated call sends.
 */
const PREVIEW_VALUE_CHARS = 1000;
/** A preview's `would` (the request line, a long query value in it) is cut at this many characters. */
const PREVIEW_WOULD_CHARS = 2000;

/** `shown` with every string longer than `PREVIEW_VALUE_CHARS`, at any depth, cut (saying how much was left out). */
function previewed(value: unknown): unknown {
  if (typeof value === "string") return cut(value, PREVIEW_VALUE_CHARS);
  if (Array.isArray(value)) return value.map(previewed);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) setOwn(out, key, previewed(item));
  return out;
}

/**
 * Bounds of the confirmation question (characters): a person reads it and a client shows it whole, so each part
 * is cut on its own and the question always ends with what happens without an answer. Every argument is named
 * (up to `listed` with their values, the rest by name), each value cut to `value`.
 */
const QUESTION = { title: 200, action: 600, name: 64, value: 200, listed: 40, rest: 600 };

/**
 * The question put to the user: the tool, what it would do, and each argument as `name: value`. A person reads
 * this: characters a renderer acts on (bidi controls, line separators, C1 controls; a line break inside a value is
 * already `\n`) are shown as escapes, as in `would`; secret-looking values are masked (`redactedArguments`).
 */
function question(ctx: CallContext, would: string, shown: Record<string, unknown>): string {
  const entries = Object.entries(shown);
  const listed = entries
    .slice(0, QUESTION.listed)
    .map(
      ([name, value]) =>
        `${cut(terminalSafe(name), QUESTION.name)}: ${cut(terminalJson(value), QUESTION.value)}`,
    );
  const rest = entries.slice(QUESTION.listed).map(([name]) => terminalSafe(name));
  const more = rest.length > 0 ? `; and ${rest.length} more: ${cut(rest.join(", "), QUESTION.rest)}` : "";
  const args = entries.length > 0 ? `${listed.join("; ")}${more}` : "none";
  const title = cut(terminalSafe(ctx.tool.title), QUESTION.title);
  return `Confirm ${title} (${ctx.calledAs}): ${cut(would, QUESTION.action)}. Arguments: ${args}. Nothing happens unless you confirm.`;
}

/**
 * One unit a cut must not split: a percent-escape of the request line (`%2F`), an escape `terminalSafe` or
 * `terminalJson` writes (`\x1b`, `\u202e`, `\u{1f600}`, `\"`, `\\`), a surrogate pair, or any other character.
 */
const UNIT =
  /\\u\{[0-9a-fA-F]{1,6}\}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\s\S]|%[0-9a-fA-F]{2}|[\ud800-\udbff][\udc00-\udfff]|[\s\S]/y;

/** The last end of a unit (`UNIT`) at or before `max`: where `text` may be cut. */
function boundary(text: string, max: number): number {
  let end = 0;
  UNIT.lastIndex = 0;
  while (UNIT.exec(text) !== null && UNIT.lastIndex <= max) end = UNIT.lastIndex;
  return end;
}

/**
 * `text` cut to at most `max` characters, saying how many were left out. Never inside a unit (`UNIT`): a cut
 * escape (`%2`, `\u20`) reads as something else, and half a surrogate pair is not text.
 */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = boundary(text, max);
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}
