import type { Diagnostics } from "../diagnostics.js";
import { textCredentials } from "../url-credentials.js";
import { encodePointer, type LoadedDocument } from "./document.js";

/** The members whose text a catalog copies: a tool's, a parameter's, a schema's, a response's, the API's own. */
const TEXT_KEYS = new Set(["description", "summary", "title"]);
/**
 * Values, not prose, a catalog copies into the published input and output schemas (the model reads them), CATALOG.md
 * and the generated code: an example is shown; a default, an enum member or a const is also what a call sends.
 */
const EXAMPLE_KEYS = new Set(["example", "examples", "x-example", "x-examples"]);
/**
 * Members whose keys are names (a property's, a response's status, a media type's, a path's), not keywords: a
 * property named `default` or a response named `default` is no default value.
 */
const NAME_MAPS = new Set([
  "properties",
  "patternProperties",
  "definitions",
  "$defs",
  "dependentSchemas",
  "schemas",
  "responses",
  "parameters",
  "headers",
  "requestBodies",
  "securitySchemes",
  "securityDefinitions",
  "callbacks",
  "links",
  "paths",
  "pathItems",
  "webhooks",
  "content",
  "encoding",
]);
/**
 * What can hold a credential: a URL's userinfo (`@`), a parameter with a value (`?`, `&`, `#` or `;` before a name
 * and `=`), or a value in a known secret's format (their prefixes, a JWT's `eyJ`). A URL with neither (most of a
 * spec's links) is not read further: `textCredentials` would find nothing in it.
 */
