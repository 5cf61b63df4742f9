import type { SchemaNode } from "../../ir/types.js";

/** GraphQL `Int` is a signed 32-bit integer (spec §3.5.1); arguments outside it fail coercion upstream. */
export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

/** The five scalars every GraphQL schema has. `ID` is serialised as a string (spec §3.5.5). */
export function builtInScalar(name: string, direction: "input" | "output"): SchemaNode | undefined {
  switch (name) {
    case "Int":
      return direction === "input"
        ? { kind: "integer", minimum: INT_MIN, maximum: INT_MAX }
        : { kind: "integer" };
    case "Float":
      return { kind: "number" };
    case "String":
    case "ID":
      return { kind: "string" };
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

/**
 * Custom scalars whose wire format is fixed by a public definition, mapped without a manifest entry:
 * - AWS AppSync's scalars (docs.aws.amazon.com/appsync/latest/devguide/scalars.html): `AWSJSON` is JSON *text*
 *   (a string holding JSON), `AWSTimestamp` whole seconds since the epoch, the others ISO 8601 / RFC strings.
 * - The graphql-scalars names most schemas reuse (`DateTime`, `Date`, `Time`, `URL`, `URI`, `EmailAddress`,
 *   `UUID`), which serialise as the ISO 8601 / RFC 3986 / RFC 5322 / RFC 4122 strings their names say.
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
  AWSJSON: {
    kind: "string",
    contentMediaType: "application/json",
    description: "JSON text: a string holding a JSON value (not the value itself).",
  },
  DateTime: dateTime,
  Date: date,
  Time: time,
  URL: uri,
  URI: uri,
  EmailAddress: email,
  UUID: { kind: "string", format: "uuid" },
};

export function wellKnownScalar(name: string): SchemaNode | undefined {
  return WELL_KNOWN[name];
}

/**
 * The typed fallback for a custom scalar nobody mapped: any JSON primitive (never `{}`, which strict clients
 * refuse and which tells an agent nothing), with a description that says so and how to fix it.
 */
export function unmappedScalar(name: string, sourceId: string, description: string | undefined): SchemaNode {
  const what = description?.trim() ? ` ${description.trim()}` : "";
  return {
    kind: "union",
    exclusive: false,
    variants: [{ kind: "string" }, { kind: "number" }, { kind: "boolean" }],
    description: `GraphQL scalar ${name} (no JSON Schema mapping; map it under sources.${sourceId}.scalars).${what}`,
  };
}
