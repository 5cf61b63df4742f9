import { createRequire } from "node:module";
import { dirname, relative, resolve } from "node:path";
import type jsonpatch from "fast-json-patch";
import type { Diagnostics } from "../diagnostics.js";
import type { AppliedPatch, SourceRef } from "../ir/types.js";
import { encodePointer, type LoadedDocument, loadDocument } from "./document.js";

/**
 * Manifest patches of a spec (`sources.<id>.patch`): JSON Patch (RFC 6902) operations, written inline in the
 * manifest or in files it names, applied by fast-json-patch to the spec's root document as parsed, before
 * anything validates or reads it. An operation that does not apply (a path that is not there, a failing `test`)
 * is an error located at the operation, so a patch that no longer fits a newer spec stops the build instead of
 * silently doing nothing.
 */

/**
 * fast-json-patch, required on first use: only a manifest with a `patch:` list applies one, so a bare generate (or
 * a catalog without patches) does not load it (~5 ms of CPU in a fresh process: its four CommonJS modules).
 */
let patchModule: typeof jsonpatch | undefined;
function jsonPatch(): typeof jsonpatch {
  patchModule ??= createRequire(import.meta.url)("fast-json-patch") as typeof jsonpatch;
  return patchModule;
}

/** One patch operation and where it is written. */
export interface PatchOperation {
  op: jsonpatch.Operation;
  at: SourceRef;
}

/** The operations of a source's `patch:` list, in order, and the patch files read for them (for the input hash). */
export interface SpecPatch {
  operations: PatchOperation[];
  files: LoadedDocument[];
}

/** Manifest `patch:` entries: an operation, or the path of a file holding an array of them. */
export type PatchEntry = string | Record<string, unknown>;

/** Reads one patch file's operations; a file that is not an array of operations is an error at the file. */
function fileOperations(
  abs: string,
  cwd: string,
  from: SourceRef | undefined,
  diags: Diagnostics,
): { doc: LoadedDocument; ops: PatchOperation[] } | undefined {
  const doc = loadDocument(abs, relative(cwd, abs) || abs, diags, from);
  if (!doc) return undefined;
  if (!Array.isArray(doc.data)) {
    diags.error(
      "TW110",
      `${doc.file} is not a JSON Patch (an array of operations such as { op: replace, path: /a, value: 1 })`,
      doc.ref("#"),
    );
    return undefined;
  }
  const ops = doc.data.map((op, i) => ({ op: op as jsonpatch.Operation, at: doc.ref(encodePointer([i])) }));
  return { doc, ops };
}

/**
 * Collects patch operations in order: inline ones as they are, strings as patch files (relative to `base`).
 * `at(i)` says where entry i is written (a manifest line; nothing for command-line files).
 */
function collect(
  entries: readonly PatchEntry[],
  base: string,
  at: (i: number) => SourceRef | undefined,
  cwd: string,
  diags: Diagnostics,
): SpecPatch | undefined {
  const patch: SpecPatch = { operations: [], files: [] };
  const before = diags.count("error");
  entries.forEach((entry, i) => {
    const where = at(i);
    if (typeof entry !== "string") {
      patch.operations.push({ op: entry as unknown as jsonpatch.Operation, at: where ?? { file: "" } });
      return;
    }
    const read = fileOperations(resolve(base, entry), cwd, where, diags);
    if (!read) return;
    patch.files.push(read.doc);
    patch.operations.push(...read.ops);
  });
  return diags.count("error") > before ? undefined : patch;
}

/** A source's `patch:` list from the manifest (inline operations and files relative to the manifest). */
export function readPatch(
  entries: readonly PatchEntry[],
  manifest: LoadedDocument,
  pointer: string,
  cwd: string,
  diags: Diagnostics,
): SpecPatch | undefined {
  return collect(entries, dirname(manifest.abs), (i) => manifest.ref(`${pointer}/${i}`), cwd, diags);
}

/** Patch files named on the command line (`generate --openapi FILE --patch FIXES`), relative to `cwd`. */
export function readPatchFiles(
  files: readonly string[],
  cwd: string,
  diags: Diagnostics,
): SpecPatch | undefined {
  return collect(files, cwd, () => undefined, cwd, diags);
}

/** What a fast-json-patch error means, in the user's terms. */
function reason(e: InstanceType<typeof jsonpatch.JsonPatchError>, op: jsonpatch.Operation): string {
  const path = JSON.stringify(op?.path);
  switch (e.name) {
    case "OPERATION_PATH_UNRESOLVABLE":
      return `${path} is not in the spec`;
    case "OPERATION_PATH_CANNOT_ADD":
      return `the parent of ${path} is not in the spec`;
    case "OPERATION_FROM_UNRESOLVABLE":
      return `"from" ${JSON.stringify((op as { from?: string }).from)} is not in the spec`;
    case "TEST_OPERATION_FAILED":
      return `the spec's value at ${path} is not the tested one`;
    case "OPERATION_PATH_ILLEGAL_ARRAY_INDEX":
    case "OPERATION_VALUE_OUT_OF_BOUNDS":
      return `${path} is not a valid index of the array there`;
    default:
      return e.message.split("\n")[0] ?? e.name;
  }
}

/**
 * Applies the operations to `doc.data` in order. Each one that does not apply is an error at the operation and
 * the rest are still tried, so one run names every stale operation. Returns false when any failed.
 */
export function applyPatch(doc: LoadedDocument, patch: SpecPatch, diags: Diagnostics): boolean {
  let ok = true;
  // An operation may add a reference (a remote `$ref`, a file): the load's proof that there is none is gone.
  doc.localRefsOnly = false;
  const { applyOperation, JsonPatchError } = jsonPatch();
  patch.operations.forEach(({ op, at }, index) => {
    try {
      const result = applyOperation(doc.data, structuredClone(op), true, true, true, index);
      doc.data = result.newDocument;
    } catch (e) {
      if (!(e instanceof JsonPatchError)) throw e;
      ok = false;
      const name = typeof op?.op === "string" ? `${op.op} ` : "";
      diags.error("TW146", `patch operation ${name}does not apply to ${doc.file}: ${reason(e, op)}`, at);
    }
  });
  return ok;
}

/** The operations as CATALOG.md lists them: what each changed and where it is written. */
export function appliedPatches(patch: SpecPatch): AppliedPatch[] {
  return patch.operations.map(({ op, at }) => ({
    op: op.op,
    path: op.path,
    ...("from" in op ? { from: op.from } : {}),
    at,
  }));
}
