import { z } from "zod";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { JsonSchemaEmitter } from "../../codegen/emit/json-schema.js";
import {
  DEPENDENT_REQUIRED_JS,
  MULTIPLE_OF_JS,
  NOT_JS,
  PROPERTY_NAMES_JS,
} from "../../codegen/emit/module-parts.js";
import { ZodEmitter } from "../../codegen/emit/zod.js";
import { SymbolTable } from "../../codegen/ir/symbols.js";
import type { LoadedDocument } from "../../codegen/load/document.js";
import { DocumentSet, type OpenApiVersion } from "../../codegen/load/document-set.js";
import { SchemaConverter } from "../../codegen/normalize/openapi/schema.js";
import { planSymbols } from "../../codegen/plan/symbols.js";

/** The same helper the schemas template emits. */
export function closedParts(...parts: z.ZodType[]) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    for (const part of parts) {
      const result = part.safeParse(value);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    }
  };
}

export function uniqueItems(items: unknown[]): boolean {
  return new Set(items.map((i) => JSON.stringify(i))).size === items.length;
}

/**
 * One schema, in a document of its own (`components` beside it), through normalize -> IR -> both emitters: the
 * zod expression, the JSON Schema, the named schemas it reaches (`decls`, zod declarations in dependency order;
 * `defs`, JSON Schema by `$defs` name) and the diagnostics.
 */
export function emit(
  schema: unknown,
  version: OpenApiVersion = "3.1",
  components: Record<string, unknown> = {},
) {
  const data = {
    openapi: version === "3.1" ? "3.1.0" : "3.0.3",
    components: { schemas: { ...components, Subject: schema } },
  };
  const doc: LoadedDocument = {
    abs: "/virtual/spec.yaml",
    file: "spec.yaml",
    text: "",
    data,
    ref: (pointer) => ({ file: "spec.yaml", pointer }),
    cheapRef: (pointer) => ({ file: "spec.yaml", pointer }),
  };
  const diags = new Diagnostics();
  const symbols = new SymbolTable();
  const converter = new SchemaConverter(
    "t",
    version,
    new DocumentSet(doc, "/virtual", diags),
    symbols,
    diags,
  );
  const node = converter.convert(schema, { doc, pointer: "#/components/schemas/Subject" });
  const plan = planSymbols([node], symbols);
  const zod = new ZodEmitter(symbols, plan);
  const json = new JsonSchemaEmitter(symbols);
  const defs: Record<string, unknown> = {};
  for (const sym of symbols.all()) defs[sym.defName] = json.node(sym.schema);
  return {
    zod: zod.expr(node),
    json: json.node(node),
    decls: plan.order.map((sym) => zod.declaration(sym.id).replace(/^export /, "")).join("\n"),
    defs,
    diags: diags.items,
  };
}

/** The helpers the JavaScript schemas module defines when a schema uses them (the code the runtime runs). */
const HELPERS = [MULTIPLE_OF_JS, NOT_JS, PROPERTY_NAMES_JS, DEPENDENT_REQUIRED_JS].join("\n");

/** A zod expression (with the named schemas it refers to declared before it) as a schema. */
export function zodOf(expr: string, decls = ""): z.ZodType {
  return new Function("z", "uniqueItems", "closedParts", `${HELPERS}\n${decls}\nreturn ${expr};`)(
    z,
    uniqueItems,
    closedParts,
  ) as z.ZodType;
}
