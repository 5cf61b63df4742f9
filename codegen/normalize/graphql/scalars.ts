import type { SchemaNode } from "../../ir/types.js";

/** GraphQL `Int` is a signed 32-bit integer (spec §3.5.1); arguments outside it fail coercion upstream. */
export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

/**
 * The five scalars every GraphQL schema has. `ID` is serialised as a string (spec §3.5.5); as an input it takes a
 * string or an integer (its input coercion: `4` and `"4"` are the same ID), which is sent as given.
 */
export function builtInScalar(name: string, direction: "input" | "output"): SchemaNode | undefined {
  switch (name) {
    case "Int":
      return direction === "input"
        ? { kind: "integer", minimum: INT_MIN, maximum: INT_MAX }
        : { kind: "integer" };
    case "Float":
      return { kind: "number" };
    case "String":
      return { kind: "string" };
    case "ID":
      return direction === "input"
        ? { kind: "union", exclusive: false, variants: [{ kind: "string" }, { kind: "integer" }] }
        : { kind: "string" };
    case "Boolean":
      return { kind: "boolean" };
    default:
      return undefined;
  }
}

const dateTime: SchemaNode = { kind: "string", format: "date-time" };
const date: SchemaNode = { kind: "string", format: "date" };
const time: SchemaNode = { kind: "string", format: "time" };
const uri: SchemaNode = { kind: "string", format: "uri" };
const email: SchemaNode = { kind: "string", format: "email" };

const jsonText: SchemaNode = {
  kind: "string",
  contentMediaType: "application/json",
  description: "JSON text: a string holding a JSON value (not the value itself).",
};
const anyJson: SchemaNode = { kind: "any", description: "Any JSON value." };
const decimal: SchemaNode = {
  kind: "union",
  exclusive: false,
  variants: [{ kind: "string" }, { kind: "number" }],
  description: 'A decimal number: a string such as "12.50" (exact) or a JSON number.',
};
const bigInteger: SchemaNode = {
  kind: "union",
  exclusive: false,
  variants: [{ kind: "string" }, { kind: "integer" }],
  description:
    'A 64-bit or larger integer: a string of digits such as "9007199254740993" (exact) or a JSON integer.',
};
const localTime: SchemaNode = {
  kind: "string",
  description: "A time of day without a time zone, ISO 8601 (13:45:00).",
};
const localDateTime: SchemaNode = {
  kind: "string",
  description: "A date and time without a time zone, ISO 8601 (2024-01-31T13:45:00).",
};

/**
 * Custom scalars whose wire format is fixed by a public definition or by the libraries that define them, mapped
 * without a manifest entry (`sources.<id>.scalars` overrides any of them):
 * - AWS AppSync's scalars (docs.aws.amazon.com/appsync/latest/devguide/scalars.html): `AWSJSON` is JSON *text*
 *   (a string holding JSON), `AWSTimestamp` whole seconds since the epoch, the others ISO 8601 / RFC strings.
 * - The graphql-scalars names most schemas reuse (`DateTime`, `Date`, `Time`, `URL`, `URI`, `EmailAddress`,
 *   `UUID`, `JSON`, `JSONObject`, `BigInt`, `Long`), which serialise as their names say.
 * - Hasura's, which name Postgres column types in lower case (`uuid`, `timestamptz`, `jsonb`, `numeric`, `bigint`,
 *   `citext`, ...): a `jsonb` argument takes any JSON value, as Hasura does.
 * - The spellings other server libraries give the same things: PostGraphile (`Datetime`, `BigFloat`, `Cursor`),
 *   graphql-ruby (`ISO8601DateTime`, `ISO8601Date`, `JSON`), Graphene (`GenericScalar`, `JSONString`, `Decimal`),
 *   Hot Chocolate (`DateTime`, `Decimal`, `Long`, `Url`, `Uuid`), Java (`Instant`, `OffsetDateTime`,
 *   `LocalDate`, `LocalDateTime`, `BigDecimal`, `BigInteger`), type-graphql (`DateTimeISO`).
 * Decimals and big integers accept a string (exact) or a JSON number, as the servers that define them do.
 * Anything else needs `sources.<id>.scalars` in the manifest; unmapped scalars get `unmappedScalar`.
 */
