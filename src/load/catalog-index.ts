import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import type { CatalogDocument, CatalogTool, JsonSchema } from "../catalog.js";
import { type CommonArgument, rememberCommonArguments } from "../publish/common.js";
import { CatalogLoadError } from "./errors.js";

/**
 * `catalog.index.json`: what a server needs at start, so it does not read and parse all of catalog.json (7.5 MB for
 * GitHub REST, most of it schemas and bindings a listing never reads). It holds catalog.json's document without its
 * tools and schema table, each tool's light members (name, title, description, safety, annotations, policy: what
 * tools/list, routing and the policy read), and where each tool's record sits in catalog.json (byte range and
 * digest). A tool's record (binding, input and output schema, source) is read from catalog.json, checked and
 * parsed on the first use of one of those members; the schema table likewise. catalog.json stays the auditable
 * catalog (`audit`, `diff` and CATALOG.md read it); `generate` writes both and `check` finds either stale.
 *
 * Fail closed: at start, the index must name catalog.json's input hash and byte size; on first use, a record's
 * bytes must have the index's digest, and its light members must equal the index's, or the use throws a located
 * `catalog.json, tool X (bytes a-b)` error.
 */

export const INDEX_FILE = "catalog.index.json";
/** The layout of `catalog.index.json` this runtime reads and `generate` writes. */
export const INDEX_FORMAT = 1;
/** A tool's members that only its record holds (custom bindings, small and checked at start, stay in the index). */
export const RECORD_ONLY = ["binding", "inputSchema", "outputSchema", "source"] as const;
/** Digest of a record: sha256 of its bytes in catalog.json, hex, cut to this many characters. */
export const DIGEST_CHARS = 32;

/** A byte range of catalog.json, `[start, end)`, and the digest of those bytes. */
export type RecordRef = [start: number, end: number, digest: string];

/** One tool: where its record is, whether it has an output schema, and its light members. */
export type IndexedTool = [
  start: number,
  end: number,
  digest: string,
  output: 0 | 1,
  light: Partial<CatalogTool>,
];

export interface CatalogIndexFile {
  format: number;
  inputHash: string;
  /** catalog.json's size in bytes. */
  catalogBytes: number;
  /** catalog.json without `tools` and `schemas`. */
  document: Omit<CatalogDocument, "tools" | "schemas">;
  schemas: RecordRef;
  /** The arguments many tools share (`src/publish/common.ts`), found at generate time from every tool's schema. */
  commonArguments: CommonArgument[];
  /**
   * published.gen.txt's size in bytes (generate writes both). Its per-tool texts are what a stdio listing sends as
   * they are (descriptions included), so a table of another size than the one generated with it is refused.
   */
  publishedBytes?: number;
  tools: IndexedTool[];
}

/** node:crypto's `createHash`, looked up on first use (generate digests every tool's record: 1,223 for GitHub REST). */
let createHash: typeof import("node:crypto").createHash | undefined;

export function recordDigest(bytes: Uint8Array): string {
  createHash ??= process.getBuiltinModule("node:crypto").createHash;
  return createHash("sha256").update(bytes).digest("hex").slice(0, DIGEST_CHARS);
}

/** How many tool records this process has read from catalog.json (a structural fact for tests). */
let recordsParsed = 0;
export function toolRecordsParsed(): number {
  return recordsParsed;
}

/** The input hash catalog.json's head names (its first 600 bytes), if it names one there. */
function headInputHash(head: string): string | undefined {
  const match = /^ {2}"inputHash": "([^"\\]*)",?$/m.exec(head);
  return match?.[1];
}

