import { pathToFileURL } from "node:url";
import openapiTS, { astToString, type OpenAPI3, UNKNOWN } from "openapi-typescript";
import type { Diagnostics } from "../diagnostics.js";
import type { OpenApiSpec } from "../load/openapi.js";

/** OpenAPI allows discriminator mappings by schema name; the bundler underneath openapi-typescript wants refs. */
function mappingNamesToRefs(value: unknown): void {
  if (!value || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach(mappingNamesToRefs);
    return;
  }
  const obj = value as Record<string, unknown>;
  const d = obj.discriminator as { mapping?: Record<string, string> } | undefined;
  if (d?.mapping) {
    for (const [k, v] of Object.entries(d.mapping)) {
      if (!v.includes("#") && !v.includes("/")) d.mapping[k] = `#/components/schemas/${v}`;
    }
  }
  for (const v of Object.values(obj)) mappingNamesToRefs(v);
}

/**
 * Schemas referenced inside `paths` (`#/paths/~1a/post/requestBody/...`) become components: openapi-typescript
 * types such references by indexing optional members, which does not type-check.
 */
function hoistPathRefs(doc: Record<string, any>): void {
  const hoisted = new Map<string, string>();
  const lookup = (pointer: string): unknown =>
    pointer
      .slice(2)
      .split("/")
      .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>(
        (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
        doc,
      );
  const visit = (value: unknown): void => {
    if (!value || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    const obj = value as Record<string, unknown>;
    if (typeof obj.$ref === "string" && obj.$ref.startsWith("#/paths/")) {
      let name = hoisted.get(obj.$ref);
      if (!name) {
        name = `PathSchema${hoisted.size + 1}`;
        hoisted.set(obj.$ref, name);
        doc.components ??= {};
        doc.components.schemas ??= {};
        doc.components.schemas[name] = structuredClone(lookup(obj.$ref)) ?? {};
        visit(doc.components.schemas[name]);
      }
      obj.$ref = `#/components/schemas/${name}`;
    }
    for (const v of Object.values(obj)) visit(v);
  };
  visit(doc.paths);
  visit(doc.components);
}

/**
 * Request/response types of an OpenAPI source, from openapi-typescript: `paths`, `operations` and `components`
 * for hand-written handlers that talk to the API directly. A 2.0 spec is typed from its 3.0 conversion.
 * Returns undefined (with a warning) when openapi-typescript cannot type the spec; the catalog does not need it.
 */
export async function openapiTypes(
  spec: OpenApiSpec,
  header: string,
  diags: Diagnostics,
  /** Pointers of schemas recursive without an object in between (`T = string | T[]`): TypeScript cannot alias those. */
  untypable: Set<string> = new Set(),
): Promise<string | undefined> {
  // openapi-typescript resolves relative refs against this URL as a file (its folder would be one level too high).
  const cwd = pathToFileURL(spec.root.abs);
  const patched = structuredClone(spec.root.data) as OpenAPI3;
  mappingNamesToRefs(patched);
  hoistPathRefs(patched as Record<string, any>);
  const needsPatch = JSON.stringify(patched) !== JSON.stringify(spec.root.data);
  const attempts: (() => OpenAPI3 | URL)[] = [
    () => (spec.version === "2.0" || needsPatch ? patched : pathToFileURL(spec.root.abs)),
  ];
  let lastError: Error | undefined;
  for (const source of attempts) {
    try {
      const ast = await openapiTS(source(), {
        silent: true,
        alphabetize: false,
        cwd,
        transform: (_schema, options) => (options.path && untypable.has(options.path) ? UNKNOWN : undefined),
      });
      return `${header}\n\n${astToString(ast)}`;
    } catch (e) {
      lastError = e as Error;
    }
  }
  diags.warn(
    "TW136",
    `openapi-typescript cannot type this spec (${lastError?.message ?? "unknown error"}); no ${spec.root.file} types file is generated`,
    { file: spec.root.file },
  );
  return undefined;
}
