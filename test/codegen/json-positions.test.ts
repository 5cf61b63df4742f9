import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { loadDocument } from "../../codegen/load/document.js";
import { jsonPositions } from "../../codegen/load/json-positions.js";
import { tmpDir } from "../helpers/paths.js";

/**
 * Positions in a JSON file come from one pass over its text (codegen/load/json-positions.ts), not from the YAML
 * parser's tree, which a located warning made and kept for the rest of the run (digitalocean.com: generate's peak
 * RSS 257 MB, twice its peers'). What it answers is what the YAML parser's nodes answered: checked here against
 * the YAML parser itself for every value and key of texts compact, indented, escaped and non-ASCII, and for pointers
 * that name nothing (located at the deepest value they reach).
 */

/** The YAML parser's answer, as codegen/load/document.ts's `yamlNodeAt` reads it. */
function yamlAnswer(text: string, segments: string[], key: boolean) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  let node: unknown = doc.contents;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      if (key && i === segments.length - 1) {
        node = pair.key;
        break;
      }
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
    } else break;
  }
  const offset = (node as Node | undefined)?.range?.[0];
  return offset === undefined ? undefined : lineCounter.linePos(offset);
}

/** Every pointer into `value` (as segments), each with a missing member or index after it. */
function pointers(value: unknown, path: string[] = []): string[][] {
  const all = [path, [...path, "missing"], [...path, "7"]];
  if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) all.push(...pointers(v, [...path, k]));
  return all;
}

const TEXTS = [
  '{"a": 1, "b": [true, false, null, -1.5e3], "c": {"d": "x", "e": {}}, "f": []}',
  JSON.stringify(
    {
      openapi: "3.0.0",
      paths: { "/a/{b}": { get: { responses: { 200: { description: "ok" } } } } },
      "x-code": 'curl -X POST \\\n  -d "{\\"a\\": 1}"',
      "é日\u{1f35c}": ["ü", { 'k"ey': "v\\al", "": 0, "tab\t": "\u2028" }],
    },
    null,
    2,
  ),
  '\n\t[ {"a" : [ [], [ 1 , "2" ] ] } ,\r\n "s" , 3 ]\n',
  '"a string"',
  "12",
];

describe("jsonPositions", () => {
  it.each(TEXTS.map((t) => [t]))("answers what the YAML parser's nodes answered, for %j", (text) => {
    const locate = jsonPositions(text);
    for (const segments of pointers(JSON.parse(text)))
      for (const key of [false, true])
        expect(locate(segments, key), `${JSON.stringify(segments)} key=${key}`).toEqual(
          yamlAnswer(text, segments, key),
        );
  });

  it("a located warning in a JSON file gives the line and column of the value or key, past non-ASCII text", () => {
    const text = '{\n  "d": "ééé\\n日\u{1f35c}",\n  "x": {\n    "y\\/z": [1, {"w": 2}]\n  }\n}\n';
    const file = join(tmpDir("json-positions"), "spec.json");
    writeFileSync(file, text);
    const doc = loadDocument(file, "spec.json", new Diagnostics());
    expect(doc?.ref("#/x/y~1z/1/w")).toMatchObject({ line: 4, column: 23 });
    expect(doc?.ref("#/x/y~1z", true)).toMatchObject({ line: 4, column: 5 });
    expect(doc?.ref("#/x/nothing/here")).toMatchObject({ line: 3, column: 8 });
    expect(doc?.ref("#/d/0")).toMatchObject({ line: 2, column: 8 });
  });
});
