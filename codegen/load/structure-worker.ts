// The OpenAPI structure check on a worker thread (openapi-structure.ts starts it): `npm run build` bundles this
// file alone as dist/chunks/openapi-structure-worker.js, beside the validators it compiled. It parses the
// document's JSON text itself (or receives the parsed data), runs the validator and posts back ajv's errors,
// or null when the document is valid. Nothing here reports: the main thread turns the errors into diagnostics.
import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";

interface Job {
  /** Absolute path of the build's validator (`openapi-structure-<version>.cjs`). */
  validator: string;
  /** The document's JSON text, parsed here; else `data`, the document as parsed (YAML, or patched). */
  text?: string;
  data?: unknown;
}

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

const job = workerData as Job;
const validate = (createRequire(import.meta.url)(job.validator) as { default: Validate }).default;
const data = job.text !== undefined ? JSON.parse(job.text) : job.data;
parentPort?.postMessage(validate(data) ? null : (validate.errors ?? []));