const WELL_KNOWN: Record<string, SchemaNode> = {
  AWSDateTime: dateTime,
  AWSDate: date,
  AWSTime: time,
  AWSTimestamp: { kind: "integer", description: "Seconds since 1970-01-01T00:00:00Z." },
  AWSEmail: email,
  AWSURL: uri,
  AWSPhone: { kind: "string" },
  AWSIPAddress: { kind: "string" },
  AWSJSON: jsonText,
  DateTime: dateTime,
  Datetime: dateTime,
  DateTimeISO: dateTime,
  DateTimeUtc: dateTime,
  ISO8601DateTime: dateTime,
  Instant: dateTime,
  OffsetDateTime: dateTime,
  ZonedDateTime: dateTime,
  LocalDateTime: localDateTime,
  Date: date,
  ISO8601Date: date,
  LocalDate: date,
  Time: time,
  LocalTime: localTime,
  URL: uri,
  Url: uri,
  URI: uri,
  Uri: uri,
  EmailAddress: email,
  Email: email,
  UUID: { kind: "string", format: "uuid" },
  Uuid: { kind: "string", format: "uuid" },
  GUID: { kind: "string", format: "uuid" },
  JSON: anyJson,
  Json: anyJson,
  JSONValue: anyJson,
  GenericScalar: anyJson,
  JSONObject: { kind: "object", properties: [], additional: true, description: "A JSON object." },
  JSONString: jsonText,
  Decimal: decimal,
  BigDecimal: decimal,
  BigFloat: decimal,
  PositiveDecimal: decimal,
  BigInt: bigInteger,
  BigInteger: bigInteger,
  Long: bigInteger,
  Int64: bigInteger,
  Cursor: { kind: "string", description: "An opaque pagination cursor." },
  // Hasura's Postgres scalars, named after the column types (lower case): JSON values go as JSON (a `jsonb`
  // column or `_contains` filter takes an object), numbers as numbers or exact strings.
  uuid: { kind: "string", format: "uuid" },
  timestamptz: dateTime,
  timestamp: localDateTime,
  date,
  time: { kind: "string", description: "A time of day, ISO 8601 (13:45:00), without a time zone." },
  timetz: { kind: "string", description: "A time of day with its offset, ISO 8601 (13:45:00+02:00)." },
  interval: { kind: "string", description: "A Postgres interval, e.g. `1 day 02:00:00` or `P1DT2H`." },
  jsonb: anyJson,
  json: anyJson,
  numeric: decimal,
  bigint: bigInteger,
  smallint: { kind: "integer", minimum: -32768, maximum: 32767 },
  float8: { kind: "number" },
  citext: { kind: "string", description: "Text compared without regard to case." },
  bpchar: { kind: "string" },
};

/**
 * A 64-bit integer argument (`Long`: Hot Chocolate, graphql-java's extended scalars; `Int64`): a JSON integer or
 * its digits as a string, sent in the variables as the JSON number those digits write, exactly (Hot Chocolate's
 * `Long` refuses a string; Java servers read a JSON number into a long without rounding). `BigInt` and
 * `BigInteger` keep sending a string as a string: graphql-scalars' `BigInt` runs in graphql-js, whose
 * `JSON.parse` of the request would round a JSON number beyond 2^53, and takes the string exactly.
 */
const longInput: SchemaNode = { kind: "integer", format: "int64", digits: true };

export function wellKnownScalar(
  name: string,
  direction: "input" | "output" = "output",
): SchemaNode | undefined {
  if (direction === "input" && (name === "Long" || name === "Int64")) return structuredClone(longInput);
  return Object.hasOwn(WELL_KNOWN, name) ? structuredClone(WELL_KNOWN[name]) : undefined;
}