const MAYBE =
  /@|[?&#;][^=\s]+=|[sr]k_|sk-|gh[pousr]_|github_pat_|glpat-|xox|AIza|SG\.|npm_|hf_|AKIA|ASIA|:AA|eyJ/;

/**
 * How a member's keys are read: as keywords, as names (`NAME_MAPS`), as a server's variables' names, or as a server
 * variable's keywords (whose default and enum urls.ts reads).
 */
type Keys = "keywords" | "names" | "variables" | "variable";

/**
 * Withholds, in place, the credentials an OpenAPI document's prose and values hold (`textCredentials`: a URL's
 * password, a credential query parameter's value, a value in a known secret's format), each with a TW133 warning
 * located at it naming what it held, never the value. A description is copied into catalog.json, CATALOG.md, the
 * published tool description and the generated code, all generated files: a documentation example's live key would be
 * published with them. An example (a schema's, a parameter's, a media type's, an Example Object's) is withheld the
 * same way, in place. A default, an enum member or a const holding one is left out: it is also what a call sends,
 * and `[redacted]` would be sent in its place. A server variable's default and enum are urls.ts' (a server needing
 * a credential is not used). Each object is read once (a YAML alias is one object in several places).
 */
export function withholdTextCredentials(doc: LoadedDocument, diags: Diagnostics): void {
  new Withholder(doc, diags).walk(doc.data, "keywords");
}

const REMOVE =
  "Remove the credential from the spec (or a patch, sources.<id>.patch); the source's auth sends credentials, read from the environment.";

/** What a value holds that is a credential, anywhere in it (an example is any JSON), or empty. */
function credentialsIn(value: unknown, depth = 0): string[] {
  if (typeof value === "string") return MAYBE.test(value) ? textCredentials(value).found : [];
  if (!value || typeof value !== "object" || depth > 64) return [];
  const found: string[] = [];
  for (const v of Array.isArray(value) ? value : Object.values(value))
    for (const what of credentialsIn(v, depth + 1)) if (!found.includes(what)) found.push(what);
  return found;
}

/** One document's walk (`withholdTextCredentials`). */
class Withholder {
  private readonly seen = new WeakSet<object>();
  /** One path, pushed and popped as the walk goes (a copy per node cost GitHub's 13 MB spec ~40 ms). */
  private readonly path: string[] = [];

  constructor(
    private readonly doc: LoadedDocument,
    private readonly diags: Diagnostics,
  ) {}

  private warn(message: string, pointer: readonly string[]): void {
    this.diags.warn("TW133", message, this.doc.ref(encodePointer(pointer)), REMOVE);
  }

  walk(node: unknown, keys: Keys): void {
    if (!node || typeof node !== "object" || this.seen.has(node)) return;
    this.seen.add(node);
    const path = this.path;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(String(i));
        this.walk(node[i], "keywords");
        path.pop();
      }
      return;
    }
    const o = node as Record<string, unknown>;
    for (const key in o) {
      if (!Object.hasOwn(o, key)) continue;
      const value = o[key];
      if (keys === "names" || keys === "variables") {
        path.push(key);
        this.walk(value, keys === "variables" ? "variable" : "keywords");
        path.pop();
      } else if (EXAMPLE_KEYS.has(key)) {
        if (keys !== "variable") this.example(o, key, 0);
      } else if (key === "default" || key === "const" || key === "enum") {
        if (keys !== "variable") this.sent(o, key);
      } else if (key.startsWith("x-")) {
        // The vendor's: not copied into the catalog.
      } else if (value !== null && typeof value === "object") {
        path.push(key);
        this.walk(value, NAME_MAPS.has(key) ? "names" : key === "variables" ? "variables" : "keywords");
        path.pop();
      } else if (typeof value === "string" && TEXT_KEYS.has(key)) this.prose(o, key, value);
    }
  }

  private prose(o: Record<string, unknown>, key: string, value: string): void {
    if (!MAYBE.test(value)) return;
    const { text, found } = textCredentials(value);
    if (found.length === 0) return;
    o[key] = text;
    this.warn(
      `the ${key} holds credentials (${found.join(", ")}): each is withheld ([redacted]) from the catalog, CATALOG.md and the generated code, which are generated files`,
      [...this.path, key],
    );
  }

  /** Each string in an example withheld in place, said at it. */
  private example(holder: Record<string, unknown> | unknown[], key: string | number, depth: number): void {
    const value = (holder as Record<string, unknown>)[key as string];
    this.path.push(String(key));
    if (typeof value === "string") {
      const { text, found } = MAYBE.test(value) ? textCredentials(value) : { text: value, found: [] };
      if (found.length > 0) {
        (holder as Record<string, unknown>)[key as string] = text;
        this.warn(
          `the example holds credentials (${found.join(", ")}): each is withheld ([redacted]) from the catalog, the published schemas, CATALOG.md and the generated code, which are generated files`,
          this.path,
        );
      }
    } else if (value && typeof value === "object" && depth < 64 && !this.seen.has(value)) {
      this.seen.add(value);
      if (Array.isArray(value)) for (let i = 0; i < value.length; i++) this.example(value, i, depth + 1);
      else
        for (const k in value)
          if (Object.hasOwn(value, k)) this.example(value as Record<string, unknown>, k, depth + 1);
    }
    this.path.pop();
  }

  /** A default, a const or enum members holding a credential, left out: each is what a call would send. */
  private sent(o: Record<string, unknown>, key: string): void {
    const value = o[key];
    const leftOut =
      "it is left out of the catalog, the published schemas, CATALOG.md and the generated code (a call would send it)";
    if (key === "enum" && Array.isArray(value)) {
      const held = value.map((member) => credentialsIn(member));
      const kept = value.filter((_, i) => held[i]?.length === 0);
      if (kept.length === value.length) return;
      held.forEach((found, i) => {
        if (found.length > 0)
          this.warn(
            `the enum member holds credentials (${found.join(", ")}): ${leftOut}${kept.length === 0 ? "; the enum had no other member and is left out with it" : ""}`,
            [...this.path, key, String(i)],
          );
      });
      if (kept.length === 0) delete o[key];
      else o[key] = kept;
      return;
    }
    const found = credentialsIn(value);
    if (found.length === 0) return;
    delete o[key];
    this.warn(`the ${key} holds credentials (${found.join(", ")}): ${leftOut}`, [...this.path, key]);
  }
}
