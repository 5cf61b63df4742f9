import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A masked field inside a JSON document the upstream sends as a string (a webhook's `payload`, a queue message's
 * `body`): masked paths and `--mask` names address the data's own keys, so `{"payload": "{\"ssn\": ...}"}` reached
 * the client whole through a declared string field. Such a string becomes the marker as a whole, also two documents
 * deep, in an array, under another case, and when it is cut short; strings that are no JSON, or JSON without a
 * masked key, stay. Served over stdio to a real client, the upstream on 127.0.0.1 answering what each case sets.
 */

const SSN = "123-45-6789";
const MASK = "••••••";

const SPEC = `openapi: 3.0.3
info: { title: Events, version: "1" }
paths:
  /events/{id}:
    get:
      operationId: getEvent
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200":
          description: one
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: { type: string }
                  ssn: { type: string }
                  payload: { type: string }
                  notes: { type: array, items: { type: string } }
  /logs/{id}:
    get:
      operationId: getLog
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: one, content: { text/plain: { schema: { type: string } } } }
`;

const MANIFEST = `catalog: events
env:
  EV_URL: { type: url, description: "EV_URL." }
  EV_MASK: { type: boolean, default: "true", description: "EV_MASK." }
policy:
  mask_values: { env: EV_MASK }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: EV_URL } }
select: [{ all: true }]
tools:
  get_event: { from: getEvent, masked: [ssn] }
`;

let upstream: RecordingServer;
let masked: Served;
let switched: Served;
let body: unknown = {};
let text = "";

