import { isJsonObject } from "../../src/catalog.js";
import type { SourceRef } from "../ir/types.js";

/**
 * Introspection results as older servers and tools wrote them, brought to the shape graphql-js 16 builds from.
 * Before 2016 directives had `onOperation` / `onFragment` / `onField` flags instead of `locations`; many servers
 * still omit lists that are empty (`interfaces`, `args`, `possibleTypes`, `inputFields`) or that newer
 * introspection queries added (an interface's own `interfaces`, directives' `args`). Missing lists are empty,
 * which is what the old servers meant. A scalar's `specifiedByUrl` (the spelling before the October 2021 spec) is
 * read as `specifiedByURL`. Anything else is passed through for graphql-js to judge.
 */

type Json = Record<string, unknown>;

const OLD_LOCATION_FLAGS: Record<string, string[]> = {
  onOperation: ["QUERY", "MUTATION", "SUBSCRIPTION"],
  onFragment: ["FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
  onField: ["FIELD"],
};

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function withArgs(field: unknown): unknown {
  return isJsonObject(field) ? { ...field, args: list(field.args) } : field;
}

function modernType(type: unknown): unknown {
  if (!isJsonObject(type)) return type;
  const out: Json = { ...type };
  const fields = () => list(type.fields).map(withArgs);
  switch (type.kind) {
    case "OBJECT":
      Object.assign(out, { fields: fields(), interfaces: list(type.interfaces) });
      break;
    case "INTERFACE":
      Object.assign(out, {
        fields: fields(),
        interfaces: list(type.interfaces),
        possibleTypes: list(type.possibleTypes),
      });
      break;
    case "UNION":
      out.possibleTypes = list(type.possibleTypes);
      break;
    case "ENUM":
      out.enumValues = list(type.enumValues);
      break;
    case "INPUT_OBJECT":
      out.inputFields = list(type.inputFields);
      break;
    case "SCALAR":
      // The spec spelled it `specifiedByUrl` until October 2021 (graphql-js 15, graphql-java before 17).
      if (out.specifiedByURL == null && typeof type.specifiedByUrl === "string")
        out.specifiedByURL = type.specifiedByUrl;
      break;
  }
  return out;
}

function modernDirective(directive: unknown): unknown {
  if (!isJsonObject(directive)) return directive;
  const locations = Array.isArray(directive.locations)
    ? directive.locations
    : Object.entries(OLD_LOCATION_FLAGS).flatMap(([flag, where]) => (directive[flag] === true ? where : []));
  return { ...directive, locations, args: list(directive.args) };
}

/** `__schema` in the shape graphql-js's `buildClientSchema` expects. */
export function modernIntrospection(schema: Json): Json {
  return {
    ...schema,
    types: Array.isArray(schema.types) ? schema.types.map(modernType) : schema.types,
    directives: list(schema.directives).map(modernDirective),
  };
}

/**
 * Where in an introspection file a graphql-js complaint is: the first `"name": "X"` for the type its message
 * names (an unknown type is found where it is referred to), else the file.
 */
export function locateInJson(f: { file: string; text: string }, message: string): SourceRef {
  const name =
    /unknown type: "?([_A-Za-z][_0-9A-Za-z]*)/.exec(message)?.[1] ??
    /name: "([_A-Za-z][_0-9A-Za-z]*)"/.exec(message)?.[1];
  if (!name) return { file: f.file };
  const at = new RegExp(`"name"\\s*:\\s*"${name}"`).exec(f.text)?.index;
  return at === undefined ? { file: f.file } : offsetRef(f, at);
}

/** Where a character of a file's text is, by its offset: its line and column (1-based). */
export function offsetRef(f: { file: string; text: string }, at: number): SourceRef {
  const before = f.text.slice(0, at);
  return { file: f.file, line: before.split("\n").length, column: at - before.lastIndexOf("\n") };
}
