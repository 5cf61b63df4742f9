import type { Diagnostics } from "../diagnostics.js";
import { textCredentials } from "../url-credentials.js";
import { encodePointer, type LoadedDocument } from "./document.js";

/** The members whose text a catalog copies: a tool's, a parameter's, a schema's, a response's, the API's own. */
const TEXT_KEYS = new Set(["description", "summary", "title"]);
/** Data, not the spec's prose: an example's or a default's text is the API's value (and extensions are the vendor's). */
const DATA_KEYS = new Set(["example", "examples", "default", "enum", "const", "x-example", "x-examples"]);
/**
 * What can hold a credential: a URL's userinfo (`@`), a parameter with a value (`?`, `&`, `#` or `;` before a name
 * and `=`), or a value in a known secret's format (their prefixes, a JWT's `eyJ`). A URL with neither (most of a
 * spec's links) is not read further: `textCredentials` would find nothing in it.
 */
const MAYBE =
  /@|[?&#;][^=\s]+=|[sr]k_|sk-|gh[pousr]_|github_pat_|glpat-|xox|AIza|SG\.|npm_|hf_|AKIA|ASIA|:AA|eyJ/;

/**
 * Withholds, in place, the credentials an OpenAPI document's prose holds (`textCredentials`: a URL's password, a
 * credential query parameter's value, a value in a known secret's format), each text with a TW133 warning located
 * at it naming what it held, never the value. A description is copied into catalog.json, CATALOG.md, the published
 * tool description and the generated code, all generated files: a documentation example's live key would be
 * published with them. Each object is read once (a YAML alias is one object in several places).
 */
export function withholdTextCredentials(doc: LoadedDocument, diags: Diagnostics): void {
  const seen = new WeakSet<object>();
  // One path, pushed and popped as the walk goes (a copy per node cost GitHub's 13 MB spec ~40 ms).
  const path: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(String(i));
        walk(node[i]);
        path.pop();
      }
      return;
    }
    const o = node as Record<string, unknown>;
    for (const key in o) {
      if (!Object.hasOwn(o, key) || DATA_KEYS.has(key) || key.startsWith("x-")) continue;
      const value = o[key];
      if (typeof value !== "string") {
        if (value === null || typeof value !== "object") continue;
        path.push(key);
        walk(value);
        path.pop();
        continue;
      }
      if (!TEXT_KEYS.has(key) || !MAYBE.test(value)) continue;
      const { text, found } = textCredentials(value);
      if (found.length === 0) continue;
      o[key] = text;
      diags.warn(
        "TW133",
        `the ${key} holds credentials (${found.join(", ")}): each is withheld ([redacted]) from the catalog, CATALOG.md and the generated code, which are generated files`,
        doc.ref(encodePointer([...path, key])),
        "Remove the credential from the spec (or a patch, sources.<id>.patch); the source's auth sends credentials, read from the environment.",
      );
    }
  };
  walk(doc.data);
}
