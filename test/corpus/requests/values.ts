/**
 * A small deterministic value maker for a tool's published input schema: a const, an enum member, an example or a
 * default when the schema gives one, else a value by type. Strings carry reserved characters on purpose
 * (`/ ? & = # , +` and a space), so every place a value is written must encode them as its rules say.
 */
type Schema = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  "date-time": "2024-01-02T03:04:05Z",
  date: "2024-01-02",
  time: "03:04:05Z",
  uuid: "123e4567-e89b-42d3-a456-426614174000",
  email: "a@example.com",
  uri: "https://example.com/a?b=c",
  url: "https://example.com/a?b=c",
  hostname: "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  byte: "aGk=",
  binary: "aGk=",
};

/** Plain strings tried against a `pattern` when the reserved-character one does not match it. */
const CANDIDATES = [
  "abc",
  "a",
  "A",
  "1",
  "12",
  "abc123",
  "ABC",
  "Abc1",
  "a-b",
  "a_b",
  "a.b",
  "us-east-1",
  "2024-01-02",
  "a@example.com",
  "https://example.com",
  "0",
  "123e4567-e89b-42d3-a456-426614174000",
  "arn:aws:iam::123456789012:role/a",
  "a/b",
  "AB12",
  "123456789012",
  "1234",
  "1.0.0",
  "aaaa",
];

