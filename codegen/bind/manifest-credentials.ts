import type { Diagnostics } from "../diagnostics.js";
import { encodePointer, type LoadedDocument } from "../load/document.js";
import { textCredentials } from "../url-credentials.js";

/** A URL written alone: the URL members `checkUrlDefaults` reads say what they hold themselves. */
const WHOLE_URL = /^[a-z][a-z0-9+.-]*:\/\/\S*$/i;

/** Whether `path` is a URL member `checkUrlDefaults` reads (an env default, a base URL, a path, a token URL). */
function urlMember(path: readonly string[]): boolean {
  const [top, , key, , last] = path;
  if (top === "env") return key === "default" && path.length === 3;
  if (top !== "sources") return false;
  return (
    key === "base_url" ||
    (key === "path" && path.length === 3) ||
    (key === "auth" && /_url$/.test(last ?? ""))
  );
}

/**
 * Text the manifest writes into the catalog (a tool's, an argument's, an env variable's description, the server's
 * instructions, a prompt's template, a patch's values: any string in tools.yaml) holding a credential (a URL's
 * password, a credential-named query value, a value in a known secret's format: `textCredentials`): refused, located
 * at it (tools.yaml:line:col) and naming what it holds, never its value. The manifest is the user's own file, and
 * what it holds is written into catalog.json, CATALOG.md, the published tool descriptions and a packed package; a
 * credential belongs in the environment, read by the source's auth.
 */
export function checkManifestText(doc: LoadedDocument, diags: Diagnostics): void {
  const seen = new WeakSet<object>();
  const path: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (typeof node === "string") {
      if (WHOLE_URL.test(node) && urlMember(path)) return;
      const { found } = textCredentials(node);
      if (found.length === 0) return;
      diags.error(
        "TW110",
        `${path.join(".") || "the manifest"} holds credentials (${found.join(", ")}): it is written into catalog.json, CATALOG.md, the published tools and a packed package, where no credential belongs`,
        doc.ref(encodePointer(path)),
        "Leave the credential out of the text (a placeholder such as YOUR_API_KEY is kept as written): the source's auth sends credentials, read from an env variable marked secret: true.",
      );
      return;
    }
    if (!node || typeof node !== "object" || seen.has(node) || depth > 64) return;
    seen.add(node);
    for (const [key, value] of Array.isArray(node) ? node.entries() : Object.entries(node)) {
      path.push(String(key));
      walk(value, depth + 1);
      path.pop();
    }
  };
  walk(doc.data, 0);
}
