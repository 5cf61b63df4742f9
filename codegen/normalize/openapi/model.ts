import type { Diagnostic } from "../../diagnostics.js";
import type {
  HttpMethod,
  ParamLocation,
  ParamStyle,
  SchemaNode,
  ServerTemplate,
  SourceRef,
} from "../../ir/types.js";
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
  /** The body is a stream of JSON objects, one per line (gRPC-gateway's server streaming), not one JSON value. */
  streamed?: true;
  /**
   * The other success statuses the operation declares with content beside this one (GitHub's statistics: 200 with
   * an array, 202 with an object), in order: a body of another shape on one reaches the client as text, with
   * `structuredContent` empty (`runtime/result.ts` `otherShape`). Absent when there is none.
   */
  others?: string[];
  /**
   * The other success statuses the operation declares without content (204, 205, and any `2xx`/`2XX` given no
   * content), in order, beside this one's body (200 with an object and 204; 201 and 202): their reply is empty.
   * Absent when there is none, or when this status has no content either.
   */
  empty?: string[];
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
  /** Where `security` is written (the operation's own, else the document's); absent when neither writes one. */
  securityAt?: SourceRef;
  /**
   * The OAuth2 scopes its requirements name, by scheme (every alternative's, sorted); absent when none names one.
   * A catalog's client-credentials grants request the union over its tools (`operationScopes`).
   */
  securityScopes?: Record<string, string[]>;
  /** Path- or operation-level `servers` (the operation's own; the path item's when it has none). */
  servers?: string[];
  /**
   * The absolute URL the operation is sent to while the source's base URL is the document's server (`instead`):
   * the first of `servers`, a relative one resolved against the document's server. Absent when it is that server.
   */
  server?: { url: string; instead: string; relative?: string; template?: ServerTemplate };
  /** Its own `servers`' templates with variables, by the URL their defaults fill (trailing slashes off). */
  serverTemplates?: Record<string, ServerTemplate>;
  /**
   * The path of a relative server URL (`servers: [{url: /api/v3}]`), sent before `path`: the configured base URL
   * then only names scheme and host, and the prefix is not lost.
   */
  pathPrefix?: string;
  /**
   * The path as sent, when the path key holds more than a path: its fragment left out (`/#Action=ListUsers`) and
   * `name={variable}` pairs of a query written into it (`/current?city={city}`) made query parameters.
   */
  sentPath?: string;
  source: SourceRef;
  /**
   * Problems confined to this operation (its part of the spec, or a schema, parameter or body it uses): the
   * operation is left out of the catalog with a warning, or, in strict mode, they are errors.
   */
  problems?: Diagnostic[];
}

export type SecuritySchemeInfo =
  | { kind: "bearer"; description?: string }
  | { kind: "basic"; description?: string }
  | { kind: "apiKey"; in: "header" | "query" | "cookie"; name: string; description?: string }
  | {
      /** OAuth2 with any flows, or OpenID Connect (`flows: ["openIdConnect"]`, with `discoveryUrl`). */
      kind: "oauth2";
      /** In spec order: authorizationCode, implicit, password, clientCredentials, deviceAuthorization, openIdConnect. */
      flows: OAuthFlow[];
      /** Where tokens are issued and renewed: the first flow that names one. */
      tokenUrl?: string;
      /** OpenID Connect: the discovery document, which names the token endpoint (read at run time only). */
      discoveryUrl?: string;
      /**
       * Every authorization, token and refresh URL its flows name, in flow order: which authorization server issues
       * its tokens (two schemes of one requirement share a token only from one server: `sharedToken`).
       */
      endpoints?: string[];
      /** Every scope any flow declares, sorted. */
      scopes: string[];
      description?: string;
    }
  /** `problem`: the structural problem the scheme has, when that is why it cannot be sent. */
  | { kind: "unsupported"; type: string; problem?: Diagnostic; description?: string };

export type OAuthFlow =
  | "authorizationCode"
  | "implicit"
  | "password"
  | "clientCredentials"
  | "deviceAuthorization"
  | "openIdConnect";

export interface OpenApiSourceModel {
  id: string;
  kind: "openapi";
  spec: OpenApiSpec;
  title: string;
  version: string;
  description?: string;
  /** Server URLs with variables replaced by their defaults. */
  servers: string[];
  /** Why the document's first server that cannot be the base URL's default was set aside (TW133), in a few words. */
  serverSetAside?: string;
  /** The document's server is relative to the spec's own URL (`v1`, `./api`), which names none here (TW133). */
  serverRelative?: true;
  /** The first absolute server's variables as the spec writes them (its URL template, each default and `enum`). */
  serverVariables?: { template: string; variables: { name: string; default?: string; enum?: string[] }[] };
  /** Every absolute server of the document with a `{variable}`, as a template (`Source.servers`), in spec order. */
  serverTemplates?: ServerTemplate[];
  securitySchemes: Record<string, SecuritySchemeInfo>;
  operations: OperationNode[];
  /** Path items that cannot be read at all (a `$ref` that resolves to nothing): their operations are unknown. */
  unreadable?: UnreadablePath[];
  /**
   * Converts the `components/schemas` entries no operation refers to (normalize converts only those it reaches):
   * for typing every component of the spec (`<source>.openapi.gen.ts`).
   */
  convertUnreached: () => void;
}

export interface UnreadablePath {
  path: string;
  problems: Diagnostic[];
  source: SourceRef;
}
