/**
 * Serves a generated GraphQL catalog in front of a real graphql-js server executing the same schema
 * (`graphql-upstream.ts`), calls a sample of its tools through the SDK client with arguments made from their
 * published input schemas (`values.ts`), and checks each exchange: (a) the server validated the document, (b) the
 * variables it received are the arguments given, under the names the document declares, (c) the result is the
 * data the server answered (the client's validator and ajv 2020 accept it against the published output schema),
 * partial data kept next to the errors' paths.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { GraphQLSchema } from "graphql";
import type { CatalogDocument, GraphqlBinding } from "../../../src/catalog.js";
import { callConfirmed, serveOverStdio } from "../../helpers/mcp.js";
import { type AnswerMode, type Exchange, startGraphqlUpstream } from "./graphql-upstream.js";
import { envFor } from "./sweep.js";
import { makeArgs } from "./values.js";

type Json = Record<string, unknown>;
export type Result = { isError?: boolean; content?: unknown; structuredContent?: unknown };

export interface GraphqlSweepCount {
  calls: number;
  /** Calls that reached the upstream and were checked. */
  checked: number;
  /** Calls refused before sending (arguments the value maker got wrong, mostly). */
  refused: number;
  /** Calls answered with GraphQL errors next to partial data. */
  partial: number;
  problems: string[];
  refusals: string[];
}

const MODES: AnswerMode[] = ["full", "nulls", "errors"];

/** `count` tools spread evenly over the catalog's order (deterministic). */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)] as T);
}

function texts(result: Result): string[] {
  return ((result.content ?? []) as { type: string; text?: string }[])
    .filter((c) => c.type === "text")
    .map((c) => c.text ?? "");
}

/** A text block as data: JSON, or a string result as its text. */
function shownValue(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "null");
  } catch {
    return text;
  }
}

/** (b): the variables sent are exactly the arguments given, under the document's variable names. */
export function variableProblems(b: GraphqlBinding, args: Json, sent: Exchange): string[] {
  const expected: Json = {};
  for (const v of b.variables) if (args[v.arg] !== undefined) expected[v.name] = args[v.arg];
  const declared = new Set([...sent.query.matchAll(/\$([_A-Za-z][_0-9A-Za-z]*)\s*:/g)].map((m) => m[1]));
  const problems = Object.keys(sent.variables)
    .filter((k) => !declared.has(k))
    .map((k) => `variable ${k} is not declared by the document`);
  for (const k of new Set([...Object.keys(expected), ...Object.keys(sent.variables)]))
    if (!isDeepStrictEqual(expected[k], sent.variables[k]))
      problems.push(
        `variable ${k}: sent ${JSON.stringify(sent.variables[k])?.slice(0, 200)}, argument ${JSON.stringify(expected[k])?.slice(0, 200)}`,
      );
  return problems;
}

/** (c): the result against what the server answered. */
export function resultProblems(
  tool: { outputSchema?: unknown },
  b: GraphqlBinding,
  wrapped: boolean,
  result: Result,
  sent: Exchange,
  ajv: Ajv2020,
): string[] {
  const data = sent.answer.data ?? null;
  const value = b.field !== undefined && data ? (data[b.field] ?? null) : data;
  const errors = sent.answer.errors ?? [];
  const shown = texts(result);
  if (errors.length > 0) {
    const unexpected = errors.filter((e) => !e.message.startsWith("sweep: "));
    if (unexpected.length > 0) return unexpected.map((e) => `the server answered errors: ${e.message}`);
    const problems: string[] = [];
    if (!result.isError) problems.push("GraphQL errors were answered but the result is no error");
    if (value !== null) {
      if (!/^partial result: /.test(shown[0] ?? "")) problems.push(`partial data not said: ${shown[0]}`);
      if (!isDeepStrictEqual(shownValue(shown[1]), value))
        problems.push(`partial data not kept: ${shown[1]?.slice(0, 200)}`);
    }
    // The first three errors are named with where they happened (`at a.b[0].c`).
    for (const e of errors.slice(0, 3)) {
      const at = (e.path ?? []).map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
      if (!shown[0]?.includes(`${e.message} (at ${at.replace(/^\./, "")})`))
        problems.push(`error not named with its path: ${e.message} at ${at}`);
    }
    return problems;
  }
  if (value === null) return result.isError ? [] : ["a null root field is no error"];
  if (result.isError) return [`the call failed: ${shown.join(" | ").slice(0, 400)}`];
  const problems: string[] = [];
  if (!isDeepStrictEqual(shownValue(shown[0]), value))
    problems.push(`the text is not the data answered: ${shown[0]?.slice(0, 200)}`);
  if (tool.outputSchema) {
    const structured = wrapped ? { result: value } : value;
    if (!isDeepStrictEqual(result.structuredContent, structured))
      problems.push("structuredContent is not the data answered");
    const validate = ajv.compile(tool.outputSchema as object);
    if (!validate(result.structuredContent))
      problems.push(`ajv 2020 refuses the result: ${ajv.errorsText(validate.errors).slice(0, 300)}`);
  }
  return problems;
}

