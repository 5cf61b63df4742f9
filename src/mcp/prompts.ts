import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import type { CatalogPrompt } from "../catalog.js";
import { setOwn } from "../catalog.js";
import { printable, printableList } from "./protocol-errors.js";

/**
 * Prompts are handlebars templates from the catalog folder (checked at generate time), each compiled on its first
 * prompts/get and kept, so handlebars loads only for a catalog whose prompts are used. `strict` makes a template
 * that names an undeclared variable fail loudly instead of rendering a blank; `noEscape` because the output is
 * plain text for a model, not HTML.
 */

type Render = (context: Record<string, string>) => string;

interface Entry {
  prompt: CatalogPrompt;
  render?: Render;
}

async function compiled(dir: string, entry: Entry): Promise<Render> {
  if (!entry.render) {
    const { default: Handlebars } = await import("handlebars");
    const source = readFileSync(resolve(dir, entry.prompt.asset), "utf8");
    entry.render = Handlebars.compile(source, { strict: true, noEscape: true });
  }
  return entry.render;
}

export function createPromptRenderer(dir: string, prompts: readonly CatalogPrompt[]) {
  const byName = new Map<string, Entry>(prompts.map((prompt) => [prompt.name, { prompt }]));

  return {
    list: () =>
      prompts.map((p) => ({
        name: p.name,
        arguments: p.arguments.map((a) => ({
          name: a.name,
          required: a.required,
          ...(a.description !== undefined ? { description: a.description } : {}),
        })),
        ...(p.title !== undefined ? { title: p.title } : {}),
        ...(p.description !== undefined ? { description: p.description } : {}),
      })),
    async get(name: string, args: Record<string, string> | undefined) {
      const entry = byName.get(name);
      if (!entry)
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown prompt: ${printable(name)}`);
      const given = args ?? {};
      const declared = new Set(entry.prompt.arguments.map((a) => a.name));
      const unknown = Object.keys(given).filter((key) => !declared.has(key));
      if (unknown.length > 0) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `unknown argument(s) for prompt ${name}: ${printableList(unknown)}`,
        );
      }
      // Own members only: an argument named `constructor` the client left out is missing, not Object's.
      const value = (a: { name: string }) => (Object.hasOwn(given, a.name) ? given[a.name] : undefined);
      const missing = entry.prompt.arguments.filter((a) => a.required && (value(a) ?? "") === "");
      if (missing.length > 0) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `missing required argument(s) for prompt ${name}: ${missing.map((a) => a.name).join(", ")}`,
        );
      }
      // Optional arguments the client left out render as empty, so `{{#if tone}}` works under `strict`.
      const context: Record<string, string> = {};
      for (const a of entry.prompt.arguments) setOwn(context, a.name, value(a) ?? "");
      const text = (await compiled(dir, entry))(context);
      return {
        ...(entry.prompt.description !== undefined ? { description: entry.prompt.description } : {}),
        messages: [{ role: "user" as const, content: { type: "text" as const, text } }],
      };
    },
  };
}
