/**
 * Serves a generated catalog against an upstream on 127.0.0.1 that answers each call with a reply its spec
 * describes (`reply.ts`: the body, and nothing for each success status declared without content), calls its HTTP
 * tools through the official SDK client (which validates structuredContent against the published output schema
 * and throws when it does not match), checks each result with ajv 2020 against the published schema too, and
 * reports every valid reply that became an error result, a result the client refuses, or lost data.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { CatalogDocument, HttpBinding } from "../../../src/catalog.js";
import { callConfirmed, serveOverStdio } from "../../helpers/mcp.js";
import { startRecordingServer } from "../../helpers/recording-server.js";
import { envFor } from "../requests/sweep.js";
import { makeArgs } from "../requests/values.js";
import { type Reply, repliesFor, specValidator } from "./reply.js";

type Json = Record<string, unknown>;
export interface Tool {
  name: string;
  inputSchema: unknown;
  outputSchema?: Json;
}

export interface ResponseCount {
  /** Calls made (one per reply a tool is answered with). */
  calls: number;
  /** Calls answered by the upstream with a reply the spec's schema accepts (or one without a schema). */
  checked: number;
  /** Calls whose reply came from the spec's own example. */
  examples: number;
  /** Calls refused before sending (the value maker's arguments) or whose spec reply its schema refused. */
  skipped: number;
  problems: string[];
}

const ajv = new Ajv2020({ strict: false, validateFormats: false, allowUnionTypes: true });

/** What is wrong with one result for a reply the spec accepts, or nothing. */
function resultProblems(tool: Tool, reply: Reply, result: Json): string[] {
  const text = JSON.stringify(result.content).slice(0, 400);
  if (result.isError)
    return [`a valid ${reply.status} ${reply.type ?? "empty"} reply became an error: ${text}`];
  const structured = result.structuredContent as Json | undefined;
  if (!tool.outputSchema) return [];
  if (structured === undefined) return ["no structuredContent from a tool with an output schema"];
  const validate = ajv.compile(tool.outputSchema);
  const problems: string[] = [];
  if (!validate(structured))
    problems.push(`ajv 2020 refuses structuredContent: ${ajv.errorsText(validate.errors).slice(0, 300)}`);
  // An empty reply is an empty object, or the wrapped tool's `{ result: null }`.
  if (
    reply.body === "" &&
    !isDeepStrictEqual(structured, {}) &&
    !isDeepStrictEqual(structured, { result: null })
  )
    problems.push(
      `structuredContent of an empty reply is not empty: ${JSON.stringify(structured).slice(0, 200)}`,
    );
  if (reply.value !== undefined) {
    const props = Object.keys((tool.outputSchema.properties ?? {}) as Json);
    const data =
      props.length === 1 && props[0] === "result" && "result" in structured ? structured.result : structured;
    if (!isDeepStrictEqual(data, reply.value) && !/note:/.test(text))
      problems.push(`structuredContent is not the reply: ${JSON.stringify(data).slice(0, 200)}`);
  }
  return problems;
}

/** Calls one tool with the reply set; a thrown error (the client refusing a result, a dead server) is a problem. */
async function callOne(
  served: Awaited<ReturnType<typeof serveOverStdio>>,
  tool: Tool,
  reply: Reply,
  count: ResponseCount,
  before: () => number,
  judge: ReplyPlan["judge"],
): Promise<string[]> {
  const sent = before();
  const args = makeArgs(tool.inputSchema as Json);
  const called = await callConfirmed(served.client, tool.name, args).catch((e: Error) => e);
  if (called instanceof Error) return [`the client refuses the result: ${called.message.slice(0, 400)}`];
  if (before() === sent) {
    count.skipped++;
    return [];
  }
  count.checked++;
  if (reply.example) count.examples++;
  return judge(tool, reply, called.result as Json);
}

/**
 * What a sweep answers and checks: the reply for a tool (the `index`th called; undefined skips it), what is wrong
 * with its result, and the environment to serve with (the URL variables pointed at the upstream already set).
 */
