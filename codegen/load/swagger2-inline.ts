import { dirname, relative } from "node:path";
import { setOwn } from "../../src/catalog.js";
import type { LoadedDocument } from "./document.js";
import type { DocumentSet } from "./document-set.js";

type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

function isExternal(ref: unknown): ref is string {
  return typeof ref === "string" && !ref.startsWith("#");
}

function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^file:/i.test(ref);
}

/** Rewrites every relative `$ref` inside `value` (which sits in `from`) so it reads the same from `root`. */
function rebase(value: unknown, from: LoadedDocument, root: LoadedDocument): unknown {
  if (Array.isArray(value)) return value.map((v) => rebase(v, from, root));
  if (!value || typeof value !== "object") return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === "$ref" && typeof v === "string" && !isRemote(v) && from !== root) {
      const hash = v.indexOf("#");
      const pointer = hash === -1 ? "" : v.slice(hash);
      const filePart = hash === -1 ? v : v.slice(0, hash);
      const abs = filePart === "" ? from.abs : `${dirname(from.abs)}/${decodeURIComponent(filePart)}`;
      const rel = relative(dirname(root.abs), abs).split("\\").join("/");
      out[k] = rel === relative(dirname(root.abs), root.abs) ? pointer || "#" : `${rel}${pointer}`;
    } else setOwn(out, k, rebase(v, from, root)); // a property may be named `__proto__`
  }
  return out;
}

/**
 * swagger2openapi converts the root document only, so a parameter, response or path item that lives in another
 * file would reach the 3.x reader still in 2.0 shape (`type: integer` beside `in: query`) and lose its type.
 * Those objects are copied into the root first, their own references rebased; schemas stay references, since
 * 2.0 schemas read the same in 3.0.
 */
export function inlineExternalObjects(root: LoadedDocument, docs: DocumentSet): LoadedDocument {
  const data = structuredClone(root.data) as Json;
  const inline = (value: unknown, from: LoadedDocument, at: string): unknown => {
    let current = value;
    let doc = from;
    for (let hops = 0; hops < 20 && isExternal((current as Json | undefined)?.$ref); hops++) {
      const hit = docs.resolve((current as Json).$ref as string, doc, at);
      if (!hit) return value;
      current = hit.value;
      doc = hit.doc;
    }
    return doc === from ? current : rebase(current, doc, root);
  };
  const inlineMap = (map: unknown, at: string) => {
    if (!map || typeof map !== "object") return;
    for (const [k, v] of Object.entries(map as Json)) (map as Json)[k] = inline(v, root, `${at}/${k}`);
  };
  const inlineList = (list: unknown, at: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((v, i) => {
      list[i] = inline(v, root, `${at}/${i}`);
    });
  };
  inlineMap(data.parameters, "#/parameters");
  inlineMap(data.responses, "#/responses");
  const paths = (data.paths ?? {}) as Json;
  for (const [path, raw] of Object.entries(paths)) {
    const at = `#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    const item = inline(raw, root, at) as Json;
    paths[path] = item;
    if (!item || typeof item !== "object") continue;
    inlineList(item.parameters, `${at}/parameters`);
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op || typeof op !== "object") continue;
      inlineList(op.parameters, `${at}/${method}/parameters`);
      inlineMap(op.responses, `${at}/${method}/responses`);
    }
  }
  return { ...root, data };
}