beforeAll(async () => {
  const src = writeTree("mask-embedded", { "ev/openapi.yaml": SPEC, "ev/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "ev/tools.yaml"), join(src, "out"));
  upstream = await startRecordingServer((req, res) => {
    if (!req.url?.startsWith("/logs/")) return sendJson(res, 200, body);
    if (req.url === "/logs/bad") return sendJson(res, 422, { message: text });
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(text);
  });
  masked = await serveOverStdio(dir, { EV_URL: upstream.url });
  // The catalog's masking off, a field named by the run-time switch alone.
  switched = await serveOverStdio(dir, { EV_URL: upstream.url, EV_MASK: "false" }, {}, ["--mask", "ssn"]);
});

afterAll(async () => {
  await masked?.close();
  await switched?.close();
  await upstream?.close();
});

const doc = (value: unknown) => JSON.stringify(value);
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const latin1 = (text: string) => Buffer.from(text, "latin1").toString("base64");
const gz = (text: string) => gzipSync(text).toString("base64");
/** UTF-16 text in base64, little- or big-endian, after its byte order mark or not. */
const utf16 = (text: string, order: "le" | "be", mark: boolean) => {
  const bytes = Buffer.from(`${mark ? "\ufeff" : ""}${text}`, "utf16le");
  return (order === "be" ? bytes.swap16() : bytes).toString("base64");
};
const hex = (text: string) => Buffer.from(text, "utf8").toString("hex");
/** Base64 of a document ending in `=` padding. */
const padded = b64(doc({ ssn: SSN, n: "a" }));
/** Base64 as MIME writes it: lines of 76 characters ending in CRLF. */
const mime = (text: string) => (b64(text).match(/.{1,76}/g) ?? []).join("\r\n");

const HIDDEN: Array<[string, Record<string, unknown>]> = [
  ["a document in a declared string", { id: "e1", payload: doc({ customer: { ssn: SSN } }) }],
  ["a document in a string in that one", { id: "e1", payload: doc({ body: doc({ ssn: SSN }) }) }],
  ["an array, the key in another case", { id: "e1", payload: `  ${doc([{ SSN }])}` }],
  ["a document cut short", { id: "e1", payload: `{"customer":{"ssn":"${SSN}` }],
  ["in an array of strings", { id: "e1", notes: ["plain", doc({ ssn: SSN })] }],
  // Documents that are not JSON (a service logging a repr) and one encoded twice (a JSON string of JSON text).
  ["Python's repr of a document", { id: "e1", payload: `{'customer': {'ssn': '${SSN}'}}` }],
  ["a flow mapping with bare keys", { id: "e1", payload: `{customer: {SSN : ${SSN}}}` }],
  ["Ruby's inspect of a hash", { id: "e1", notes: [`[{:ssn=>"${SSN}"}]`] }],
  ["a document encoded twice", { id: "e1", payload: doc(doc({ customer: { ssn: SSN } })) }],
  // Documents sent as base64 (a queue or Pub/Sub message's data, a file's content), as a data URL, or as a claim
  // of a JWT: the same document, one decoding away.
  ["a document in base64", { id: "e1", payload: b64(doc({ customer: { ssn: SSN } })) }],
  ["base64url without padding", { id: "e1", payload: b64url(doc({ ssn: SSN, x: "??>>" })) }],
  ["base64 with MIME line breaks", { id: "e1", payload: mime(doc({ ssn: SSN, pad: "x".repeat(90) })) }],
  ["a repr in base64, in an array", { id: "e1", notes: ["plain", b64(`{'ssn': '${SSN}'}`)] }],
  ["base64 of a document encoded twice", { id: "e1", payload: b64(doc(doc({ ssn: SSN }))) }],
  ["a document in base64 in a document", { id: "e1", payload: doc({ data: b64(doc({ ssn: SSN })) }) }],
  ["base64 of base64 of a document", { id: "e1", payload: b64(b64(doc({ ssn: SSN }))) }],
  ["a base64 data URL", { id: "e1", payload: `data:application/json;base64,${b64(doc({ ssn: SSN }))}` }],
  ["a percent-encoded data URL", { id: "e1", payload: `data:,${encodeURIComponent(doc({ ssn: SSN }))}` }],
  ["a document in Latin-1, in base64", { id: "e1", payload: latin1(`{"name": "Zoë", "ssn": "${SSN}"}`) }],
  ["a JWT's claims", { id: "e1", payload: `${b64url('{"alg":"none"}')}.${b64url(doc({ ssn: SSN }))}.` }],
  // Percent-encoded outside a data URL: a callback URL's or a form's value, the whole string, twice.
  [
    "a percent-encoded document in a query string",
    {
      id: "e1",
      payload: `https://hooks.example.com/cb?payload=${encodeURIComponent(doc({ ssn: SSN }))}&sig=1`,
    },
  ],
  [
    "a form-encoded document",
    { id: "e1", payload: new URLSearchParams({ p: doc({ c: { ssn: SSN } }) }).toString() },
  ],
  ["a document percent-encoded whole", { id: "e1", notes: [encodeURIComponent(doc([{ ssn: SSN }]))] }],
  [
    "a document percent-encoded twice",
    { id: "e1", payload: `q=${encodeURIComponent(encodeURIComponent(doc({ ssn: SSN })))}` },
  ],
  ["encodeURI's spelling (brackets kept)", { id: "e1", payload: encodeURI(`/s?f=[${doc({ ssn: SSN })}]`) }],
  // Compressed inside base64: gzip, zlib, a gzip data URL, a stream cut short.
  ["gzip in base64", { id: "e1", payload: gz(doc({ customer: { ssn: SSN } })) }],
  ["zlib in base64", { id: "e1", payload: deflateSync(doc({ ssn: SSN })).toString("base64") }],
  ["a gzip data URL", { id: "e1", payload: `data:application/gzip;base64,${gz(doc({ ssn: SSN }))}` }],
  [
    "gzip cut short",
    {
      id: "e1",
      payload: gzipSync(doc({ ssn: SSN, pad: "ab".repeat(4000) }))
        .subarray(0, 40)
        .toString("base64"),
    },
  ],
  // Too large to read (past 8 MiB inflated): what it holds cannot be known, so it is masked.
  [
    "gzip inflating past the bound",
    { id: "e1", payload: gzipSync(Buffer.alloc(9 * 1024 * 1024, 32)).toString("base64") },
  ],
  // Base64 of a document that starts with a byte order mark, a line break or a tab starts with 7, C or D.
  ["a document after a byte order mark, in base64", { id: "e1", payload: b64(`\ufeff${doc({ ssn: SSN })}`) }],
  ["a document after a line break, in base64", { id: "e1", payload: b64(`\n${doc({ ssn: SSN })}`) }],
  ["a document after CR LF, in base64", { id: "e1", payload: b64(`\r\n${doc({ ssn: SSN })}`) }],
  ["a document after a tab, in base64", { id: "e1", payload: b64(`\t${doc({ ssn: SSN })}`) }],
  ["gzip of a document after a byte order mark", { id: "e1", payload: gz(`\ufeff${doc({ ssn: SSN })}`) }],
  // A document after other text, not encoded: the sibling of the percent-encoded rows above.
  ["a document after other text", { id: "e1", payload: `payload=${doc({ ssn: SSN })}` }],
  [
    "a URL quoting a document as it is",
    { id: "e1", notes: [`https://hooks.example.com/cb?payload=${doc({ c: { ssn: SSN } })}&sig=1`] },
  ],
  ["a log line quoting a repr", { id: "e1", payload: `created: [{'ssn': '${SSN}'}] (ok)` }],
  // Base64 of a percent-encoded document (starts with J), and of UTF-16 text (either mark, or none).
  ["base64 of a percent-encoded document", { id: "e1", payload: b64(encodeURIComponent(doc({ ssn: SSN }))) }],
  [
    "UTF-16 after its byte order mark, in base64",
    { id: "e1", payload: utf16(doc({ ssn: SSN }), "le", true) },
  ],
  [
    "UTF-16BE after its byte order mark, in base64",
    { id: "e1", payload: utf16(doc({ ssn: SSN }), "be", true) },
  ],
  ["UTF-16 without a mark, in base64", { id: "e1", notes: [utf16(doc([{ ssn: SSN }]), "le", false)] }],
  // Inside a string's words: base64 in a query string, percent-encoded with its padding, base64 of a whole URL
  // (whose query holds a document, or base64 of one), hex of a document or of a URL.
  [
    "base64 in a query string",
    { id: "e1", payload: `https://h.example/cb?data=${b64(doc({ ssn: SSN }))}&s=1` },
  ],
  [
    "base64 with its padding percent-encoded",
    { id: "e1", payload: `cb?data=${padded.replace(/=/g, "%3D")}` },
  ],
  ["a word percent-encoded whole", { id: "e1", notes: [encodeURIComponent(`cb?data=${padded}`)] }],
  ["base64 of a URL", { id: "e1", payload: b64(`https://h.example/cb?payload=${doc({ ssn: SSN })}`) }],
  ["base64 of a URL holding base64", { id: "e1", payload: b64(`https://h.example/cb?d=${padded}&s=1`) }],
  ["hex of a document", { id: "e1", payload: Buffer.from(doc({ c: { ssn: SSN } })).toString("hex") }],
  ["hex in capitals, in a sentence", { id: "e1", notes: [`got ${hex(doc([{ ssn: SSN }])).toUpperCase()}.`] }],
  ["hex of a URL", { id: "e1", payload: hex(`https://h.example/cb?payload=${doc({ ssn: SSN })}`) }],
  [
    "gzip of UTF-16",
    { id: "e1", payload: gzipSync(Buffer.from(`\ufeff${doc({ ssn: SSN })}`, "utf16le")).toString("base64") },
  ],
  // Base64 of text that does not start like a document: the document after a word, in a log line, in a word.
  ["base64 of a word before a document", { id: "e1", payload: b64(`a ${doc({ ssn: SSN })}`) }],
  ["base64 of a log line quoting a repr", { id: "e1", notes: [b64(`saved {'ssn': '${SSN}'}`)] }],
  ["base64 of such text, among words", { id: "e1", payload: `got ${b64(`ok ${doc({ ssn: SSN })}`)} back` }],
  ["base64 of such text, after data=", { id: "e1", payload: `cb?data=${b64(`ok ${doc([{ ssn: SSN }])}`)}` }],
  ["base64 of UTF-8 text before a document", { id: "e1", payload: b64(`é ${doc({ ssn: SSN })}`) }],
  // The field as a key=value pair (a query string, a form body, a logfmt line, a properties file) or a YAML or
  // header line, as it is or one decoding away.
  ["a query string naming the field", { id: "e1", payload: `https://h.example/cb?ssn=${SSN}&x=1` }],
  ["a form body", { id: "e1", notes: [`x=1&SSN=${SSN}`] }],
  ["a logfmt line", { id: "e1", payload: `level=info ssn = ${SSN} msg=saved` }],
  ["a properties line", { id: "e1", payload: `customer.ssn=${SSN}` }],
  ["base64 of a form body after a word", { id: "e1", payload: b64(`id 7 ssn=${SSN}&x=1`) }],
  ["base64 of a form body", { id: "e1", payload: b64(`ssn=${SSN}&x=1`) }],
  ["base64 of YAML", { id: "e1", payload: b64(`name: bob\nssn: ${SSN}\n`) }],
  ["a percent-encoded form body", { id: "e1", payload: encodeURIComponent(`x=1&ssn=${SSN}`) }],
  // Escaped for HTML: Go's html/template (`&#34;`), a data- attribute (`&quot;`), hex, a letter by number.
  ["JSON escaped by Go's html/template", { id: "e1", payload: `{&#34;ssn&#34;:&#34;${SSN}&#34;}` }],
  [
    "a data- attribute holding escaped JSON",
    { id: "e1", notes: [`<div data-props="{&quot;c&quot;:{&quot;SSN&quot;:&quot;${SSN}&quot;}}"></div>`] },
  ],
  ["a repr escaped in hex entities", { id: "e1", payload: `saved {&#x27;ssn&#x27;: &#x27;${SSN}&#x27;}` }],
  ["a key with a letter by number", { id: "e1", payload: doc({ "&#115;sn": SSN }) }],
  ["an escaped query string", { id: "e1", payload: `cb?x=1&amp;ssn&#61;${SSN}` }],
  // XML: a SOAP body or an XML payload logged as a string, as it is or in base64.
  ["an XML element", { id: "e1", payload: `<customer><ssn>${SSN}</ssn></customer>` }],
  ["a namespaced element with attributes", { id: "e1", notes: [`<c:SSN type="x">${SSN}</c:SSN>`] }],
  ["base64 of an XML payload", { id: "e1", payload: b64(`<customer><ssn>${SSN}</ssn></customer>`) }],
];

describe.each([
  ["catalog masking (masked: [ssn])", () => masked],
  ["serve --mask ssn", () => switched],
])("%s", (_label, served) => {
  it.each(HIDDEN)("%s is masked whole", async (_case, answer) => {
    body = answer;
    const result = await served().client.callTool({ name: "get_event", arguments: { id: "e1" } });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(JSON.stringify(result)).not.toContain(SSN);
    expect(JSON.stringify(result)).toContain(MASK);
    expect((result.structuredContent as { id: string }).id).toBe("e1");
  });

  it("strings that are no JSON, or JSON without a masked key, stay as sent", async () => {
    body = {
      id: "e1",
      payload: doc({ customer: { city: "Oslo", note: "ssn on file" } }),
      notes: [
        "[draft]",
        "{not json",
        `ssn ${"x"}`,
        `"ssn" in quotes`,
        "{'note': 'ssn on file', 'ssns': 2}",
        doc(doc({ city: "Oslo" })),
        // Base64 and data URLs without a masked key, words and identifiers that happen to decode, binary data.
        b64(doc({ customer: { city: "Oslo" } })),
        `data:application/json;base64,${b64(doc({ city: "Oslo" }))}`,
        `${b64url('{"alg":"none"}')}.${b64url(doc({ sub: "u1" }))}.`,
        "eyes",
        "Deployment",
        "ISSN",
        Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x01, 0x7d]).toString("base64"),
        // Percent-encoded and compressed text without a masked key; words that decode to a zlib header.
        `https://example.com/s?q=%22ssn%22&f=${encodeURIComponent(doc({ city: "Oslo" }))}`,
        "100%25 done",
        gz(doc({ city: "Oslo" })),
        "eNotification",
        "H4sIAAAA",
        // Text before braces or brackets naming no masked key; words starting with J or /; UTF-16 without the key.
        "see [draft]: no ssn here",
        `log: ${doc({ city: "Oslo" })}`,
        "{ssn} is a placeholder",
        "John",
        "/usr/local/bin",
        // A big-endian byte order mark before an odd number of bytes.
        "/v8AeWI",
        utf16(doc({ city: "Oslo" }), "le", true),
        // Log lines and prose in brackets or braces, hex and base64 words naming no masked key, in URLs too.
        "[2024-01-01] INFO ssn check started",
        '[2024-01-01 10:00] {"level": "info", "msg": "ssn check ok"}',
        "{ see the ssn section }",
        "[1] ssn rules, [2] others",
        "deadbeef 7b7d 68747470",
        hex(doc({ city: "Oslo" })),
        `https://h.example/cb?data=${b64(doc({ city: "Oslo" }))}%3D&x=1`,
        b64(`https://h.example/cb?payload=${doc({ city: "Oslo" })}`),
        // Base64 of text naming no masked key, and words that are base64 of nothing readable.
        b64(`a ${doc({ city: "Oslo" })}`),
        b64("just some words about the ssn"),
        "considering yesterday, acme/infra/db/password, Version3.14.159",
        // The name as a value, a pair without a value, another key ending in it, a label in a sentence.
        "https://h.example/s?q=ssn&ssn=&ssns=2 customer_ssn=x",
        "the ssn field: see the docs",
        b64("q=ssn&page=2"),
        // HTML-escaped text naming no masked key.
        "Tom &amp; Jerry &quot;ssn&quot; rules &#169; 2024",
        `{&quot;city&quot;:&quot;Oslo&quot;}`,
        // XML naming no masked element with content.
        "<customer><ssn/><ssn></ssn><ssns>2</ssns></customer>",
      ],
    };
    const result = await served().client.callTool({ name: "get_event", arguments: { id: "e1" } });
    expect(result.structuredContent).toEqual(body);
  });
});