function checkIndexShape(value: unknown, file: string): asserts value is CatalogIndexFile {
  const v = value as Partial<CatalogIndexFile> | null;
  if (v === null || typeof v !== "object") throw new CatalogLoadError(`${file}: not a JSON object`);
  if (v.format === undefined)
    throw new CatalogLoadError(`${file}: not a catalog index (no "format" member); regenerate the catalog`);
  if (v.format !== INDEX_FORMAT) {
    throw new CatalogLoadError(
      `${file}: index format ${JSON.stringify(v.format)} is not supported (this runtime reads format ${INDEX_FORMAT}); regenerate the catalog`,
    );
  }
  const range = (r: unknown) =>
    Array.isArray(r) &&
    Number.isSafeInteger(r[0]) &&
    Number.isSafeInteger(r[1]) &&
    (r[0] as number) >= 0 &&
    (r[1] as number) >= (r[0] as number) &&
    typeof r[2] === "string";
  if (
    typeof v.inputHash !== "string" ||
    !Number.isSafeInteger(v.catalogBytes) ||
    v.document === null ||
    typeof v.document !== "object" ||
    !range(v.schemas) ||
    !Array.isArray(v.commonArguments) ||
    (v.publishedBytes !== undefined && !Number.isSafeInteger(v.publishedBytes)) ||
    !Array.isArray(v.tools)
  ) {
    throw new CatalogLoadError(
      `${file}: not a catalog index (inputHash, catalogBytes, document, schemas, commonArguments, tools)`,
    );
  }
  for (const [i, t] of v.tools.entries()) {
    if (!range(t) || (t[3] !== 0 && t[3] !== 1) || t[4] === null || typeof t[4] !== "object") {
      throw new CatalogLoadError(`${file}: tools[${i}] is not [start, end, digest, 0|1, {members}]`);
    }
    if ((t[1] as number) > (v.catalogBytes as number))
      throw new CatalogLoadError(`${file}: tools[${i}] ends past catalog.json's ${v.catalogBytes} bytes`);
  }
}

export interface IndexedCatalog {
  doc: CatalogDocument;
  /** The size of published.gen.txt the index was generated with, if it names one. */
  publishedBytes?: number;
  /** The tools whose records are read on first use (their checks run then, `checkRecord`). */
  deferred: ReadonlySet<CatalogTool>;
}

/**
 * The catalog document served from `catalog.index.json` (which must exist), with each tool's record and the schema
 * table read from catalog.json on first use. `checkRecord` checks one parsed tool (references, binding, handler);
 * its problems fail that use.
 */
