import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import type { CatalogDocument } from "../catalog.js";
import { type ListingRequest, MAX_COMPLETIONS, type TemplateListingSurface } from "./resource-listing.js";

/**
 * `completion/complete`: suggestions for an argument of a prompt or a resource template, from the value sets the
 * catalog knows (an asset template serves exactly its listed values, so those are the completions), or from the
 * API for a tool-bound template that says how it is listed (`list:`, through the chain: see resource-listing.ts).
 * Prompt arguments and other tool-backed template variables are free text: the answer is an empty list.
 */

export { MAX_COMPLETIONS };

export type CompletionRef = { type: "ref/prompt"; name: string } | { type: "ref/resource"; uri: string };

export interface CompletionRequest extends ListingRequest {
  /** Values of the template's other variables the user already chose (`context.arguments`). */
  context?: Record<string, string>;
}

export function createCompleter(
  doc: Pick<CatalogDocument, "prompts" | "resourceTemplates">,
  listing?: Pick<TemplateListingSurface, "complete">,
) {
  const prompts = new Map(doc.prompts.map((p) => [p.name, new Set(p.arguments.map((a) => a.name))]));
  const templates = new Map(
    doc.resourceTemplates.map((t) => [
      t.uriTemplate,
      t.assets ? new Map([[t.assets.variable, t.assets.values]]) : new Map<string, string[]>(),
    ]),
  );

  return async (
    ref: CompletionRef,
    argument: { name: string; value: string },
    request?: CompletionRequest,
  ) => {
    let pool: readonly string[] = [];
    if (ref.type === "ref/prompt") {
      const args = prompts.get(ref.name);
      if (!args) throw new ProtocolError(ProtocolErrorCode.InvalidParams, "unknown prompt");
      if (!args.has(argument.name))
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, "unknown argument");
    } else {
      const variables = templates.get(ref.uri);
      if (!variables) throw new ProtocolError(ProtocolErrorCode.InvalidParams, "unknown resource template");
      pool = variables.get(argument.name) ?? [];
      const listed =
        request && listing?.complete(ref.uri, argument.name, argument.value, request.context ?? {}, request);
      if (listed) return { completion: await listed };
    }
    const prefix = argument.value.toLowerCase();
    const matches = pool.filter((value) => value.toLowerCase().startsWith(prefix));
    return {
      completion: {
        values: matches.slice(0, MAX_COMPLETIONS),
        total: matches.length,
        hasMore: matches.length > MAX_COMPLETIONS,
      },
    };
  };
}