describe("serve --mask ssn: a text body of a tool without such a field", () => {
  // Masked whole when it mentions the name; a document naming it one decoding away does not mention it.
  it.each([
    ["mentioning the name", `ssn=${SSN}`],
    ["a document in base64", b64(doc({ ssn: SSN }))],
    ["a base64 data URL", `data:application/json;base64,${b64(doc({ ssn: SSN }))}`],
  ])("%s is masked whole", async (_case, sent) => {
    text = sent;
    const result = await switched.client.callTool({ name: "get_log", arguments: { id: "l1" } });
    expect(JSON.stringify(result)).not.toContain(sent);
    expect(JSON.stringify(result)).toContain(MASK);
  });

  // A long opaque word is redacted as a possible credential before masking reads the words; a short one is not.
  it.each([
    ["base64", `payload ${b64(doc({ ssn: SSN }))} rejected.`, b64(doc({ ssn: SSN }))],
    ["short base64", `bad ${b64(doc({ ssn: 1234 }))}.`, b64(doc({ ssn: 1234 }))],
    ["a quoted data URL", `bad 'data:application/json;base64,${b64(doc({ ssn: 1 }))}'`, b64(doc({ ssn: 1 }))],
  ])("an upstream error quoting a document in %s is not shown", async (_case, sent, hidden) => {
    text = sent;
    const result = await switched.client.callTool({ name: "get_log", arguments: { id: "bad" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain(hidden);
    expect(JSON.stringify(result)).toMatch(/upstream answered HTTP 422/);
  });

  it("an upstream error's words that name no masked field, plain or encoded, are shown", async () => {
    text = `payload ${b64(doc({ city: "Oslo" }))} rejected.`;
    const result = await switched.client.callTool({ name: "get_log", arguments: { id: "bad" } });
    expect(JSON.stringify(result)).toContain(text);
  });

  // A document among other words, or after a `name=` or inside brackets, is as near as one alone: the body's
  // words and the error's words are read alike, each word and each part of it between `=`, `&`, `,`, `;`, `:`,
  // brackets and braces.
  it.each([
    ["among words", `payload ${b64(doc({ ssn: SSN }))} rejected.`],
    ["after a name=", `event data=${b64(doc({ ssn: SSN }))}&id=7`],
    ["in brackets", `received [${b64(doc({ ssn: SSN }))}]`],
  ])("a text body holding a document in base64 %s is masked whole", async (_case, sent) => {
    text = sent;
    const result = await switched.client.callTool({ name: "get_log", arguments: { id: "l1" } });
    expect(JSON.stringify(result)).not.toContain(b64(doc({ ssn: SSN })));
    expect(JSON.stringify(result)).toContain(MASK);
  });

  it.each([
    ["after a name=", `bad data=${b64(doc({ ssn: 1234 }))}`],
    ["in brackets", `bad [${b64(doc({ ssn: 1234 }))}]`],
    ["in a list", `bad ids=1,${b64(doc({ ssn: 1234 }))},2`],
  ])("an upstream error quoting a short base64 document %s is not shown", async (_case, sent) => {
    text = sent;
    const result = await switched.client.callTool({ name: "get_log", arguments: { id: "bad" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain(b64(doc({ ssn: 1234 })));
    expect(JSON.stringify(result)).toMatch(/upstream answered HTTP 422/);
  });

  it("text that names no masked field, plain or encoded, stays", async () => {
    for (const sent of [
      "all quiet",
      b64(doc({ city: "Oslo" })),
      `city=${b64(doc({ city: "Oslo" }))}&n=1, [a:b]`,
    ]) {
      text = sent;
      const result = await switched.client.callTool({ name: "get_log", arguments: { id: "l1" } });
      expect(JSON.stringify(result)).toContain(sent);
    }
  });
});

describe("compressed documents share one inflation budget per reading", () => {
  // 8 KB of gzip inflates to 7 MiB: one is read, but a result of many (or text of many words) would cost gigabytes.
  const big = gzipSync(JSON.stringify({ note: "x".repeat(7 * 1024 * 1024) })).toString("base64");
  const words = new Set(["ssn"]);

  it("a result's streams are read up to the budget, and the rest masked unread (fail closed)", async () => {
    const { maskEmbedded } = await import("../../src/policy/mask-embedded.js");
    expect(maskEmbedded({ one: big }, words)).toEqual({ data: { one: big }, count: 0 });
    const many = Array.from({ length: 10 }, () => big);
    const masked = maskEmbedded(many, words);
    const kept = (masked.data as string[]).filter((value) => value === big).length;
    expect(kept).toBe(4);
    expect(masked.count).toBe(6);
  });

  it("a text's words share the budget too", async () => {
    const { textNames } = await import("../../src/policy/mask.js");
    expect(textNames(`payload ${big} rejected`, words)).toBe(false);
    expect(textNames(Array.from({ length: 10 }, () => big).join(" "), words)).toBe(true);
  });
});
