/**
 * The fixed text of the generated schemas modules (\`modules.ts\`): the helpers a module defines when its schemas use
 * them, and the lines around its declarations and tools. Written here as they appear in the generated files.
 */

/** `uniqueItems` for schemas.gen.ts (after the imports, when a schema uses it). */
export const UNIQUE_ITEMS_TS = `
/** JSON Schema \`uniqueItems\`: deep equality, independent of object key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return \`[\${value.map(canonical).join(",")}]\`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return \`{\${entries.map(([k, v]) => \`\${JSON.stringify(k)}:\${canonical(v)}\`).join(",")}}\`;
  }
  return JSON.stringify(value);
}

function uniqueItems(items: unknown[]): boolean {
  return new Set(items.map(canonical)).size === items.length;
}
`;

/** `closedParts` for schemas.gen.ts. */
export const CLOSED_PARTS_TS = `
/**
 * JSON Schema \`allOf\` with a closed part: that part must see the whole value. zod's intersection reports an
 * unknown key only when no part knows it, so the closed parts are checked again on their own.
 */
function closedParts(...parts: z.ZodType[]) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    for (const part of parts) {
      const result = part.safeParse(value);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    }
  };
}
`;

/** `multipleOf` (and its `decimal`) for schemas.gen.ts. */
export const MULTIPLE_OF_TS = `
/** A finite number as the decimal JSON writes it (its shortest form): [coefficient, exponent of ten]. */
function decimal(n: number): [bigint, number] | undefined {
  const m = /^(-?)([0-9]+)(?:\\.([0-9]+))?(?:e([+-][0-9]+))?$/.exec(String(n));
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  return [BigInt(\`\${m[1]}\${m[2]}\${fraction}\`), Number(m[4] ?? 0) - fraction.length];
}

/**
 * JSON Schema \`multipleOf\`, exact: the value as JSON writes it (what the upstream receives) over the step as the
 * spec writes it is an integer. zod's own \`.multipleOf\` divides doubles within a tolerance, ajv's without one.
 */
function multipleOf(step: number): [(n: number) => boolean, string] {
  const s = decimal(step);
  // A whole step: a safe integer's remainder is exact in doubles (its decimal is the double), and a number with a
  // fraction is a multiple of none; the decimals below give the same answers, about 20 times slower.
  const whole = Number.isSafeInteger(step) && step > 0;
  const check = (n: number) => {
    if (whole && Number.isSafeInteger(n)) return n % step === 0;
    if (whole && Number.isFinite(n) && !Number.isInteger(n)) return false;
    const v = decimal(n);
    if (!v || !s) return false;
    const e = Math.min(v[1], s[1]);
    return (v[0] * 10n ** BigInt(v[1] - e)) % (s[0] * 10n ** BigInt(s[1] - e)) === 0n;
  };
  return [check, \`must be a multiple of \${step}\`];
}
`;

/** `not` (`notMatching`) for schemas.gen.ts. */
export const NOT_TS = `
/** JSON Schema \`not\`: a value \`schema\` takes is refused. */
function notMatching(schema: z.ZodType): [(value: unknown) => boolean, string] {
  return [(value: unknown) => !schema.safeParse(value).success, "must not match the schema under not"];
}
`;

/** `propertyNames` for schemas.gen.ts. */
export const PROPERTY_NAMES_TS = `
/** JSON Schema \`propertyNames\`: every key of the object is a string \`schema\` takes. */
function propertyNames(schema: z.ZodType): [(object: object) => boolean, string] {
  const check = (object: object) => Object.keys(object).every((key) => schema.safeParse(key).success);
  return [check, "has a property name propertyNames does not allow"];
}
`;

/** `dependentRequired` for schemas.gen.ts. */
export const DEPENDENT_REQUIRED_TS = `
/** JSON Schema \`dependentRequired\`: with each key present, so are the names listed for it. */
function dependentRequired(entries: [string, string[]][]): [(object: object) => boolean, string] {
  const check = (object: object) =>
    entries.every(([key, names]) => !Object.hasOwn(object, key) || names.every((name) => Object.hasOwn(object, name)));
  return [check, \`needs, with each key, the properties dependentRequired lists for it: \${JSON.stringify(entries)}\`];
}
`;

/** `refined` for schemas.gen.ts. */
export const REFINED_TS = `
/**
 * Refinements inside a recursive getter, typed as the schema they refine: TypeScript would otherwise infer the
 * refinement's callback from the type the getter is defining, and give up (TS7023).
 */
function refined<T extends z.ZodType>(schema: T, refine: (schema: z.ZodType<any>) => z.ZodType): T {
  return refine(schema) as T;
}
`;

