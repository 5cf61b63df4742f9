import { describe, expect, it } from "vitest";
import { embedsNamedWords, maskEmbedded, newReading } from "../../src/policy/mask-embedded.js";

/**
 * Ordinary text is read well within masking's work budget (`WORK_PER_CHAR`, 32 units a character): its words of
 * eight letters and more that start as base64 of a document could (`Saturday`, `Thursday`, `TransactionManager`)
 * decode to bytes that are no text, so what they decode to is not read, and a word is charged once. Before, a
 * megabyte of weekday names cost 32.07 units a character and was masked whole. Counted, never timed.
 */

const words = new Set(["ssn"]);
const MB = 1_000_000;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length));
/** Well below the budget of 32 units a character. */
const BOUND = 12;

const ORDINARY: Record<string, string> = {
  "weekday names": fill("Saturday Thursday "),
  "every weekday and month": fill(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February September November December ",
  ),
  "ordinary English": fill(
    "Considering the Thursday schedule, Stephanie reviewed the International Standards documents; " +
      "Understanding them required Dedication. Nevertheless, Wednesday's Committee rejected them. ",
  ),
  "CamelCase identifiers": fill(
    "TransactionManager ServiceDescriptor ResourceAllocator HttpRequestHandler DatabaseConnectionPool " +
      "ValidationError UserAccountSettings NotificationDispatcher SchemaRegistryClient ",
  ),
  "long words": fill(
    "Internationalization Transubstantiation Counterrevolutionaries Deinstitutionalization " +
      "Uncharacteristically Neurotransmitters Zygomaticomaxillary Quintessentially Representationalism ",
  ),
  "a stack trace": fill(
    "at TransactionManager.commitTransaction (src/TransactionManager.ts:42:7)\n" +
      "at DatabaseConnectionPool.release (node_modules/Driver/index.js:1187:13)\n",
  ),
  "lower-case prose, paths and identifiers": fill(
    "considering everything, yesterday's conversation was particularly interesting although exhausting; " +
      "integrations/salesforce/oauth rpol_quarterly_integrations 2026-09-12T22:14:06.706Z acme/infra/db/password ",
  ),
  "identifiers with digits and dots": fill(
    "SessionToken2024 Version3.14.159 Invoice-2024-001 RequestId.Primary Zone.us-east-1 ",
  ),
};

describe("ordinary text costs masking few units a character and stays", () => {
  for (const [name, text] of Object.entries(ORDINARY)) {
    it(`${name}: 1 MB read under ${BOUND} units a character, not masked whole`, () => {
      const reading = newReading();
      expect(embedsNamedWords(text, words, reading)).toBe(false);
      expect(reading.work / text.length).toBeLessThan(BOUND);
      const data = { text };
      expect(maskEmbedded(data, words)).toEqual({ data, count: 0 });
      // A document naming a masked key after it is still found.
      const encodedSsn = Buffer.from('{"ssn": "123-45-6789"}').toString("base64");
      expect(embedsNamedWords(`${text} ${encodedSsn}`, words)).toBe(true);
    });
  }
});

describe("what base64 decodes to is read when it may hold a document, whatever bytes come first", () => {
  const doc = Buffer.from('{"ssn": "123-45-6789"}');
  const binary = Buffer.from([0x0a, 0x95, 0x8f, 0x01]);
  const cases: Record<string, Buffer> = {
    "a document after a binary header": Buffer.concat([binary, doc]),
    "base64 of a document after a binary header": Buffer.concat([
      binary,
      Buffer.from(` ${doc.toString("base64")}`),
    ]),
    "a percent-encoded document after a binary header": Buffer.concat([
      binary,
      Buffer.from(`x=${encodeURIComponent(doc.toString())}`),
    ]),
    "a JSON string of a document, its braces escaped": Buffer.from(String.raw`"\u007b\"ssn\": 1\u007d"`),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    it(name, () => {
      expect(embedsNamedWords(bytes.toString("base64"), words)).toBe(true);
      expect(embedsNamedWords(`see ${bytes.toString("base64")}`, words)).toBe(true);
    });
  }

  it("a JWT whose signature decodes to no text is read by its claims", () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const jwt = `${part({ alg: "HS256" })}.${part({ ssn: "123-45-6789" })}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJVadQssw5c`;
    expect(embedsNamedWords(jwt, words)).toBe(true);
    expect(embedsNamedWords(`Bearer ${jwt}`, words)).toBe(true);
  });
});
