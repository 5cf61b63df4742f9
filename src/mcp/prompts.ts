import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import Handlebars from "handlebars";
import type { CatalogPrompt } from "../catalog.js";

/**
 * Prompts are handlebars templates from the catalog folder, compiled once at start. `strict` makes a template
 * that names an undeclared variable fail loudly instead of rendering a blank; `noEscape` because the output is
 * plain text for a model, not HTML.
 */

type Render = (context: Record<string, string>) => string;

export function createPromptRenderer(dir: string, prompts: readonly CatalogPrompt[]) {
  const byName = new Map<string, { prompt: CatalogPrompt; render: Render }>();
  for (const prompt of prompts) {
    const source = readFileSync(resolve(dir, prompt.asset), "utf8");
    const render = Handlebars.compile(source, { strict: true, noEscape: true });
    byName.set(prompt.name, { prompt, render });
  }

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
    get(name: string, args: Record<string, string> | undefined) {
      const entry = byName.get(name);
      if (!entry) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown prompt: ${name}`);
      const given = args ?? {};
      const declared = new Set(entry.prompt.arguments.map((a) => a.name));
      const unknown = Object.keys(given).filter((key) => !declared.has(key));
      if (unknown.length > 0) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `unknown argument(s) for prompt ${name}: ${unknown.join(", ")}`,
        );
      }
      const missing = entry.prompt.arguments.filter((a) => a.required && (given[a.name] ?? "") === "");
      if (missing.length > 0) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `missing required argument(s) for prompt ${name}: ${missing.map((a) => a.name).join(", ")}`,
        );
      }
      // Optional arguments the client left out render as empty, so `{{#if tone}}` works under `strict`.
      const context: Record<string, string> = {};
      for (const a of entry.prompt.arguments) context[a.name] = given[a.name] ?? "";
      const text = entry.render(context);
      return {
        ...(entry.prompt.description !== undefined ? { description: entry.prompt.description } : {}),
        messages: [{ role: "user" as const, content: { type: "text" as const, text } }],
      };
    },
  };
}
