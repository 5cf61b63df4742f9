import { describe, expect, it } from "vitest";
import { decodeBody, kindOf } from "../../src/executors/response.js";

/**
 * Streams of JSON values (the media types OpenAPI 3.2's `itemSchema` describes) are text to a model: each line or
 * record is JSON, the whole is not one JSON value. They were classed binary and handed over base64-encoded.
 */
describe("the kind of a response body", () => {
  it.each([
    "application/jsonl",
    "application/jsonlines",
    "application/x-jsonlines",
    "application/x-ndjson",
    "application/ndjson; charset=utf-8",
    "application/json-seq",
    "application/geo+json-seq",
  ])("%s is text", (type) => {
    expect(kindOf(type)).toBe("text");
    expect(decodeBody(new TextEncoder().encode('{"a":1}\n{"a":2}\n'), type)).toBe('{"a":1}\n{"a":2}\n');
  });

  it.each([
    ["application/json", "json"],
    ["application/problem+json", "json"],
    ["application/octet-stream", "binary"],
    ["application/jsonx", "binary"],
    ["text/event-stream", "text"],
  ])("%s stays %s", (type, kind) => {
    expect(kindOf(type)).toBe(kind);
  });
});
