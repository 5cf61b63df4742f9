import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { GeneratedFiles } from "../../codegen/generated-files.js";
import { diffCatalog, isClean, refuseTarget, sameBytes, writeCatalog } from "../../codegen/write.js";
import { genSpec } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * Regenerating into a folder compares each file with what was generated a chunk at a time through one reused
 * buffer (not the file read whole into fresh memory): every difference must still be seen, wherever it is.
 */

const CHUNK = 1 << 20;

describe("sameBytes", () => {
  const dir = tmpDir("same-bytes");
  // Three chunks and a bit, every byte value, so a difference can sit in any chunk or across a boundary.
  const want = Buffer.alloc(3 * CHUNK + 123);
  for (let i = 0; i < want.length; i++) want[i] = (i * 131 + (i >> 11)) & 0xff;
  const file = join(dir, "big.bin");

  it("a file with exactly the bytes is the same", () => {
    writeFileSync(file, want);
    expect(sameBytes(file, want)).toBe(true);
    writeFileSync(file, "");
    expect(sameBytes(file, Buffer.alloc(0))).toBe(true);
  });

  it.each([
    ["the first byte", 0],
    ["the last byte of the first chunk", CHUNK - 1],
    ["the first byte of the second chunk", CHUNK],
    ["inside the third chunk", 2 * CHUNK + 4097],
    ["the very last byte", 3 * CHUNK + 122],
  ])("one byte changed at %s is seen", (_, at) => {
    const edited = Buffer.from(want);
    edited[at] = (edited[at] as number) ^ 0x20;
    writeFileSync(file, edited);
    expect(sameBytes(file, want)).toBe(false);
    expect(sameBytes(file, edited)).toBe(true);
  });

  it("a longer or a shorter file is not the same", () => {
    writeFileSync(file, Buffer.concat([want, Buffer.from("x")]));
    expect(sameBytes(file, want)).toBe(false);
    writeFileSync(file, want.subarray(0, want.length - 1));
    expect(sameBytes(file, want)).toBe(false);
    writeFileSync(file, "");
    expect(sameBytes(file, want)).toBe(false);
  });
});

const SPEC = `openapi: 3.1.0
info: { title: Same, version: "1" }
servers: [{ url: https://same.example.com }]
paths:
  /items/{id}:
    get:
      operationId: getItem
      summary: Get an item — naïve “quotes” 😀
      parameters:
        - { name: id, in: path, required: true, schema: { type: string }, description: The item's id. }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { name: { type: string, description: Ünïcode name. } } }
`;

describe("regenerating into a folder sees every hand edit", () => {
  it("unchanged when nothing was touched; any edited byte of any file is changed and rewritten", async () => {
    const dir = tmpDir("same-content");
    const spec = join(dir, "openapi.yaml");
    writeFileSync(spec, SPEC);
    const out = join(dir, "out");
    const { cat } = await genSpec(spec, "same", relative(ROOT, out));
    if (!cat) throw new Error("did not generate");
    writeCatalog(ROOT, cat);
    expect(isClean(diffCatalog(ROOT, cat))).toBe(true);
    expect(refuseTarget(ROOT, cat)).toBeUndefined();
    const files = [...cat.files.keys()];
    // catalog.json is compared from emit's bytes, the others from their text (non-ASCII in both).
    expect(files).toEqual(expect.arrayContaining(["catalog.json", "CATALOG.md", "schemas.gen.ts"]));
    expect(cat.bytes.has("catalog.json")).toBe(true);
    for (const path of files) {
      const abs = join(out, path);
      const original = readFileSync(abs);
      for (const at of [0, Math.floor(original.length / 2), original.length - 1]) {
        // The same size, one byte different: only reading the file can tell.
        const edited = Buffer.from(original);
        edited[at] = (edited[at] as number) === 0x20 ? 0x21 : 0x20;
        writeFileSync(abs, edited);
        expect(diffCatalog(ROOT, cat).changed, `${path} edited at ${at}`).toEqual([path]);
      }
      appendFileSync(abs, "\n");
      expect(diffCatalog(ROOT, cat).changed, `${path} grown`).toEqual([path]);
      writeFileSync(abs, original);
      expect(isClean(diffCatalog(ROOT, cat)), `${path} restored`).toBe(true);
    }
    // A catalog.json edited by hand is parsed and judged as before: still this generation's, so it is replaced.
    const catalog = join(out, "catalog.json");
    const text = readFileSync(catalog, "utf8");
    writeFileSync(catalog, text.replace('"same"', '"samf"'));
    expect(refuseTarget(ROOT, cat)).toBeUndefined();
    writeCatalog(ROOT, cat);
    expect(readFileSync(catalog, "utf8")).toBe(text);
    // One that is not a catalog any more is refused.
    writeFileSync(catalog, text.replace('"inputHash"', '"inputhash"'));
    expect(refuseTarget(ROOT, cat)).toMatch(/not one toolwright generated/);
  });
});

