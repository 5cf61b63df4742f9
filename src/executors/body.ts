import { type HttpBody, type HttpBodyField, isExactNumber, isScalarValue } from "../catalog.js";
import { ArgumentError } from "./errors.js";
import { ASCII_LABELS, charsetOf } from "./json-text.js";
import { encodeMultipart, type FormPart } from "./multipart.js";
import {
  encodedFormNames,
  encodeStrict,
  type FormStyle,
  formPieces,
  isMethodOverrideName,
  type NamedPiece,
  NameOwners,
} from "./serialize.js";

/**
 * Request bodies from tool arguments. Binary data travels through MCP as base64 (JSON has no bytes), so file
 * parts and octet-stream bodies are decoded here, strictly: a malformed base64 string is refused rather than
 * silently truncated into a corrupt upload.
 */

export interface BuiltBody {
  body: string | Uint8Array;
  contentType?: string;
}

/** The shape of a file argument: `{ filename, content (base64), contentType? }`. */
export interface FileArgument {
  filename?: string;
  content: string;
  contentType?: string;
}

export function decodeBase64(text: string, what: string): Uint8Array {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, "").length % 4 === 1) {
    throw new ArgumentError(`${what} must be base64`);
  }
  return new Uint8Array(Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}

function asFile(value: unknown, what: string): FileArgument {
  if (typeof value === "string") return { content: value };
  if (value !== null && typeof value === "object" && typeof (value as FileArgument).content === "string") {
    const file = value as FileArgument;
    if (file.filename !== undefined && typeof file.filename !== "string") {
      throw new ArgumentError(`${what}.filename must be a string`);
    }
    if (file.contentType !== undefined && typeof file.contentType !== "string") {
      throw new ArgumentError(`${what}.contentType must be a string`);
    }
    return file;
  }
  throw new ArgumentError(
    `${what} must be { content: <base64>, filename?, contentType? } or a base64 string`,
  );
}

/** A media type an argument may set: one type/subtype, optional parameters, nothing that could split a header. */
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"\r\n]*"|[\w.+-]+))*$/;

function checkMediaType(type: string, what: string): string {
  if (!MEDIA_TYPE.test(type)) {
    throw new ArgumentError(`${what} is not a valid media type`);
  }
  return type;
}

/**
 * The one media type a part is sent as, from its `encoding.contentType` as the spec writes it. OpenAPI lets that be
 * a wildcard (`image/*`, `*\/*`: TypeSpec writes one for every file part) or a comma-separated list (`image/png,
 * image/jpeg`), neither of which is a Content-Type: the list's first concrete type is sent, else `fallback` (what
 * the part would be sent as had the spec named none). Before, a file part declared `*\/*` refused every call that
 * gave no `contentType` ("argument 'file.contentType' is not a valid media type", of a value the caller never
 * gave), and a text or JSON part was sent with the list as its Content-Type.
 */
function partType<T extends string | undefined>(declared: string | undefined, fallback: T): string | T {
  if (declared === undefined) return fallback;
  if (MEDIA_TYPE.test(declared.trim())) return declared.trim();
  for (const piece of declared.split(",")) if (MEDIA_TYPE.test(piece.trim())) return piece.trim();
  return fallback;
}

function fieldValues(body: HttpBody, args: Record<string, unknown>): Array<[HttpBodyField, unknown]> {
  return (body.fields ?? [])
    .map((field): [HttpBodyField, unknown] => [field, args[field.arg]])
    .filter(([, value]) => value !== undefined);
}