/**
 * A custom scalar of a name nobody maps, by the specification its `@specifiedBy(url:)` names (GraphQL's way for a
 * scalar to say what it is): the graphql.org scalar specifications (`scalars.graphql.org/andimarek/date-time`),
 * graphql-scalars.com's, and the RFCs and standards the server libraries cite (Hot Chocolate's `UUID` names RFC 4122,
 * graphql-scalars' `JSON` ECMA-404). A schema that calls its date-time `Timestamp` or `Instant2` but says it follows
 * RFC 3339's date-time got "any JSON primitive". RFC 3339 and ISO 8601 write dates, times and both, so a scalar
 * citing only them is a string, said in its description, not a format a date alone would fail.
 */
export function specifiedScalar(url: string | null | undefined): SchemaNode | undefined {
  if (!url) return undefined;
  const u = url.toLowerCase();
  const rfc = /\brfc[-_ ]?(\d{3,5})\b/.exec(u)?.[1];
  const spec = /(?:scalars\.graphql\.org\/[^/]+|graphql-scalars\.com)\/([a-z0-9-]+)/.exec(u)?.[1];
  const said = (what: string): SchemaNode => ({ kind: "string", description: `${what} (${url}).` });
  if (spec === "date-time") return structuredClone(dateTime);
  if (spec === "local-date" || spec === "date") return structuredClone(date);
  if (spec === "local-time") return structuredClone(localTime);
  if (spec === "local-date-time") return structuredClone(localDateTime);
  if (spec === "uuid" || rfc === "4122" || rfc === "9562") return { kind: "string", format: "uuid" };
  if (spec === "url" || spec === "uri" || rfc === "3986" || rfc === "3987") return structuredClone(uri);
  if (spec === "email" || rfc === "5322" || rfc === "5321") return structuredClone(email);
  if (/ecma-?404|ecma-st\/ecma-404/.test(u) || rfc === "8259" || rfc === "7159" || rfc === "4627")
    return structuredClone(anyJson);
  if (rfc === "3339") return said("A date, a time or both, as RFC 3339 writes them");
  if (/iso[-_ ]?8601|iso\.org\/iso-8601/.test(u)) return said("A date, a time, both or a duration, ISO 8601");
  return undefined;
}

/**
 * graphql-upload's and Apollo's file scalar as an input, unmapped: the GraphQL multipart request spec sends the
 * operation's variables with `null` where each file goes (the files travel as other parts), so null is the only
 * JSON value it has; a tool call sends no file, and any other value (a path, base64 text) is refused before the
 * upstream rather than failing there.
 */
export const UPLOAD_INPUT: SchemaNode = {
  kind: "null",
  description:
    "A file (GraphQL multipart upload), which a tool call cannot send: leave it out; null is the only value taken.",
};

/**
 * The typed fallback for a custom scalar nobody mapped. As an argument, any JSON primitive (never `{}`, which strict
 * clients refuse and which tells an agent nothing), with a description that says so and how to fix it. As a
 * result, any JSON value: nothing says how the server serialises it, and graphql-js servers write objects and
 * arrays for such scalars (graphql-scalars' `GeoJSON`, a `Metadata` map), which a primitive-only output schema
 * refused as drift, failing every call that returned one.
 */
export function unmappedScalar(
  name: string,
  sourceId: string,
  description: string | undefined,
  specifiedBy?: string | null,
  direction: "input" | "output" = "input",
): SchemaNode {
  const what = [description?.trim(), specifiedBy ? `Specified by ${specifiedBy}.` : undefined]
    .filter(Boolean)
    .map((t) => ` ${t}`)
    .join("");
  const text = `GraphQL scalar ${name} (no JSON Schema mapping; map it under sources.${sourceId}.scalars).${what}`;
  if (direction === "output") return { kind: "any", description: text };
  return {
    kind: "union",
    exclusive: false,
    variants: [{ kind: "string" }, { kind: "number" }, { kind: "boolean" }],
    description: text,
  };
}