export function readIndexedCatalog(
  dir: string,
  checkRecord: (tool: CatalogTool, doc: CatalogDocument) => string[],
): IndexedCatalog {
  const index = openIndex(dir);
  const catalogFile = join(dir, "catalog.json");
  const slice = slicer(dir, index);
  let schemaTable: Record<string, JsonSchema> | undefined;
  const schemas = (): Record<string, JsonSchema> => {
    if (schemaTable === undefined) {
      const what = "the schema table";
      const value = parseSlice(slice(index.schemas, what), catalogFile, what, index.schemas);
      if (value === null || typeof value !== "object" || Array.isArray(value))
        throw new CatalogLoadError(`${catalogFile}: "schemas" must be an object of named schemas`);
      schemaTable = value as Record<string, JsonSchema>;
    }
    return schemaTable;
  };
  const doc = { ...index.document } as CatalogDocument;
  const deferred = new Set<CatalogTool>();
  doc.tools = index.tools.map((entry) => {
    const tool = lazyTool(entry, () => {
      const where = `tool ${String(entry[4].name)}`;
      const ref: RecordRef = [entry[0], entry[1], entry[2]];
      const record = parseSlice(slice(ref, where), catalogFile, where, ref) as CatalogTool;
      recordsParsed++;
      agree(record, entry, catalogFile, where);
      const problems = checkRecord(record, doc);
      if (problems.length > 0) {
        throw new CatalogLoadError(
          `${catalogFile}, ${where} (bytes ${entry[0]}-${entry[1]}) is inconsistent:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
        );
      }
      return record;
    });
    deferred.add(tool);
    return tool;
  });
  doc.schemas = lazyTable(schemas);
  rememberCommonArguments(doc, index.commonArguments);
  return {
    doc,
    deferred,
    ...(index.publishedBytes !== undefined ? { publishedBytes: index.publishedBytes } : {}),
  };
}

/** The folder's index, checked to describe its catalog.json (same input hash, same size) from the file's head. */
function openIndex(dir: string): CatalogIndexFile {
  const indexFile = join(dir, INDEX_FILE);
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(indexFile, "utf8"));
  } catch (error) {
    throw new CatalogLoadError(`${indexFile}: cannot read it as JSON (${(error as Error).message})`);
  }
  checkIndexShape(index, indexFile);
  const { size, bytes } = readRange(join(dir, "catalog.json"), 0, HEAD_BYTES);
  const named = headInputHash(bytes.toString("latin1"));
  if (named !== index.inputHash) {
    throw new CatalogLoadError(
      `${INDEX_FILE} (inputHash ${index.inputHash}) and catalog.json (inputHash ${named ?? "not found in its head"}) in ${dir} come from different generations; regenerate the catalog`,
    );
  }
  if (size !== index.catalogBytes) {
    throw new CatalogLoadError(
      `catalog.json in ${dir} has ${size} bytes, not the ${index.catalogBytes} that ${INDEX_FILE} was generated with: it was edited after generation; regenerate the catalog (toolwright generate)`,
    );
  }
  return index;
}

/**
 * catalog.json's bytes in a range, checked against the index's digest: only that range is read, on each first use,
 * so the server never holds the whole file (7.5 MB for GitHub REST) for the few records it serves.
 */
function slicer(dir: string, index: CatalogIndexFile): (ref: RecordRef, what: string) => string {
  const catalogFile = join(dir, "catalog.json");
  return (ref, what) => {
    const [start, end, digest] = ref;
    const { size, bytes: part } = readRange(catalogFile, start, end - start);
    if (size !== index.catalogBytes) {
      throw new CatalogLoadError(
        `catalog.json in ${dir} has ${size} bytes, not the ${index.catalogBytes} that ${INDEX_FILE} was generated with: it changed after the server started; regenerate the catalog and restart`,
      );
    }
    if (recordDigest(part) !== digest) {
      throw new CatalogLoadError(
        `${catalogFile}, ${what} (bytes ${start}-${end}): its bytes are not the ones ${INDEX_FILE} was generated with (digest mismatch): the file was edited after generation; regenerate the catalog (toolwright generate)`,
      );
    }
    return part.toString("latin1");
  };
}

/** How much of a generated file's start is read for the input hash its header names. */
export const HEAD_BYTES = 600;

/**
 * The start of schemas.gen.mjs's header line naming the members of the runtime's `rt` its schemas call
 * (`// Runtime uses: rt.linear, rt.safe`, or `none`), written by `generate` and checked at load.
 */
export const RUNTIME_USES = "// Runtime uses: ";

/**
 * Up to `length` bytes of `file` from `start` (fewer at its end), and the file's size, from one open descriptor:
 * the header checks read a generated file's first bytes, the index a tool's record, never the whole file.
 */
export function readRange(file: string, start: number, length: number): { size: number; bytes: Buffer } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new CatalogLoadError(`${file}: cannot read it (${(error as Error).message})`);
  }
  try {
    const size = fstatSync(fd).size;
    const bytes = Buffer.alloc(Math.max(0, Math.min(length, size - start)));
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return { size, bytes: bytes.subarray(0, got) };
  } finally {
    closeSync(fd);
  }
}

function parseSlice(text: string, file: string, what: string, ref: RecordRef): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CatalogLoadError(
      `${file}, ${what} (bytes ${ref[0]}-${ref[1]}): not JSON (${(error as Error).message})`,
    );
  }
}

/** The record's members equal the index's light ones (no member of either is missing from the other). */
function agree(record: CatalogTool, entry: IndexedTool, file: string, where: string): void {
  const light = entry[4] as Record<string, unknown>;
  const rec = record as unknown as Record<string, unknown>;
  const differ: string[] = [];
  for (const key of new Set([...Object.keys(light), ...Object.keys(rec)])) {
    if ((RECORD_ONLY as readonly string[]).includes(key) && !Object.hasOwn(light, key)) continue;
    if (JSON.stringify(light[key]) !== JSON.stringify(rec[key])) differ.push(key);
  }
  if ((entry[3] === 1) !== (rec.outputSchema !== undefined)) differ.push("outputSchema (present or not)");
  if (typeof rec.inputSchema !== "object" || rec.inputSchema === null) differ.push("inputSchema (missing)");
  if (typeof rec.binding !== "object" || rec.binding === null) differ.push("binding (missing)");
  if (differ.length > 0) {
    throw new CatalogLoadError(
      `${file}, ${where} (bytes ${entry[0]}-${entry[1]}): catalog.json and ${INDEX_FILE} disagree on ${differ.join(", ")}; regenerate the catalog`,
    );
  }
}

/** Per lazy tool: its index entry and how to read its record (until read). */
const pending = new WeakMap<object, () => CatalogTool>();

/** Reads the tool's record and puts its record-only members on it as values (replacing the getters below). */
function settle(tool: Record<string, unknown>): void {
  const read = pending.get(tool);
  if (read === undefined) return;
  const record = read() as unknown as Record<string, unknown>;
  pending.delete(tool);
  for (const key of RECORD_ONLY) {
    const member = Object.getOwnPropertyDescriptor(tool, key);
    if (member === undefined || member.get === undefined) continue;
    const value = record[key];
    if (value === undefined) delete tool[key];
    else Object.defineProperty(tool, key, { value, writable: true, enumerable: true, configurable: true });
  }
}

/** One getter and setter per record-only member, shared by every lazy tool (an object's own would cost ~15 us). */
const ACCESSORS = Object.fromEntries(
  RECORD_ONLY.map((key) => [
    key,
    {
      enumerable: true,
      configurable: true,
      get(this: Record<string, unknown>) {
        settle(this);
        return Object.getOwnPropertyDescriptor(this, key)?.get === undefined ? this[key] : undefined;
      },
      set(this: Record<string, unknown>, value: unknown) {
        settle(this);
        Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      },
    } satisfies PropertyDescriptor,
  ]),
) as Record<(typeof RECORD_ONLY)[number], PropertyDescriptor>;

/**
 * A tool with its light members as values and its record-only members as getters that read the record on first
 * use (once; the getters are then replaced by values). An absent output schema is no member at all, so whether a
 * tool has one is known without reading its record (`hasOutputSchema`).
 */
function lazyTool(entry: IndexedTool, read: () => CatalogTool): CatalogTool {
  const tool = { ...entry[4] } as Record<string, unknown>;
  pending.set(tool, read);
  for (const key of RECORD_ONLY) {
    if (Object.hasOwn(tool, key)) continue;
    if (key === "outputSchema" && entry[3] === 0) continue;
    Object.defineProperty(tool, key, ACCESSORS[key]);
  }
  return tool as unknown as CatalogTool;
}

/** An object that reads the schema table on its first inspection and then behaves as that table. */
function lazyTable(table: () => Record<string, JsonSchema>): Record<string, JsonSchema> {
  return new Proxy({} as Record<string, JsonSchema>, {
    get: (_t, key) => Reflect.get(table(), key),
    has: (_t, key) => Reflect.has(table(), key),
    ownKeys: () => Reflect.ownKeys(table()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(table(), key),
    set: (_t, key, value) => Reflect.set(table(), key, value),
    defineProperty: (_t, key, descriptor) => Reflect.defineProperty(table(), key, descriptor),
    deleteProperty: (_t, key) => Reflect.deleteProperty(table(), key),
  });
}