function wholeValue(body: HttpBody, args: Record<string, unknown>): unknown {
  return body.arg === undefined ? undefined : args[body.arg];
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

/**
 * The `name=value` pieces of one form field, per its `encoding` (style, explode, allowReserved; OpenAPI's
 * defaults are style form, explode true: arrays repeat the name, objects spread their keys). A field whose
 * content type is JSON is one piece holding the JSON text.
 */
function formFieldPieces(field: FormStyle, value: unknown): NamedPiece[] {
  if (value === undefined || value === null) return [];
  if (field.contentType !== undefined && /[/+]json\b/i.test(field.contentType)) {
    return [{ name: field.name, text: `${encodeStrict(field.name)}=${encodeStrict(JSON.stringify(value))}` }];
  }
  return formPieces({ ...field, contentType: undefined }, value);
}

function formStyleOf(field: HttpBodyField): FormStyle {
  return {
    name: field.name,
    style: field.style ?? "form",
    explode: field.explode ?? true,
    ...(field.allowReserved ? { allowReserved: true } : {}),
    ...(field.contentType !== undefined ? { contentType: field.contentType } : {}),
  };
}

/** `application/x-www-form-urlencoded`: every field name comes from one argument (or one key of the whole body). */
function formBody(body: HttpBody, args: Record<string, unknown>): string {
  const names = new NameOwners("form field");
  const pieces: string[] = [];
  const add = (field: FormStyle, value: unknown, owner: string) => {
    for (const piece of formFieldPieces(field, value)) {
      if (isMethodOverrideName(piece.name)) {
        throw new ArgumentError(
          `argument '${owner}' cannot set the form field ${JSON.stringify(piece.name)}, which frameworks read as the request's method`,
        );
      }
      names.claim(piece.name, { arg: owner }, piece.name === field.name);
      pieces.push(piece.text);
    }
  };
  if (body.mode === "whole") {
    const value = wholeValue(body, args);
    if (typeof value === "string") {
      // A form whose schema is a string is the encoded form itself (`text=hi&lang=en`): sent as given, its
      // names read as the upstream will read them, so none sets the request's method.
      for (const name of encodedFormNames(value)) {
        if (isMethodOverrideName(name))
          throw new ArgumentError(
            `argument '${body.arg}' cannot set the form field ${JSON.stringify(name)}, which frameworks read as the request's method`,
          );
      }
      return value;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new ArgumentError(`argument '${body.arg}' must be an object of form fields`);
    }
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      add({ name: key, style: "form", explode: true }, item, `${body.arg}.${key}`);
    }
  } else {
    for (const field of body.fields ?? []) {
      // A declared field whose argument is absent stays that argument's: no other argument may fill it in.
      if (args[field.arg] === undefined || args[field.arg] === null) names.reserve(field.name, field.arg);
    }
    for (const [field, value] of fieldValues(body, args)) add(formStyleOf(field), value, field.arg);
  }
  return pieces.join("&");
}

function appendPart(parts: FormPart[], field: HttpBodyField, value: unknown): void {
  if (value === undefined || value === null) return;
  if (field.file) {
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, index) => {
      const what = `argument '${field.arg}'${Array.isArray(value) ? `[${index}]` : ""}`;
      const file = asFile(item, what);
      const contentType =
        file.contentType !== undefined
          ? checkMediaType(file.contentType, `${what}.contentType`)
          : partType(field.contentType, "application/octet-stream");
      const bytes = decodeBase64(file.content, `${what}.content`);
      parts.push({ name: field.name, value: bytes, filename: file.filename ?? field.name, contentType });
    });
    return;
  }
  // Objects (and arrays of objects) are JSON parts per OpenAPI's multipart defaults; scalars are text parts. A
  // typed part is a field all the same: only file arguments carry a filename.
  if (Array.isArray(value) && value.every(isScalarValue)) {
    for (const item of value) parts.push(scalarPart(field, item));
    return;
  }
  if (typeof value === "object" && !isExactNumber(value)) {
    const contentType = partType(field.contentType, "application/json");
    parts.push({ name: field.name, value: Buffer.from(JSON.stringify(value)), contentType });
    return;
  }
  parts.push(scalarPart(field, value));
}