function deref(root: Schema, s: unknown): Schema {
  let n = s as Schema | undefined;
  for (let i = 0; n && typeof n.$ref === "string" && i < 20; i++) {
    let cur: unknown = root;
    for (const part of (n.$ref as string).replace(/^#\/?/, "").split("/").filter(Boolean))
      cur = (cur as Schema | undefined)?.[decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~")];
    n = cur as Schema | undefined;
  }
  return n ?? {};
}

function reserved(name: string): string {
  return `${name.replace(/[^A-Za-z0-9]/g, "").slice(0, 6) || "v"} a/b?c&d=e#f,g+h`;
}

function inLength(s: Schema, text: string): boolean {
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : Number.POSITIVE_INFINITY;
  return text.length >= min && text.length <= max;
}

function stringValue(s: Schema, name: string): string | undefined {
  if (typeof s.format === "string" && FORMATS[s.format]) return FORMATS[s.format];
  if (name === "contentType") return "text/plain";
  if (name === "content") return "aGk=";
  if (name === "filename") return "a b.txt";
  let re: RegExp | undefined;
  try {
    re = typeof s.pattern === "string" ? new RegExp(s.pattern, "u") : undefined;
  } catch {
    return undefined;
  }
  const min = typeof s.minLength === "number" ? s.minLength : 1;
  const tries = [
    reserved(name),
    ...CANDIDATES,
    ...CANDIDATES.map((c) => c.repeat(Math.ceil(min / c.length))),
  ];
  return tries.find((t) => inLength(s, t) && (!re || re.test(t)));
}

/** Whether a property name `key` is one 3.1's `propertyNames` schema `names` admits (its pattern and lengths). */
function keyFits(names: Schema, key: string): boolean {
  try {
    return (
      inLength(names, key) && (typeof names.pattern !== "string" || new RegExp(names.pattern, "u").test(key))
    );
  } catch {
    return false;
  }
}

function objectValue(root: Schema, s: Schema, depth: number, salt: number): Schema {
  const out: Schema = {};
  if (depth > 4) return out;
  const props = (s.properties ?? {}) as Schema;
  const required = new Set((s.required as string[] | undefined) ?? []);
  Object.keys(props).forEach((k, i) => {
    // A reply holds every property (down to depth 4); arguments the required ones and a few others.
    if (!required.has(k) && (edges ? i >= 24 : i >= 3 || depth >= 2)) return;
    const v = makeValue(root, props[k], k, depth + 1, salt + i);
    if (v !== undefined) out[k] = v;
  });
  const extra = s.additionalProperties;
  // An extra property's name satisfies 3.1's `propertyNames` when the schema has one (none is added if neither can).
  const names = deref(root, s.propertyNames);
  const key = [edges ? "extra_k1" : "k1", "extrak"].find((k) => keyFits(names, k));
  if (!key) return out;
  if ((Object.keys(props).length === 0 || edges) && extra && typeof extra === "object") {
    const v = makeValue(root, extra, "k1", depth + 1, salt);
    if (v !== undefined) out[key] = v;
  } else if (edges && extra === true) out[key] = "extra";
  return out;
}

function allOfValue(root: Schema, s: Schema, name: string, depth: number, salt: number): unknown {
  const merged: Schema = { type: "object", properties: {}, required: [] };
  for (const part of s.allOf as unknown[]) {
    const d = deref(root, part);
    // A part that is no object's members (a type, a union, another allOf) is the value's whole schema.
    if ((d.type && d.type !== "object") || (!d.properties && (d.allOf || d.anyOf || d.oneOf || d.enum)))
      return makeValue(root, d, name, depth, salt);
    Object.assign(merged.properties as Schema, d.properties ?? {});
    (merged.required as string[]).push(...((d.required as string[] | undefined) ?? []));
  }
  return makeValue(root, merged, name, depth, salt);
}

function givenValue(
  root: Schema,
  s: Schema,
  name: string,
  depth: number,
  salt: number,
): { value: unknown } | undefined {
  if ("const" in s) return { value: s.const };
  if (Array.isArray(s.enum) && s.enum.length > 0) return { value: s.enum[salt % s.enum.length] };
  if (Array.isArray(s.examples) && s.examples.length > 0) return { value: s.examples[0] };
  if ("default" in s && s.default !== null) return { value: s.default };
  for (const key of ["anyOf", "oneOf"]) {
    const alts = (s[key] as unknown[] | undefined)?.filter((a) => deref(root, a).type !== "null");
    if (alts?.length)
      return { value: makeValue(root, alts[salt % (edges ? alts.length : 1)], name, depth, salt) };
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return { value: allOfValue(root, s, name, depth, salt) };
  return undefined;
}

/** Whether values are being made for a reply (`replyValue`): with edge values, every property. */
let edges = false;

/**
 * A value for an upstream's reply from `schema` (inside `root`): as `makeValue`, with edge values where the schema
 * allows them: null for every other nullable member, an extra property where additional ones are allowed, an empty
 * array below the top, each alternative of a union in turn, every property.
 */
export function replyValue(root: Schema, schema: unknown): unknown {
  edges = true;
  try {
    return makeValue(root, schema, "body");
  } finally {
    edges = false;
  }
}

/** A value `schema` (inside `root`, whose `$defs` it may reference) accepts, or undefined when none is found. */
export function makeValue(root: Schema, schema: unknown, name: string, depth = 0, salt = 0): unknown {
  // JSON Schema's boolean schemas (`items: false` after 3.1's `prefixItems`): true takes anything, false nothing.
  if (typeof schema === "boolean") return schema ? `v-${name}` : undefined;
  const s = deref(root, schema);
  if (edges && depth > 0 && salt % 2 === 1 && (s.nullable === true || s["x-nullable"] === true)) return null;
  const given = givenValue(root, s, name, depth, salt);
  if (given) return given.value;
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== "null") : (s.type as string);
  switch (type) {
    case "integer":
      return typeof s.minimum === "number" ? Math.ceil(s.minimum) + 1 : 7;
    case "number":
      return typeof s.minimum === "number" ? s.minimum + 1.5 : 2.5;
    case "boolean":
      return true;
    case "array": {
      if (depth > 4 || (edges && depth > 0 && salt % 3 === 2 && !s.minItems)) return [];
      // 3.1's tuples: one value per `prefixItems` schema, in order (the `items` after them may be false).
      if (Array.isArray(s.prefixItems))
        return s.prefixItems.map((p, i) => makeValue(root, p, name, depth + 1, salt + i + 1));
      const max = typeof s.maxItems === "number" ? s.maxItems : 2;
      return Array.from({ length: Math.max(1, Math.min(2, max)) }, (_, i) =>
        makeValue(root, s.items ?? {}, name, depth + 1, salt + i + 1),
      );
    }
    case "object":
      return objectValue(root, s, depth, salt);
    case undefined:
      return s.properties || s.additionalProperties ? objectValue(root, s, depth, salt) : `v-${name}`;
    default:
      return stringValue(s, name);
  }
}

/** Arguments for a tool: every required one and the first `optional` optional ones (never a confirmation token). */
export function makeArgs(schema: Schema, optional = 4): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Schema;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const out: Record<string, unknown> = {};
  let taken = 0;
  Object.keys(props).forEach((k, i) => {
    if (k === "confirmation_token" || (!required.has(k) && taken++ >= optional)) return;
    const v = makeValue(schema, props[k], k, 0, i);
    if (v !== undefined) out[k] = v;
  });
  return out;
}