/**
 * Calls `perCatalog` of the catalog's tools (spread over its order), each in one answer mode by turns (full,
 * nulls, errors), against `schema` executed by graphql-js; returns the counts and every problem, named by `id`.
 */
export async function sweepGraphqlCatalog(
  id: string,
  schema: GraphQLSchema,
  dir: string,
  perCatalog: number,
  everyMode = false,
): Promise<GraphqlSweepCount> {
  const count: GraphqlSweepCount = {
    calls: 0,
    checked: 0,
    refused: 0,
    partial: 0,
    problems: [],
    refusals: [],
  };
  const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
  const upstream = await startGraphqlUpstream(schema);
  const served = await serveOverStdio(dir, envFor(doc, upstream.url), {}, [], 300_000);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  try {
    const listed = await served.client.listTools({}, { timeout: 300_000 });
    const byName = new Map(doc.tools.map((t) => [t.name, t]));
    const tools = spread(
      listed.tools.filter((t) => byName.get(t.name)?.binding.kind === "graphql"),
      perCatalog,
    );
    const calls = tools.flatMap((tool, i) =>
      everyMode
        ? MODES.map((mode, m) => ({ tool, mode, salt: i + m }))
        : [{ tool, mode: MODES[i % 3], salt: i }],
    );
    for (const { tool, mode, salt } of calls) {
      const b = byName.get(tool.name)?.binding as GraphqlBinding;
      const args = makeArgs(tool.inputSchema as Json, 6);
      upstream.mode = mode as AnswerMode;
      upstream.salt = salt;
      count.calls++;
      const before = upstream.exchanges.length;
      const called = await callConfirmed(served.client, tool.name, args).catch((e: Error) => e);
      const sent = upstream.exchanges.slice(before).at(-1);
      if (called instanceof Error) {
        count.problems.push(
          `${id}: ${tool.name}: the client refused the result: ${called.message.slice(0, 400)}`,
        );
        continue;
      }
      const result = called.result as Result;
      if (!sent) {
        count.refused++;
        count.refusals.push(
          `${id}: ${tool.name}: ${texts(result).join(" | ").slice(0, 300)} | args ${JSON.stringify(args).slice(0, 300)}`,
        );
        continue;
      }
      count.checked++;
      if ((sent.answer.errors ?? []).length > 0 && sent.answer.data) count.partial++;
      const found = [
        ...sent.invalid.map((m) => `the server refused the document: ${m}`),
        ...variableProblems(b, args, sent),
        ...resultProblems(tool, b, byName.get(tool.name)?.outputWrapped === true, result, sent, ajv),
      ];
      for (const p of found)
        count.problems.push(
          `${id}: ${tool.name} [${upstream.mode}]: ${p} | args ${JSON.stringify(args).slice(0, 300)}`,
        );
    }
  } finally {
    await served.close();
    await upstream.close();
  }
  return count;
}
