import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CatalogTool } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { CatalogLoadError, type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { INDEX_FILE, toolRecordsParsed } from "../../src/load/catalog-index.js";
import { rawMessageText } from "../../src/mcp/raw-list.js";
import { createServer, type ServerOptions } from "../../src/mcp/server.js";
import { commonArguments } from "../../src/publish/common.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

// A server starts from catalog.index.json (names, classes, descriptions, policy facts) and reads a tool's record
// (binding, schemas, source) from catalog.json on that tool's first use, checked against the index: a listing
// reads no record, a call reads the one it calls, and a record or index that does not match refuses its use.

const CATALOGS = ["generated/scaivault", "generated/scaly", "test/fixtures/kitchen-sink/expected"];

function required(catalog: LoadedCatalog): Record<string, string> {
  return Object.fromEntries(
    catalog.doc.env
      .filter((v) => v.required)
      .map((v) => [v.name, /url/i.test(v.name) ? "http://127.0.0.1:9" : "t"]),
  );
}

/** A client connected in memory to a server whose tools/list pages are written as text, as over stdio. */
async function connected(catalog: LoadedCatalog, options: ServerOptions = {}): Promise<Client> {
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, required(catalog)), {
    ...options,
    policy: { audit: false },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (message, options) =>
    send(JSON.parse(rawMessageText(message) ?? JSON.stringify(message)), options);
  await factory({ era: "legacy", rawLists: true }).connect(serverSide);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}

async function listAll(client: Client): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    count += page.tools.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

function copyCatalog(from: string): string {
  const dir = join(tmpDir("catalog-index"), "catalog");
  cpSync(join(ROOT, from), dir, { recursive: true });
  return dir;
}

/** The byte range of a tool's record in catalog.json, as the index gives it. */
function recordRange(dir: string, name: string): [number, number] {
  const index = JSON.parse(readFileSync(join(dir, INDEX_FILE), "utf8"));
  const entry = index.tools.find((t: unknown[]) => (t[4] as { name: string }).name === name);
  return [entry[0], entry[1]];
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a catalog served from its index", () => {
  it("is the same document as catalog.json, once every record is read", async () => {
    for (const path of CATALOGS) {
      const full = JSON.parse(readFileSync(join(ROOT, path, "catalog.json"), "utf8"));
      const { doc } = await loadCatalog(join(ROOT, path));
      const tools = doc.tools.map((t) => ({ ...t }));
      expect(tools, path).toEqual(full.tools);
      expect({ ...doc, tools, schemas: { ...doc.schemas } }, path).toEqual(full);
    }
  });

  it("lists every tool without reading a record; a call reads exactly the called tool's", async () => {
    const catalog = await loadCatalog(join(ROOT, "generated/scaivault"));
    const before = toolRecordsParsed();
    const client = await connected(catalog);
    expect(await listAll(client)).toBe(catalog.doc.tools.length);
    expect(toolRecordsParsed()).toBe(before);
    await client.callTool({ name: "scaivault_read_secret", arguments: { path: "a/b" } });
    expect(toolRecordsParsed()).toBe(before + 1);
    await client.callTool({ name: "scaivault_read_secret", arguments: { path: "a/c" } });
    expect(toolRecordsParsed()).toBe(before + 1);
    await client.close();
  });

  it("states the common arguments in a concise server's instructions without reading any record", async () => {
    const catalog = await loadCatalog(join(ROOT, "generated/scaivault"));
    const full = JSON.parse(readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"));
    const expected = commonArguments(full.tools).instructions(false);
    expect(expected).toContain("- partner:");
    const before = toolRecordsParsed();
    // ScaiVault keeps its arguments' text per tool (`common_arguments: per-tool`); a server may state them.
    const client = await connected(catalog, {
      publish: { descriptions: "concise", commonArguments: "instructions" },
    });
    expect(client.getInstructions()).toContain(expected);
    expect(toolRecordsParsed()).toBe(before);
    await client.close();
  });

  it("refuses the call of a tool whose record was edited in place, naming the file, tool and bytes", async () => {
    const dir = copyCatalog("generated/scaivault");
    const file = join(dir, "catalog.json");
    const [start, end] = recordRange(dir, "scaivault_read_secret");
    const text = readFileSync(file, "latin1");
    const record = text.slice(start, end);
    // Same length, so the start's size check passes: only the record's digest tells.
    const edited = record.replace('"method": "GET"', '"method": "PUT"');
    expect(edited).not.toBe(record);
    writeFileSync(file, text.slice(0, start) + edited + text.slice(end), "latin1");

    const catalog = await loadCatalog(dir);
    const tool = catalog.doc.tools.find((t) => t.name === "scaivault_read_secret") as CatalogTool;
    expect(() => tool.binding).toThrow(CatalogLoadError);
    expect(() => tool.binding).toThrow(
      new RegExp(`catalog\\.json, tool scaivault_read_secret \\(bytes ${start}-${end}\\): .*digest mismatch`),
    );

    const logged: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    const client = await connected(catalog);
    const result = await client.callTool({ name: "scaivault_read_secret", arguments: { path: "a/b" } });
    expect(result.isError).toBe(true);
    // The server's log (paths and file names scrubbed there) names the tool, its bytes and what to do.
    expect(logged.join("")).toMatch(
      /tools\/call scaivault_read_secret: CatalogLoadError: .*tool scaivault_read_secret \(bytes \d+-\d+\): .*edited after generation; regenerate the catalog/,
    );
    // Other tools' records are intact and serve.
    const other = catalog.doc.tools.find((t) => t.name === "scaivault_list_secrets") as CatalogTool;
    expect(other.binding.kind).toBe("http");
    await client.close();
  });

  it("refuses the start when catalog.json changed size or comes from another generation", async () => {
    const grown = copyCatalog("generated/scaivault");
    writeFileSync(join(grown, "catalog.json"), `${readFileSync(join(grown, "catalog.json"), "utf8")} `);
    await expect(loadCatalog(grown)).rejects.toThrow(
      /catalog\.json in .* has \d+ bytes, not the \d+ that catalog\.index\.json was generated with/,
    );

    const other = copyCatalog("generated/scaivault");
    const index = join(other, INDEX_FILE);
    writeFileSync(
      index,
      readFileSync(index, "utf8").replaceAll(/"inputHash":"sha256:[0-9a-f]{4}/g, '"inputHash":"sha256:0000'),
    );
    const error = await loadCatalog(other).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogLoadError);
    expect(error.message).toMatch(
      /catalog\.index\.json \(inputHash sha256:0000[0-9a-f]+\) and catalog\.json \(inputHash sha256:[0-9a-f]+\) in .* different generations/,
    );
  });

  it("refuses a tool whose index entry disagrees with its record (a safety class lowered in the index)", async () => {
    const dir = copyCatalog("generated/scaivault");
    const file = join(dir, INDEX_FILE);
    const lines = readFileSync(file, "utf8").split("\n");
    const at = lines.findIndex((l) => l.includes('"name":"scaivault_delete_secret"'));
    expect(lines[at]).toContain('"safety":"destructive"');
    lines[at] = (lines[at] as string).replace('"safety":"destructive"', '"safety":"read"');
    writeFileSync(file, lines.join("\n"));
    const catalog = await loadCatalog(dir);
    const tool = catalog.doc.tools.find((t) => t.name === "scaivault_delete_secret") as CatalogTool;
    expect(() => tool.inputSchema).toThrow(
      /tool scaivault_delete_secret \(bytes \d+-\d+\): catalog\.json and catalog\.index\.json disagree on safety/,
    );
  });

  it("checks a record's references on its first use", async () => {
    const dir = copyCatalog("generated/scaivault");
    const file = join(dir, "catalog.json");
    const index = join(dir, INDEX_FILE);
    const [start, end] = recordRange(dir, "scaivault_read_secret");
    const text = readFileSync(file, "latin1");
    const record = text.slice(start, end);
    const edited = record.replace(/"\$ref": "#\/\$defs\/([A-Za-z0-9_]{3})/, '"$ref": "#/$defs/Zzz');
    expect(edited).not.toBe(record);
    writeFileSync(file, text.slice(0, start) + edited + text.slice(end), "latin1");
    // The index re-signed as generate would have (a record that passes the digest but refers nowhere).
    const { recordDigest } = await import("../../src/load/catalog-index.js");
    const digest = recordDigest(Buffer.from(edited, "latin1"));
    const before = recordDigest(Buffer.from(record, "latin1"));
    writeFileSync(index, readFileSync(index, "utf8").replace(before, digest));
    const catalog = await loadCatalog(dir);
    const tool = catalog.doc.tools.find((t) => t.name === "scaivault_read_secret") as CatalogTool;
    expect(() => tool.binding).toThrow(
      /tool scaivault_read_secret \(bytes \d+-\d+\) is inconsistent:\n {2}- tool scaivault_read_secret refers to schema Zzz/,
    );
  });
});