/**
 * A scalar part: text/plain, a part's default (RFC 7578 4.4), goes without a Content-Type; any other type its
 * `encoding` names (text/csv, application/xml, text/plain with a charset) is sent, not dropped.
 */
function scalarPart(field: HttpBodyField, value: unknown): FormPart {
  const type = partType(field.contentType, undefined);
  if (type === undefined || /^text\/plain$/i.test(type.trim()))
    return { name: field.name, value: text(value) };
  return { name: field.name, value: Buffer.from(text(value)), contentType: type };
}

/**
 * A body member or form part frameworks read as the request's real method: Laravel takes `_method` from the
 * request's input, the JSON body of a JSON request included; Laravel, Symfony and Rails' Rack::MethodOverride
 * from a multipart body. With one, a POST tool would run as a DELETE past confirmation (as with a query
 * parameter or a urlencoded field, `isMethodOverrideKey`): refused, whoever declared it.
 */
function refuseMethodOverride(name: string, owner: string, what: string): void {
  if (!isMethodOverrideName(name)) return;
  throw new ArgumentError(
    `argument '${owner}' cannot set the ${what} ${JSON.stringify(name)}, which frameworks read as the request's method`,
  );
}

/** Encodings whose fields-mode body has a form with no member: `{}`, an empty form, a multipart body of no part. */
const FIELD_ENCODINGS = new Set<HttpBody["encoding"]>(["json", "form", "multipart"]);

/** `undefined` when the body is optional and no argument for it was given. */
export function buildBody(body: HttpBody, args: Record<string, unknown>): BuiltBody | undefined {
  const built = bodyText(body, args);
  return built && (body.encoding === "json" || body.encoding === "text")
    ? inDeclaredCharset(built, body.encoding === "json")
    : built;
}

/** ISO-8859-1's names (WHATWG reads them as windows-1252, which differs only at 0x80-0x9f). */
const LATIN1_LABELS = new Set([
  "iso-8859-1",
  "iso8859-1",
  "iso_8859-1",
  "latin1",
  "l1",
  "iso-ir-100",
  "cp819",
  "ibm819",
  "csisolatin1",
]);

/**
 * Whether a JSON or text body can be written in the charset its media type names (none named is UTF-8): what
 * inDeclaredCharset writes. Generate leaves out an operation whose only body media type names another (TW141).
 */
export function writableCharset(mediaType: string): boolean {
  const charset = charsetOf(mediaType);
  return (
    charset === undefined ||
    /^utf-?8$/.test(charset) ||
    ASCII_LABELS.has(charset) ||
    LATIN1_LABELS.has(charset) ||
    /^utf-16(le|be)?$/.test(charset)
  );
}

/**
 * A JSON or text body in the charset its media type names (the spec's: `application/json; charset=utf-16`), not
 * UTF-8 under that label: the upstream read UTF-8 bytes as the charset said (`é` sent as `c3 a9` under
 * `iso-8859-1` is `Ã©`, under `utf-16` a wrong character per byte pair). UTF-16 (`utf-16` with a byte order mark,
 * little-endian), ISO-8859-1 and US-ASCII are written; in JSON a character the charset lacks is escaped
 * (`\u00e9`: the same JSON text); in text it is refused, as is a charset this server cannot write. Nothing is sent.
 */
