import { relative } from "node:path";
import { setOwn } from "../../src/catalog.js";
import { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { decodePointer, type LoadedDocument, loadDocument } from "./document.js";
import { DocumentSet, type OpenApiVersion, ReferenceGuard } from "./document-set.js";
import { type ConfinedProblem, checkOpenApiStructure } from "./openapi-structure.js";
import { applyPatch, type SpecPatch } from "./patch.js";
import {
  formDataEncodings,
  inlineExternalObjects,
  keepNullTypes,
  markDelimitedFormats,
  parameterValueSets,
  stubConfined,
} from "./swagger2-inline.js";
import { pointerIn20 } from "./swagger2-pointers.js";
import { withholdTextCredentials } from "./text-credentials.js";
import { lowerCaseTypeNames } from "./type-names.js";

export interface OpenApiSpec {
  version: OpenApiVersion;
  /** The root document as a 3.x description (a Swagger 2.0 root is converted; refs still resolve through `docs`). */
  root: LoadedDocument;
  docs: DocumentSet;
  /** Structural problems confined to one operation, path or component (they cost the operations using it). */
  problems: ConfinedProblem[];
  /** The manifest's patch, applied to `root` (its files count as inputs). */
  patch?: SpecPatch;
}

export interface LoadOptions {
  /** Folders besides the spec's own its `$ref`s may read. */
  refFolders?: readonly string[];
  /** How the user grants a folder, for TW191's message: `--ref-folder` (a bare spec) or `ref_folders` (default). */
  refHint?: "flag" | "manifest";
  /** Structural problems confined to an operation are errors. */
  strict?: boolean;
  /** JSON Patch operations applied to the root document as parsed, before anything checks it. */
  patch?: SpecPatch;
}

/**
 * The version field as written where its intent is plain but its form is not the schema's: YAML reads an unquoted
 * `swagger: 2.0` as the number 2 and `openapi: 3.1` as 3.1 (and `openapi: 3.0` as 3), and some specs write
 * "3.0", "3.1" or "3.2" without the patch number. Each is read as the version it names ("2.0", "3.0.0", "3.1.0",
 * "3.2.0"), with a
 * located warning; anything else is left for `detectVersion` to refuse.
 */
function canonicalVersionField(doc: LoadedDocument, diags: Diagnostics): void {
  const d = doc.data;
  if (!d || typeof d !== "object" || Array.isArray(d)) return;
  const root = d as Record<string, unknown>;
  // [field, as written, read as]; the numbers are what YAML makes of unquoted 2.0, 3.0, 3.1 and 3.2.
  const fixes: [field: "swagger" | "openapi", written: unknown, read: string][] = [];
  if (root.openapi === undefined && (root.swagger === 2 || root.swagger === "2"))
    fixes.push(["swagger", root.swagger, "2.0"]);
  if (root.swagger === undefined) {
    const v = root.openapi;
    if (v === 3 || v === "3.0") fixes.push(["openapi", v, "3.0.0"]);
    else if (v === 3.1 || v === "3.1") fixes.push(["openapi", v, "3.1.0"]);
    else if (v === 3.2 || v === "3.2") fixes.push(["openapi", v, "3.2.0"]);
  }
  for (const [field, written, read] of fixes) {
    root[field] = read;
    const why =
      typeof written === "number"
        ? `is the number ${written}, not a string (YAML reads an unquoted ${Number.isInteger(written) ? `${written}.0` : String(written)} as a number)`
        : `"${written}" has no ${field === "swagger" ? "minor" : "patch"} number`;
    diags.warn(
      "TW133",
      `${field} ${why}; read as ${field === "swagger" ? "Swagger" : "OpenAPI"} ${read}`,
      doc.ref(`#/${field}`),
      `Write ${field}: "${read}" (quoted).`,
    );
  }
}

/**
 * AutoRest's `x-ms-paths` (Azure's specs): path items whose keys carry a query string (`/search?op=count`,
 * `/{container}?restype=container`), for operations that share a path and differ by a fixed query. They are read
 * as paths (the runtime sends the fixed query with the path), located where they are written; a key `paths` also
 * has stays the `paths` one, with a located warning. Before, they were left out in silence.
 */
function withMsPaths(doc: LoadedDocument, diags: Diagnostics): LoadedDocument {
  const data = doc.data as Record<string, unknown> | null;
  const extra = data && typeof data === "object" ? data["x-ms-paths"] : undefined;
  if (!extra || typeof extra !== "object" || Array.isArray(extra)) return doc;
  const paths = (data?.paths && typeof data.paths === "object" ? data.paths : {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(paths)) setOwn(merged, key, value);
  const moved = new Set<string>();
  // What stays under x-ms-paths (a key paths also has): one object in two places reads as a YAML alias.
  const kept: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(extra as Record<string, unknown>)) {
    if (Object.hasOwn(merged, key)) {
      setOwn(kept, key, value);
      diags.warn(
        "TW139",
        `x-ms-paths "${key}" is left out: paths has the same key`,
        doc.ref(`#/x-ms-paths/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, true),
      );
      continue;
    }
    setOwn(merged, key, value);
    moved.add(`#/paths/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
  }
  if (moved.size === 0) return doc;
  const where = (pointer: string): string => {
    const end = pointer.indexOf("/", "#/paths/".length);
    const head = end === -1 ? pointer : pointer.slice(0, end);
    return moved.has(head) ? `#/x-ms-paths/${pointer.slice("#/paths/".length)}` : pointer;
  };
  return {
    ...doc,
    data: { ...data, paths: merged, "x-ms-paths": kept },
    ref: (p: string, key?: boolean) => doc.ref(where(p), key),
    cheapRef: (p: string) => doc.cheapRef(where(p)),
  };
}

/** The document's `openapi`, `swagger` or `asyncapi` field, when it has one that is a string or a number. */
function versionFieldOf(data: unknown): { name: string; value: unknown } | undefined {
  if (!data || typeof data !== "object" || Array.isArray(data)) return undefined;
  for (const name of ["openapi", "swagger", "asyncapi"]) {
    const value = (data as Record<string, unknown>)[name];
    if (typeof value === "string" || typeof value === "number") return { name, value };
  }
  return undefined;
}

function detectVersion(data: unknown): OpenApiVersion | undefined {
  if (!data || typeof data !== "object") return undefined;
  const d = data as Record<string, unknown>;
  if (d.swagger === "2.0") return "2.0";
  if (typeof d.openapi === "string") {
    if (d.openapi.startsWith("3.0")) return "3.0";
    if (d.openapi.startsWith("3.1")) return "3.1";
    if (d.openapi.startsWith("3.2")) return "3.2";
  }
  return undefined;
}

/** swagger2openapi's own `console.warn` of the error it throws (a stack trace on stderr): the caller reports it. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!(args.length === 1 && args[0] instanceof Error)) warn(...args);
  };
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}

type Json = Record<string, unknown>;

/**
 * AutoRest's `x-ms-parameterized-host` as swagger2openapi converts it, set right: its servers come first (it names
 * the host; swagger2openapi added them after the `basePath` one, a relative server that then won, its path left
 * out), and every parameter declared without a default (nor an enum) is left without one: swagger2openapi gave it
 * "none", so `https://{accountName}.blob.core.windows.net` became a default base URL naming a host of somebody's
 * account `none`, where every call and its credentials went. The base URL is then required (or, when the variable
 * is the whole scheme and host, it names them).
 */
function parameterizedHost(source: Json, openapi: Json): void {
  const host = source["x-ms-parameterized-host"] as Json | undefined;
  if (!host || typeof host !== "object" || !Array.isArray(openapi.servers)) return;
  const template = typeof host.hostTemplate === "string" ? host.hostTemplate : undefined;
  const servers = openapi.servers as Json[];
  const named = (s: Json) => template !== undefined && typeof s?.url === "string" && s.url.includes(template);
  openapi.servers = [...servers.filter(named), ...servers.filter((s) => !named(s))];
  const declared = new Set<string>();
  for (const entry of Array.isArray(host.parameters) ? (host.parameters as unknown[]) : []) {
    let param = entry as Json | undefined;
    const ref = param?.$ref;
    if (typeof ref === "string" && ref.startsWith("#/"))
      param = decodePointer(ref).reduce<Json | undefined>(
        (node, key) => node?.[key] as Json | undefined,
        source,
      );
    if (param && typeof param.name === "string" && (param.default !== undefined || Array.isArray(param.enum)))
      declared.add(param.name);
  }
  for (const server of servers) {
    const variables = (server?.variables ?? {}) as Record<string, Json | undefined>;
    for (const [name, variable] of Object.entries(variables))
      if (!declared.has(name) && variable?.default === "none") delete variable.default;
  }
}

/**
 * A 2.0 OAuth2 scheme's `authorizationUrl` and `tokenUrl` as written: swagger2openapi cut each at its `?`, so a
 * query the token endpoint reads (`?audience=...`) was lost and a credential in it (`?client_secret=...`) was left
 * out without the warning a 3.x scheme's gets. The reader then reads the URL whole, as a 3.x flow's: it keeps the
 * query and leaves out, with a warning located at it, what holds a credential (`urlCredentials`).
 */
function oauthUrlsAsWritten(source: Json, openapi: Json): void {
  const defined = source.securityDefinitions;
  const schemes = (openapi.components as Json | undefined)?.securitySchemes;
  if (!defined || typeof defined !== "object" || !schemes || typeof schemes !== "object") return;
  for (const [name, scheme] of Object.entries(defined as Record<string, Json | undefined>)) {
    const flows = (schemes as Record<string, Json | undefined>)[name]?.flows;
    if (scheme?.type !== "oauth2" || !flows || typeof flows !== "object") continue;
    for (const flow of Object.values(flows as Record<string, Json | undefined>))
      for (const key of ["authorizationUrl", "tokenUrl"]) {
        const written = scheme[key];
        if (flow && typeof flow === "object" && typeof flow[key] === "string" && typeof written === "string")
          if (written.includes("?")) flow[key] = written.trim();
      }
  }
}

/**
 * swagger2openapi writes `x-ms-parameterized-host`'s server once per `schemes` entry and throws without them
 * ("reading 'forEach'"), refusing the spec. A spec without `schemes` is read over https, as its `host` is (a
 * scheme-relative `//host` server is https), on the copy handed to the converter.
 */
function schemesForParameterizedHost(data: Json): void {
  const host = data["x-ms-parameterized-host"];
  if (!host || typeof host !== "object" || (host as Json).useSchemePrefix === false) return;
  if (!Array.isArray(data.schemes)) data.schemes = ["https"];
}

async function convertSwagger2(
  root: LoadedDocument,
  problems: ConfinedProblem[],
  diags: Diagnostics,
): Promise<LoadedDocument | undefined> {
  const { default: s2o } = await import("swagger2openapi");
  const data = structuredClone(root.data);
  stubConfined(data, problems);
  schemesForParameterizedHost(data as Json);
  try {
    const out = await quietly(() =>
      s2o.convertObj(data, {
        patch: true,
        warnOnly: true,
        resolve: false,
        // A YAML alias (`- *page`, `<<: *base`) is one object in two places, which swagger2openapi refuses
        // ("YAML anchor or merge key") unless told to copy it: hand-written 2.0 YAML shares parameters so.
        anchors: true,
      }),
    );
    parameterizedHost(data as Json, out.openapi as Json);
    oauthUrlsAsWritten(data as Json, out.openapi as Json);
    return {
      ...root,
      data: out.openapi,
      ref: (p: string, key?: boolean) =>
        root.ref(pointerIn20(p, root.data as Json, out.openapi as Json), key),
      cheapRef: (p: string) => root.cheapRef(pointerIn20(p, root.data as Json, out.openapi as Json)),
    };
  } catch (e) {
    diags.error("TW133", `Swagger 2.0 document cannot be converted: ${(e as Error).message}`, {
      file: root.file,
    });
    return undefined;
  }
}

/**
 * Loads an OpenAPI document: parse, detect the version, validate its structure, check every reference it makes
 * (`$ref` targets confined to its folder and `refFolders`; nothing remote is fetched), convert 2.0 to 3.0.
 */
export async function loadOpenApi(
  abs: string,
  cwd: string,
  diags: Diagnostics,
  from?: SourceRef,
  opts: LoadOptions = {},
): Promise<OpenApiSpec | undefined> {
  const { refFolders = [], strict = false, patch, refHint = "manifest" } = opts;
  const file = relative(cwd, abs) || abs;
  const loaded = loadDocument(abs, file, diags, from, "leave-out");
  if (!loaded) return undefined;
  if (patch && !applyPatch(loaded, patch, diags)) return undefined;
  const doc = withMsPaths(loaded, diags);
  canonicalVersionField(doc, diags);
  const version = detectVersion(doc.data);
  if (!version) {
    const field = versionFieldOf(doc.data);
    diags.error(
      "TW132",
      field?.name === "asyncapi"
        ? `${file} is an AsyncAPI document (the messages a service publishes or receives), not OpenAPI: it describes no operations a client calls`
        : field
          ? `${field.name} ${JSON.stringify(field.value)} is not a version toolwright reads (OpenAPI 2.0, 3.0, 3.1 and 3.2)`
          : `${file} is not an OpenAPI 2.0, 3.0, 3.1 or 3.2 document (no "swagger: 2.0" or "openapi: 3.x")`,
      field ? doc.ref(`#/${field.name}`) : { file, line: 1, column: 1 },
    );
    return undefined;
  }
  const before = diags.count("error");
  lowerCaseTypeNames(doc, version, diags);
  const problems = await checkOpenApiStructure(doc, version, diags, strict);
  if (diags.count("error") > before) return undefined;
  const guard = new ReferenceGuard(abs, refFolders, cwd, diags, refHint);
  guard.scan(doc);
  if (diags.count("error") > before) return undefined;
  withholdTextCredentials(doc, diags);
  if (version !== "2.0")
    return { version, root: doc, docs: new DocumentSet(doc, cwd, diags, guard), problems, patch };
  const original = new DocumentSet(doc, cwd, diags, guard);
  const inlined = inlineExternalObjects(doc, original);
  markDelimitedFormats(inlined.data);
  parameterValueSets(inlined.data);
  keepNullTypes(inlined.data);
  const root = await convertSwagger2(inlined, problems, diags);
  if (!root || diags.count("error") > before) return undefined;
  formDataEncodings(inlined.data, root.data);
  const docs = new DocumentSet(root, cwd, diags, guard);
  docs.adopt(original);
  docs.rootPointer = (pointer) =>
    pointer.startsWith("#/definitions/")
      ? `#/components/schemas/${pointer.slice("#/definitions/".length)}`
      : pointer;
  return { version, root, docs, problems, patch };
}

export { Diagnostics };