export interface ReplyPlan {
  reply(
    spec: Json,
    b: HttpBinding,
    accepts: (pointer: string, value: unknown) => boolean | undefined,
    index: number,
  ): Reply | undefined;
  judge(tool: Tool, reply: Reply, result: Json): string[];
  env?(env: Record<string, string>, doc: CatalogDocument): Record<string, string>;
  /** More replies for the same tool, each its own call (the success plan: each status declared without content). */
  more?(
    spec: Json,
    b: HttpBinding,
    accepts: (pointer: string, value: unknown) => boolean | undefined,
  ): Reply[];
  /**
   * Whether a tool past the first `perCatalog` is worth calling too (up to a third as many more): the success plan
   * calls those whose operation declares both a body and a success without content.
   */
  beyond?(
    spec: Json,
    b: HttpBinding,
    accepts: (pointer: string, value: unknown) => boolean | undefined,
  ): boolean;
}

/** The success replies of a tool's operation, the one with a body first (`repliesFor`). */
function successReplies(
  spec: Json,
  b: HttpBinding,
  accepts: (pointer: string, value: unknown) => boolean | undefined,
): Reply[] {
  const all = repliesFor(spec, b, accepts);
  return [...all.filter((r) => r.body !== ""), ...all.filter((r) => r.body === "")];
}

/**
 * The success sweep's plan: the spec's success reply (one its own schema refuses is skipped), judged whole, and an
 * empty reply of each success status declared without content beside it.
 */
export const SUCCESS: ReplyPlan = {
  reply(spec, b, accepts) {
    const reply = successReplies(spec, b, accepts)[0];
    if (reply?.pointer && reply.value !== undefined && accepts(reply.pointer, reply.value) === false)
      return undefined;
    return reply;
  },
  judge: resultProblems,
  more: (spec, b, accepts) => successReplies(spec, b, accepts).slice(1),
  beyond(spec, b, accepts) {
    const replies = repliesFor(spec, b, accepts);
    return replies.some((r) => r.body === "") && replies.some((r) => r.body !== "");
  },
};

/** The HTTP tools a plan calls: the first `perCatalog`, then up to a third as many more its `beyond` picks. */
function chosen(tools: Tool[], perCatalog: number, beyond: (tool: Tool) => boolean): Tool[] {
  const extra: Tool[] = [];
  for (const tool of tools.slice(perCatalog)) {
    if (extra.length >= Math.ceil(perCatalog / 3)) break;
    if (beyond(tool)) extra.push(tool);
  }
  return [...tools.slice(0, perCatalog), ...extra];
}

/**
 * Calls the catalog's HTTP tools `chosen` picks (the first `perCatalog`, catalog order, and those the plan's
 * `beyond` wants), each answered with the plan's reply and each of its `more`.
 */
export async function sweepResponses(
  id: string,
  specFile: string,
  dir: string,
  perCatalog: number,
  extraArgs: string[] = [],
  plan: ReplyPlan = SUCCESS,
): Promise<ResponseCount> {
  const count: ResponseCount = { calls: 0, checked: 0, examples: 0, skipped: 0, problems: [] };
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as Json;
  const accepts = specValidator(spec);
  const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
  let next: Reply = { status: 204, body: "", example: false };
  const upstream = await startRecordingServer((_req, res) => {
    const type = next.type?.includes("*") ? "application/json" : next.type;
    res.writeHead(next.status, type ? { "content-type": type } : {});
    res.end(next.body);
  });
  const env = envFor(doc, upstream.url);
  const served = await serveOverStdio(dir, plan.env?.(env, doc) ?? env, {}, extraArgs, 300_000);
  try {
    const listed = await served.client.listTools({}, { timeout: 300_000 });
    const byName = new Map(doc.tools.map((t) => [t.name, t]));
    const bindingOf = (tool: Tool) => byName.get(tool.name)?.binding as HttpBinding;
    const http = chosen(
      listed.tools.filter((t) => byName.get(t.name)?.binding.kind === "http"),
      perCatalog,
      (tool) => plan.beyond?.(spec, bindingOf(tool), accepts) ?? false,
    );
    for (const [index, tool] of http.entries()) {
      const first = plan.reply(spec, bindingOf(tool), accepts, index);
      for (const reply of [first, ...(plan.more?.(spec, bindingOf(tool), accepts) ?? [])]) {
        count.calls++;
        if (!reply) {
          count.skipped++;
          continue;
        }
        next = reply;
        const found = await callOne(served, tool, reply, count, () => upstream.received.length, plan.judge);
        for (const p of found)
          count.problems.push(
            `${id}: ${tool.name} (${reply.status} ${reply.type ?? "-"} ${reply.body.slice(0, 160)}): ${p}`,
          );
      }
    }
  } finally {
    await served.close();
    await upstream.close();
  }
  return count;
}
