import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { SchemaNode, SourceRef, ToolNode } from "../ir/types.js";
import type { LoadedDocument } from "../load/document.js";
import { DocumentSet } from "../load/document-set.js";
import type { ToolSpec } from "../manifest/types.js";
import { SchemaConverter } from "../normalize/openapi/schema.js";
import { humanize } from "../plan/names.js";
import { applyArgumentNaming, followsArgumentNaming } from "./arg-naming.js";
import { memberRules, presenceRule, ruleSentences } from "./argument-rules.js";
import { manifestFolder, outsideManifestFolder } from "./assets.js";
import type { BindContext } from "./http-tool.js";
import { annotationsFor, composeDescription, outputOf, policyOf, tagsOf } from "./tool-common.js";

export interface HandlerBindContext extends BindContext {
  doc: LoadedDocument;
  root: string;
}

/** Handler modules a catalog imports: absolute path -> handler key (the tool name), for emission and hashing. */
export interface HandlerRef {
  key: string;
  /** Path relative to the project root. */
  module: string;
  abs: string;
  exportName: string;
}

/** An export name a manifest may give after `#`: an identifier (ASCII), never code. */
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A tool whose work is hand-written (`handler: ./handlers/x.ts[#export]`): several calls combined, polling, local
 * files. Its arguments and result are JSON Schemas in the manifest; it runs inside the same policy chain.
 */
export function bindHandlerTool(
  name: string,
  spec: ToolSpec,
  at: SourceRef,
  ctx: HandlerBindContext,
  handlers: HandlerRef[],
): ToolNode | undefined {
  const handler = handlerModule(name, spec, ctx);
  if (!handler) return undefined;
  checkHandlerDeclarations(name, spec, at, ctx);
  checkHandlerArgs(name, spec, ctx);
  const input = handlerInput(name, spec, ctx);
  if (!input) return undefined;
  checkHandlerArgumentNames(name, input, ctx);
  const outputSchema = spec.output ? handlerSchema(name, "output", spec.output, ctx) : undefined;
  const { output, wrapped } = outputOf(outputSchema, ctx.symbols);
  const safety = spec.safety ?? "write";
  const title = spec.title ?? humanize(name, ctx.prefix);
  const notes: string[] = [];
  const module = relative(ctx.root, handler.abs).split("\\").join("/");
  handlers.push({ key: name, module, abs: handler.abs, exportName: handler.exportName });
  const argumentRules = handlerRules(input, ctx);
  // The rules follow the description as published (a blank line, then the sentences): within the cap.
  const rules = argumentRules.join(" ");
  return {
    name,
    title,
    description: composeDescription([spec.description], notes, rules ? rules.length + 2 : 0) || title,
    aliases: [...(spec.aliases ?? [])],
    safety,
    annotations: annotationsFor(title, safety, false, spec),
    input,
    ...(output ? { output } : {}),
    outputWrapped: wrapped,
    binding: {
      kind: "custom",
      handler: name,
      module: handler.exportName === "default" ? module : `${module}#${handler.exportName}`,
    },
    policy: policyOf(spec, safety),
    notes,
    ...(argumentRules.length > 0 ? { argumentRules } : {}),
    source: at,
    declaredAt: at,
    tags: tagsOf([], spec),
    deprecated: false,
  };
}