function inDeclaredCharset(built: BuiltBody, json: boolean): BuiltBody {
  const charset = charsetOf(built.contentType ?? null);
  if (charset === undefined || typeof built.body !== "string" || /^utf-?8$/.test(charset)) return built;
  const text = built.body;
  const narrow = ASCII_LABELS.has(charset) ? 0x7f : LATIN1_LABELS.has(charset) ? 0xff : undefined;
  if (narrow !== undefined) {
    const beyond = narrow === 0x7f ? /[^\u0000-\u007f]/g : /[^\u0000-\u007e\u00a0-\u00ff]/g;
    const lacks = narrow === 0x7f ? /[^\u0000-\u007f]/ : /[^\u0000-\u00ff]/;
    if (!json && lacks.test(text))
      throw new ArgumentError(
        `the request body holds characters charset ${charset} (the spec's media type) cannot write: nothing was sent`,
      );
    const shown = json
      ? text.replace(beyond, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
      : text;
    return { ...built, body: new Uint8Array(Buffer.from(shown, "latin1")) };
  }
  if (charset === "utf-16le" || charset === "utf-16") {
    const bytes = Buffer.from(charset === "utf-16" ? `\ufeff${text}` : text, "utf16le");
    return { ...built, body: new Uint8Array(bytes) };
  }
  if (charset === "utf-16be")
    return { ...built, body: new Uint8Array(Buffer.from(text, "utf16le").swap16()) };
  throw new ArgumentError(
    `the request body is declared charset ${JSON.stringify(charset)} (the spec's media type), which this server cannot write: nothing was sent`,
  );
}

function bodyText(body: HttpBody, args: Record<string, unknown>): BuiltBody | undefined {
  const whole = body.mode === "whole";
  const present = whole ? wholeValue(body, args) !== undefined : fieldValues(body, args).length > 0;
  if (!present) {
    if (body.required && !(body.mode === "fields" && FIELD_ENCODINGS.has(body.encoding))) {
      throw new ArgumentError(`the request body${body.arg ? ` (argument '${body.arg}')` : ""} is required`);
    }
    // A required body whose fields are all optional, given none, is sent empty (a JSON `{}`, a form with no
    // pair, a multipart body with no part), not refused: its published schema accepts `{}`, as the spec does.
    if (!body.required) return undefined;
  }

  switch (body.encoding) {
    case "json": {
      if (whole) {
        const value = wholeValue(body, args);
        if (value !== null && typeof value === "object" && !Array.isArray(value) && !isExactNumber(value))
          for (const key of Object.keys(value)) refuseMethodOverride(key, `${body.arg}`, "body member");
        return { body: JSON.stringify(value ?? null), contentType: body.mediaType };
      }
      const object: Record<string, unknown> = {};
      for (const [field, value] of fieldValues(body, args)) {
        refuseMethodOverride(field.name, field.arg, "body member");
        // A field named `__proto__` is a member of the body, not its prototype.
        if (field.name === "__proto__")
          Object.defineProperty(object, field.name, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else object[field.name] = value;
      }
      return { body: JSON.stringify(object), contentType: body.mediaType };
    }
    case "form":
      return { body: formBody(body, args), contentType: "application/x-www-form-urlencoded" };
    case "multipart": {
      const parts: FormPart[] = [];
      if (whole) {
        const value = wholeValue(body, args);
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          throw new ArgumentError(`argument '${body.arg}' must be an object of parts`);
        }
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
          if (item !== undefined && item !== null) refuseMethodOverride(key, `${body.arg}`, "form part");
          appendPart(parts, { arg: `${body.arg}.${key}`, name: key }, item);
        }
      } else {
        for (const [field, value] of fieldValues(body, args)) {
          refuseMethodOverride(field.name, field.arg, "form part");
          appendPart(parts, field, value);
        }
      }
      return encodeMultipart(parts);
    }
    case "binary": {
      const what = `argument '${body.arg}'`;
      const file = asFile(wholeValue(body, args), what);
      const wildcard = body.mediaType.includes("*");
      const type = wildcard
        ? checkMediaType(file.contentType ?? "application/octet-stream", `${what}.contentType`)
        : body.mediaType;
      return { body: decodeBase64(file.content, `${what}.content`), contentType: type };
    }
    case "text": {
      const value = whole
        ? wholeValue(body, args)
        : Object.fromEntries(fieldValues(body, args).map(([f, v]) => [f.name, v]));
      return { body: text(value), contentType: body.mediaType.includes("*") ? "text/plain" : body.mediaType };
    }
  }
}
