/**
 * Probe values for a JSON Schema: one plausible valid value, then mutations of it (each property removed,
 * replaced by values of every JSON kind, an unknown key added). Used to check that two validators agree; the
 * probes need not be valid, only varied.
 */
type Schema = Record<string, any>;

const KINDS: unknown[] = [null, true, 0, 7, 1.5, -3, "", "x", "circle", [], {}, ["x"], { x: 1 }];

function deref(schema: Schema, defs: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 20 && typeof s?.$ref === "string"; i++) s = defs[s.$ref.replace("#/$defs/", "")] ?? {};
  return s ?? {};
}

export function validValue(schema: Schema | boolean, defs: Schema, depth = 0): unknown {
  if (schema === true || schema === false || schema === undefined) return "x";
  const s = deref(schema, defs);
  if (depth > 6) return null;
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.examples) && s.examples.length > 0 && typeof s.examples[0] !== "object")
    return s.examples[0];
  if (Array.isArray(s.anyOf)) return validValue(s.anyOf[0], defs, depth + 1);
  if (Array.isArray(s.oneOf)) return validValue(s.oneOf[0], defs, depth + 1);
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((p: Schema) => validValue(p, defs, depth + 1));
    const own =
      s.type === "object" && s.properties
        ? (validValue({ ...s, allOf: undefined }, defs, depth + 1) as object)
        : {};
    return parts.every((p: unknown) => p && typeof p === "object" && !Array.isArray(p))
      ? Object.assign({}, own, ...parts)
      : parts[0];
  }
  switch (s.type) {
    case "string":
      return s.pattern === "^[A-Z]{3}$" ? "EUR" : "x".repeat(Math.max(1, s.minLength ?? 1));
    case "integer":
    case "number": {
      let n = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      if (s.multipleOf) n = Math.ceil(n / s.multipleOf) * s.multipleOf;
      if (s.maximum !== undefined && n > s.maximum) n = s.maximum;
      return s.type === "integer" ? Math.ceil(n) : n;
    }
    case "boolean":
      return true;
    case "null":
      return null;
    case "array":
      if (Array.isArray(s.prefixItems))
        return s.prefixItems.map((p: Schema) => validValue(p, defs, depth + 1));
      return Array.from({ length: s.minItems ?? 0 }, () => validValue(s.items, defs, depth + 1));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = validValue(s.properties?.[key] ?? {}, defs, depth + 1);
      return out;
    }
    default:
      return "x";
  }
}

/** The valid value and its mutations, top-level and one level down. */
export function probes(root: Schema): unknown[] {
  const defs = root.$defs ?? {};
  const base = validValue(root, defs);
  const out: unknown[] = [base, {}, null, [], "x"];
  if (!base || typeof base !== "object" || Array.isArray(base)) return out;
  const props = Object.keys(root.properties ?? {});
  out.push({ ...base, unexpected_key: 1 });
  for (const key of props) {
    const { [key]: _dropped, ...without } = base as Record<string, unknown>;
    out.push(without);
    for (const v of KINDS) out.push({ ...base, [key]: v });
    const propSchema = deref(root.properties[key], defs);
    const valid = validValue(propSchema, defs);
    out.push({ ...base, [key]: valid });
    if (valid && typeof valid === "object" && !Array.isArray(valid)) {
      out.push({ ...base, [key]: { ...valid, unexpected_key: 1 } });
      for (const inner of Object.keys(propSchema.properties ?? {})) {
        for (const v of [null, 1, "x", []]) out.push({ ...base, [key]: { ...valid, [inner]: v } });
      }
    }
    if (Array.isArray(valid)) out.push({ ...base, [key]: [...valid, ...valid] }, { ...base, [key]: [null] });
  }
  return out;
}