/** The handler's module (an existing file) and export name, or undefined after an error saying what is wrong. */
function handlerModule(
  name: string,
  spec: ToolSpec,
  ctx: HandlerBindContext,
): { abs: string; exportName: string } | undefined {
  const [file, exportName = "default", ...extra] = (spec.handler as string).split("#") as [string, string?];
  // Both reach generated code (an import specifier and an export name): refused unless plainly data.
  if (extra.length > 0 || !EXPORT_NAME.test(exportName) || CONTROL.test(file)) {
    ctx.diags.error(
      "TW118",
      `tool "${name}": handler must be a module path and optionally #exportName, a JavaScript identifier (got ${JSON.stringify(spec.handler)})`,
      ctx.doc.ref(`#/tools/${name}/handler`),
    );
    return undefined;
  }
  const abs = resolve(dirname(ctx.doc.abs), file);
  if (!existsSync(abs)) {
    ctx.diags.error(
      "TW118",
      `tool "${name}": handler module ${file} does not exist`,
      ctx.doc.ref(`#/tools/${name}/handler`),
    );
    return undefined;
  }
  // Compiled into handlers.gen.mjs, which is served and packed: only code from the manifest's own folder.
  const outside = outsideManifestFolder(abs, manifestFolder(ctx.doc.abs));
  if (outside !== undefined) {
    ctx.diags.error(
      "TW196",
      `tool "${name}": handler module ${file} ${outside}; handlers are compiled only from inside it`,
      ctx.doc.ref(`#/tools/${name}/handler`),
    );
    return undefined;
  }
  return { abs, exportName };
}

/** The spec cannot say what a hand-written tool does: the manifest must state its safety and description. */
function checkHandlerDeclarations(
  name: string,
  spec: ToolSpec,
  at: SourceRef,
  ctx: HandlerBindContext,
): void {
  if (!spec.safety) {
    ctx.diags.error(
      "TW110",
      `tool "${name}": a handler tool must state its safety (read, write or destructive)`,
      at,
    );
  }
  if (!spec.description) {
    ctx.diags.error(
      "TW110",
      `tool "${name}": a handler tool needs a description (the spec cannot supply one)`,
      at,
    );
  }
}

/**
 * `args:` renames and describes a spec operation's parameters and a GraphQL operation's variables; a hand-written
 * tool's arguments are its `input` schema's properties, which its handler reads by name. Before, `args:` here was
 * ignored without a word, so a rename or description the author wrote never reached the tool.
 */
function checkHandlerArgs(name: string, spec: ToolSpec, ctx: HandlerBindContext): void {
  const properties = (spec.input as { properties?: unknown } | undefined)?.properties;
  const names = properties && typeof properties === "object" ? Object.keys(properties) : [];
  for (const key of Object.keys(spec.args ?? {})) {
    ctx.diags.error(
      "TW115",
      names.includes(key)
        ? `tool "${name}": args: "${key}" does not apply to a handler tool: its arguments are input's properties, which its handler reads by name`
        : `tool "${name}": args: "${key}" is not an argument of the handler tool (input has: ${names.join(", ") || "none"})`,
      ctx.doc.ref(`#/tools/${name}/args/${key}`, true),
      "Describe the argument in input (its description); rename it there and in the handler.",
    );
  }
}

/** The tool's arguments: the manifest's input schema (an object, closed) or none; undefined after an error. */
function handlerInput(name: string, spec: ToolSpec, ctx: HandlerBindContext): SchemaNode | undefined {
  // The input view, as for spec operations: a 64-bit integer takes its digits as a string too.
  const declared = spec.input
    ? ctx.views.view(handlerSchema(name, "input", spec.input, ctx), "input")
    : undefined;
  const input = strictObject(declared && withPresence(name, declared, ctx));
  if (!input) {
    ctx.diags.error(
      "TW110",
      `tool "${name}": input must be an object schema`,
      ctx.doc.ref(`#/tools/${name}/input`),
    );
  }
  return input;
}

/**
 * What the input's root says about which arguments go together beyond each one's `required`: `dependentRequired`,
 * `not: {required: [...]}`, `minProperties`/`maxProperties` (and those of its allOf parts). The runtime enforces
 * them (the root is the tool's input schema); the model is told them in words too, as for an OpenAPI tool's
 * flattened body (`argument-rules.ts`): providers ignore such keywords at the root, or refuse them (OpenAI's strict
 * mode: `not`, `dependentRequired`), and the portable profile leaves them out.
 */
function handlerRules(input: SchemaNode, ctx: HandlerBindContext): string[] {
  if (input.kind !== "object") return [];
  const members = input.properties.map((p) => p.name);
  const own = new Set(members);
  const presence = (input.presence ?? []).map((r) => ({ kind: "presence" as const, ...r }));
  return ruleSentences(memberRules(input, members, presence, ctx.symbols), (m) =>
    own.has(m) ? m : undefined,
  );
}

