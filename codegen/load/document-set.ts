import { dirname, relative, resolve } from "node:path";
import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { decodePointer, type LoadedDocument, loadDocument } from "./document.js";

/**
 * The documents of one OpenAPI spec and `$ref` resolution between them. Below openapi.ts, so the structure check
 * and the Swagger 2.0 inliner can use these types without importing the loader that calls them.
 */

export type OpenApiVersion = "2.0" | "3.0" | "3.1";

/** A resolved `$ref`: the document it lands in, the pointer inside it, and the value there. */
export interface Resolved {
  doc: LoadedDocument;
  pointer: string;
  value: unknown;
}

/** All documents of one spec (the root and every file it references), with `$ref` resolution. */
export class DocumentSet {
  private readonly docs = new Map<string, LoadedDocument | null>();

  constructor(
    readonly root: LoadedDocument,
    private readonly cwd: string,
    private readonly diags: Diagnostics,
  ) {
    this.docs.set(root.abs, root);
  }

  /** Takes over documents another set already loaded, so they count as inputs even if nothing refers to them again. */
  adopt(other: DocumentSet): void {
    for (const doc of other.all()) if (!this.docs.has(doc.abs)) this.docs.set(doc.abs, doc);
  }

  /** Every document loaded so far (for the input hash). */
  all(): LoadedDocument[] {
    return [...this.docs.values()].filter((d): d is LoadedDocument => d !== null);
  }

  /**
   * Resolves `ref` found at `at` inside `from`. Remote references are refused: a spec must not make the generator
   * fetch anything (SSRF at build time, non-reproducible output).
   */
  resolve(ref: string, from: LoadedDocument, at: string): Resolved | undefined {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^file:/i.test(ref)) {
      this.diags.error("TW130", `remote $ref "${ref}" is refused`, from.ref(at));
      return undefined;
    }
    const hash = ref.indexOf("#");
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? "#" : ref.slice(hash);
    let doc: LoadedDocument | undefined = from;
    if (filePart !== "") {
      const abs = resolve(dirname(from.abs), decodeURIComponent(filePart.replace(/^file:\/\//i, "")));
      doc = this.load(abs, from.ref(at));
      if (!doc) return undefined;
    }
    let value: unknown = doc.data;
    for (const seg of decodePointer(pointer)) {
      if (value !== null && typeof value === "object" && seg in (value as object)) {
        value = (value as Record<string, unknown>)[seg];
      } else {
        this.diags.error("TW131", `$ref "${ref}" points at nothing`, from.ref(at));
        return undefined;
      }
    }
    return { doc, pointer: pointer === "#" ? "#" : pointer, value };
  }

  private load(abs: string, from: SourceRef): LoadedDocument | undefined {
    if (!this.docs.has(abs)) {
      this.docs.set(abs, loadDocument(abs, relative(this.cwd, abs) || abs, this.diags, from) ?? null);
    }
    return this.docs.get(abs) ?? undefined;
  }
}