describe("GeneratedFiles", () => {
  it("a lazy file's text is made once, on the first read, in its place among the others", () => {
    let made = 0;
    const files = new GeneratedFiles([["a.md", "A"]]);
    files.setLazy("catalog.json", () => `{"n":${++made}}`);
    files.set("b.ts", "B");
    expect([...files.keys()]).toEqual(["a.md", "catalog.json", "b.ts"]);
    expect(files.has("catalog.json")).toBe(true);
    expect(files.size).toBe(3);
    expect(made).toBe(0);
    expect(files.isMade("catalog.json")).toBe(false);
    expect(files.get("catalog.json")).toBe('{"n":1}');
    expect(files.get("catalog.json")).toBe('{"n":1}');
    expect(made).toBe(1);
    expect(files.isMade("catalog.json")).toBe(true);
  });

  it("every way of reading the entries reads the text, never the placeholder", () => {
    const make = () => {
      const files = new GeneratedFiles([["a.md", "A"]]);
      files.setLazy("catalog.json", () => "C");
      return files;
    };
    const want = [
      ["a.md", "A"],
      ["catalog.json", "C"],
    ];
    expect([...make()]).toEqual(want);
    expect([...make().entries()]).toEqual(want);
    expect([...make().values()]).toEqual(["A", "C"]);
    expect([...new Map(make())]).toEqual(want);
    expect(Object.fromEntries(make())).toEqual({ "a.md": "A", "catalog.json": "C" });
    const seen: string[][] = [];
    make().forEach((text, path) => {
      seen.push([path, text]);
    });
    expect(seen).toEqual(want);
    // Set over a lazy file: the new text wins, the maker never runs.
    const files = make();
    files.setLazy("x", () => {
      throw new Error("made");
    });
    files.set("x", "X");
    expect(files.get("x")).toBe("X");
    files.setLazy("y", () => {
      throw new Error("made");
    });
    expect(files.delete("y")).toBe(true);
    expect(files.has("y")).toBe(false);
  });

  it("generate writes and compares catalog.json from its bytes: its text is never made", async () => {
    const dir = tmpDir("lazy-catalog");
    const spec = join(dir, "openapi.yaml");
    writeFileSync(spec, SPEC);
    const { cat } = await genSpec(spec, "lazy", relative(ROOT, join(dir, "out")));
    if (!cat) throw new Error("did not generate");
    const files = cat.files as GeneratedFiles;
    expect(files.isMade("catalog.json")).toBe(false);
    writeCatalog(ROOT, cat);
    expect(isClean(diffCatalog(ROOT, cat))).toBe(true);
    expect(refuseTarget(ROOT, cat)).toBeUndefined();
    expect(files.isMade("catalog.json")).toBe(false);
    // Read, it is the file written.
    expect(files.get("catalog.json")).toBe(readFileSync(join(dir, "out", "catalog.json"), "latin1"));
  });
});
