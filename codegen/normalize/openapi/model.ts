import type { HttpMethod, ParamLocation, ParamStyle, SchemaNode, SourceRef } from "../../ir/types.js";
import type { OpenApiSpec } from "../../load/openapi.js";

/** One parameter as the spec declares it (before the manifest renames anything). */
export interface OperationParam {
  name: string;
  in: ParamLocation;
  required: boolean;
  schema: SchemaNode;
  description?: string;
  style: ParamStyle;
  explode: boolean;
  allowReserved?: boolean;
  contentType?: string;
  deprecated?: boolean;
  /** `x-multi-segment: true`: a path parameter whose value spans `/`-separated segments. */
  multiSegment?: boolean;
}

export interface BodyContent {
  mediaType: string;
  schema: SchemaNode;
  /** OpenAPI `encoding` per property (form and multipart). */
  encoding: Record<
    string,
    { contentType?: string; style?: ParamStyle; explode?: boolean; allowReserved?: boolean }
  >;
}

export interface OperationBody {
  required: boolean;
  description?: string;
  /** In spec order. */
  contents: BodyContent[];
}

export interface OperationSuccess {
  status: string;
  mediaType?: string;
  /** Present when the success body is JSON. */
  schema?: SchemaNode;
  description?: string;
}

/** An HTTP operation, normalised from any OpenAPI version. */
export interface OperationNode {
  sourceId: string;
  /** `METHOD /path`, unique within a source. */
  key: string;
  operationId?: string;
  method: HttpMethod;
  path: string;
  summary?: string;
  description?: string;
  tags: string[];
  deprecated: boolean;
  params: OperationParam[];
  body?: OperationBody;
  success?: OperationSuccess;
  /** Alternatives (OR) of scheme-name sets (AND); an empty set means "no auth" is acceptable. */
  security: string[][];
  /** Path- or operation-level `servers` (rarely used; the source base URL applies otherwise). */
  servers?: string[];
  /**
   * The path of a relative server URL (`servers: [{url: /api/v3}]`), sent before `path`: the configured base URL
   * then only names scheme and host, and the prefix is not lost.
   */
  pathPrefix?: string;
  source: SourceRef;
}

export type SecuritySchemeInfo =
  | { kind: "bearer"; description?: string }
  | { kind: "basic"; description?: string }
  | { kind: "apiKey"; in: "header" | "query" | "cookie"; name: string; description?: string }
  | { kind: "oauth2ClientCredentials"; tokenUrl: string; scopes: string[]; description?: string }
  | { kind: "unsupported"; type: string; description?: string };

export interface OpenApiSourceModel {
  id: string;
  kind: "openapi";
  spec: OpenApiSpec;
  title: string;
  version: string;
  description?: string;
  /** Server URLs with variables replaced by their defaults. */
  servers: string[];
  securitySchemes: Record<string, SecuritySchemeInfo>;
  operations: OperationNode[];
}
