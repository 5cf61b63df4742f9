/**
 * Serves a generated catalog against a recording upstream on 127.0.0.1 (every URL variable pointed at it, under
 * `/base`), calls its HTTP tools with arguments made from their own published input schemas (a destructive one
 * confirmed first), and checks each recorded request against the spec (`expected.ts`, `body.ts`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { credentialReason } from "../../../codegen/bind/credential-params.js";
import type { CatalogDocument, HttpBinding } from "../../../src/catalog.js";
import { callConfirmed, serveOverStdio } from "../../helpers/mcp.js";
import { type Received, sendJson, startRecordingServer } from "../../helpers/recording-server.js";
import { bodyDisagreements } from "./body.js";
import {
  type Carried,
  headerLeftOut,
  operationsOf,
  paramDisagreements,
  type SpecParam,
  specParams,
} from "./expected.js";
import { makeArgs } from "./values.js";

type Json = Record<string, unknown>;

export interface SweepCount {
  /** Tools called. */
  calls: number;
  /** Calls that reached the upstream and were checked. */
  checked: number;
  /** Calls refused before sending (arguments the value maker got wrong, mostly). */
  refused: number;
  problems: string[];
  /** Why calls were refused, for a reader tuning the value maker. */
  refusals: string[];
}

/** API keys the spec's security schemes send in the query or a header: credentials, not arguments. */
function authNames(spec: Json): { query: Set<string>; headers: Set<string> } {
  const schemes = ((spec.components as Json | undefined)?.securitySchemes ??
    spec.securityDefinitions ??
    {}) as Json;
  const query = new Set<string>();
  const headers = new Set<string>();
  for (const s of Object.values(schemes) as Json[]) {
    if (s?.type === "apiKey" && s.in === "query") query.add(s.name as string);
    if (s?.type === "apiKey" && s.in === "header") headers.add(String(s.name).toLowerCase());
  }
  return { query, headers };
}

/**
 * Whether a spec parameter is one the generator leaves out of a tool's input on purpose: a header it sets itself, the
 * slot of one of the spec's apiKey schemes, or a credential by its name or description (credential-params.ts).
 */
function leftOutOnPurpose(param: SpecParam, auth: ReturnType<typeof authNames>): boolean {
  if (param.in === "header" && (headerLeftOut(param.name) || auth.headers.has(param.name.toLowerCase())))
    return true;
  if (param.in === "query" && auth.query.has(param.name)) return true;
  return credentialReason(param) !== undefined;
}

/** The spec parameters and the published argument carrying each; a parameter the tool lost is a problem. */
function carriedBy(
  params: ReturnType<typeof specParams>,
  b: HttpBinding,
  published: Json,
  auth: ReturnType<typeof authNames>,
): { carried: Carried[]; lost: string[] } {
  const carried: Carried[] = [];
  const lost: string[] = [];
  for (const param of params) {
    const bp = b.params.find((x) => x.name === param.name && x.in === param.in);
    if (!bp) {
      if (!leftOutOnPurpose(param, auth))
        lost.push(`spec parameter ${param.in} ${param.name} has no argument`);
    } else if (bp.env === undefined && !(bp.arg in published)) {
      lost.push(`${param.in} ${param.name}'s argument ${bp.arg} is not published`);
    } else if (bp.env === undefined) carried.push({ param, arg: bp.arg });
  }
  return { carried, lost };
}

/** The disagreements of one recorded call: the fewest over the spec operations the binding may be. */
function checkCall(spec: Json, b: HttpBinding, published: Json, args: Json, sent: Received): string[] {
  const auth = authNames(spec);
  let best: string[] | undefined;
  for (const { item, op } of operationsOf(spec, b)) {
    const { carried, lost } = carriedBy(specParams(spec, item, op), b, published, auth);
    const found = [
      ...lost,
      ...paramDisagreements(sent, b.method, "/base", b.path, carried, args, auth),
      ...bodyDisagreements(spec, op, b, args, sent),
    ];
    if (!best || found.length < best.length) best = found;
  }
  return best ?? [`${b.method} ${b.path} is no operation of the spec`];
}

/** A served catalog's environment: every URL variable `url`, required and secret ones placeholders. */
export function envFor(doc: CatalogDocument, url: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of doc.env) {
    if (e.type === "url") env[e.name] = url;
    else if (e.required || e.secret) env[e.name] = e.type === "integer" ? "1" : "x";
  }
  return env;
}

/** Calls up to `perCatalog` of the catalog's HTTP tools (in catalog order) and checks every request sent. */
export async function sweepCatalog(
  id: string,
  specFile: string,
  dir: string,
  perCatalog: number,
): Promise<SweepCount> {
  const count: SweepCount = { calls: 0, checked: 0, refused: 0, problems: [], refusals: [] };
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as Json;
  const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
  const upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
  const served = await serveOverStdio(dir, envFor(doc, `${upstream.url}/base`), {}, [], 300_000);
  try {
    const listed = await served.client.listTools({}, { timeout: 300_000 });
    const byName = new Map(doc.tools.map((t) => [t.name, t]));
    const http = listed.tools.filter((t) => byName.get(t.name)?.binding.kind === "http").slice(0, perCatalog);
    for (const tool of http) {
      const b = byName.get(tool.name)?.binding as HttpBinding;
      const args = makeArgs(tool.inputSchema as Json);
      count.calls++;
      const before = upstream.received.length;
      const called = await callConfirmed(served.client, tool.name, args).catch((e: Error) => e);
      if (called instanceof Error) {
        // A server that dies or stops answering is a finding of its own, named with what it wrote last.
        count.problems.push(`${id}: ${tool.name}: ${called.message}; stderr: ${served.stderr().slice(-600)}`);
        break;
      }
      const { result } = called;
      const sent = upstream.received.slice(before)[0];
      if (!sent) {
        count.refused++;
        count.refusals.push(`${id}: ${tool.name}: ${JSON.stringify(result.content).slice(0, 200)}`);
        continue;
      }
      count.checked++;
      const published = (tool.inputSchema.properties ?? {}) as Json;
      for (const p of checkCall(spec, b, published, args, sent))
        count.problems.push(
          `${id}: ${tool.name} (${b.method} ${b.path}): ${p} | args ${JSON.stringify(args).slice(0, 300)}`,
        );
    }
  } finally {
    await served.close();
    await upstream.close();
  }
  return count;
}
