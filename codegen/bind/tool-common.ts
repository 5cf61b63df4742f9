import type { SymbolTable } from "../ir/symbols.js";
import type { Safety, SafetyBasis, SchemaNode, ToolAnnotations, ToolPolicy } from "../ir/types.js";
import { resolveRefs } from "../ir/views.js";
import type { ToolSpec } from "../manifest/types.js";

/** Hosts cap descriptions near 2 KB; longer ones are cut with a note. */
export const MAX_DESCRIPTION = 1800;

/** The class a tool gets: the manifest's `safety:` when it states one, else the classifier's proposal. */
export function decideSafety(
  proposal: SafetyBasis,
  spec: ToolSpec | undefined,
): { safety: Safety; safetyBasis: SafetyBasis } {
  const safetyBasis: SafetyBasis = spec?.safety ? { ...proposal, manifest: spec.safety } : proposal;
  return { safety: spec?.safety ?? proposal.proposed, safetyBasis };
}

/** Annotations follow the safety class, so they can never contradict what the tool does. */
export function annotationsFor(
  title: string,
  safety: Safety,
  idempotentByDefault: boolean,
  spec: ToolSpec | undefined,
): ToolAnnotations {
  return {
    title,
    readOnlyHint: safety === "read",
    destructiveHint: safety === "destructive",
    idempotentHint: spec?.idempotent ?? (safety === "read" || idempotentByDefault),
    openWorldHint: spec?.open_world ?? true,
  };
}

/**
 * The tool's description from the spec's texts (summary, description), each said once, cut to `MAX_DESCRIPTION`
 * characters less `reserve` (room for what the publisher appends: the argument rules, so a host's cap never cuts
 * them off the end).
 */
export function composeDescription(parts: (string | undefined)[], notes: string[], reserve = 0): string {
  const [first, ...rest] = parts.filter((p): p is string => typeof p === "string" && p.trim() !== "");
  let text = first ?? "";
  // The text as compared, made once per text and per part (not once per test).
  let seen: string | undefined;
  for (const p of rest) {
    // A part the text already says is left out; a part that begins with all the text replaces it (a summary that
    // is the description's first sentence, as Azure, DocuSign and many others write them, is not said twice).
    seen ??= comparable(text);
    const part = comparable(p);
    if (seen.includes(part)) continue;
    text = text && !part.startsWith(seen) ? `${text}\n\n${p}` : p;
    seen = undefined;
  }
  const max = MAX_DESCRIPTION - reserve;
  if (text.length > max) {
    notes.push(
      `description cut to ${max} characters (hosts cap long descriptions${reserve > 0 ? "; its argument rules follow it" : ""})`,
    );
    // Never half of a surrogate pair (an emoji at the cut).
    text = `${text
      .slice(0, max - 1)
      .replace(/[\uD800-\uDBFF]$/, "")
      .trimEnd()}…`;
  }
  return text;
}

/** Text as compared for repetition: whitespace runs as one space, without a final full stop. */
function comparable(text: string): string {
  return text.replace(/\s+/g, " ").trim().replace(/\.$/, "");
}

/** A one-line title from a spec summary, when it is short enough to be one. */
export function titleFromSummary(summary: string | undefined): string | undefined {
  if (!summary || summary.length > 80 || summary.includes("\n")) return undefined;
  return summary.replace(/\.$/, "");
}

export function policyOf(spec: ToolSpec | undefined, safety: Safety): ToolPolicy {
  const p: ToolPolicy = {};
  if (!spec) return safety === "destructive" ? { confirm: "required" } : p;
  if (spec.scoped_path) p.scopedPath = spec.scoped_path;
  if (spec.scoped_list) {
    p.scopedList = {
      prefixArg: spec.scoped_list.prefix_arg,
      itemsPath: spec.scoped_list.items,
      itemPathField: spec.scoped_list.path_field,
    };
  }
  if (spec.scoped_items && spec.scoped_items.length > 0) {
    p.scopedItems = spec.scoped_items.map((list) => ({
      itemsPath: list.items,
      itemPathField: list.path_field,
    }));
  }
  if (spec.scoped_values && spec.scoped_values.length > 0) {
    p.scopedValues = spec.scoped_values.map((v) => ({
      arg: v.arg,
      kind: v.kind,
      ...(v.base ? { base: "arg" in v.base ? { arg: v.base.arg } : { lookup: { ...v.base.lookup } } } : {}),
    }));
  }
  if (spec.not_paths && spec.not_paths.length > 0) p.notPaths = [...spec.not_paths];
  if (spec.tenant_arg) p.tenantArg = spec.tenant_arg;
  if (spec.partner_arg) p.partnerArg = spec.partner_arg;
  if (spec.masked && spec.masked.length > 0) p.masked = [...spec.masked];
  const confirm = spec.confirm ?? (safety === "destructive" ? "required" : undefined);
  if (confirm) p.confirm = confirm;
  if (spec.secret_keys) {
    p.secretKeys = {
      keysArg: spec.secret_keys.keys_arg,
      ...(spec.secret_keys.values_arg ? { valuesArg: spec.secret_keys.values_arg } : {}),
    };
  }
  if (spec.names_only) p.namesOnly = spec.names_only;
  return p;
}

/**
 * Whether a schema's root is an object (MCP output schemas must be), following names. An allOf that reaches itself
 * again (`A: { allOf: [{ $ref: A }, ...] }`) is not known to be one: it is published under `result`.
 */
export function isObjectRoot(
  node: SchemaNode,
  symbols: SymbolTable,
  open: Set<SchemaNode> = new Set(),
): boolean {
  const n = resolveRefs(node, symbols);
  if (n.kind === "object") return true;
  if (n.kind !== "intersection" || open.has(n)) return false;
  open.add(n);
  const all = n.parts.every((p) => isObjectRoot(p, symbols, open));
  open.delete(n);
  return all;
}

/** Output schema of a tool: objects as they are; anything else under `result` (MCP requires an object). */
export function outputOf(
  schema: SchemaNode | undefined,
  symbols: SymbolTable,
): { output?: SchemaNode; wrapped: boolean } {
  if (!schema) return { wrapped: false };
  if (isObjectRoot(schema, symbols)) return { output: schema, wrapped: false };
  return {
    output: { kind: "object", additional: false, properties: [{ name: "result", required: true, schema }] },
    wrapped: true,
  };
}

/** The spec's tags, then the manifest's (`tags:`), each once, in that order. */
export function tagsOf(specTags: readonly string[], spec: ToolSpec | undefined): string[] {
  return [...new Set([...specTags, ...(spec?.tags ?? [])])];
}