/** A manifest input or output schema, converted to the IR. */
function handlerSchema(
  name: string,
  side: "input" | "output",
  value: Record<string, unknown>,
  ctx: HandlerBindContext,
): SchemaNode {
  // Each schema is its own resource: `#/$defs/address` inside it means its own $defs, as in JSON Schema.
  const doc = schemaDocument(ctx.doc, `#/tools/${name}/${side}`, value);
  const docs = new DocumentSet(doc, ctx.root, ctx.diags);
  const converter = new SchemaConverter(`handler:${name}:${side}`, "3.1", docs, ctx.symbols, ctx.diags);
  return converter.convert(value, { doc, pointer: "#" });
}

/** A schema embedded in the manifest, seen as a document of its own (positions still point into the manifest). */
function schemaDocument(manifest: LoadedDocument, at: string, value: unknown): LoadedDocument {
  const inside = (p: string) => `${at}${p.replace(/^#/, "")}`;
  return {
    ...manifest,
    data: value,
    ref: (p: string, key?: boolean) => manifest.ref(inside(p), key),
    cheapRef: (p: string) => manifest.cheapRef(inside(p)),
  };
}

/**
 * An input root that says which sets of its properties go together (`{type: object, properties: {id, name}, anyOf:
 * [{required: [id]}, {required: [name]}]}`, "give id or name"; `oneOf` for exactly one) is still an object, as MCP
 * requires: the object with its `presence` rules, enforced by the runtime and published as the `not` they amount
 * to (json-schema.ts: no combinator at the root). It was refused as no object. A set naming a property the input does not declare can never be met (the arguments are closed): said.
 */
function withPresence(name: string, node: SchemaNode, ctx: HandlerBindContext): SchemaNode {
  if (node.kind !== "intersection") return node;
  const rules: NonNullable<Extract<SchemaNode, { kind: "object" }>["presence"]> = [];
  const rest: SchemaNode[] = [];
  for (const part of node.parts) {
    const rule = presenceRule(part, ctx.symbols);
    if (rule) rules.push({ exclusive: rule.exclusive, sets: rule.sets });
    else rest.push(part);
  }
  const base = rest.length === 1 ? (rest[0] as SchemaNode) : undefined;
  if (rules.length === 0 || base?.kind !== "object") return node;
  const declared = new Set(base.properties.map((p) => p.name));
  for (const rule of rules)
    for (const set of rule.sets)
      for (const member of set.filter((m) => !declared.has(m)))
        ctx.diags.error(
          "TW110",
          `tool "${name}": input's ${rule.exclusive ? "oneOf" : "anyOf"} requires "${member}", which input's properties do not declare: a tool's arguments are closed, so no call could give it`,
          ctx.doc.ref(`#/tools/${name}/input`),
          "Declare it under input's properties, or take it out of the required set.",
        );
  const { kind: _kind, parts: _parts, ...meta } = node;
  return { ...base, ...meta, presence: [...(base.presence ?? []), ...rules] };
}

/** Tool arguments are always a closed object, whatever the manifest schema says about extra keys. */
function strictObject(node: SchemaNode | undefined): SchemaNode | undefined {
  if (!node) return { kind: "object", properties: [], additional: false };
  if (node.kind !== "object") return undefined;
  return { ...node, additional: false };
}

/** Handler inputs are named by their author; under a naming rule they should read like the other tools' arguments. */
function checkHandlerArgumentNames(name: string, input: SchemaNode, ctx: HandlerBindContext): void {
  const rule = ctx.naming(undefined);
  if (rule === "as_is" || input.kind !== "object") return;
  for (const p of input.properties) {
    if (followsArgumentNaming(p.name, rule)) continue;
    ctx.diags.warn(
      "TW126",
      `tool "${name}": argument "${p.name}" does not follow the catalog's ${rule} argument naming (expected "${applyArgumentNaming(p.name, rule)}")`,
      ctx.doc.ref(`#/tools/${name}/input/properties/${p.name}`),
    );
  }
}
