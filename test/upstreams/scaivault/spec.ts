import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dereference } from "@readme/openapi-parser";

export const SPEC_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../specs/scaivault/openapi.yaml",
);

export type JsonSchema = Record<string, any>;

export interface ParamSpec {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: JsonSchema;
  multiSegment: boolean;
}

export type Segment = { literal: string } | { param: string; multi: boolean };

export interface OperationSpec {
  operationId: string;
  method: string;
  template: string;
  segments: Segment[];
  params: ParamSpec[];
  body?: { required: boolean; schema: JsonSchema };
  /** Status code -> JSON schema of the body (undefined when the response has no body). */
  responses: Map<string, JsonSchema | undefined>;
  requiredScope: string;
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

function segmentsOf(template: string, params: ParamSpec[]): Segment[] {
  const parts = template.split("/").slice(1);
  return parts.map((part, i) => {
    const m = /^\{(.+)\}$/.exec(part);
    if (!m) return { literal: part };
    const name = m[1]!;
    const multi = params.find((p) => p.in === "path" && p.name === name)?.multiSegment ?? false;
    // Routing is only unambiguous when a multi-segment value is the last thing in the template.
    if (multi && i !== parts.length - 1) throw new Error(`${template}: multi-segment {${name}} is not last`);
    return { param: name, multi };
  });
}

let loaded: Promise<OperationSpec[]> | undefined;

/** The operations of openapi.yaml, dereferenced once per process. */
export function loadOperations(): Promise<OperationSpec[]> {
  loaded ??= (async () => {
    const api: any = await dereference(SPEC_PATH);
    const ops: OperationSpec[] = [];
    for (const [template, item] of Object.entries<any>(api.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const params: ParamSpec[] = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: any) => ({
          name: p.name,
          in: p.in,
          required: Boolean(p.required),
          schema: p.schema ?? {},
          multiSegment: Boolean(p["x-multi-segment"]),
        }));
        const responses = new Map<string, JsonSchema | undefined>();
        for (const [status, res] of Object.entries<any>(op.responses ?? {})) {
          responses.set(status, res.content?.["application/json"]?.schema);
        }
        const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
        ops.push({
          operationId: op.operationId,
          method: method.toUpperCase(),
          template,
          segments: segmentsOf(template, params),
          params,
          body: bodySchema ? { required: Boolean(op.requestBody.required), schema: bodySchema } : undefined,
          responses,
          requiredScope: op["x-required-scope"],
        });
      }
    }
    return ops;
  })();
  return loaded;
}
