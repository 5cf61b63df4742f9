import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "@modelcontextprotocol/server";
import { formatIssues, type IssueLike } from "../runtime/issues.js";
import { newCorrelationId } from "../runtime/runtime.js";
import { describeError, logLine } from "../telemetry/log.js";

/** Exception text reaches the client verbatim, so only our own protocol errors pass; the rest is logged. */
export function safeProtocolError(error: unknown, what: string): Error {
  if (error instanceof ProtocolError) return error;
  const correlationId = newCorrelationId();
  logLine(`internal error (correlation id ${correlationId}) in ${what}: ${describeError(error)}`);
  return new ProtocolError(
    ProtocolErrorCode.InternalError,
    `internal error (correlation id ${correlationId})`,
  );
}

/** Echoes a client-sent name in an error without letting it carry control characters or bulk. */
export function printable(text: string, max = 100): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Client-sent names listed in an error: the first few, each `printable`, and how many more there were. */
export function printableList(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).map((name) => printable(name));
  if (names.length > max) shown.push(`and ${names.length - max} more`);
  return shown.join(", ");
}

/**
 * Resource not found, echoing the client's URI as `printable` does (up to 1,000 characters: a URI the server
 * lists fits) in the message and in `data.uri`: a megabyte of URI came back twice over.
 */
export function resourceNotFound(uri: string): ResourceNotFoundError {
  return new ResourceNotFoundError(printable(uri, 1000));
}

/** The SDK's own words for a request its schema for the method refused: a zod issue list as JSON text. */
const TOOLS_CALL_REFUSED = "Invalid tools/call request: ";

/** A zod issue list given as JSON text (how the SDK's request check reports), else undefined. */
function issuesIn(text: string): IssueLike[] | undefined {
  if (!text.startsWith("[")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
    const issues = parsed.filter(
      (issue): issue is IssueLike =>
        issue !== null &&
        typeof issue === "object" &&
        Array.isArray((issue as IssueLike).path) &&
        typeof (issue as IssueLike).message === "string",
    );
    return issues.length === parsed.length ? issues : undefined;
  } catch {
    return undefined;
  }
}

/** `Invalid params for <method>: params.cursor: expected string, received object` — one line, bounded. */
function invalidParams(method: string, issues: readonly IssueLike[]): ProtocolError {
  const plain = (issue: IssueLike): IssueLike => ({
    ...issue,
    message: issue.message
      .replace(/^Invalid input: /, "")
      .replace(/^expected .+, received undefined$/, "missing"),
  });
  const text = formatIssues(issues.map(plain), 3);
  return new ProtocolError(
    ProtocolErrorCode.InvalidParams,
    printable(`Invalid params for ${printable(method)}: ${text}`, 500),
  );
}

/**
 * What the SDK throws for a request its schema of the method refuses, said in one line: a method registered by
 * name answered that with -32603 and the issue list as JSON text (tools/list with an object cursor), tools/call
 * with -32602 and the same list. Both become -32602 `Invalid params for <method>: <path>: <why>`. A tools/call result
 * the SDK refuses is this server's fault: logged, answered -32603 with a correlation id. Anything else passes.
 */
export function clientRequestError(error: unknown, method: string): unknown {
  if (!(error instanceof Error)) return error;
  if (error instanceof ProtocolError) {
    if (!error.message.startsWith(TOOLS_CALL_REFUSED)) return error;
    const issues = issuesIn(error.message.slice(TOOLS_CALL_REFUSED.length));
    return issues ? invalidParams(method, issues) : error;
  }
  const issues = issuesIn(error.message);
  return issues ? invalidParams(method, issues) : error;
}

/**
 * The SDK's protocol errors that quote a whole client message as JSON after these words: a response to no request
 * of this server (an answer to a sampling or elicitation request it never sent, or sent on another connection, may
 * carry anything the client's user typed), a progress notification for a token in use by no request, a message of
 * no JSON-RPC kind.
 */
const QUOTING_WHOLE_MESSAGE = [
  "Received a response for an unknown message ID: ",
  "Received a progress notification for an unknown token: ",
  "Unknown message type: ",
];

/** What a protocol error's log line says of it: never a client message's content, and at most `max` characters. */
export function protocolErrorLine(error: unknown, max = 300): string {
  const text = describeError(error);
  if (error instanceof Error) {
    for (const words of QUOTING_WHOLE_MESSAGE) {
      if (!error.message.startsWith(words)) continue;
      return `${error.name}: ${words.slice(0, -2)}: ${quotedMessage(error.message.slice(words.length))}`;
    }
  }
  return printable(text, max);
}

/** A quoted client message told by its id (or progress token) and size alone. */
function quotedMessage(json: string): string {
  let parsed: { id?: unknown; params?: { progressToken?: unknown } } | undefined;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  const shown = (value: unknown) =>
    typeof value === "string" || typeof value === "number" ? printable(JSON.stringify(value), 80) : undefined;
  const id = shown(parsed?.id);
  const token = shown(parsed?.params?.progressToken);
  const named = id !== undefined ? `id ${id}, ` : token !== undefined ? `progress token ${token}, ` : "";
  return `${named}${Buffer.byteLength(json)} bytes of JSON (its content is not logged)`;
}