/** schemas.gen.ts's lines after the tools table. */
export const SCHEMAS_TS_TAIL = `};

type Tools = typeof tools;

/** Argument and result types per tool, for hand-written handlers. */
export type ToolTypes = {
  [K in keyof Tools]: {
    input: z.input<ReturnType<Tools[K]["input"]>>;
    output: Tools[K] extends { output: () => infer O extends z.ZodType } ? z.output<O> : unknown;
  };
};
`;

/** schemas.gen.mjs's lines after the header. */
export const SCHEMAS_JS_HEAD = `// The runtime loads this file; schemas.gen.ts says the same in TypeScript (for type-checking and review).
`;

/** `uniqueItems` for schemas.gen.mjs. */
export const UNIQUE_ITEMS_JS = `
/** JSON Schema \`uniqueItems\`: deep equality, independent of object key order. */
function canonical(value) {
  if (Array.isArray(value)) return \`[\${value.map(canonical).join(",")}]\`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return \`{\${entries.map(([k, v]) => \`\${JSON.stringify(k)}:\${canonical(v)}\`).join(",")}}\`;
  }
  return JSON.stringify(value);
}

function uniqueItems(items) {
  return new Set(items.map(canonical)).size === items.length;
}
`;

/** `closedParts` for schemas.gen.mjs. */
export const CLOSED_PARTS_JS = `
/**
 * JSON Schema \`allOf\` with a closed part: that part must see the whole value. zod's intersection reports an
 * unknown key only when no part knows it, so the closed parts are checked again on their own.
 */
function closedParts(...parts) {
  return (value, ctx) => {
    for (const part of parts) {
      const result = part.safeParse(value);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    }
  };
}
`;

/** `multipleOf` (and its `decimal`) for schemas.gen.mjs. */
export const MULTIPLE_OF_JS = `
/** A finite number as the decimal JSON writes it (its shortest form): [coefficient, exponent of ten]. */
function decimal(n) {
  const m = /^(-?)([0-9]+)(?:\\.([0-9]+))?(?:e([+-][0-9]+))?$/.exec(String(n));
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  return [BigInt(\`\${m[1]}\${m[2]}\${fraction}\`), Number(m[4] ?? 0) - fraction.length];
}

/**
 * JSON Schema \`multipleOf\`, exact: the value as JSON writes it (what the upstream receives) over the step as the
 * spec writes it is an integer. zod's own \`.multipleOf\` divides doubles within a tolerance, ajv's without one.
 */
function multipleOf(step) {
  const s = decimal(step);
  // A whole step: a safe integer's remainder is exact in doubles (its decimal is the double), and a number with a
  // fraction is a multiple of none; the decimals below give the same answers, about 20 times slower.
  const whole = Number.isSafeInteger(step) && step > 0;
  const check = (n) => {
    if (whole && Number.isSafeInteger(n)) return n % step === 0;
    if (whole && Number.isFinite(n) && !Number.isInteger(n)) return false;
    const v = decimal(n);
    if (!v || !s) return false;
    const e = Math.min(v[1], s[1]);
    return (v[0] * 10n ** BigInt(v[1] - e)) % (s[0] * 10n ** BigInt(s[1] - e)) === 0n;
  };
  return [check, \`must be a multiple of \${step}\`];
}
`;

/** `not` (`notMatching`) for schemas.gen.mjs. */
export const NOT_JS = `
/** JSON Schema \`not\`: a value \`schema\` takes is refused. */
function notMatching(schema) {
  return [(value) => !schema.safeParse(value).success, "must not match the schema under not"];
}
`;

/** `propertyNames` for schemas.gen.mjs. */
export const PROPERTY_NAMES_JS = `
/** JSON Schema \`propertyNames\`: every key of the object is a string \`schema\` takes. */
function propertyNames(schema) {
  const check = (object) => Object.keys(object).every((key) => schema.safeParse(key).success);
  return [check, "has a property name propertyNames does not allow"];
}
`;

/** `dependentRequired` for schemas.gen.mjs. */
export const DEPENDENT_REQUIRED_JS = `
/** JSON Schema \`dependentRequired\`: with each key present, so are the names listed for it. */
function dependentRequired(entries) {
  const check = (object) =>
    entries.every(([key, names]) => !Object.hasOwn(object, key) || names.every((name) => Object.hasOwn(object, name)));
  return [check, \`needs, with each key, the properties dependentRequired lists for it: \${JSON.stringify(entries)}\`];
}
`;

/** schemas.gen.mjs's `named` and the schemas function's opening, before the declarations. */
export const SCHEMAS_JS_NAMED = `
/** A named schema, built on first use and kept. */
function named(build) {
  let schema;
  return () => (schema ??= build());
}

/**
 * Per tool: argument and result schemas, built on first use with the runtime's own zod (\`z\`) and pattern
 * matchers (\`rt\`: spec patterns run in linear time).
 */
export default function schemas(z, rt) {
`;
