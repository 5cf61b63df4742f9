import { parseRate } from "./chunk-5LKFIVJH.js";
import {
  CatalogLoadError,
  ConfigError,
  describeSource,
  expandHome,
  findCatalogDir,
  loadCatalog,
  readCatalogDocument,
  redact,
  redactAndTruncate,
  rememberSecret,
  resolveConfig,
  resolveValue,
  ValueError,
} from "./chunk-FR23S2JT.js";
import { createPublisher, DEFAULT_PAGE_SIZE, DIALECT, PAGE_BYTES } from "./chunk-QIHSY5GF.js";
import { firstSentence } from "./chunk-YVYBC7VZ.js";
import "./chunk-ZE2OXDKH.js";
import "./chunk-WSFCRVEQ.js";

// src/runtime/runtime.ts
import { randomBytes as randomBytes3 } from "node:crypto";
// src/mcp/server.ts
import { CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, Server } from "@modelcontextprotocol/server";

// src/chain.ts
function compose(chain, terminal) {
  return (ctx) => {
    let last = -1;
    const dispatch = (index) => {
      if (index <= last)
        return Promise.reject(new Error(`middleware '${chain[last]?.name}' called next() twice`));
      last = index;
      const step = chain[index];
      if (!step) return terminal(ctx);
      return step.run(ctx, () => dispatch(index + 1));
    };
    return dispatch(0);
  };
}
function insertBefore(chain, anchor, ...added) {
  const at = chain.findIndex((step) => step.name === anchor);
  const copy = [...chain];
  copy.splice(at === -1 ? copy.length : at, 0, ...added);
  return copy;
}
function countUpstreamRequest(ctx) {
  for (let c = ctx; c; c = c.parent) c.upstream.requests += 1;
}
function failure(message, code, extra = {}) {
  return { data: null, ...extra, error: { message, code } };
}

// src/executors/custom.ts
var MAX_CALL_DEPTH = 8;
function createCustomExecutor(options) {
  return async (ctx, binding) => {
    const handler = options.handlers[binding.handler];
    if (!handler) return failure(`handler '${binding.handler}' is missing from catalog.gen`, "catalog");
    const handlerContext = {
      signal: ctx.signal,
      cwd: options.cwd ?? process.cwd(),
      progress: (progress, total, message) => ctx.progress(progress, total, message),
      env(name) {
        if (!options.config.declares(name))
          throw new Error(`env variable ${name} is not declared by the catalog`);
        return options.config.text(name);
      },
      async call(name, args) {
        if (ctx.depth + 1 > MAX_CALL_DEPTH) {
          return {
            ok: false,
            data: null,
            error: { message: "tool calls are nested too deeply", code: "depth" },
          };
        }
        const outcome = await options.callTool(ctx, name, args);
        const result = { ok: outcome.error === void 0, data: outcome.data };
        if (outcome.status !== void 0) result.status = outcome.status;
        if (outcome.error !== void 0) result.error = outcome.error;
        return result;
      },
    };
    return handler(ctx.args, handlerContext);
  };
}

// src/executors/body-on-get.ts
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";

var fetchAllowingBody = async (input, init) => {
  const method = (init?.method ?? "GET").toUpperCase();
  if (init?.body == null || (method !== "GET" && method !== "HEAD")) return fetch(input, init);
  return requestWithBody(String(input), method, init);
};
async function requestWithBody(url, method, init) {
  const encoded = new Response(init.body);
  const body = Buffer.from(await encoded.arrayBuffer());
  const headers = new Headers(init.headers);
  const type = encoded.headers.get("content-type");
  if (!headers.has("content-type") && type !== null) headers.set("content-type", type);
  headers.set("content-length", String(body.length));
  const target = new URL(url);
  const send2 = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve4, reject) => {
    const req = send2(
      target,
      { method, headers: Object.fromEntries(headers), ...(init.signal ? { signal: init.signal } : {}) },
      (res) => resolve4(toResponse(res, method)),
    );
    req.once("error", reject);
    req.end(body);
  });
}
function toResponse(res, method) {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  }
  const status = res.statusCode ?? 502;
  const bodiless = method === "HEAD" || status === 204 || status === 304 || status < 200;
  if (bodiless) res.resume();
  const body = bodiless ? null : Readable.toWeb(res);
  return new Response(body, {
    status: status < 200 ? 502 : status,
    statusText: res.statusMessage ?? "",
    headers,
  });
}

// src/executors/errors.ts
var ArgumentError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ArgumentError";
  }
};

// src/telemetry/metrics.ts
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

var registry = new Registry();
var LATENCY_BUCKETS = [5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
var metrics = {
  toolCalls: new Counter({
    name: "toolwright_tool_calls_total",
    help: "Tool calls by tool and outcome (ok, error, refused, rate_limited, cancelled).",
    labelNames: ["tool", "outcome"],
    registers: [registry],
  }),
  toolDuration: new Histogram({
    name: "toolwright_tool_call_duration_seconds",
    help: "Tool call latency, from the chain's start to its outcome.",
    labelNames: ["tool", "outcome"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  upstreamResponses: new Counter({
    name: "toolwright_upstream_responses_total",
    help: "Upstream requests by source and status (an HTTP status, or network, timeout, cancelled).",
    labelNames: ["source", "status"],
    registers: [registry],
  }),
  upstreamDuration: new Histogram({
    name: "toolwright_upstream_request_duration_seconds",
    help: "Upstream request latency by source, up to the response headers.",
    labelNames: ["source"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  upstreamRetries: new Counter({
    name: "toolwright_upstream_retries_total",
    help: "Upstream requests repeated after a 429 or 503 with Retry-After, by source and status.",
    labelNames: ["source", "status"],
    registers: [registry],
  }),
  rateLimited: new Counter({
    name: "toolwright_rate_limit_refusals_total",
    help: "Calls refused by a rate or concurrency limit, by the limit's scope and the tool.",
    labelNames: ["scope", "tool"],
    registers: [registry],
  }),
  storeErrors: new Counter({
    name: "toolwright_state_store_errors_total",
    help: "State store operations that failed (the call that needed them was refused).",
    labelNames: ["store", "operation"],
    registers: [registry],
  }),
  storeUp: new Gauge({
    name: "toolwright_state_store_up",
    help: "1 while the state store answers, 0 while it does not.",
    labelNames: ["store"],
    registers: [registry],
  }),
};
var processMetrics = false;
function enableProcessMetrics(catalog) {
  registry.setDefaultLabels({ catalog });
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry, prefix: "toolwright_" });
}

// src/telemetry/tracing.ts
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

var tracer = () => trace.getTracer("toolwright");
function clean(attributes) {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== void 0));
}
async function inSpan(name, kind, attributes, fn) {
  return tracer().startActiveSpan(
    name,
    { kind: kind === "client" ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes: clean(attributes) },
    async (span) => {
      try {
        return await fn(span);
      } catch (error2) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error2?.name ?? "error" });
        throw error2;
      } finally {
        span.end();
      }
    },
  );
}
function markSpan(span, attributes, failed) {
  span.setAttributes(clean(attributes));
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
}
function traceHeaders() {
  const carrier = {};
  propagation.inject(context.active(), carrier);
  return Object.entries(carrier).map(([name, value]) => [name.toLowerCase(), value]);
}
function withIncomingContext(headers, fn) {
  return context.with(propagation.extract(context.active(), headers), fn);
}

// src/executors/observed-fetch.ts
async function observedFetch(doFetch, url, init, what) {
  const attributes = {
    "http.request.method": init.method ?? "GET",
    "url.template": what.template,
    "toolwright.source": what.source,
  };
  return inSpan(`HTTP ${init.method ?? "GET"}`, "client", attributes, async (span) => {
    const started = performance.now();
    let status = "network";
    try {
      const response = await doFetch(url, { ...init, headers: [...init.headers, ...traceHeaders()] });
      status = String(response.status);
      markSpan(span, { "http.response.status_code": response.status }, response.status >= 500);
      return response;
    } catch (error2) {
      status = error2?.name === "AbortError" || error2?.name === "TimeoutError" ? "aborted" : "network";
      markSpan(span, { "error.type": status }, true);
      throw error2;
    } finally {
      metrics.upstreamResponses.inc({ source: what.source, status });
      metrics.upstreamDuration.observe({ source: what.source }, (performance.now() - started) / 1e3);
    }
  });
}

// src/executors/serialize.ts
function scalarText(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return JSON.stringify(value) ?? "";
}
function shapeOf(param, value) {
  if (value === void 0 || value === null) return { kind: "absent" };
  if (param.contentType !== void 0) {
    const json = /[/+]json\b/i.test(param.contentType);
    return { kind: "primitive", value: json ? JSON.stringify(value) : scalarText(value) };
  }
  if (Array.isArray(value)) return { kind: "array", items: value.map(scalarText) };
  if (typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== void 0 && v !== null)
      .map(([k, v]) => [k, scalarText(v)]);
    return { kind: "object", entries };
  }
  return { kind: "primitive", value: scalarText(value) };
}
function encodeStrict(text2) {
  return encodeURIComponent(text2).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
var RESERVED_PASS = {
  "%3A": ":",
  "%2F": "/",
  "%3F": "?",
  "%40": "@",
  "%21": "!",
  "%24": "$",
  "%27": "'",
  "%28": "(",
  "%29": ")",
  "%2A": "*",
  "%2C": ",",
  "%3B": ";",
  "%5B": "[",
  "%5D": "]",
};
function encodeAllowReserved(text2) {
  return encodeStrict(text2).replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B|5B|5D)/g,
    (m) => RESERVED_PASS[m] ?? m,
  );
}
function formPieces(param, value) {
  const enc = param.allowReserved ? encodeAllowReserved : encodeStrict;
  const raw = param.name;
  const name = encodeStrict(raw);
  if (
    param.style === "deepObject" &&
    param.contentType === void 0 &&
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value)
  ) {
    return deepObject(raw, name, value, enc, 0);
  }
  const shape = shapeOf(param, value);
  const one = (text2) => [{ name: raw, text: text2 }];
  switch (shape.kind) {
    case "absent":
      return [];
    case "primitive":
      return one(`${name}=${enc(shape.value)}`);
    case "array": {
      if (shape.items.length === 0) return [];
      if (param.explode) return shape.items.map((item) => ({ name: raw, text: `${name}=${enc(item)}` }));
      return one(`${name}=${shape.items.map(enc).join(delimiter(param))}`);
    }
    case "object": {
      if (shape.entries.length === 0) return [];
      if (param.explode && param.style === "form") {
        return shape.entries.map(([k, v]) => ({ name: k, text: `${enc(k)}=${enc(v)}` }));
      }
      return one(`${name}=${shape.entries.flatMap(([k, v]) => [enc(k), enc(v)]).join(delimiter(param))}`);
    }
  }
}
var NameOwners = class {
  constructor(where) {
    this.where = where;
  }
  where;
  owners = /* @__PURE__ */ new Map();
  claim(name, owner) {
    const key = nameKey(name);
    const current = this.owners.get(key);
    if (current === void 0) {
      this.owners.set(key, owner);
      return;
    }
    if (sameOwner(current, owner)) return;
    const [arg, other] = "arg" in owner ? [owner, current] : [current, owner];
    if (!("arg" in arg)) throw new Error(`the ${this.where} name ${name} has two fixed sources`);
    const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    if ("credential" in other) {
      throw new ArgumentError(
        `argument '${arg.arg}' would set the ${this.where} name ${shown}, which carries a credential: it would override a credential and is refused`,
      );
    }
    if ("baseUrl" in other) {
      throw new ArgumentError(
        `argument '${arg.arg}' would set the ${this.where} name ${shown}, which the configured base URL sets, and is refused`,
      );
    }
    throw new ArgumentError(
      `arguments '${other.arg}' and '${arg.arg}' would both set the ${this.where} name ${shown}; each name may come from one argument only`,
    );
  }
};
function sameOwner(a, b) {
  if ("arg" in a) return "arg" in b && a.arg === b.arg;
  return ("credential" in a && "credential" in b) || ("baseUrl" in a && "baseUrl" in b);
}
function nameKey(name) {
  return name.split("[")[0].toLowerCase().replace(/[.\s]/g, "_");
}
function delimiter(param) {
  if (param.style === "spaceDelimited") return "%20";
  if (param.style === "pipeDelimited") return "|";
  return ",";
}
function deepObject(rawPrefix, prefix, value, enc, depth) {
  if (depth > 32) throw new ArgumentError(`argument for '${rawPrefix}' is nested too deeply`);
  const out = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === void 0 || item === null) continue;
    const raw = `${rawPrefix}[${key}]`;
    const path = `${prefix}[${enc(key)}]`;
    if (Array.isArray(item)) {
      for (const element of item) out.push({ name: raw, text: `${path}=${enc(scalarText(element))}` });
    } else if (typeof item === "object") {
      out.push(...deepObject(raw, path, item, enc, depth + 1));
    } else {
      out.push({ name: raw, text: `${path}=${enc(scalarText(item))}` });
    }
  }
  return out;
}
function decodeFully(text2) {
  let current = text2;
  for (let i = 0; i < 5; i++) {
    const next = current.replace(/%([0-9a-fA-F]{2})/g, (_, hex) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (next === current) break;
    current = next;
  }
  return current;
}
function hasDotSegment(text2) {
  return decodeFully(text2)
    .split(/[/\\]/)
    .some((segment) => segment === "." || segment === "..");
}
function pathScalar(param, text2) {
  if (text2 === "") throw new ArgumentError(`path argument '${param.arg}' must not be empty`);
  if (hasDotSegment(text2)) {
    throw new ArgumentError(`path argument '${param.arg}' must not be or contain a '.' or '..' segment`);
  }
  return encodeStrict(text2);
}
function multiSegment(param, text2) {
  return text2
    .split("/")
    .map((segment) => {
      if (segment === "")
        throw new ArgumentError(`path argument '${param.arg}' must not contain empty segments`);
      if (segment.includes("\\"))
        throw new ArgumentError(`path argument '${param.arg}' must not contain backslashes`);
      if (hasDotSegment(segment)) {
        throw new ArgumentError(`path argument '${param.arg}' must not contain '.' or '..' segments`);
      }
      return encodeStrict(segment);
    })
    .join("/");
}
function serializePathParam(param, value) {
  const shape = shapeOf(param, value);
  if (shape.kind === "absent") throw new ArgumentError(`path argument '${param.arg}' is required`);
  if (param.multiSegment && shape.kind === "primitive") return multiSegment(param, shape.value);
  const enc = (text2) => pathScalar(param, text2);
  const name = encodeStrict(param.name);
  const explode = param.explode;
  switch (param.style) {
    case "label": {
      if (shape.kind === "primitive") return shape.value === "" ? "." : `.${enc(shape.value)}`;
      if (shape.kind === "array") return `.${shape.items.map(enc).join(explode ? "." : ",")}`;
      return explode
        ? `.${shape.entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join(".")}`
        : `.${shape.entries.flatMap(([k, v]) => [enc(k), enc(v)]).join(",")}`;
    }
    case "matrix": {
      if (shape.kind === "primitive") return shape.value === "" ? `;${name}` : `;${name}=${enc(shape.value)}`;
      if (shape.kind === "array") {
        return explode
          ? shape.items.map((item) => `;${name}=${enc(item)}`).join("")
          : `;${name}=${shape.items.map(enc).join(",")}`;
      }
      return explode
        ? shape.entries.map(([k, v]) => `;${enc(k)}=${enc(v)}`).join("")
        : `;${name}=${shape.entries.flatMap(([k, v]) => [enc(k), enc(v)]).join(",")}`;
    }
    default: {
      if (shape.kind === "primitive") return enc(shape.value);
      if (shape.kind === "array") {
        if (shape.items.length === 0)
          throw new ArgumentError(`path argument '${param.arg}' must not be empty`);
        return shape.items.map(enc).join(",");
      }
      if (shape.entries.length === 0)
        throw new ArgumentError(`path argument '${param.arg}' must not be empty`);
      return explode
        ? shape.entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join(",")
        : shape.entries.flatMap(([k, v]) => [enc(k), enc(v)]).join(",");
    }
  }
}
function serializeHeaderParam(param, value) {
  const shape = shapeOf(param, value);
  let text2;
  switch (shape.kind) {
    case "absent":
      return void 0;
    case "primitive":
      text2 = shape.value;
      break;
    case "array":
      text2 = shape.items.join(",");
      break;
    case "object":
      text2 = param.explode
        ? shape.entries.map(([k, v]) => `${k}=${v}`).join(",")
        : shape.entries.flat().join(",");
      break;
  }
  if (/[\r\n]/.test(text2))
    throw new ArgumentError(`header argument '${param.arg}' must not contain CR or LF`);
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text2)) {
    throw new ArgumentError(`header argument '${param.arg}' must not contain control characters`);
  }
  if (/[^\u0000-\u007f]/.test(text2)) {
    throw new ArgumentError(`header argument '${param.arg}' must be ASCII`);
  }
  return text2;
}
function serializeCookieParam(param, value) {
  const shape = shapeOf(param, value);
  const name = param.name;
  if (shape.kind === "object" && param.explode && shape.entries.length > 0) {
    throw new ArgumentError(
      `cookie argument '${param.arg}' is an object: exploded, its keys would become cookie names, which arguments never choose`,
    );
  }
  switch (shape.kind) {
    case "absent":
      return [];
    case "primitive":
      return [`${name}=${encodeStrict(shape.value)}`];
    case "array":
      return param.explode
        ? shape.items.map((item) => `${name}=${encodeStrict(item)}`)
        : [`${name}=${shape.items.map(encodeStrict).join(",")}`];
    case "object":
      return param.explode
        ? []
        : [`${name}=${shape.entries.flatMap(([k, v]) => [encodeStrict(k), encodeStrict(v)]).join(",")}`];
  }
}

// src/executors/body.ts
function decodeBase64(text2, what) {
  const compact = text2.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, "").length % 4 === 1) {
    throw new ArgumentError(`${what} must be base64`);
  }
  return new Uint8Array(Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}
function asFile(value, what) {
  if (typeof value === "string") return { content: value };
  if (value !== null && typeof value === "object" && typeof value.content === "string") {
    const file = value;
    if (file.filename !== void 0 && typeof file.filename !== "string") {
      throw new ArgumentError(`${what}.filename must be a string`);
    }
    if (file.contentType !== void 0 && typeof file.contentType !== "string") {
      throw new ArgumentError(`${what}.contentType must be a string`);
    }
    return file;
  }
  throw new ArgumentError(
    `${what} must be { content: <base64>, filename?, contentType? } or a base64 string`,
  );
}
function checkMediaType(type, what) {
  if (!/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"\r\n]*"|[\w.+-]+))*$/.test(type)) {
    throw new ArgumentError(`${what} is not a valid media type`);
  }
  return type;
}
function fieldValues(body, args) {
  return (body.fields ?? []).map((field) => [field, args[field.arg]]).filter(([, value]) => value !== void 0);
}
function wholeValue(body, args) {
  return body.arg === void 0 ? void 0 : args[body.arg];
}
function text(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}
function formFieldPieces(field, value) {
  if (value === void 0 || value === null) return [];
  if (field.contentType !== void 0 && /[/+]json\b/i.test(field.contentType)) {
    return [{ name: field.name, text: `${encodeStrict(field.name)}=${encodeStrict(JSON.stringify(value))}` }];
  }
  return formPieces({ ...field, contentType: void 0 }, value);
}
function formStyleOf(field) {
  return {
    name: field.name,
    style: field.style ?? "form",
    explode: field.explode ?? true,
    ...(field.allowReserved ? { allowReserved: true } : {}),
    ...(field.contentType !== void 0 ? { contentType: field.contentType } : {}),
  };
}
function formBody(body, args) {
  const names = new NameOwners("form field");
  const pieces = [];
  const add = (field, value, owner) => {
    for (const piece of formFieldPieces(field, value)) {
      names.claim(piece.name, { arg: owner });
      pieces.push(piece.text);
    }
  };
  if (body.mode === "whole") {
    const value = wholeValue(body, args);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new ArgumentError(`argument '${body.arg}' must be an object of form fields`);
    }
    for (const [key, item] of Object.entries(value)) {
      add({ name: key, style: "form", explode: true }, item, `${body.arg}.${key}`);
    }
  } else {
    for (const [field, value] of fieldValues(body, args)) add(formStyleOf(field), value, field.arg);
  }
  return pieces.join("&");
}
function appendPart(form, field, value) {
  if (value === void 0 || value === null) return;
  if (field.file) {
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, index) => {
      const what = `argument '${field.arg}'${Array.isArray(value) ? `[${index}]` : ""}`;
      const file = asFile(item, what);
      const type = checkMediaType(
        file.contentType ?? field.contentType ?? "application/octet-stream",
        `${what}.contentType`,
      );
      const bytes = decodeBase64(file.content, `${what}.content`);
      form.append(field.name, new Blob([bytes], { type }), file.filename ?? field.name);
    });
    return;
  }
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== "object")) {
    for (const item of value) form.append(field.name, text(item));
    return;
  }
  if (typeof value === "object") {
    form.append(
      field.name,
      new Blob([JSON.stringify(value)], { type: field.contentType ?? "application/json" }),
    );
    return;
  }
  if (field.contentType !== void 0 && !/^text\//i.test(field.contentType)) {
    form.append(field.name, new Blob([text(value)], { type: field.contentType }));
    return;
  }
  form.append(field.name, text(value));
}
function buildBody(body, args) {
  const whole = body.mode === "whole";
  const present = whole ? wholeValue(body, args) !== void 0 : fieldValues(body, args).length > 0;
  if (!present) {
    if (body.required && !(body.mode === "fields" && body.encoding === "json")) {
      throw new ArgumentError(`the request body${body.arg ? ` (argument '${body.arg}')` : ""} is required`);
    }
    if (!body.required) return void 0;
  }
  switch (body.encoding) {
    case "json": {
      if (whole) return { body: JSON.stringify(wholeValue(body, args) ?? null), contentType: body.mediaType };
      const object = {};
      for (const [field, value] of fieldValues(body, args)) object[field.name] = value;
      return { body: JSON.stringify(object), contentType: body.mediaType };
    }
    case "form":
      return { body: formBody(body, args), contentType: "application/x-www-form-urlencoded" };
    case "multipart": {
      const form = new FormData();
      if (whole) {
        const value = wholeValue(body, args);
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          throw new ArgumentError(`argument '${body.arg}' must be an object of parts`);
        }
        for (const [key, item] of Object.entries(value)) {
          appendPart(form, { arg: `${body.arg}.${key}`, name: key }, item);
        }
      } else {
        for (const [field, value] of fieldValues(body, args)) appendPart(form, field, value);
      }
      return { body: form };
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

// src/executors/request.ts
var RESERVED_HEADERS = /* @__PURE__ */ new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "content-type",
  "expect",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);
function isReservedHeader(name) {
  return RESERVED_HEADERS.has(name.toLowerCase());
}
function buildHttpRequest(input) {
  const { binding, args, auth } = input;
  const base = new URL(input.baseUrl);
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new Error("the base URL must be http(s)");
  }
  const pathParams = new Map(binding.params.filter((p) => p.in === "path").map((p) => [p.name, p]));
  const path = binding.path.replace(/\{([^}]+)\}/g, (_, name) => {
    const param = pathParams.get(name);
    if (!param) throw new Error(`path template variable {${name}} has no parameter`);
    return serializePathParam(param, args[param.arg]);
  });
  if (path.split("/").some((segment) => hasDotSegment(segment))) {
    throw new ArgumentError("the path arguments would form a '.' or '..' segment");
  }
  const authHeaderNames = new Set(auth.headers.map(([name]) => name.toLowerCase()));
  const queryNames = new NameOwners("query parameter");
  const cookieNames = new NameOwners("cookie");
  for (const name of base.searchParams.keys()) queryNames.claim(name, { baseUrl: true });
  for (const [name] of auth.query) queryNames.claim(name, { credential: true });
  for (const [name] of auth.cookies) cookieNames.claim(name, { credential: true });
  const query = [];
  const headers = [];
  const cookies = [];
  for (const param of binding.params) {
    const value = args[param.arg];
    const owner = { arg: param.arg };
    switch (param.in) {
      case "path":
        break;
      case "query":
        for (const piece of formPieces(param, value)) {
          queryNames.claim(piece.name, owner);
          query.push(piece.text);
        }
        break;
      case "header": {
        if (value === void 0 || value === null) break;
        if (isReservedHeader(param.name) || authHeaderNames.has(param.name.toLowerCase())) {
          throw new ArgumentError(`argument '${param.arg}' cannot set the ${param.name} header`);
        }
        const text2 = serializeHeaderParam(param, value);
        if (text2 !== void 0) headers.push([param.name.toLowerCase(), text2]);
        break;
      }
      case "cookie": {
        const pieces = serializeCookieParam(param, value);
        if (pieces.length > 0) cookieNames.claim(param.name, owner);
        cookies.push(...pieces);
        break;
      }
    }
  }
  for (const [name, value] of auth.query) query.push(`${encodeStrict(name)}=${encodeStrict(value)}`);
  for (const [name, value] of auth.cookies) cookies.push(`${name}=${encodeStrict(value)}`);
  headers.push(...auth.headers);
  if (cookies.length > 0) headers.push(["cookie", cookies.join("; ")]);
  const body = binding.body ? buildBody(binding.body, args) : void 0;
  if (body?.contentType !== void 0) headers.push(["content-type", body.contentType]);
  if (!headers.some(([name]) => name === "accept")) headers.push(["accept", acceptFor(binding)]);
  if (input.userAgent) headers.push(["user-agent", input.userAgent]);
  const basePath = base.pathname.replace(/\/+$/, "");
  const baseQuery = base.search.length > 1 ? [base.search.slice(1)] : [];
  const allQuery = [...baseQuery, ...query];
  const pathname = `${basePath}${path.startsWith("/") ? path : `/${path}`}`;
  const url = `${base.origin}${pathname}${allQuery.length > 0 ? `?${allQuery.join("&")}` : ""}`;
  const parsed = new URL(url);
  if (parsed.origin !== base.origin || parsed.pathname !== pathname || parsed.hash !== "") {
    throw new ArgumentError("the arguments would change the request URL's structure");
  }
  const request = { method: binding.method, url, headers };
  if (body !== void 0) request.body = body.body;
  return request;
}
function acceptFor(binding) {
  const type = binding.success.mediaType;
  if (type === void 0 || type === "*/*") return "application/json, */*;q=0.5";
  return `${type}, */*;q=0.5`;
}

// src/executors/response.ts
import { STATUS_CODES } from "node:http";

// src/executors/retry.ts
import { setTimeout as sleep } from "node:timers/promises";

var MAX_RETRIES = 3;
var RETRIED_STATUSES = /* @__PURE__ */ new Set([429, 503]);
var MAX_RETRY_AFTER_MS = 24 * 3600 * 1e3;
function retryAfterMs(headers, now = Date.now()) {
  const value = headers.get("retry-after")?.trim();
  if (!value) return void 0;
  if (/^\d{1,10}$/.test(value)) return Math.min(Number(value) * 1e3, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isNaN(date) || !/[a-z]/i.test(value)) return void 0;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}
function askedToRetry(response) {
  return RETRIED_STATUSES.has(response.status) ? retryAfterMs(response.headers) : void 0;
}
function safeToRepeat(tool) {
  return tool.annotations?.idempotentHint === true;
}
async function sendWithRetries(send2, options) {
  const safe = safeToRepeat(options.tool);
  for (let attempt = 0; ; attempt++) {
    const response = await send2();
    const wait = askedToRetry(response);
    if (wait === void 0 || !safe || attempt >= MAX_RETRIES || Date.now() + wait >= options.deadline) {
      return response;
    }
    metrics.upstreamRetries.inc({ source: options.source, status: String(response.status) });
    await response.body?.cancel().catch(() => {});
    await sleep(wait, void 0, { signal: options.signal });
  }
}

// src/executors/response.ts
var ResponseTooLargeError = class extends Error {
  constructor(limit) {
    super(`the upstream response is larger than ${formatBytes(limit)}`);
    this.limit = limit;
    this.name = "ResponseTooLargeError";
  }
  limit;
};
var MAX_ERROR_BODY_BYTES = 64 * 1024;
function formatBytes(n) {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
async function readLimited(response, limit) {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new ResponseTooLargeError(limit);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
function kindOf(contentType) {
  const essence = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (essence === "") return "text";
  if (essence === "application/json" || essence.endsWith("+json") || essence === "text/json") return "json";
  if (
    essence.startsWith("text/") ||
    essence.endsWith("+xml") ||
    essence === "application/xml" ||
    essence === "application/javascript" ||
    essence === "application/x-www-form-urlencoded" ||
    essence === "application/yaml" ||
    essence === "application/x-yaml"
  ) {
    return "text";
  }
  return "binary";
}
function decodeBody(bytes, contentType) {
  if (bytes.byteLength === 0) return null;
  const kind = kindOf(contentType);
  if (kind === "binary") {
    return {
      content: Buffer.from(bytes).toString("base64"),
      contentType: contentType ?? "application/octet-stream",
      size: bytes.byteLength,
    };
  }
  const text2 = new TextDecoder("utf-8").decode(bytes);
  if (kind === "json") {
    try {
      return JSON.parse(text2);
    } catch {
      return text2;
    }
  }
  return text2;
}
function firstString(...candidates) {
  for (const candidate of candidates) {
    if (typeof candidate === "string" && candidate.trim() !== "") return candidate;
  }
  return void 0;
}
function upstreamErrorMessage(body) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return void 0;
  const b = body;
  const detail = Array.isArray(b.detail) ? b.detail[0]?.msg : b.detail;
  const errors2 = Array.isArray(b.errors) ? b.errors[0] : void 0;
  const found = firstString(
    b.message,
    b.error && typeof b.error === "object" ? b.error.message : void 0,
    b.error_description,
    detail,
    typeof b.error === "string" ? b.error : void 0,
    b.title,
    typeof errors2 === "string" ? errors2 : errors2?.message,
  );
  return found === void 0 ? void 0 : redactAndTruncate(found, 200);
}
var ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
function upstreamErrorCode(body) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return void 0;
  const b = body;
  const nested = b.error && typeof b.error === "object" ? b.error.code : void 0;
  const code = typeof nested === "string" ? nested : typeof b.code === "string" ? b.code : void 0;
  return code !== void 0 && ERROR_CODE.test(code) ? code : void 0;
}
function describeStatus(status) {
  const text2 = STATUS_CODES[status];
  return text2 ? `HTTP ${status} ${text2}` : `HTTP ${status}`;
}
function describeNetworkError(error2) {
  const cause = error2?.cause;
  const code = cause?.code ?? error2?.code ?? "";
  if (cause?.message === "bad port") return "the base URL uses a port fetch refuses to connect to";
  if (code === "ECONNREFUSED") return "the upstream refused the connection";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the upstream host name could not be resolved";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "the upstream closed the connection";
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT")
    return "connecting to the upstream timed out";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "the upstream host is unreachable";
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code))
    return "the upstream's TLS certificate was not accepted";
  return "the upstream request failed";
}
var SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;
function scopeText(value) {
  if (typeof value === "string" && value.length <= 200 && SCOPE.test(value)) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return scopeText(value.join(" "));
  return void 0;
}
function missingScope(body, headers) {
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    const b = body;
    const fromBody =
      scopeText(b.error && typeof b.error === "object" ? b.error.required_scope : void 0) ??
      scopeText(b.required_scope);
    if (fromBody) return fromBody;
  }
  const challenge = headers.get("www-authenticate") ?? "";
  if (/\berror\s*=\s*"?insufficient_scope"?/i.test(challenge)) {
    const scope = /\bscope\s*=\s*"([^"]*)"/i.exec(challenge)?.[1];
    return scopeText(scope);
  }
  return void 0;
}
function upstreamFailureMessage(status, body, headers) {
  if (status === 403) {
    const scope = missingScope(body, headers);
    if (scope) {
      return `refused by the upstream: the token lacks scope ${scope} (upstream 403); toolwright's settings can only narrow what the token allows, so this needs a token with that scope`;
    }
  }
  const detail = upstreamErrorMessage(body);
  return `upstream answered ${describeStatus(status)}${detail ? `: ${detail}` : ""}`;
}
async function readErrorBody(response) {
  try {
    const bytes = await readLimited(response, MAX_ERROR_BODY_BYTES);
    return decodeBody(bytes, response.headers.get("content-type"));
  } catch {
    return void 0;
  }
}
function upstreamFailure(response, body) {
  const wait = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers) : void 0;
  const retry = wait === void 0 ? void 0 : Math.ceil(wait / 1e3);
  const message = `${upstreamFailureMessage(response.status, body, response.headers)}${retry === void 0 ? "" : `; the upstream asks to retry after ${retry} s`}`;
  const outcome = failure(message, `http_${response.status}`, { status: response.status });
  const code = upstreamErrorCode(body);
  const details = {
    ...(code ? { upstream_code: code } : {}),
    ...(retry !== void 0 ? { retry_after_seconds: retry } : {}),
  };
  if (Object.keys(details).length > 0 && outcome.error) outcome.error.details = details;
  return outcome;
}

// src/executors/upstream-credentials.ts
var AuthError = class extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
    this.name = "AuthError";
  }
  code;
};
function resolveCredential(scheme, config) {
  switch (scheme.kind) {
    case "bearer":
      return resolveBearer(scheme, config);
    case "apiKey":
      return resolveApiKey(scheme, config);
    case "basic":
      return resolveBasic(scheme, config);
    case "oauth2ClientCredentials":
      return resolveClientCredentials(scheme, config);
    case "oauth2":
      return resolveUserToken(scheme, config);
  }
}
async function need(source, config, secret = true) {
  const value = await resolveValue(source, config);
  if (value !== void 0 && secret) rememberSecret(value, { rotating: true });
  return value;
}
function missingOf(pairs) {
  const missing = [];
  for (const [value, source] of pairs) if (value === void 0) missing.push(describeSource(source));
  return { missing };
}
async function resolveBearer(scheme, config) {
  const token = await need(scheme.token, config);
  return token === void 0 ? { missing: [describeSource(scheme.token)] } : { kind: "bearer", token };
}
async function resolveApiKey(scheme, config) {
  const value = await need(scheme.value, config);
  return value === void 0
    ? { missing: [describeSource(scheme.value)] }
    : { kind: "apiKey", in: scheme.in, name: scheme.name, value };
}
async function resolveBasic(scheme, config) {
  const username = await need(scheme.username, config, false);
  const password = await need(scheme.password, config);
  if (username === void 0 || password === void 0) {
    return missingOf([
      [username, scheme.username],
      [password, scheme.password],
    ]);
  }
  return { kind: "basic", username, password };
}
async function resolveClientCredentials(scheme, config) {
  const id = await need(scheme.clientId, config, false);
  const secret = await need(scheme.clientSecret, config);
  if (id === void 0 || secret === void 0) {
    return missingOf([
      [id, scheme.clientId],
      [secret, scheme.clientSecret],
    ]);
  }
  return { kind: "oauth2", scheme, id, secret };
}
async function resolveUserToken(scheme, config) {
  const optional = async (source, secret = true) => (source ? await need(source, config, secret) : void 0);
  const token = await need(scheme.token, config);
  const refreshToken = await optional(scheme.refreshToken);
  const clientId = await optional(scheme.clientId, false);
  const clientSecret = await optional(scheme.clientSecret);
  const canRenew =
    clientId !== void 0 &&
    (refreshToken !== void 0 || (clientSecret !== void 0 && scheme.flows.includes("clientCredentials")));
  if (token === void 0 && !canRenew) {
    const ways = [describeSource(scheme.token)];
    if (scheme.refreshToken && scheme.clientId)
      ways.push(`${describeSource(scheme.refreshToken)} with ${describeSource(scheme.clientId)}`);
    if (scheme.clientSecret && scheme.clientId && scheme.flows.includes("clientCredentials"))
      ways.push(`${describeSource(scheme.clientId)} with ${describeSource(scheme.clientSecret)}`);
    return { missing: [ways.join(", or ")] };
  }
  return {
    kind: "userToken",
    scheme,
    ...(token !== void 0 ? { token } : {}),
    ...(refreshToken !== void 0 ? { refreshToken } : {}),
    ...(clientId !== void 0 ? { clientId } : {}),
    ...(clientSecret !== void 0 ? { clientSecret } : {}),
  };
}
function placeStaticCredential(credential, into) {
  switch (credential.kind) {
    case "bearer":
      into.headers.push(["authorization", `Bearer ${headerSafe(credential.token)}`]);
      return;
    case "basic": {
      const pair = Buffer.from(`${credential.username}:${credential.password}`, "utf8").toString("base64");
      into.headers.push(["authorization", `Basic ${pair}`]);
      return;
    }
    case "apiKey":
      if (credential.in === "header")
        into.headers.push([credential.name.toLowerCase(), headerSafe(credential.value)]);
      else if (credential.in === "query") into.query.push([credential.name, credential.value]);
      else into.cookies.push([credential.name, credential.value]);
      return;
  }
}
function headerSafe(value) {
  if (/[\r\n\0]/.test(value)) {
    throw new AuthError("a configured credential contains a line break", "missing_credentials");
  }
  return value;
}

// src/executors/upstream-oauth2.ts
import { decodeJwt } from "jose";

var DEFAULT_TOKEN_LIFETIME_S = 300;
var TOKEN_RESPONSE_LIMIT = 64 * 1024;
var EXPIRY_SKEW_MS = 3e4;
function createOAuthTokens(options) {
  const issued = /* @__PURE__ */ new Map();
  const inflight = /* @__PURE__ */ new Map();
  const rotated = /* @__PURE__ */ new Map();
  const refused = /* @__PURE__ */ new Map();
  const sent = /* @__PURE__ */ new Map();
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 3e4;
  const endpoints = createTokenEndpoints(doFetch, options.baseUrl, timeoutMs);
  async function shared(key, apply, scheme, request) {
    let pending = inflight.get(key);
    if (!pending) {
      apply.onRequest?.();
      pending = request().finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    const fresh = await untilAborted(pending, apply.signal, scheme);
    issued.set(key, fresh);
    return fresh;
  }
  const valid = (key) => {
    const cached = issued.get(key);
    return cached && Date.now() < cached.expiresAt ? cached.token : void 0;
  };
  async function renew(credential, apply) {
    const { scheme } = credential;
    const key = JSON.stringify(["user", scheme.scheme, credential.clientId, credential.refreshToken ?? ""]);
    const cached = valid(key);
    if (cached) return cached;
    if (credential.clientId === void 0) return void 0;
    const client = { id: credential.clientId, secret: credential.clientSecret };
    let form;
    if (credential.refreshToken !== void 0) {
      const refreshToken = rotated.get(credential.refreshToken) ?? credential.refreshToken;
      form = { grant_type: "refresh_token", refresh_token: refreshToken };
    } else if (scheme.flows.includes("clientCredentials") && client.secret !== void 0) {
      form = { grant_type: "client_credentials" };
    } else return void 0;
    if (scheme.scopes.length > 0) form.scope = scheme.scopes.join(" ");
    const fresh = await shared(key, apply, scheme.scheme, async () => {
      const tokenUrl = await endpoints.of(scheme.scheme, scheme.tokenUrl, scheme.discoveryUrl);
      return requestToken(doFetch, { tokenUrl, form, client, scheme: scheme.scheme }, timeoutMs);
    });
    if (fresh.refreshToken && credential.refreshToken !== void 0) {
      rememberSecret(fresh.refreshToken, { rotating: true });
      rotated.set(credential.refreshToken, fresh.refreshToken);
    }
    return fresh.token;
  }
  return {
    async clientCredentials(credentials, apply) {
      const tokenUrl = new URL(credentials.scheme.tokenUrl, options.baseUrl).toString();
      const key = JSON.stringify([tokenUrl, credentials.id, [...credentials.scheme.scopes].sort()]);
      const form = { grant_type: "client_credentials" };
      if (credentials.scheme.scopes.length > 0) form.scope = credentials.scheme.scopes.join(" ");
      const client = { id: credentials.id, secret: credentials.secret };
      const token =
        valid(key) ??
        (
          await shared(key, apply, credentials.scheme.scheme, () =>
            requestToken(doFetch, { tokenUrl, form, client, scheme: credentials.scheme.scheme }, timeoutMs),
          )
        ).token;
      sent.set(credentials.scheme.scheme, { token, provided: false, renewable: true });
      return token;
    },
    async userToken(credential, apply) {
      const name = credential.scheme.scheme;
      const provided = credential.token;
      const renewable =
        credential.clientId !== void 0 &&
        (credential.refreshToken !== void 0 || credential.clientSecret !== void 0);
      const usable = provided !== void 0 && refused.get(name) !== provided && !expired(provided);
      const token = (usable ? provided : await renew(credential, apply)) ?? provided;
      if (token === void 0) {
        throw new AuthError(
          `OAuth2 scheme '${name}': no access token and no way to obtain one`,
          "missing_credentials",
        );
      }
      sent.set(name, { token, provided: token === provided, renewable });
      return token;
    },
    rejected() {
      let renewable = false;
      for (const [scheme, last] of sent) {
        if (last.provided) refused.set(scheme, last.token);
        renewable ||= last.renewable;
      }
      sent.clear();
      issued.clear();
      return renewable;
    },
  };
}
function expired(token) {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" && exp * 1e3 <= Date.now() + EXPIRY_SKEW_MS;
  } catch {
    return false;
  }
}
function createTokenEndpoints(doFetch, baseUrl, timeoutMs) {
  const discovered = /* @__PURE__ */ new Map();
  return {
    async of(scheme, tokenUrl, discoveryUrl) {
      if (tokenUrl !== void 0) return new URL(tokenUrl, baseUrl).toString();
      if (discoveryUrl === void 0) {
        throw new AuthError(
          `OAuth2 scheme '${scheme}': no token endpoint to renew tokens at`,
          "token_request_failed",
        );
      }
      const url = new URL(discoveryUrl, baseUrl).toString();
      let pending = discovered.get(url);
      if (!pending) {
        pending = discover(doFetch, url, scheme, timeoutMs);
        discovered.set(url, pending);
        pending.catch(() => discovered.delete(url));
      }
      return pending;
    },
  };
}
async function discover(doFetch, url, scheme, timeoutMs) {
  const failed = (why) =>
    new AuthError(
      `OAuth2 scheme '${scheme}': the OpenID Connect discovery document ${why}`,
      "token_request_failed",
    );
  let response;
  try {
    httpOnly(new URL(url), scheme, "discovery URL");
    response = await doFetch(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error2) {
    if (error2 instanceof AuthError) throw error2;
    throw failed("could not be read");
  }
  if (!response.ok) throw failed(`answered HTTP ${response.status}`);
  const fields = await readJsonFields(response, scheme, "the OpenID Connect discovery document");
  if (typeof fields.token_endpoint !== "string") throw failed("names no token_endpoint");
  return new URL(fields.token_endpoint, url).toString();
}
async function requestToken(doFetch, grant, timeoutMs) {
  const url = new URL(grant.tokenUrl);
  httpOnly(url, grant.scheme, "token URL");
  const response = await postTokenRequest(doFetch, url, grant, timeoutMs);
  const fields = await readJsonFields(response, grant.scheme);
  return tokenFromResponse(response, fields, grant.scheme);
}
function httpOnly(url, scheme, what) {
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AuthError(`OAuth2 scheme '${scheme}': the ${what} must be http(s)`, "token_request_failed");
  }
}
async function postTokenRequest(doFetch, url, grant, timeoutMs) {
  const form = new URLSearchParams(grant.form);
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (grant.client.secret !== void 0) {
    const basic = Buffer.from(
      `${encodeURIComponent(grant.client.id)}:${encodeURIComponent(grant.client.secret)}`,
      "utf8",
    ).toString("base64");
    headers.authorization = `Basic ${basic}`;
  } else form.set("client_id", grant.client.id);
  try {
    return await doFetch(url, {
      method: "POST",
      headers,
      body: form.toString(),
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new AuthError(
      `OAuth2 scheme '${grant.scheme}': the token endpoint could not be reached`,
      "token_request_failed",
    );
  }
}
async function readJsonFields(response, name, what = "the token endpoint's answer") {
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(await readLimited(response, TOKEN_RESPONSE_LIMIT)));
  } catch (error2) {
    if (error2 instanceof ResponseTooLargeError) {
      throw new AuthError(
        `OAuth2 scheme '${name}': ${what} is larger than ${formatBytes(TOKEN_RESPONSE_LIMIT)}`,
        "token_request_failed",
      );
    }
    body = void 0;
  }
  return body !== null && typeof body === "object" ? body : {};
}
function tokenFromResponse(response, fields, name) {
  if (!response.ok) {
    const code =
      typeof fields.error === "string" && /^[a-z_]{1,40}$/.test(fields.error) ? `: ${fields.error}` : "";
    throw new AuthError(
      `OAuth2 scheme '${name}': the token endpoint answered HTTP ${response.status}${code}`,
      "token_request_failed",
    );
  }
  const token = fields.access_token;
  if (typeof token !== "string" || token === "") {
    throw new AuthError(
      `OAuth2 scheme '${name}': the token response has no access_token`,
      "token_request_failed",
    );
  }
  rememberSecret(token, { rotating: true });
  const lifetime =
    typeof fields.expires_in === "number" && fields.expires_in > 0
      ? fields.expires_in
      : DEFAULT_TOKEN_LIFETIME_S;
  const skew = Math.min(EXPIRY_SKEW_MS, (lifetime * 1e3) / 2);
  const refreshToken =
    typeof fields.refresh_token === "string" && fields.refresh_token !== "" ? fields.refresh_token : void 0;
  return { token, expiresAt: Date.now() + lifetime * 1e3 - skew, ...(refreshToken ? { refreshToken } : {}) };
}
function untilAborted(promise, signal, scheme) {
  if (signal.aborted)
    return Promise.reject(new AuthError(`OAuth2 scheme '${scheme}': cancelled`, "token_request_failed"));
  return new Promise((resolve4, reject) => {
    const onAbort = () =>
      reject(new AuthError(`OAuth2 scheme '${scheme}': cancelled`, "token_request_failed"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve4(value);
      },
      (error2) => {
        signal.removeEventListener("abort", onAbort);
        reject(error2);
      },
    );
  });
}

// src/executors/upstream-auth.ts
function createAuthenticator(source, config, options = {}) {
  const schemes = new Map(source.auth.map((scheme) => [scheme.scheme, scheme]));
  const tokens = createOAuthTokens(options);
  async function place(resolved, into, apply) {
    if (resolved.kind === "oauth2" || resolved.kind === "userToken") {
      const token =
        resolved.kind === "oauth2"
          ? await tokens.clientCredentials(resolved, apply)
          : await tokens.userToken(resolved, apply);
      into.headers.push(["authorization", `Bearer ${headerSafe(token)}`]);
      return;
    }
    placeStaticCredential(resolved, into);
  }
  return {
    async apply(security, applyOptions) {
      const placement = { headers: [], query: [], cookies: [] };
      if (security.length === 0) return placement;
      const missingPerAlternative = [];
      const hints = /* @__PURE__ */ new Set();
      for (const alternative of security) {
        const outcome = await resolveAlternative(alternative, schemes, config, hints);
        if (outcome.missing.length === 0) {
          for (const item of outcome.resolved) await place(item, placement, applyOptions);
          return placement;
        }
        missingPerAlternative.push(`${outcome.missing.join(" and ")} (${alternative.join(" + ")})`);
      }
      throw missingCredentialsError(missingPerAlternative, hints);
    },
    invalidate() {
      return tokens.rejected();
    },
  };
}
async function resolveAlternative(alternative, schemes, config, hints) {
  const resolved = [];
  const missing = [];
  for (const name of alternative) {
    const scheme = schemes.get(name);
    if (!scheme) throw new AuthError(`security scheme '${name}' is not defined`, "missing_credentials");
    const result = await resolveCredential(scheme, config);
    if ("missing" in result) {
      missing.push(...result.missing);
      if (scheme.hint) hints.add(scheme.hint);
    } else resolved.push(result);
  }
  return { resolved, missing };
}
function missingCredentialsError(missingPerAlternative, hints) {
  const how = hints.size > 0 ? `. ${[...hints].join(" ")}` : "";
  return new AuthError(
    `missing credentials: set ${missingPerAlternative.join(", or ")}${how}`,
    "missing_credentials",
  );
}

// src/executors/source-access.ts
function createSourceAccess(options) {
  const sources = new Map(options.sources.map((source) => [source.id, source]));
  const authenticators = /* @__PURE__ */ new Map();
  const name = options.urlName;
  return async (sourceId) => {
    const source = sources.get(sourceId);
    if (!source) return failure(`source '${sourceId}' is not defined in the catalog`, "catalog");
    let value;
    try {
      value = await resolveValue(source.baseUrl, options.config);
    } catch (error2) {
      if (error2 instanceof ValueError) return failure(error2.message, "configuration");
      throw error2;
    }
    if (value === void 0) {
      return failure(`no ${name} for '${source.id}': set ${describeSource(source.baseUrl)}`, "configuration");
    }
    let url;
    try {
      url = new URL(value);
    } catch {
      return failure(`the ${name} for '${source.id}' is not a URL`, "configuration");
    }
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hash !== "") {
      return failure(`the ${name} for '${source.id}' must be http(s), without a fragment`, "configuration");
    }
    const key = `${source.id} ${value}`;
    let auth = authenticators.get(key);
    if (!auth) {
      auth = createAuthenticator(source, options.config, {
        fetch: options.fetch,
        baseUrl: value,
        timeoutMs: source.timeoutMs,
      });
      authenticators.set(key, auth);
    }
    return { source, raw: value, url, auth };
  };
}
function isAccess(x) {
  return "auth" in x && "url" in x;
}

// src/executors/http.ts
var DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
var MAX_REDIRECTS = 5;
function createHttpExecutor(options) {
  const doFetch = options.fetch ?? fetchAllowingBody;
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const access = createSourceAccess({ ...options, fetch: doFetch, urlName: "base URL" });
  return async (ctx, binding) => {
    const resolved = await access(binding.source);
    if (!isAccess(resolved)) return resolved;
    const { source, raw: baseUrl, auth } = resolved;
    const input = {
      binding,
      args: ctx.args,
      baseUrl,
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    };
    const sign = async (unsigned2) => {
      const placement = await auth.apply(binding.security, {
        signal: ctx.signal,
        onRequest: () => countUpstreamRequest(ctx),
      });
      return withCredentials(input, unsigned2, placement);
    };
    let unsigned;
    let request;
    try {
      unsigned = buildHttpRequest({ ...input, auth: NO_CREDENTIALS });
      request = await sign(unsigned);
    } catch (error2) {
      return requestFailure(error2);
    }
    const timeout = AbortSignal.timeout(source.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    const deadline = Date.now() + source.timeoutMs;
    try {
      const transmit = (signed) =>
        sendWithRetries(() => send2(signed, signal), { tool: ctx.tool, source: source.id, deadline, signal });
      let response = await transmit(request);
      if (response.status === 401 && auth.invalidate()) {
        await response.body?.cancel().catch(() => {});
        try {
          request = await sign(unsigned);
        } catch (error2) {
          return requestFailure(error2);
        }
        response = await transmit(request);
        if (response.status === 401) auth.invalidate();
      }
      ctx.upstream.lastStatus = response.status;
      if (response.status >= 300) return upstreamFailure(response, await readErrorBody(response));
      const bytes = await readLimited(response, limit);
      const contentType = response.headers.get("content-type") ?? binding.success.mediaType ?? null;
      return { data: decodeBody(bytes, contentType), status: response.status };
    } catch (error2) {
      if (ctx.signal.aborted) return failure("the call was cancelled", "cancelled");
      if (timeout.aborted) {
        return failure(`the upstream did not answer within ${source.timeoutMs} ms`, "timeout");
      }
      if (error2 instanceof ResponseTooLargeError) return failure(error2.message, "response_too_large");
      if (error2 instanceof RedirectError) return failure(error2.message, "redirect_refused");
      return failure(describeNetworkError(error2), "network");
    }
    async function send2(first, signal2) {
      let current = first;
      for (let hop = 0; ; hop++) {
        countUpstreamRequest(ctx);
        const init = {
          method: current.method,
          headers: current.headers,
          redirect: "manual",
          signal: signal2,
        };
        if (current.body !== void 0) init.body = current.body;
        const response = await observedFetch(
          doFetch,
          current.url,
          { ...init, headers: current.headers },
          { source: binding.source, template: binding.path },
        );
        const location = response.headers.get("location");
        if (response.status < 300 || response.status >= 400 || response.status === 304 || location === null) {
          return response;
        }
        await response.body?.cancel().catch(() => {});
        const target = new URL(location, current.url);
        if (target.origin !== new URL(first.url).origin) {
          throw new RedirectError(
            `the upstream redirected to another origin (${describeStatus(response.status)}); not followed`,
          );
        }
        if (hop + 1 >= MAX_REDIRECTS) throw new RedirectError("the upstream redirected too many times");
        const keepMethod = response.status === 307 || response.status === 308;
        const method =
          keepMethod || current.method === "GET" || current.method === "HEAD" ? current.method : "GET";
        const next = {
          method,
          url: target.toString(),
          headers: keepMethod ? current.headers : current.headers.filter(([name]) => name !== "content-type"),
        };
        if (keepMethod && current.body !== void 0) next.body = current.body;
        current = next;
      }
    }
  };
}
var NO_CREDENTIALS = { headers: [], query: [], cookies: [] };
function requestFailure(error2) {
  if (error2 instanceof ArgumentError) return failure(error2.message, "invalid_argument");
  if (error2 instanceof AuthError) return failure(error2.message, error2.code);
  if (error2 instanceof ValueError) return failure(error2.message, "configuration");
  throw error2;
}
function hasCredentials(placement) {
  return placement.headers.length + placement.query.length + placement.cookies.length > 0;
}
function withCredentials(input, unsigned, placement) {
  if (!hasCredentials(placement)) return unsigned;
  const { body: _body, ...bodiless } = input.binding;
  const signed = buildHttpRequest({ ...input, binding: bodiless, auth: placement });
  if (unsigned.body === void 0) return signed;
  const contentType = unsigned.headers.filter(([name]) => name === "content-type");
  return { ...signed, headers: [...signed.headers, ...contentType], body: unsigned.body };
}
var RedirectError = class extends Error {};

// src/executors/graphql.ts
var MAX_ERRORS = 10;
var CODE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
function errorInfo(raw) {
  const e = raw ?? {};
  const info = {
    message:
      typeof e.message === "string" && e.message.trim() !== ""
        ? redactAndTruncate(e.message, 200)
        : "(no message)",
  };
  if (Array.isArray(e.path)) {
    const path = e.path.filter((p) => (typeof p === "string" && p.length <= 100) || Number.isInteger(p));
    if (path.length > 0) info.path = path;
  }
  const code = e.extensions?.code;
  if (typeof code === "string" && CODE.test(code)) info.code = code;
  return info;
}
function pathText(path) {
  return path
    ? path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .replace(/^\./, "")
    : "";
}
function summarize(errors2, total) {
  const shown = errors2
    .slice(0, 3)
    .map((e) => `${e.message}${e.path ? ` (at ${pathText(e.path)})` : ""}`)
    .join("; ");
  return total > 3 ? `${shown}; and ${total - 3} more` : shown;
}
function outcomeCode(errors2) {
  const code = errors2[0]?.code;
  return code ? `graphql_${code.toLowerCase()}` : "graphql_error";
}
function isGraphqlBody(body) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  return "data" in body || Array.isArray(body.errors);
}
function createGraphqlExecutor(options) {
  const doFetch = options.fetch ?? fetch;
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const access = createSourceAccess({ ...options, fetch: doFetch, urlName: "endpoint URL" });
  return async (ctx, binding) => {
    const resolved = await access(binding.source);
    if (!isAccess(resolved)) return resolved;
    const { source, url, auth } = resolved;
    if (source.path !== void 0) url.pathname = `${url.pathname.replace(/\/+$/, "")}${source.path}`;
    const variables = {};
    for (const v of binding.variables) {
      if (Object.hasOwn(ctx.args, v.arg) && ctx.args[v.arg] !== void 0) variables[v.name] = ctx.args[v.arg];
    }
    let placement;
    try {
      const all = source.auth.map((a) => a.scheme);
      placement = await auth.apply(all.length > 0 ? [all] : [], {
        signal: ctx.signal,
        onRequest: () => countUpstreamRequest(ctx),
      });
    } catch (error2) {
      if (error2 instanceof AuthError) return failure(error2.message, error2.code);
      if (error2 instanceof ValueError) return failure(error2.message, "configuration");
      throw error2;
    }
    const target = new URL(url);
    for (const [name, value] of placement.query)
      target.search += `${target.search.length > 1 ? "&" : ""}${encodeStrict(name)}=${encodeStrict(value)}`;
    const headers = [
      ["content-type", "application/json"],
      ["accept", "application/graphql-response+json, application/json;q=0.9"],
      ...placement.headers,
    ];
    if (placement.cookies.length > 0)
      headers.push(["cookie", placement.cookies.map(([n, v]) => `${n}=${encodeStrict(v)}`).join("; ")]);
    if (options.userAgent) headers.push(["user-agent", options.userAgent]);
    const body = JSON.stringify({ query: binding.document, variables, operationName: binding.operationName });
    const timeout = AbortSignal.timeout(source.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    try {
      const post = () => {
        countUpstreamRequest(ctx);
        const init = { method: "POST", headers, body, redirect: "manual", signal };
        return observedFetch(doFetch, target.toString(), init, {
          source: source.id,
          template: `${binding.operationType} ${binding.operationName}`,
        });
      };
      const response = await sendWithRetries(post, {
        tool: ctx.tool,
        source: source.id,
        deadline: Date.now() + source.timeoutMs,
        signal,
      });
      ctx.upstream.lastStatus = response.status;
      if (response.status === 401) auth.invalidate();
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => {});
        return failure(
          `the GraphQL endpoint redirected (${describeStatus(response.status)}); not followed`,
          "redirect_refused",
          {
            status: response.status,
          },
        );
      }
      if (response.status >= 300) {
        const body2 = await readErrorBody(response);
        if (isGraphqlBody(body2)) return graphqlOutcome(ctx, binding, body2, response.status);
        return upstreamFailure(response, body2);
      }
      const bytes = await readLimited(response, limit);
      const contentType = response.headers.get("content-type");
      const parsed = kindOf(contentType) === "json" ? decodeBody(bytes, contentType) : void 0;
      if (isGraphqlBody(parsed)) return graphqlOutcome(ctx, binding, parsed, response.status);
      return failure(
        `the GraphQL endpoint answered ${describeStatus(response.status)} without a GraphQL result (${contentType ?? "no content type"})`,
        "bad_response",
        { status: response.status },
      );
    } catch (error2) {
      if (ctx.signal.aborted) return failure("the call was cancelled", "cancelled");
      if (timeout.aborted)
        return failure(`the upstream did not answer within ${source.timeoutMs} ms`, "timeout");
      if (error2 instanceof ResponseTooLargeError) return failure(error2.message, "response_too_large");
      return failure(describeNetworkError(error2), "network");
    }
  };
}
function graphqlOutcome(ctx, binding, body, status) {
  const rawErrors = Array.isArray(body.errors) ? body.errors : [];
  const data = body.data ?? null;
  const value =
    binding.field !== void 0 && data !== null && typeof data === "object"
      ? (data[binding.field] ?? null)
      : data;
  if (rawErrors.length > 0) {
    const errors2 = rawErrors.slice(0, MAX_ERRORS).map(errorInfo);
    const count = rawErrors.length;
    const summary = summarize(errors2, count);
    const details = { errors: errors2, ...(count > MAX_ERRORS ? { more: count - MAX_ERRORS } : {}) };
    if (data === null) {
      return {
        data: null,
        status,
        error: {
          message: `the upstream answered with ${plural(count)}: ${summary}`,
          code: outcomeCode(errors2),
          details,
        },
      };
    }
    return {
      data: value,
      status,
      error: {
        message: `partial result: ${plural(count)} (the fields named are null or missing): ${summary}`,
        code: "graphql_partial_data",
        details: { ...details, partial: true },
      },
    };
  }
  if (data === null)
    return failure("the GraphQL endpoint answered with neither data nor errors", "bad_response", { status });
  if (value === null && binding.field !== void 0 && ctx.tool.outputSchema && !ctx.tool.outputWrapped) {
    return failure(`${binding.field} returned null: nothing matches these arguments`, "not_found", {
      status,
    });
  }
  return { data: value, status };
}
function plural(n) {
  return n === 1 ? "1 GraphQL error" : `${n} GraphQL errors`;
}

// src/policy/decision.ts
var REFUSAL = "policy.refusal";
var APPLIED = "policy.applied";
var REFUSED = "refused";
function refuse(ctx, refusal, message, code = REFUSED, details) {
  ctx.notes.set(REFUSAL, refusal);
  const error2 = { message, code };
  if (details !== void 0) error2.details = details;
  return { data: null, error: error2 };
}
function refusalOf(ctx) {
  return ctx.notes.get(REFUSAL);
}
function noteApplied(ctx, what) {
  const list = ctx.notes.get(APPLIED) ?? [];
  list.push(what);
  ctx.notes.set(APPLIED, list);
}
function appliedOf(ctx) {
  return ctx.notes.get(APPLIED) ?? [];
}

// src/policy/canonical.ts
import { createHmac } from "node:crypto";

var TOKEN_ARG = "confirmation_token";
var CONFIRM_ARG = "confirm";
function canonicalJson(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => value[key] !== void 0)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
  return `{${entries.join(",")}}`;
}
function withoutToken(args) {
  if (!(TOKEN_ARG in args)) return args;
  const { [TOKEN_ARG]: _token, ...rest } = args;
  return rest;
}
function argumentFingerprint(key, args) {
  const canonical = canonicalJson(
    args && typeof args === "object" && !Array.isArray(args) ? withoutToken(args) : args,
  );
  return createHmac("sha256", key).update(canonical).digest("hex").slice(0, 16);
}
function kindOf2(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return `array(${value.length})`;
  switch (typeof value) {
    case "string":
      return "string";
    case "number":
      return Number.isInteger(value) ? "integer" : "number";
    case "boolean":
      return "boolean";
    case "object":
      return `object(${Object.keys(value).length})`;
    default:
      return typeof value;
  }
}
function argumentShape(args, declared) {
  if (args === null || typeof args !== "object" || Array.isArray(args)) return kindOf2(args);
  const shape = {};
  let undeclared = 0;
  for (const key of Object.keys(args).sort()) {
    const value = args[key];
    if (key === TOKEN_ARG || value === void 0) continue;
    if (declared.has(key)) shape[key] = kindOf2(value);
    else undeclared += 1;
  }
  if (undeclared > 0) shape["(undeclared)"] = `${undeclared} key${undeclared === 1 ? "" : "s"}`;
  return shape;
}

// src/policy/confirm-token.ts
import { createHash, createHmac as createHmac2, randomBytes, timingSafeEqual } from "node:crypto";

// src/state/memory.ts
function createMemoryStore(now = Date.now) {
  const since = now();
  const claims = /* @__PURE__ */ new Map();
  const counters = /* @__PURE__ */ new Map();
  let operations = 0;
  function prune(at) {
    if (++operations % 1e3 !== 0) return;
    for (const [key, expiresAt] of claims) if (expiresAt <= at) claims.delete(key);
    for (const [key, counter] of counters) if (counter.expiresAt <= at) counters.delete(key);
  }
  return {
    kind: "memory",
    location: "this process's memory",
    async claim({ key, issuedAt, expiresAt }) {
      const at = now();
      prune(at);
      if (issuedAt < since) return "forgotten";
      const held = claims.get(key);
      if (held !== void 0 && held > at) return "taken";
      claims.set(key, expiresAt);
      return "claimed";
    },
    async add(list) {
      const at = now();
      prune(at);
      return list.map(({ key, expiresAt, amount = 1 }) => {
        const held = counters.get(key);
        const value = (held && held.expiresAt > at ? held.value : 0) + amount;
        counters.set(key, { value, expiresAt });
        return value;
      });
    },
    async ping() {},
    async close() {},
  };
}

// src/state/open.ts
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

// src/telemetry/log.ts
var sink = (line) => {
  process.stderr.write(`${line}
`);
};
function logLine(message) {
  sink(`toolwright: ${redact(message)}`);
}
function describeError(error2) {
  if (error2 instanceof Error) return `${error2.name}: ${error2.message}`;
  return typeof error2 === "string" ? error2 : "non-error value thrown";
}

// src/state/redis.ts
import { Redis } from "ioredis";

// src/state/store.ts
var StoreUnavailableError = class extends Error {
  constructor(kind, reason) {
    super(`the ${kind} state store is unavailable (${reason})`);
    this.kind = kind;
    this.reason = reason;
    this.name = "StoreUnavailableError";
  }
  kind;
  reason;
};
function reasonOf(error2) {
  const code = error2?.code;
  if (typeof code === "string" && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  if (error2 instanceof Error && /timed? ?out/i.test(error2.message)) return "timeout";
  if (error2 instanceof Error && /closed|writeable|offline|connect/i.test(error2.message))
    return "not connected";
  return "error";
}
function storeFailure(kind, operation, error2) {
  metrics.storeErrors.inc({ store: kind, operation });
  return error2 instanceof StoreUnavailableError ? error2 : new StoreUnavailableError(kind, reasonOf(error2));
}
var Reachability = class {
  constructor(kind) {
    this.kind = kind;
  }
  kind;
  up;
  get reachable() {
    return this.up === true;
  }
  set(up, reason) {
    metrics.storeUp.set({ store: this.kind }, up ? 1 : 0);
    if (up === this.up) return;
    const first = this.up === void 0;
    this.up = up;
    if (up && !first) logLine(`state: the ${this.kind} state store is reachable again`);
    if (!up) {
      logLine(
        `state: the ${this.kind} state store is unreachable (${reason ?? "error"}); confirmations and rate-limited calls are refused until it is back`,
      );
    }
  }
};

// src/state/redis.ts
var PREFIX = "toolwright:";
var SINCE_KEY = `${PREFIX}since`;
var COMMAND_TIMEOUT_MS = 2e3;
var CLAIM_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local since = tonumber(redis.call('GET', KEYS[1]))
if not since then
  since = now
  redis.call('SET', KEYS[1], since)
end
if tonumber(ARGV[1]) < since then return 2 end
local ttl = tonumber(ARGV[2]) - now
if ttl < 1 then ttl = 1 end
if redis.call('SET', KEYS[2], '1', 'PX', ttl, 'NX') then return 1 end
return 0
`;
var MARK_SINCE_SCRIPT = `
local t = redis.call('TIME')
return redis.call('SET', KEYS[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), 'NX')
`;
function redisLocation(url) {
  return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname.length > 1 ? url.pathname : ""}`;
}
async function openRedisStore(url, options = {}) {
  if (url.password) rememberSecret(decodeURIComponent(url.password));
  const reach = new Reachability("redis");
  const client = new Redis(url.href, {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 1e3),
    lazyConnect: true,
  });
  let marked = Promise.resolve();
  client.on("ready", () => {
    marked = client.eval(MARK_SINCE_SCRIPT, 1, SINCE_KEY).then(
      () => reach.set(true),
      (error2) => reach.set(false, reasonOf(error2)),
    );
  });
  client.on("error", (error2) => reach.set(false, reasonOf(error2)));
  client.on("end", () => reach.set(false, "closed"));
  client.on("close", () => {
    if (reach.reachable) reach.set(false, "connection closed");
  });
  const first = client.connect().then(
    () => marked,
    () => {},
  );
  await Promise.race([
    first,
    new Promise((resolve4) => setTimeout(resolve4, options.connectWaitMs ?? 3e3).unref()),
  ]);
  return new RedisStore(client, redisLocation(url), reach);
}
var RedisStore = class {
  constructor(client, location, reach) {
    this.client = client;
    this.location = location;
    this.reach = reach;
  }
  client;
  location;
  reach;
  kind = "redis";
  async claim({ key, issuedAt, expiresAt }) {
    const answer = await this.run("claim", () =>
      this.client.eval(CLAIM_SCRIPT, 2, SINCE_KEY, `${PREFIX}${key}`, issuedAt, expiresAt),
    );
    return answer === 1 ? "claimed" : answer === 2 ? "forgotten" : "taken";
  }
  async add(counters) {
    const results = await this.run("add", () => {
      const multi = this.client.multi();
      for (const { key, expiresAt, amount = 1 } of counters) {
        multi.incrby(`${PREFIX}${key}`, amount).pexpireat(`${PREFIX}${key}`, expiresAt);
      }
      return multi.exec();
    });
    if (!results) throw storeFailure("redis", "add", new Error("transaction aborted"));
    return counters.map((_, i) => {
      const [error2, value] = results[i * 2] ?? [new Error("no reply"), null];
      if (error2) throw storeFailure("redis", "add", error2);
      return Number(value);
    });
  }
  async ping() {
    await this.run("ping", () => this.client.ping());
  }
  async close() {
    this.client.disconnect();
  }
  async run(operation, command) {
    try {
      const answer = await command();
      this.reach.set(true);
      return answer;
    } catch (error2) {
      if (reasonOf(error2) !== "error") this.reach.set(false, reasonOf(error2));
      throw storeFailure("redis", operation, error2);
    }
  }
};

// src/state/sqlite.ts
import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

var SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at INTEGER NOT NULL);
`;
async function importSqlite() {
  const original = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    const text2 = typeof warning === "string" ? warning : warning.message;
    const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
    if (type === "ExperimentalWarning" && /SQLite/i.test(text2)) return;
    return original.call(process, warning, ...rest);
  };
  try {
    return await import("node:sqlite");
  } finally {
    process.emitWarning = original;
  }
}
async function sqliteAvailable() {
  try {
    await importSqlite();
    return true;
  } catch {
    return false;
  }
}
var SqliteOpenError = class extends Error {};
async function openSqliteStore(file, now = Date.now) {
  let sqlite;
  try {
    sqlite = await importSqlite();
  } catch {
    throw new SqliteOpenError(
      `the embedded state store needs node:sqlite (Node 22.13 or later; this is ${process.version})`,
    );
  }
  let db;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 448 });
    db = new sqlite.DatabaseSync(file);
    chmodSync(file, 384);
    db.exec("PRAGMA busy_timeout = 2000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    db.exec(SCHEMA);
    db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('since', ?)").run(now());
  } catch (error2) {
    throw new SqliteOpenError(`cannot open the state file ${file} (${reasonOf(error2)})`);
  }
  return new SqliteStore(db, file, now);
}
var SqliteStore = class {
  constructor(db, location, now) {
    this.db = db;
    this.location = location;
    this.now = now;
    this.since = Number(db.prepare("SELECT value FROM meta WHERE name = 'since'").get().value);
    this.claimStatement = db.prepare(
      `INSERT INTO claims (key, expires_at) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= ?`,
    );
    this.addStatement = db.prepare(
      `INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN counters.expires_at <= ? THEN excluded.value ELSE counters.value + excluded.value END,
         expires_at = excluded.expires_at
       RETURNING value`,
    );
    this.pruneStatements = [
      db.prepare("DELETE FROM claims WHERE expires_at <= ?"),
      db.prepare("DELETE FROM counters WHERE expires_at <= ?"),
    ];
  }
  db;
  location;
  now;
  kind = "sqlite";
  since;
  claimStatement;
  addStatement;
  pruneStatements;
  operations = 0;
  async claim({ key, issuedAt, expiresAt }) {
    return this.guard("claim", () => {
      const at = this.now();
      this.prune(at);
      if (issuedAt < this.since) return "forgotten";
      const { changes } = this.claimStatement.run(key, expiresAt, at);
      return Number(changes) === 1 ? "claimed" : "taken";
    });
  }
  async add(counters) {
    return this.guard("add", () => {
      const at = this.now();
      this.prune(at);
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const values = counters.map(({ key, expiresAt, amount = 1 }) => {
          const row = this.addStatement.get(key, amount, expiresAt, at);
          return Number(row.value);
        });
        this.db.exec("COMMIT");
        return values;
      } catch (error2) {
        if (this.db.isTransaction) this.db.exec("ROLLBACK");
        throw error2;
      }
    });
  }
  async ping() {
    this.guard("ping", () => this.db.prepare("SELECT 1").get());
  }
  async close() {
    if (this.db.isOpen) this.db.close();
  }
  guard(operation, run) {
    try {
      return run();
    } catch (error2) {
      throw storeFailure("sqlite", operation, error2);
    }
  }
  /** Expired rows go every few hundred operations: bounded work, and the file does not grow for ever. */
  prune(at) {
    if (++this.operations % 500 !== 0) return;
    for (const statement of this.pruneStatements) statement.run(at);
  }
};

// src/state/open.ts
var STATE_ENV = "TOOLWRIGHT_STATE";
var StateSpecError = class extends Error {};
function defaultStateFile(env = process.env) {
  const base =
    env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : join(homedir(), ".local/state");
  return join(base, "toolwright", "state.sqlite");
}
function parseStateSpec(text2, env = process.env, label) {
  const from = label ?? (text2 !== void 0 ? "--state" : STATE_ENV);
  text2 ??= env[STATE_ENV];
  if (text2 === void 0 || text2 === "") return { kind: "sqlite", file: defaultStateFile(env), chosen: false };
  if (text2 === "memory") return { kind: "memory" };
  if (/^rediss?:\/\//i.test(text2)) {
    let url;
    try {
      url = new URL(text2);
    } catch {
      throw new StateSpecError(`${from}: not a valid redis:// URL`);
    }
    if (!url.hostname) throw new StateSpecError(`${from}: the redis:// URL names no host`);
    if (url.pathname.length > 1 && !/^\/\d{1,2}$/.test(url.pathname)) {
      throw new StateSpecError(`${from}: the redis:// URL's path must be a database number, e.g. /0`);
    }
    return { kind: "redis", url };
  }
  const file = text2.startsWith("sqlite:") ? text2.slice("sqlite:".length) : text2;
  if (file === "" || !(text2.startsWith("sqlite:") || /\.(sqlite3?|db)$/i.test(file))) {
    throw new StateSpecError(
      `${from}: expected redis://host:port, sqlite:<file> (or a path ending in .sqlite or .db), or memory`,
    );
  }
  return { kind: "sqlite", file: resolve(file), chosen: true };
}
function describeSpec(spec) {
  if (spec.kind === "redis") return `redis at ${redisLocation(spec.url)}`;
  if (spec.kind === "sqlite") return `sqlite at ${spec.file}`;
  return "memory (this process only)";
}
async function openStateStore(spec) {
  if (spec.kind === "memory") return createMemoryStore();
  if (spec.kind === "redis") return openRedisStore(spec.url);
  if (!spec.chosen && !(await sqliteAvailable())) {
    logLine(
      `state: node:sqlite is not available on Node ${process.version}; spent confirmation tokens and rate-limit counters are kept in this process only (use Node 22.13 or later, or --state redis://...)`,
    );
    return createMemoryStore();
  }
  return openSqliteStore(spec.file);
}

// src/policy/confirm-token.ts
var PREFIX2 = "tw1.";
var MAX_TOKEN_LENGTH = 1024;
function deriveKey(catalog, purpose, root) {
  return createHash("sha256").update(`toolwright ${purpose} v1\0${catalog}\0${root}`).digest();
}
function argumentsDigest(args) {
  return createHash("sha256")
    .update(canonicalJson(withoutToken(args)))
    .digest("base64url");
}
function callerDigest(principal) {
  const who = principal
    ? canonicalJson({
        kind: principal.kind,
        issuer: principal.issuer,
        subject: principal.subject,
        clientId: principal.clientId,
      })
    : "local";
  return createHash("sha256").update(`toolwright caller v1\0${who}`).digest("base64url");
}
var ConfirmationTokens = class {
  constructor(options) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.store = options.store ?? createMemoryStore(this.now);
  }
  options;
  now;
  store;
  /** A token for this tool, these arguments and this caller (`callerDigest`). */
  issue(kind, tool, args, caller) {
    const now = this.now();
    const expiresAt = (Math.floor(now / 1e3) + this.options.ttlSeconds) * 1e3;
    const payload = {
      v: 1,
      k: kind === "preview" ? "p" : "e",
      t: tool,
      h: argumentsDigest(args),
      c: caller,
      x: expiresAt / 1e3,
      i: now,
      n: randomBytes(16).toString("base64url"),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return { token: `${PREFIX2}${body}.${this.sign(body)}`, expiresAt };
  }
  /** Checks `token` for this tool, these arguments and this caller, and spends it when it is good. */
  async verify(token, kind, tool, args, caller) {
    if (token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX2))
      return { ok: false, reason: "malformed" };
    const [body, signature, extra] = token.slice(PREFIX2.length).split(".");
    if (!body || !signature || extra !== void 0) return { ok: false, reason: "malformed" };
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: "signature" };
    }
    let payload;
    try {
      payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (
      payload?.v !== 1 ||
      typeof payload.n !== "string" ||
      typeof payload.x !== "number" ||
      typeof payload.i !== "number"
    ) {
      return { ok: false, reason: "malformed" };
    }
    if (payload.k !== (kind === "preview" ? "p" : "e")) return { ok: false, reason: "kind" };
    if (payload.t !== tool) return { ok: false, reason: "tool" };
    if (payload.h !== argumentsDigest(args)) return { ok: false, reason: "arguments" };
    if (payload.c !== caller) return { ok: false, reason: "caller" };
    const now = this.now();
    if (payload.x * 1e3 <= now) return { ok: false, reason: "expired" };
    return this.spend(payload);
  }
  /** Claims the nonce in the store: once, across processes and restarts; refused while the store is unavailable. */
  async spend(payload) {
    const key = `${this.options.namespace ?? "catalog"}:spent:${payload.n}`;
    try {
      const claimed = await this.store.claim({ key, issuedAt: payload.i, expiresAt: payload.x * 1e3 });
      if (claimed === "claimed") return { ok: true };
      return { ok: false, reason: claimed === "taken" ? "reused" : "forgotten" };
    } catch (error2) {
      if (error2 instanceof StoreUnavailableError) return { ok: false, reason: "unavailable" };
      throw error2;
    }
  }
  sign(body) {
    return createHmac2("sha256", this.options.key).update(`${PREFIX2}${body}`).digest("base64url");
  }
};

// src/policy/field-paths.ts
function splitPath(path) {
  return path === "" ? [] : path.split(".");
}
function mapAtPath(root, path, fn) {
  return walk(root, path, 0, fn);
}
function walk(value, path, depth, fn) {
  if (path.length === 0) return fn(value);
  if (depth > 64 || value === null || typeof value !== "object") return value;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const next = head === "*" ? rest : path;
    return value.map((item) => walk(item, next, depth + 1, fn));
  }
  const object = value;
  if (head === "*") {
    const out = {};
    for (const [key, item] of Object.entries(object)) out[key] = walk(item, rest, depth + 1, fn);
    return out;
  }
  if (!Object.hasOwn(object, head)) return value;
  return { ...object, [head]: walk(object[head], rest, depth + 1, fn) };
}
function addressable(data) {
  if (data === null || typeof data !== "object") return false;
  if (Array.isArray(data)) return true;
  return !isUndecodedBody(data);
}
function isUndecodedBody(object) {
  const keys = Object.keys(object);
  return (
    keys.length === 3 &&
    typeof object.content === "string" &&
    typeof object.contentType === "string" &&
    typeof object.size === "number"
  );
}
function offSchema(outcome) {
  return outcome.error?.code === "output_mismatch";
}

// src/policy/mask.ts
var MASK = "••••••";
function maskAll(value) {
  let count = 0;
  const visit = (v, depth) => {
    if (v === null || v === void 0) return v;
    if (typeof v !== "object") {
      count += 1;
      return MASK;
    }
    if (depth > 64) {
      count += 1;
      return MASK;
    }
    if (Array.isArray(v)) return v.map((item) => visit(item, depth + 1));
    const out = {};
    for (const [key, item] of Object.entries(v)) out[key] = visit(item, depth + 1);
    return out;
  };
  const data = visit(value, 0);
  return { data, count };
}
function maskFields(data, paths) {
  let count = 0;
  let out = data;
  for (const path of paths) {
    out = mapAtPath(out, splitPath(path), (value) => {
      const masked = maskAll(value);
      count += masked.count;
      return masked.data;
    });
  }
  return { data: out, count };
}
function maskOutcomeData(outcome, paths) {
  if (!addressable(outcome.data)) return { data: MASK, count: 1 };
  if (offSchema(outcome)) return maskAll(outcome.data);
  return maskFields(outcome.data, paths);
}
function maskStep(enabled) {
  return {
    name: "mask",
    async run(ctx, next) {
      const outcome = await next();
      const paths = ctx.tool.policy.masked;
      if (!paths || paths.length === 0 || outcome.data === null || outcome.data === void 0) return outcome;
      if (!enabled && !outcome.error) return outcome;
      const masked = maskOutcomeData(outcome, paths);
      if (masked.count === 0) return outcome;
      if (!outcome.error) noteApplied(ctx, "mask");
      return { ...outcome, data: masked.data };
    },
  };
}

// src/policy/secret-keys.ts
function pushValue(out, value) {
  if (typeof value === "string") out.push(value);
  else if (typeof value === "number" || typeof value === "boolean") out.push(String(value));
  else if (value !== null && typeof value === "object") {
    for (const inner of Array.isArray(value) ? value : Object.values(value)) pushValue(out, inner);
  }
}
function collectKeyValues(keysArg, valuesArg) {
  const keys = [];
  const values = [];
  if (Array.isArray(keysArg)) {
    for (const item of keysArg) {
      if (typeof item === "string") keys.push(item);
      else if (item !== null && typeof item === "object") {
        const entry = item;
        const key = entry.key ?? entry.name;
        if (typeof key === "string") keys.push(key);
        pushValue(values, entry.value);
      }
    }
  } else if (keysArg !== null && typeof keysArg === "object") {
    for (const [key, value] of Object.entries(keysArg)) {
      keys.push(key);
      pushValue(values, value);
    }
  } else if (typeof keysArg === "string") {
    keys.push(keysArg);
  }
  if (valuesArg !== void 0) pushValue(values, valuesArg);
  return { keys, values };
}
function printable(key) {
  const clean2 = key.replace(/[^\w.-]/g, "?");
  return clean2.length > 64 ? `${clean2.slice(0, 64)}…` : clean2;
}
function scrubValues(data, values) {
  const needles = [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
  let count = 0;
  if (needles.length === 0) return { data, count };
  const scrubText = (text2) => {
    let out = text2;
    for (const needle of needles) {
      if (out.includes(needle)) {
        count += 1;
        out = out.split(needle).join(MASK);
      }
    }
    return out;
  };
  const visit = (value, depth) => {
    if (typeof value === "string") return scrubText(value);
    if (value === null || typeof value !== "object" || depth > 64) return value;
    if (Array.isArray(value)) return value.map((item) => visit(item, depth + 1));
    const out = {};
    for (const [key, item] of Object.entries(value)) out[scrubText(key)] = visit(item, depth + 1);
    return out;
  };
  return { data: visit(data, 0), count };
}
function secretKeysStep(pattern) {
  return {
    name: "secret-keys",
    async run(ctx, next) {
      const spec = ctx.tool.policy.secretKeys;
      if (!spec) return next();
      const { keys, values } = collectKeyValues(
        ctx.args[spec.keysArg],
        spec.valuesArg ? ctx.args[spec.valuesArg] : void 0,
      );
      const flagged = keys.filter((key) => pattern.test(key));
      if (flagged.length > 0) {
        const names = [...new Set(flagged)].map(printable).join(", ");
        return refuse(
          ctx,
          { policy: "secret-keys", rule: "manifest policy.secret_key_pattern", reason: "secret-like key" },
          `refused by the secret-like key policy: ${names} ${flagged.length === 1 ? "looks" : "look"} like a credential; keep credentials in a secrets manager, or rename the key if it is not one (the pattern is the manifest's policy.secret_key_pattern)`,
        );
      }
      const outcome = await next();
      return scrubOutcome(ctx, outcome, values);
    },
  };
  function scrubOutcome(ctx, outcome, values) {
    const data = scrubValues(outcome.data, values);
    let result = data.count > 0 ? { ...outcome, data: data.data } : outcome;
    if (outcome.error) {
      const message = scrubValues(outcome.error.message, values);
      if (message.count > 0) result = { ...result, error: { ...outcome.error, message: message.data } };
    }
    if (data.count > 0) noteApplied(ctx, "secret-keys:values-scrubbed");
    return result;
  }
}

// src/policy/confirm.ts
var CONFIRMATION_REQUIRED = "confirmation_required";
var INPUT_REQUIRED = "input_required";
var PENDING = "policy.confirmation.pending";
function pendingElicitation(ctx) {
  return ctx.notes.get(PENDING);
}
function supportsFormElicitation(client) {
  const elicitation = client.capabilities?.elicitation;
  if (elicitation === null || typeof elicitation !== "object") return false;
  const modes = elicitation;
  if (!("form" in modes) && !("url" in modes)) return true;
  return modes.form !== void 0 && modes.form !== null;
}
var ANSWER_KEY = "confirm";
function answerOf(responses) {
  const response = responses?.[ANSWER_KEY];
  if (!response || typeof response !== "object") return "missing";
  if (response.action === "decline") return "decline";
  if (response.action === "cancel") return "cancel";
  if (response.action !== "accept") return "missing";
  const content = response.content;
  return content?.[ANSWER_KEY] === true ? "accept" : "unchecked";
}
function describeAction(tool, args) {
  const binding = tool.binding;
  if (binding.kind === "http") {
    const byName = new Map(binding.params.filter((p) => p.in === "path").map((p) => [p.name, p.arg]));
    const path = binding.path.replace(/\{([^}]+)\}/g, (whole, name) => {
      const value = args[byName.get(name) ?? ""];
      return typeof value === "string" || typeof value === "number" ? String(value) : whole;
    });
    return `${binding.method} ${path}`;
  }
  if (binding.kind === "graphql") return `${binding.operationType} ${binding.operationName}`;
  return tool.summary;
}
function redactedArguments(tool, args, secretKeyPattern) {
  const out = {};
  const spec = tool.policy.secretKeys;
  for (const [name, value] of Object.entries(withoutToken(args))) {
    if (value === void 0) continue;
    if (secretKeyPattern.test(name) || name === spec?.valuesArg) out[name] = MASK;
    else if (name === spec?.keysArg) out[name] = keysOnly(value);
    else out[name] = value;
  }
  return out;
}
function keysOnly(value) {
  if (Array.isArray(value)) {
    return value.map((item) =>
      item !== null && typeof item === "object" && "value" in item ? { ...item, value: MASK } : item,
    );
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(collectKeyValues(value).keys.map((key) => [key, MASK]));
  }
  return value;
}
var TOKEN_PROBLEMS = {
  malformed: "is not a confirmation token",
  signature: "is not a confirmation token this server issued",
  kind: "is not a confirmation token this server issued",
  tool: "was issued for another tool",
  arguments: "was issued for other arguments (a confirmation never carries over to other arguments)",
  caller: "was issued to another caller (a confirmation never carries over to another principal)",
  expired: "has expired",
  reused: "was already used (tokens are single-use)",
  forgotten:
    "was issued before the server's state store last lost its memory, so it can no longer be checked for reuse",
  unavailable: "cannot be checked right now: the state store that remembers spent tokens is unavailable",
};
var STATE_UNAVAILABLE = "state_unavailable";
function refuseToken(ctx, check, what, again) {
  const named = what === "token" ? `the ${TOKEN_ARG}` : "the confirmation round's state";
  const refusal = { policy: "confirmation", reason: `${what} ${check.reason}` };
  if (check.reason === "unavailable") {
    return refuse(
      ctx,
      refusal,
      `refused by confirmation: ${named} ${TOKEN_PROBLEMS.unavailable}; nothing was changed and it is not spent. Retry the same call shortly.`,
      STATE_UNAVAILABLE,
      { retry_after_seconds: 1 },
    );
  }
  return refuse(
    ctx,
    refusal,
    `refused by confirmation: ${named} ${TOKEN_PROBLEMS[check.reason]}; nothing was changed. ${again}`,
  );
}
function confirmationStep(tokens, secretKeyPattern, mode = "token") {
  return {
    name: "confirmation",
    async run(ctx, next) {
      if (ctx.tool.policy.confirm !== "required") return next();
      if (mode === "argument") return confirmByArgument(ctx, tokens, secretKeyPattern, next);
      const token = ctx.args[TOKEN_ARG];
      const args = withoutToken(ctx.args);
      ctx.args = args;
      const call = {
        ctx,
        tokens,
        args,
        tool: ctx.tool.name,
        caller: callerDigest(ctx.client.principal),
      };
      if (token !== void 0) return runWithPreviewToken(call, token, next);
      const state = ctx.input?.state;
      if (state !== void 0) return runOnElicitedAnswer(call, state, next);
      const would = describeAction(ctx.tool, args);
      const shown = redactedArguments(ctx.tool, args, secretKeyPattern);
      if (ctx.entry === "tools/call" && ctx.depth === 0 && supportsFormElicitation(ctx.client)) {
        return askTheUser(call, would, shown);
      }
      return issuePreview(call, would, shown);
    },
  };
}
function confirmByArgument(ctx, tokens, secretKeyPattern, next) {
  const confirmed = ctx.args[CONFIRM_ARG] === true;
  const { [CONFIRM_ARG]: _confirm, ...args } = ctx.args;
  ctx.args = args;
  const call = {
    ctx,
    tokens,
    args,
    tool: ctx.tool.name,
    caller: callerDigest(ctx.client.principal),
  };
  const state = ctx.input?.state;
  if (state !== void 0) return runOnElicitedAnswer(call, state, next);
  const would = describeAction(ctx.tool, args);
  const shown = redactedArguments(ctx.tool, args, secretKeyPattern);
  if (!confirmed) return previewForArgument(ctx, would, shown);
  if (ctx.entry === "tools/call" && ctx.depth === 0 && supportsFormElicitation(ctx.client)) {
    return askTheUser(call, would, shown);
  }
  noteApplied(ctx, "confirmation:argument");
  return next();
}
function previewForArgument(ctx, would, shown) {
  const preview = {
    confirmation_required: true,
    tool: ctx.calledAs,
    would,
    arguments: shown,
    next: `nothing was changed. Show this to the user; only once they agree to exactly this, repeat the call with ${CONFIRM_ARG}: true. To cancel, do nothing.`,
    correlation_id: ctx.correlationId,
  };
  return refuse(
    ctx,
    { policy: "confirmation", reason: "preview (confirm not set)" },
    JSON.stringify(preview),
    CONFIRMATION_REQUIRED,
  );
}
async function runWithPreviewToken({ ctx, tokens, args, tool, caller }, token, next) {
  const check =
    typeof token === "string"
      ? await tokens.verify(token, "preview", tool, args, caller)
      : { ok: false, reason: "malformed" };
  if (!check.ok) {
    return refuseToken(
      ctx,
      check,
      "token",
      `Call ${ctx.calledAs} again without ${TOKEN_ARG} to get a new preview and token.`,
    );
  }
  noteApplied(ctx, "confirmation:token");
  return next();
}
async function runOnElicitedAnswer({ ctx, tokens, args, tool, caller }, state, next) {
  const check = await tokens.verify(state, "elicit", tool, args, caller);
  if (!check.ok) {
    return refuseToken(ctx, check, "request state", `Call ${ctx.calledAs} again to be asked again.`);
  }
  const answer = answerOf(ctx.input?.responses);
  if (answer === "accept") {
    noteApplied(ctx, "confirmation:elicited");
    return next();
  }
  const said = {
    unchecked: "did not tick the confirmation",
    decline: "declined",
    cancel: "cancelled",
    missing: "gave no answer",
  };
  return refuse(
    ctx,
    { policy: "confirmation", reason: `elicitation ${answer}` },
    `not confirmed: the user ${said[answer]}; nothing was changed.`,
  );
}
function askTheUser({ ctx, tokens, args, tool, caller }, would, shown) {
  const issued = tokens.issue("elicit", tool, args, caller);
  const pending = {
    key: ANSWER_KEY,
    message: cut(
      `Confirm ${ctx.tool.title} (${ctx.calledAs}): ${would}. Arguments: ${JSON.stringify(shown)}. Nothing happens unless you confirm.`,
      1e3,
    ),
    requestedSchema: {
      type: "object",
      properties: {
        [ANSWER_KEY]: {
          type: "boolean",
          title: `Yes, run ${ctx.calledAs}`,
          description: would,
        },
      },
      required: [ANSWER_KEY],
    },
    state: issued.token,
  };
  ctx.notes.set(PENDING, pending);
  return refuse(
    ctx,
    { policy: "confirmation", reason: "elicitation requested" },
    "confirmation requested from the user; nothing was changed yet",
    INPUT_REQUIRED,
  );
}
function issuePreview({ ctx, tokens, args, tool, caller }, would, shown) {
  const issued = tokens.issue("preview", tool, args, caller);
  const preview = {
    confirmation_required: true,
    tool: ctx.calledAs,
    would,
    arguments: shown,
    confirmation_token: issued.token,
    expires_at: new Date(issued.expiresAt).toISOString(),
    next: `nothing was changed. To go ahead, repeat the identical call with ${TOKEN_ARG} set to this token (single use, valid until expires_at); to cancel, do nothing.`,
    correlation_id: ctx.correlationId,
  };
  return refuse(
    ctx,
    { policy: "confirmation", reason: "preview issued" },
    JSON.stringify(preview),
    CONFIRMATION_REQUIRED,
  );
}
function cut(text2, max) {
  return text2.length > max ? `${text2.slice(0, max - 1)}…` : text2;
}

// src/limits/rate-limit.ts
var RATE_LIMITED = "rate_limited";
function sourceOf(tool) {
  return tool.binding.kind === "custom" ? void 0 : tool.binding.source;
}
function applicable(ctx, settings, namespace) {
  const out = [];
  if (settings.principal && ctx.depth === 0) {
    const who = callerDigest(ctx.client.principal).slice(0, 22);
    out.push({ rule: settings.principal, key: `${namespace}:rate:principal:${who}`, what: "per caller" });
  }
  const tool = settings.tools.get(ctx.tool.name) ?? settings.anyTool;
  if (tool) {
    out.push({ rule: tool, key: `${namespace}:rate:tool:${ctx.tool.name}`, what: `for ${ctx.tool.name}` });
  }
  const source = sourceOf(ctx.tool);
  const sourceRule = source === void 0 ? void 0 : settings.sources.get(source);
  if (source !== void 0 && sourceRule) {
    out.push({
      rule: sourceRule,
      key: `${namespace}:rate:source:${source}`,
      what: `for the ${source} upstream`,
    });
  }
  return out;
}
function windowOf(rate, now) {
  const length = rate.perSeconds * 1e3;
  const start = Math.floor(now / length) * length;
  return { start, end: start + length };
}
function describeRate({ calls, perSeconds }) {
  const window =
    perSeconds % 3600 === 0
      ? `${perSeconds / 3600} h`
      : perSeconds % 60 === 0
        ? `${perSeconds / 60} min`
        : `${perSeconds} s`;
  return `${calls} calls per ${window}`;
}
function rateLimitStep(settings, store, namespace, now = Date.now) {
  return {
    name: "rate-limit",
    async run(ctx, next) {
      const limits = applicable(ctx, settings, namespace);
      if (limits.length === 0) return next();
      const at = now();
      const windows = limits.map((limit) => windowOf(limit.rule.rate, at));
      let counts;
      try {
        counts = await store.add(
          limits.map((limit, i) => ({
            key: `${limit.key}:${windows[i].start}`,
            expiresAt: windows[i].end,
          })),
        );
      } catch {
        metrics.rateLimited.inc({ scope: "store", tool: ctx.tool.name });
        return refuse(
          ctx,
          { policy: "rate-limit", reason: "state store unavailable" },
          `refused by rate limiting: the limits of ${ctx.calledAs} cannot be counted right now (the shared state store is unavailable); nothing was sent upstream. Retry in a few seconds.`,
          STATE_UNAVAILABLE,
          { retry_after_seconds: 1 },
        );
      }
      const over = limits.findIndex((limit, i) => counts[i] > limit.rule.rate.calls);
      if (over === -1) return next();
      return refuseOver(ctx, limits[over], windows[over].end - at);
    },
  };
}
function refuseOver(ctx, limit, waitMs) {
  const seconds2 = Math.max(1, Math.ceil(waitMs / 1e3));
  metrics.rateLimited.inc({ scope: limit.rule.scope, tool: ctx.tool.name });
  return refuse(
    ctx,
    { policy: "rate-limit", rule: limit.rule.rule, reason: `over the ${limit.rule.scope} limit` },
    `rate limited: at most ${describeRate(limit.rule.rate)} ${limit.what} (${limit.rule.rule}); nothing was sent upstream. Retry after ${seconds2} s.`,
    RATE_LIMITED,
    { retry_after_seconds: seconds2, limit: limit.rule.scope },
  );
}

// src/limits/concurrency.ts
var Slots = class {
  constructor(size) {
    this.size = size;
  }
  size;
  busy = 0;
  waiting = [];
  /** Resolves true with a slot, or false when `signal` aborts first. */
  acquire(signal) {
    if (this.busy < this.size) {
      this.busy += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve4) => {
      const granted = () => {
        signal.removeEventListener("abort", gaveUp);
        resolve4(true);
      };
      const gaveUp = () => {
        const at = this.waiting.indexOf(granted);
        if (at !== -1) this.waiting.splice(at, 1);
        resolve4(false);
      };
      this.waiting.push(granted);
      signal.addEventListener("abort", gaveUp, { once: true });
    });
  }
  release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy -= 1;
  }
};
function concurrencyStep(limits, waitMs) {
  const slots = new Map([...limits].map(([source, size]) => [source, new Slots(size)]));
  return {
    name: "concurrency",
    async run(ctx, next) {
      const source = sourceOf(ctx.tool);
      const pool = source === void 0 ? void 0 : slots.get(source);
      if (source === void 0 || !pool) return next();
      const wait = waitMs(source);
      const got = await pool.acquire(AbortSignal.any([ctx.signal, AbortSignal.timeout(wait)]));
      if (!got) {
        if (ctx.signal.aborted)
          return { data: null, error: { message: "the call was cancelled", code: "cancelled" } };
        metrics.rateLimited.inc({ scope: "concurrency", tool: ctx.tool.name });
        return refuse(
          ctx,
          { policy: "concurrency", reason: "no slot for the upstream" },
          `the ${source} upstream is busy: ${pool.size} calls to it are in flight here and this one waited ${Math.round(wait / 1e3)} s for a slot; nothing was sent upstream. Retry after 1 s.`,
          RATE_LIMITED,
          { retry_after_seconds: 1, limit: "concurrency" },
        );
      }
      try {
        return await next();
      } finally {
        pool.release();
      }
    },
  };
}

// src/limits/settings.ts
function resolveLimits(doc, config) {
  const limits = doc.limits;
  const settings = {
    tools: /* @__PURE__ */ new Map(),
    sources: /* @__PURE__ */ new Map(),
    concurrency: /* @__PURE__ */ new Map(),
  };
  if (!limits) return settings;
  const problems = [];
  const rule = (scope, spec, where) => {
    const override = spec.env === void 0 ? void 0 : config.get(spec.env);
    if (typeof override === "string" && override.trim() !== "") {
      if (override.trim().toLowerCase() === "off") return void 0;
      const rate = parseRate(override);
      if (rate) return { scope, rate, rule: `${spec.env}=${override.trim()}` };
      problems.push(`${spec.env}: expected <calls>/<window> such as 100/1m, or off`);
      return void 0;
    }
    return spec.rate ? { scope, rate: spec.rate, rule: `manifest ${where}` } : void 0;
  };
  if (limits.principal) {
    const found = rule("principal", limits.principal, "limits.principal");
    if (found) settings.principal = found;
  }
  for (const [name, spec] of Object.entries(limits.tools)) {
    const found = rule("tool", spec, `limits.tools.${name}`);
    if (!found) continue;
    if (name === "*") settings.anyTool = found;
    else settings.tools.set(name, found);
  }
  for (const [id, spec] of Object.entries(limits.sources)) {
    const found = rule("source", spec, `limits.sources.${id}`);
    if (found) settings.sources.set(id, found);
    const override = spec.concurrencyEnv === void 0 ? void 0 : config.get(spec.concurrencyEnv);
    const concurrency = typeof override === "number" ? override : spec.concurrency;
    if (typeof override === "number" && override < 0) {
      problems.push(`${spec.concurrencyEnv}: expected 0 (no limit) or more`);
    } else if (concurrency !== void 0 && concurrency > 0) settings.concurrency.set(id, concurrency);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
function hasRateLimits(settings) {
  return (
    settings.principal !== void 0 ||
    settings.anyTool !== void 0 ||
    settings.tools.size > 0 ||
    settings.sources.size > 0
  );
}

// src/limits/index.ts
function createLimits(doc, config, store) {
  const settings = resolveLimits(doc, config);
  const counting = hasRateLimits(settings);
  const timeouts = new Map(doc.sources.map((source) => [source.id, source.timeoutMs]));
  return {
    counting,
    wrap(chain) {
      let out = [...chain];
      if (counting) out = insertBefore(out, "confirmation", rateLimitStep(settings, store(), doc.catalog));
      if (settings.concurrency.size > 0) {
        out.push(concurrencyStep(settings.concurrency, (source) => timeouts.get(source) ?? 3e4));
      }
      return out;
    },
  };
}

// src/policy/audit.ts
import { closeSync, openSync, writeSync } from "node:fs";

function openAuditSink(settings) {
  const { audit } = settings;
  if (!audit.enabled) return void 0;
  if (audit.file === void 0) {
    return {
      write: (line) =>
        void process.stderr.write(`${line}
`),
      close: () => {},
    };
  }
  let fd;
  try {
    fd = openSync(audit.file, "a", 384);
  } catch (error2) {
    const code = error2.code ?? "error";
    throw new ConfigError([`${audit.fileEnv ?? "the audit file"}: cannot open it for appending (${code})`]);
  }
  let broken = false;
  return {
    write(line) {
      try {
        writeSync(
          fd,
          `${line}
`,
        );
      } catch (error2) {
        if (!broken) logLine(`audit: cannot write to the audit file (${error2.code})`);
        broken = true;
      }
    },
    close: () => closeSync(fd),
  };
}
var ARGUMENT_ERRORS = /* @__PURE__ */ new Set(["invalid_arguments", "invalid_argument"]);
function principalOf(p) {
  return {
    kind: p.kind,
    ...(p.issuer !== void 0 ? { issuer: p.issuer } : {}),
    ...(p.subject !== void 0 ? { subject: clientName(p.subject) ?? "" } : {}),
    ...(p.clientId !== void 0 ? { client_id: clientName(p.clientId) ?? "" } : {}),
  };
}
function clientName(name) {
  if (name === void 0) return void 0;
  const clean2 = name.replace(/[^\w .@/-]/g, "?");
  return clean2.length > 64 ? `${clean2.slice(0, 64)}…` : clean2;
}
function auditStep(settings, write) {
  const declared = /* @__PURE__ */ new Map();
  const declaredOf = (tool) => {
    let names = declared.get(tool.name);
    if (!names) {
      const properties = tool.inputSchema.properties;
      names = new Set(properties && typeof properties === "object" ? Object.keys(properties) : []);
      declared.set(tool.name, names);
    }
    return names;
  };
  const record = (ctx, error2, refused) => {
    const refusal = refusalOf(ctx);
    const name = clientName(ctx.client.name);
    const applied = appliedOf(ctx);
    const rec = {
      time: /* @__PURE__ */ new Date().toISOString(),
      event: "tool_call",
      catalog: settings.catalog,
      tool: ctx.tool.name,
      ...(ctx.calledAs !== ctx.tool.name ? { called_as: ctx.calledAs } : {}),
      entry: ctx.entry,
      correlation_id: ctx.correlationId,
      ...(ctx.depth > 0 ? { depth: ctx.depth } : {}),
      ...(ctx.parent ? { parent: ctx.parent.tool.name } : {}),
      client: {
        ...(name !== void 0 ? { name } : {}),
        era: ctx.client.era,
        ...(ctx.client.principal ? { principal: principalOf(ctx.client.principal) } : {}),
      },
      args: {
        fingerprint: argumentFingerprint(settings.fingerprintKey, ctx.rawArgs ?? {}),
        shape: argumentShape(ctx.rawArgs ?? {}, declaredOf(ctx.tool)),
      },
      decision: refusal || refused ? "refused" : error2 !== void 0 ? "error" : "allowed",
      ...(refusal
        ? {
            policy: refusal.policy,
            ...(refusal.rule !== void 0 ? { rule: refusal.rule } : {}),
            reason: refusal.reason,
          }
        : refused
          ? { policy: "arguments" }
          : {}),
      ...(error2 !== void 0 ? { error: error2 } : {}),
      ...(applied.length > 0 ? { applied } : {}),
      upstream: {
        requests: ctx.upstream.requests,
        ...(ctx.upstream.lastStatus !== void 0 ? { status: ctx.upstream.lastStatus } : {}),
      },
      duration_ms: Date.now() - ctx.startedAt,
    };
    return rec;
  };
  return {
    name: "audit",
    async run(ctx, next) {
      let outcome;
      try {
        outcome = await next();
      } catch (error2) {
        write(JSON.stringify(record(ctx, "internal", false)));
        throw error2;
      }
      const code = outcome.error ? (outcome.error.code ?? "error") : void 0;
      write(JSON.stringify(record(ctx, code, code !== void 0 && ARGUMENT_ERRORS.has(code))));
      return outcome;
    },
  };
}

// src/policy/denied-tools.ts
var UNKNOWN_TOOL = "unknown_tool";
function deniedToolsStep(denied) {
  return {
    name: "denied-tools",
    async run(ctx, next) {
      const rule = denied.get(ctx.tool.name);
      if (rule === void 0) return next();
      return refuse(
        ctx,
        { policy: "denied-tools", rule, reason: "tool denied" },
        `unknown tool '${ctx.calledAs}'`,
        UNKNOWN_TOOL,
      );
    },
  };
}

// src/policy/mask-schema.ts
var COMBINATORS = ["allOf", "anyOf", "oneOf"];
var MAX_DEPTH = 32;
function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
function inline(node, defs) {
  let current = node;
  for (let hops = 0; hops < 16 && typeof current.$ref === "string"; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/$defs/")) break;
    const name = ref.slice("#/$defs/".length).replace(/~1/g, "/").replace(/~0/g, "~");
    const target = defs[name];
    if (target === void 0) break;
    const { $ref: _ref, ...siblings } = current;
    current = typeof target === "boolean" ? { ...siblings } : { ...target, ...siblings };
  }
  return current;
}
function widenBranches(node, out, each) {
  for (const key of COMBINATORS) {
    const branches = node[key];
    if (Array.isArray(branches)) out[key] = branches.map((b) => each(b));
  }
}
function widenAt(node, path, defs, depth) {
  if (path.length === 0) return widenAll(node, defs, depth);
  if (!isObject(node) || depth > MAX_DEPTH) return node;
  const n = inline(node, defs);
  const out = { ...n };
  widenBranches(n, out, (b) => widenAt(b, path, defs, depth + 1));
  const [head, ...rest] = path;
  const properties = isObject(n.properties) ? n.properties : void 0;
  if (properties) {
    const widened = {};
    for (const [key, schema] of Object.entries(properties)) {
      widened[key] = head === "*" || key === head ? widenAt(schema, rest, defs, depth + 1) : schema;
    }
    out.properties = widened;
  }
  const named = properties !== void 0 && head !== "*" && Object.hasOwn(properties, head);
  if (isObject(n.additionalProperties) && !named) {
    out.additionalProperties = widenAt(n.additionalProperties, rest, defs, depth + 1);
  }
  if (isObject(n.patternProperties)) {
    const widened = {};
    for (const [pattern, schema] of Object.entries(n.patternProperties)) {
      widened[pattern] =
        head === "*" || safeTest(pattern, head) ? widenAt(schema, rest, defs, depth + 1) : schema;
    }
    out.patternProperties = widened;
  }
  const inner = head === "*" ? rest : path;
  if (isObject(n.items)) out.items = widenAt(n.items, inner, defs, depth + 1);
  if (Array.isArray(n.prefixItems)) {
    out.prefixItems = n.prefixItems.map((s) => widenAt(s, inner, defs, depth + 1));
  }
  return out;
}
function widenAll(node, defs, depth) {
  if (!isObject(node)) return node;
  if (depth > MAX_DEPTH) return {};
  const n = inline(node, defs);
  const out = { ...n };
  delete out.uniqueItems;
  delete out.not;
  delete out.if;
  delete out.then;
  delete out.else;
  widenBranches(n, out, (b) => widenAll(b, defs, depth + 1));
  if (isObject(n.properties)) {
    const widened = {};
    for (const [key, schema] of Object.entries(n.properties)) {
      widened[key] = widenAll(schema, defs, depth + 1);
    }
    out.properties = widened;
  }
  if (isObject(n.additionalProperties))
    out.additionalProperties = widenAll(n.additionalProperties, defs, depth + 1);
  if (isObject(n.patternProperties)) {
    const widened = {};
    for (const [pattern, schema] of Object.entries(n.patternProperties)) {
      widened[pattern] = widenAll(schema, defs, depth + 1);
    }
    out.patternProperties = widened;
  }
  if (isObject(n.items)) out.items = widenAll(n.items, defs, depth + 1);
  if (Array.isArray(n.prefixItems)) {
    out.prefixItems = n.prefixItems.map((s) => widenAll(s, defs, depth + 1));
  }
  return { anyOf: [out, { const: MASK }] };
}
function safeTest(pattern, key) {
  try {
    return new RegExp(pattern, "u").test(key);
  } catch {
    return true;
  }
}
function widenForMask(schema, paths, wrapped = false) {
  const defs = isObject(schema.$defs) ? schema.$defs : {};
  let out = schema;
  for (const path of paths) {
    const split = path === "" ? [] : path.split(".");
    out = widenAt(out, wrapped ? ["result", ...split] : split, defs, 0);
  }
  return out;
}

// src/policy/names-only.ts
var VALUE_KEYS = ["value", "values", "secret", "plaintext"];
function maskValueFields(entry) {
  let count = 0;
  const out = { ...entry };
  for (const key of VALUE_KEYS) {
    if (!Object.hasOwn(out, key)) continue;
    const masked = maskAll(out[key]);
    count += masked.count;
    out[key] = masked.data;
  }
  return { entry: out, count };
}
function reduceToNames(field) {
  let count = 0;
  if (Array.isArray(field)) {
    const data = field.map((item) => {
      if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
      const masked = maskValueFields(item);
      count += masked.count;
      return masked.entry;
    });
    return { data, count };
  }
  if (field !== null && typeof field === "object") {
    const data = {};
    for (const [name, value] of Object.entries(field)) {
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const masked = maskValueFields(value);
        count += masked.count;
        data[name] = masked.entry;
      } else {
        const masked = maskAll(value);
        count += masked.count;
        data[name] = masked.data;
      }
    }
    return { data, count };
  }
  return { data: field, count };
}
function namesOnlyStep() {
  return {
    name: "names-only",
    async run(ctx, next) {
      const outcome = await next();
      const path = ctx.tool.policy.namesOnly;
      if (path === void 0 || outcome.data === null || outcome.data === void 0) return outcome;
      if (!addressable(outcome.data) || offSchema(outcome)) {
        const masked = addressable(outcome.data) ? maskAll(outcome.data) : { data: MASK, count: 1 };
        if (!outcome.error) noteApplied(ctx, "names-only");
        return { ...outcome, data: masked.data };
      }
      let count = 0;
      const data = mapAtPath(outcome.data, splitPath(path), (field) => {
        const reduced = reduceToNames(field);
        count += reduced.count;
        return reduced.data;
      });
      if (count === 0) return outcome;
      noteApplied(ctx, "names-only");
      return { ...outcome, data };
    },
  };
}

// src/policy/path-match.ts
var CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
function problemOf(text2) {
  if (CONTROL.test(text2)) return "contains a control character";
  if (text2.includes("%")) return "contains a percent escape ('%')";
  if (text2.includes("\\")) return "contains a backslash";
  if (text2.includes("?") || text2.includes("#")) return "contains '?' or '#'";
  if (text2.includes(";")) return "contains ';'";
  if (text2.normalize("NFKC") !== text2) return "contains characters that Unicode normalisation changes";
  return void 0;
}
function checkSegments(segments) {
  for (const segment of segments) {
    if (segment === "") return "has an empty segment ('//')";
    if (segment === "." || segment === "..") return "has a '.' or '..' segment";
    if (segment.trim() !== segment) return "has whitespace at the start or end of a segment";
  }
  return void 0;
}
function parsePath(value) {
  if (value === "") return { ok: false, problem: "is empty" };
  const problem = problemOf(value);
  if (problem) return { ok: false, problem };
  if (value.startsWith("/")) return { ok: false, problem: "starts with '/'" };
  if (value.endsWith("/")) return { ok: false, problem: "ends with '/'" };
  const segments = value.split("/");
  const bad = checkSegments(segments);
  return bad ? { ok: false, problem: bad } : { ok: true, segments };
}
function parsePrefix(value, options = {}) {
  const problem = problemOf(value);
  if (problem) return { ok: false, problem };
  let text2 = value;
  if (options.leadingSlash && text2.startsWith("/")) text2 = text2.slice(1);
  if (text2.endsWith("/")) text2 = text2.slice(0, -1);
  if (text2 === "") return { ok: true, segments: [] };
  if (text2.startsWith("/")) return { ok: false, problem: "starts with '/'" };
  const segments = text2.split("/");
  const bad = checkSegments(segments);
  return bad ? { ok: false, problem: bad } : { ok: true, segments };
}
function isUnder(path, prefix, caseInsensitive = false) {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const a = path[i];
    const b = prefix[i];
    if (caseInsensitive ? a.toLowerCase() !== b.toLowerCase() : a !== b) return false;
  }
  return true;
}
function caseAmbiguous(ch) {
  if (ch.charCodeAt(0) < 128) return false;
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  return (
    lower.length !== ch.length ||
    upper.length !== ch.length ||
    upper.toLowerCase() !== lower ||
    lower.toUpperCase() !== upper
  );
}
function hasAmbiguousCase(segments) {
  for (const segment of segments) {
    for (const ch of segment) if (caseAmbiguous(ch)) return true;
  }
  return false;
}
function checkPath(path, scope) {
  if (scope.deny && scope.deny.length > 0 && hasAmbiguousCase(path)) return { ok: false, by: "case" };
  const denied = scope.deny?.find((prefix) => isUnder(path, prefix, true));
  if (denied) return { ok: false, by: "deny", prefix: denied };
  if (scope.allow && !scope.allow.some((prefix) => isUnder(path, prefix))) return { ok: false, by: "allow" };
  return { ok: true };
}
function checkListing(prefix, scope) {
  if (scope.deny && scope.deny.length > 0 && hasAmbiguousCase(prefix)) {
    return { mode: "refused", verdict: { ok: false, by: "case" } };
  }
  const denied = scope.deny?.find((d) => isUnder(prefix, d, true));
  if (denied) return { mode: "refused", verdict: { ok: false, by: "deny", prefix: denied } };
  if (scope.allow) {
    if (scope.allow.some((a) => isUnder(prefix, a))) {
      const coversDenied = scope.deny?.some((d) => isUnder(d, prefix, true)) ?? false;
      return coversDenied ? { mode: "filter" } : { mode: "inside" };
    }
    if (scope.allow.some((a) => isUnder(a, prefix))) return { mode: "filter" };
    return { mode: "refused", verdict: { ok: false, by: "allow" } };
  }
  return scope.deny?.some((d) => isUnder(d, prefix, true)) ? { mode: "filter" } : { mode: "inside" };
}
function formatPrefix(prefix) {
  return prefix.length === 0 ? "(everything)" : `${prefix.join("/")}/`;
}

// src/policy/paths.ts
function pathScopeStep(settings) {
  const { scope } = settings;
  const scoped = scope.allow !== void 0 || scope.deny !== void 0;
  const allowText = scope.allow?.map(formatPrefix).join(",") ?? "";
  const refusal = (ctx, arg, verdict) => {
    if (verdict.by === "case") {
      const env2 = settings.denyEnv ?? "the denied paths";
      return refuse(
        ctx,
        { policy: "paths", rule: env2, reason: "ambiguous letter case" },
        `refused by ${env2}: '${arg}' holds a letter whose upper and lower case do not map one to one (such as ß, İ or ı); servers fold those differently, so while ${env2} is set such paths are refused`,
      );
    }
    if (verdict.by === "deny") {
      const env2 = settings.denyEnv ?? "the denied paths";
      return refuse(
        ctx,
        { policy: "paths", rule: env2, reason: "under a denied prefix" },
        `refused by ${env2}: '${arg}' is under the denied prefix ${formatPrefix(verdict.prefix)}; remove that prefix from ${env2} to allow it`,
      );
    }
    const env = settings.allowEnv ?? "the allowed paths";
    return refuse(
      ctx,
      { policy: "paths", rule: env, reason: "outside allowed prefixes" },
      `refused by ${env}=${allowText}: '${arg}' is outside the allowed prefixes; add its prefix to ${env} to allow it`,
    );
  };
  const malformed = (ctx, arg, problem) =>
    refuse(
      ctx,
      { policy: "paths", reason: "ambiguous path value" },
      `refused by the path policy: '${arg}' ${problem}; give the path as plain segments separated by single '/'`,
    );
  return {
    name: "paths",
    async run(ctx, next) {
      const { scopedPath, scopedList } = ctx.tool.policy;
      if (scopedPath !== void 0) {
        const value = ctx.args[scopedPath];
        if (value !== void 0 && value !== null) {
          if (typeof value !== "string") return malformed(ctx, scopedPath, "is not a string");
          const parsed = parsePath(value);
          if (!parsed.ok) return malformed(ctx, scopedPath, parsed.problem);
          const verdict = checkPath(parsed.segments, scope);
          if (!verdict.ok) return refusal(ctx, scopedPath, verdict);
        }
      }
      const lists = scopedLists(ctx.tool.policy);
      if (lists.length === 0) return next();
      const arg = scopedList?.prefixArg;
      if (arg !== void 0) {
        const value = ctx.args[arg];
        if (value === void 0 || value === null || value === "") {
          if (scope.allow?.length === 1) {
            ctx.args[arg] = formatPrefix(scope.allow[0]);
            noteApplied(ctx, "paths:prefix-filled");
          }
        } else {
          if (typeof value !== "string") return malformed(ctx, arg, "is not a string");
          const parsed = parsePrefix(value);
          if (!parsed.ok) return malformed(ctx, arg, parsed.problem);
          const verdict = checkListing(parsed.segments, scope);
          if (verdict.mode === "refused") return refusal(ctx, arg, verdict.verdict);
        }
      }
      const outcome = await next();
      if (!scoped || outcome.data === null || outcome.data === void 0) return outcome;
      return filterListing(ctx, outcome, lists, scope, settings);
    },
  };
}
function scopedLists(policy) {
  const lists = [];
  if (policy.scopedList) {
    lists.push({ itemsPath: policy.scopedList.itemsPath, itemPathField: policy.scopedList.itemPathField });
  }
  for (const list of policy.scopedItems ?? []) lists.push(list);
  return lists;
}
function filterListing(ctx, outcome, lists, scope, settings) {
  let dropped = 0;
  let unreadable = !addressable(outcome.data)
    ? typeof outcome.data === "string"
      ? "it is text"
      : "it is a body of another media type"
    : offSchema(outcome)
      ? "it does not match the output schema"
      : void 0;
  const keep = (field) => (item) => {
    const path = item !== null && typeof item === "object" ? item[field] : void 0;
    if (typeof path !== "string") return false;
    const parsed = parsePath(path);
    return parsed.ok && checkPath(parsed.segments, scope).ok;
  };
  let data = outcome.data;
  if (unreadable === void 0) {
    for (const { itemsPath, itemPathField } of lists) {
      data = mapAtPath(data, splitPath(itemsPath), (items) => {
        if (items === null || items === void 0) return items;
        if (!Array.isArray(items)) {
          unreadable = `'${itemsPath}' is not a list`;
          return items;
        }
        const kept = items.filter(keep(itemPathField));
        dropped += items.length - kept.length;
        return kept;
      });
    }
  }
  if (unreadable !== void 0) {
    const why = `the path scope cannot check the upstream's listing (${unreadable})`;
    if (outcome.error) {
      noteApplied(ctx, "paths:withheld");
      return {
        ...outcome,
        data: null,
        error: { ...outcome.error, message: `${outcome.error.message}; ${why}, so it is withheld` },
      };
    }
    const rule = [settings?.allowEnv, settings?.denyEnv].filter(Boolean).join(", ") || void 0;
    return refuse(
      ctx,
      { policy: "paths", ...(rule ? { rule } : {}), reason: "unreadable listing" },
      `refused by the path policy: ${why}, so none of it is shown`,
    );
  }
  if (dropped === 0) return outcome;
  noteApplied(ctx, `paths:filtered(${dropped})`);
  return { ...outcome, data };
}

// src/policy/read-only.ts
function readOnlyStep(setting) {
  return {
    name: "read-only",
    async run(ctx, next) {
      if (!setting.on || ctx.tool.safety === "read") return next();
      const verb = ctx.tool.safety === "destructive" ? "deletes or destroys" : "writes";
      return refuse(
        ctx,
        { policy: "read-only", rule: `${setting.env}=true`, reason: `${ctx.tool.safety} tool` },
        `refused by ${setting.env}=true: ${ctx.calledAs} ${verb}; unset ${setting.env} (or set it to false) to allow writes`,
      );
    },
  };
}

// src/policy/settings.ts
import { randomBytes as randomBytes2 } from "node:crypto";

var DEFAULT_POLICY = {
  deniedTools: { tools: [] },
  secretKeyPattern:
    "(secret|token|passw(or)?d|pwd|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth[_-]?key|signing[_-]?key|session[_-]?key|cert(ificate)?[_-]?key)",
  confirmation: { ttlSeconds: 300 },
  audit: { enabledByDefault: true },
};
var MIN_CONFIRM_SECRET = 16;
function resolvePolicySettings(doc, config) {
  const policy = doc.policy ?? DEFAULT_POLICY;
  const env = new PolicyEnv(config);
  const readOnly2 = env.bool(policy.readOnly?.env, "read-only");
  const mask = env.bool(policy.maskValues?.env, "masking");
  const allow = env.prefixes(policy.allowedPaths?.env, "allowed paths");
  const deny = env.prefixes(policy.deniedPaths?.env, "denied paths");
  const tenant = env.text(policy.tenant?.env, "tenant lock");
  const partner = env.text(policy.partner?.env, "partner lock");
  const deniedTools = resolveDeniedTools(doc, policy, env);
  const secretKeyPattern = compileSecretKeyPattern(policy, env.problems);
  const secretEnv = policy.confirmation.secretEnv;
  const secret = readConfirmationSecret(secretEnv, env, config);
  const audit = resolveAudit(policy, env, config);
  if (env.problems.length > 0) throw new ConfigError(env.problems);
  const root = secret ?? randomBytes2(32).toString("base64");
  const derive = (purpose) => deriveKey(doc.catalog, purpose, root);
  const scope = {};
  if (allow) scope.allow = allow;
  if (deny) scope.deny = deny;
  const settings = {
    catalog: doc.catalog,
    scope,
    deniedTools,
    secretKeyPattern,
    confirmation: {
      ttlSeconds: policy.confirmation.ttlSeconds,
      key: derive("confirmation"),
      shared: secret !== void 0,
      ...(secretEnv ? { secretEnv } : {}),
      mode: policy.confirmation.mode ?? "token",
    },
    audit,
    fingerprintKey: derive("audit fingerprint"),
  };
  if (readOnly2) settings.readOnly = readOnly2;
  if (mask) settings.mask = mask;
  if (policy.allowedPaths) settings.allowEnv = policy.allowedPaths.env;
  if (policy.deniedPaths) settings.denyEnv = policy.deniedPaths.env;
  if (tenant) settings.tenant = tenant;
  if (partner) settings.partner = partner;
  return settings;
}
var PolicyEnv = class {
  constructor(config) {
    this.config = config;
  }
  config;
  problems = [];
  declared(env, what) {
    if (env === void 0) return false;
    if (this.config.declares(env)) return true;
    this.problems.push(
      `${env}: named by the catalog's policy (${what}) but not declared; regenerate the catalog`,
    );
    return false;
  }
  bool(env, what) {
    if (!this.declared(env, what)) return void 0;
    const value = this.config.get(env);
    if (value !== void 0 && typeof value !== "boolean") {
      this.problems.push(`${env}: the catalog declares it as ${typeof value}, but ${what} needs a boolean`);
      return void 0;
    }
    return { env, on: value === true };
  }
  text(env, what) {
    if (!this.declared(env, what)) return void 0;
    const value = this.config.text(env);
    if (value === void 0) return void 0;
    if (/[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value) {
      this.problems.push(`${env}: must not contain control characters or surrounding whitespace`);
      return void 0;
    }
    return { env, value };
  }
  list(env, what) {
    if (!this.declared(env, what)) return void 0;
    const value = this.config.get(env);
    if (value === void 0) return void 0;
    if (!Array.isArray(value)) {
      this.problems.push(`${env}: the catalog declares it as ${typeof value}, but ${what} needs a list`);
      return void 0;
    }
    return value;
  }
  prefixes(env, what) {
    const items = this.list(env, what);
    if (items === void 0) return void 0;
    const out = [];
    for (const item of items) {
      const parsed = parsePrefix(item, { leadingSlash: true });
      if (!parsed.ok) this.problems.push(`${env}: item ${JSON.stringify(item)} ${parsed.problem}`);
      else if (parsed.segments.length === 0)
        this.problems.push(
          `${env}: item ${JSON.stringify(item)} names no path (to cover every path, unset it)`,
        );
      else if (what === "denied paths" && hasAmbiguousCase(parsed.segments))
        this.problems.push(
          `${env}: item ${JSON.stringify(item)} holds a letter whose upper and lower case do not map one to one (such as ß, İ or ı), which a deny list cannot match reliably; write the prefix without it`,
        );
      else out.push(parsed.segments);
    }
    return out;
  }
};
function resolveDeniedTools(doc, policy, env) {
  const byName = /* @__PURE__ */ new Map();
  for (const tool of doc.tools) for (const name of [tool.name, ...tool.aliases]) byName.set(name, tool);
  const deniedTools = /* @__PURE__ */ new Map();
  for (const name of policy.deniedTools.tools) {
    const tool = byName.get(name);
    if (tool) deniedTools.set(tool.name, "manifest policy.denied_tools");
  }
  const deniedEnv = policy.deniedTools.env;
  for (const name of env.list(deniedEnv, "denied tools") ?? []) {
    const tool = byName.get(name);
    if (!tool)
      env.problems.push(`${deniedEnv}: ${JSON.stringify(name)} is not a tool of catalog ${doc.catalog}`);
    else if (!deniedTools.has(tool.name)) deniedTools.set(tool.name, `${deniedEnv}`);
  }
  return deniedTools;
}
function compileSecretKeyPattern(policy, problems) {
  try {
    return new RegExp(policy.secretKeyPattern, "i");
  } catch {
    problems.push("the catalog's policy.secret_key_pattern is not a valid regular expression; regenerate it");
    return /$^/;
  }
}
function readConfirmationSecret(secretEnv, env, config) {
  if (!env.declared(secretEnv, "confirmation secret")) return void 0;
  const secret = config.text(secretEnv);
  if (secret !== void 0 && secret.length < MIN_CONFIRM_SECRET) {
    env.problems.push(
      `${secretEnv}: must be at least ${MIN_CONFIRM_SECRET} characters (it signs confirmation tokens)`,
    );
  }
  return secret;
}
function resolveAudit(policy, env, config) {
  const auditSwitch = env.bool(policy.audit.enabledEnv, "audit");
  const enabled =
    auditSwitch && config.get(auditSwitch.env) !== void 0 ? auditSwitch.on : policy.audit.enabledByDefault;
  const fileEnv = policy.audit.fileEnv;
  const auditFile = env.declared(fileEnv, "audit file") ? config.text(fileEnv) : void 0;
  return {
    enabled,
    ...(auditSwitch ? { env: auditSwitch.env } : {}),
    ...(auditFile !== void 0 ? { file: auditFile } : {}),
    ...(fileEnv ? { fileEnv } : {}),
  };
}

// src/policy/tenant.ts
function tenantLockStep(tenant, partner) {
  return {
    name: "tenant-lock",
    async run(ctx, next) {
      const checks = [
        [ctx.tool.policy.tenantArg, tenant && { lock: tenant, what: "tenant" }],
        [ctx.tool.policy.partnerArg, partner && { lock: partner, what: "partner" }],
      ];
      for (const [arg, locked] of checks) {
        if (arg === void 0 || locked === void 0) continue;
        const { lock, what } = locked;
        const given = ctx.args[arg];
        if (given === void 0 || given === null) {
          ctx.args[arg] = lock.value;
          noteApplied(ctx, `${what}-lock:filled`);
          continue;
        }
        if (given !== lock.value) {
          return refuse(
            ctx,
            { policy: `${what}-lock`, rule: lock.env, reason: `another ${what}` },
            `refused by ${lock.env}: this server is locked to ${what} ${lock.value} and '${arg}' names another ${what}; leave '${arg}' unset to act in ${lock.value}, or change ${lock.env} to act elsewhere`,
          );
        }
      }
      return next();
    },
  };
}

// src/policy/index.ts
function createPolicies(doc, config, options = {}) {
  const settings = resolvePolicySettings(doc, config);
  const sink2 =
    options.audit === false
      ? void 0
      : options.audit
        ? { write: options.audit, close: () => {} }
        : openAuditSink(settings);
  const tokens = new ConfirmationTokens({
    key: settings.confirmation.key,
    ttlSeconds: settings.confirmation.ttlSeconds,
    namespace: doc.catalog,
    ...(options.state ? { store: options.state } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const before = [];
  if (sink2) before.push(auditStep(settings, sink2.write));
  before.push(deniedToolsStep(settings.deniedTools));
  if (settings.readOnly) before.push(readOnlyStep(settings.readOnly));
  const after = [
    tenantLockStep(settings.tenant, settings.partner),
    pathScopeStep(settings),
    secretKeysStep(settings.secretKeyPattern),
    confirmationStep(tokens, settings.secretKeyPattern, settings.confirmation.mode),
    maskStep(settings.mask?.on === true),
    namesOnlyStep(),
  ];
  const masking = settings.mask?.on === true;
  return {
    settings,
    tokens,
    wrap(defaults) {
      const at = defaults.findIndex((step) => step.name === "parse-args");
      const split = at === -1 ? 0 : at + 1;
      return [...before, ...defaults.slice(0, split), ...after, ...defaults.slice(split)];
    },
    denied: (tool) => settings.deniedTools.has(tool.name),
    outputSchema(tool, schema) {
      const paths = [
        ...(masking ? (tool.policy.masked ?? []) : []),
        ...(tool.policy.namesOnly !== void 0 ? [`${tool.policy.namesOnly}.*`] : []),
      ];
      return paths.length > 0 ? widenForMask(schema, paths, tool.outputWrapped === true) : schema;
    },
    close: () => sink2?.close(),
  };
}

// src/runtime/issues.ts
function issuePath(path) {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}
function formatIssues(issues, max = 10) {
  const lines = issues.slice(0, max).map((issue) => {
    const message =
      issue.code === "unrecognized_keys" && issue.keys
        ? `unknown propert${issue.keys.length === 1 ? "y" : "ies"} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
        : issue.message;
    return `${issuePath(issue.path)}: ${message}`;
  });
  if (issues.length > max) lines.push(`(${issues.length - max} more)`);
  return lines.join("; ");
}
function describeArgumentIssues(schema, issues) {
  const text2 = formatIssues(issues);
  const unknown = issues.find((issue) => issue.code === "unrecognized_keys");
  if (!unknown) return text2;
  const keys = propertiesAt(schema, unknown.path);
  if (keys === void 0) return text2;
  const what =
    unknown.path.length === 0 ? "valid arguments" : `valid properties of ${issuePath(unknown.path)}`;
  return `${text2}; ${what}: ${keys.length > 0 ? keys.join(", ") : "none"}`;
}
var WRAPPERS = /* @__PURE__ */ new Set([
  "optional",
  "nullable",
  "default",
  "prefault",
  "readonly",
  "catch",
  "nonoptional",
]);
function propertiesAt(schema, path) {
  const keys = /* @__PURE__ */ new Set();
  let found = false;
  const visit = (node, at, depth) => {
    if (!node || depth > 64) return;
    const def = node._zod?.def;
    if (!def) return;
    if (def.type && WRAPPERS.has(def.type)) return visit(def.innerType, at, depth + 1);
    if (def.type === "lazy") return visit(def.getter?.(), at, depth + 1);
    if (def.type === "pipe") return visit(def.in, at, depth + 1);
    if (def.type === "union") {
      for (const option of def.options ?? []) visit(option, at, depth + 1);
      return;
    }
    if (def.type === "intersection") {
      visit(def.left, at, depth + 1);
      visit(def.right, at, depth + 1);
      return;
    }
    if (at === path.length) {
      if (def.type === "object" && def.shape) {
        found = true;
        for (const key2 of Object.keys(def.shape)) keys.add(key2);
      }
      return;
    }
    const key = path[at];
    if (def.type === "object" && typeof key === "string") return visit(def.shape?.[key], at + 1, depth + 1);
    if (def.type === "array" && typeof key === "number") return visit(def.element, at + 1, depth + 1);
    if (def.type === "record") return visit(def.valueType, at + 1, depth + 1);
  };
  visit(schema, 0, 0);
  return found ? [...keys] : void 0;
}

// src/runtime/args.ts
function parseArgs(schemas) {
  return {
    name: "parse-args",
    async run(ctx, next) {
      const raw = ctx.rawArgs ?? {};
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        return failure("invalid arguments: expected an object of named arguments", "invalid_arguments");
      }
      const result = checkArguments(schemas.input(ctx.tool.name), raw);
      if (!result.ok) return failure(result.message, "invalid_arguments");
      ctx.args = Object.assign(/* @__PURE__ */ Object.create(null), result.data ?? {});
      return next();
    },
  };
}
function withoutPrototypes(value) {
  if (value === null || typeof value !== "object") return value;
  const copy = (source) =>
    Array.isArray(source) ? new Array(source.length) : /* @__PURE__ */ Object.create(null);
  const root = copy(value);
  const stack = [[value, root]];
  while (stack.length > 0) {
    const [source, target] = stack.pop();
    for (const key of Object.keys(source)) {
      const item = source[key];
      if (item !== null && typeof item === "object") {
        const child = copy(item);
        target[key] = child;
        stack.push([item, child]);
      } else {
        target[key] = item;
      }
    }
  }
  return root;
}
function checkArguments(schema, raw) {
  const result = parseWithNullAsAbsent(schema, withoutPrototypes(raw));
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, message: `invalid arguments: ${describeArgumentIssues(schema, result.issues)}` };
}
function parseWithNullAsAbsent(schema, args) {
  const candidate = args;
  const dropped = /* @__PURE__ */ new Set();
  for (;;) {
    const result = schema.safeParse(candidate);
    if (result.success) return { success: true, data: result.data };
    const nulls = nullIssuePaths(result.error.issues, candidate);
    if (nulls.length === 0) return { success: false, issues: renamedDrops(result.error.issues, dropped) };
    for (const path of nulls) {
      const parent = valueAt(candidate, path.slice(0, -1));
      delete parent[path.at(-1)];
      dropped.add(pathKey(path));
    }
  }
}
function nullIssuePaths(issues, root) {
  const out = /* @__PURE__ */ new Map();
  const visit = (list, prefix) => {
    for (const issue of list) {
      const path = [...prefix, ...issue.path];
      if (issue.code === "invalid_union") {
        for (const branch of issue.errors) visit(branch, path);
        continue;
      }
      if (issue.code === "unrecognized_keys" || path.length === 0) continue;
      const key = path.at(-1);
      const parent = valueAt(root, path.slice(0, -1));
      if (typeof key !== "string" || parent === null || typeof parent !== "object" || Array.isArray(parent))
        continue;
      if (parent[key] === null) out.set(pathKey(path), path);
    }
  };
  visit(issues, []);
  return [...out.values()];
}
function renamedDrops(issues, dropped) {
  return issues.map((issue) =>
    dropped.has(pathKey(issue.path)) ? { ...issue, message: "required, got null" } : issue,
  );
}
function valueAt(root, path) {
  let at = root;
  for (const key of path) {
    if (at === null || typeof at !== "object") return void 0;
    at = at[key];
  }
  return at;
}
function pathKey(path) {
  return JSON.stringify(path.map((key) => (typeof key === "symbol" ? String(key) : key)));
}

// src/runtime/observe.ts
function outcomeOf(ctx, outcome) {
  if (!outcome.error) return "ok";
  if (outcome.error.code === "rate_limited") return "rate_limited";
  if (outcome.error.code === "cancelled" || ctx.signal.aborted) return "cancelled";
  return refusalOf(ctx) ? "refused" : "error";
}
function observeStep(catalog) {
  return {
    name: "observe",
    run(ctx, next) {
      const started = performance.now();
      const attributes = {
        "toolwright.catalog": catalog,
        "mcp.tool.name": ctx.tool.name,
        "mcp.tool.called_as": ctx.calledAs !== ctx.tool.name ? ctx.calledAs : void 0,
        "mcp.entry": ctx.entry,
        "toolwright.correlation_id": ctx.correlationId,
        "toolwright.depth": ctx.depth,
      };
      return inSpan(`tools/call ${ctx.tool.name}`, "internal", attributes, async (span) => {
        let result = "error";
        try {
          const outcome = await next();
          result = outcomeOf(ctx, outcome);
          const refusal = refusalOf(ctx);
          markSpan(
            span,
            {
              "toolwright.decision": result === "ok" ? "allowed" : refusal ? "refused" : "error",
              "toolwright.outcome": result,
              "toolwright.policy": refusal?.policy,
              "toolwright.policy.reason": refusal?.reason,
              "error.type": outcome.error?.code,
              "toolwright.upstream.requests": ctx.upstream.requests,
            },
            result === "error",
          );
          return outcome;
        } finally {
          const labels = { tool: ctx.tool.name, outcome: result };
          metrics.toolCalls.inc(labels);
          metrics.toolDuration.observe(labels, (performance.now() - started) / 1e3);
        }
      });
    },
  };
}

// src/runtime/result.ts
function validateOutput(schemas) {
  return {
    name: "validate-output",
    async run(ctx, next) {
      const outcome = await next();
      if (outcome.error || !ctx.tool.outputSchema) return outcome;
      const schema = schemas.output(ctx.tool.name);
      if (!schema) return outcome;
      const checked = schema.safeParse(withoutPrototypes(outcome.data));
      if (checked.success) return outcome;
      return {
        ...outcome,
        error: {
          message: `the upstream response does not match the tool's output schema: ${formatIssues(checked.error.issues, 3)}`,
          code: "output_mismatch",
        },
      };
    },
  };
}
function compactJson(data) {
  if (typeof data === "string") return data;
  return JSON.stringify(data) ?? "null";
}
function renderToolResult(outcome, tool, correlationId, view = {}) {
  if (view.envelope === "success-data")
    return envelopeResult(outcome, tool, correlationId, view.meta, view.structured);
  if (outcome.error) {
    if (outcome.error.code === "confirmation_required")
      return { content: [{ type: "text", text: outcome.error.message }], isError: true };
    const content = [{ type: "text", text: `${outcome.error.message} (correlation id ${correlationId})` }];
    if (attachable(tool, outcome.data)) content.push({ type: "text", text: compactJson(outcome.data) });
    return { content, isError: true };
  }
  const result = { content: [{ type: "text", text: compactJson(outcome.data) }] };
  if (tool.outputSchema && view.structured !== false) {
    const structured = tool.outputWrapped ? { result: outcome.data } : outcome.data;
    if (structured === null || typeof structured !== "object" || Array.isArray(structured)) {
      const message = "the upstream response is not the object the tool's output schema describes";
      return renderToolResult(
        { ...outcome, error: { message, code: "output_mismatch" } },
        tool,
        correlationId,
        view,
      );
    }
    result.structuredContent = structured;
  }
  return result;
}
function attachable(tool, data) {
  if (data === null || data === void 0) return false;
  const p = tool.policy;
  const shaped =
    (p.masked?.length ?? 0) > 0 ||
    p.namesOnly !== void 0 ||
    p.scopedList !== void 0 ||
    (p.scopedItems?.length ?? 0) > 0;
  return !shaped || addressable(data);
}
function withHandlerContent(result, outcome) {
  if (result.isError || outcome.error || !outcome.content || outcome.content.length === 0) return result;
  return { ...result, content: [...result.content, ...outcome.content] };
}
function internalErrorResult(correlationId, view = {}) {
  if (view.envelope === "success-data") {
    const body = {
      success: false,
      error: { message: "internal error", code: "internal" },
      meta: { ...view.meta, correlation_id: correlationId },
    };
    return { content: [{ type: "text", text: JSON.stringify(body) }], isError: true };
  }
  return {
    content: [{ type: "text", text: `internal error (correlation id ${correlationId})` }],
    isError: true,
  };
}
function envelopeResult(outcome, tool, correlationId, extra = {}, published = true) {
  const meta = { ...extra, correlation_id: correlationId };
  if (!outcome.error && tool.outputSchema && published) {
    const structured = tool.outputWrapped ? { result: outcome.data } : outcome.data;
    if (structured === null || typeof structured !== "object" || Array.isArray(structured)) {
      const message = "the upstream response is not the object the tool's output schema describes";
      return envelopeResult(
        { ...outcome, error: { message, code: "output_mismatch" } },
        tool,
        correlationId,
        extra,
        published,
      );
    }
    const body2 = { success: true, data: outcome.data, meta };
    return {
      content: [{ type: "text", text: JSON.stringify(body2) }],
      structuredContent: structured,
    };
  }
  if (!outcome.error) {
    return {
      content: [{ type: "text", text: JSON.stringify({ success: true, data: outcome.data ?? null, meta }) }],
    };
  }
  const hasData = attachable(tool, outcome.data);
  const body = {
    success: false,
    error: envelopeError(outcome.error),
    ...(hasData ? { data: outcome.data } : {}),
    meta,
  };
  return { content: [{ type: "text", text: JSON.stringify(body) }], isError: true };
}
function envelopeError(error2) {
  const code = error2.code ?? "error";
  const parsed = parseObject(error2.message);
  if (parsed) {
    const message = typeof parsed.message === "string" ? parsed.message : code.replace(/_/g, " ");
    return { message, code, details: parsed };
  }
  return { message: error2.message, code, ...(error2.details !== void 0 ? { details: error2.details } : {}) };
}
function parseObject(text2) {
  if (!text2.startsWith("{")) return void 0;
  try {
    const value = JSON.parse(text2);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : void 0;
  } catch {
    return void 0;
  }
}

// src/runtime/schemas.ts
function strictTopLevel(schema) {
  const candidate = schema;
  if (
    candidate.def?.type === "object" &&
    candidate.def.catchall === void 0 &&
    typeof candidate.strict === "function"
  ) {
    return candidate.strict();
  }
  return schema;
}
function createSchemaCache(module) {
  const inputs = /* @__PURE__ */ new Map();
  const outputs = /* @__PURE__ */ new Map();
  return {
    input(tool) {
      let schema = inputs.get(tool);
      if (!schema) {
        const entry = module.tools[tool];
        if (!entry) throw new Error(`catalog.gen has no schemas for tool ${tool}`);
        schema = strictTopLevel(entry.input());
        inputs.set(tool, schema);
      }
      return schema;
    },
    output(tool) {
      if (!outputs.has(tool)) outputs.set(tool, module.tools[tool]?.output?.());
      return outputs.get(tool);
    },
  };
}

// src/runtime/runtime.ts
function newCorrelationId() {
  return randomBytes3(6).toString("hex");
}
function createRuntime(catalog, config, options = {}) {
  const schemas = createSchemaCache(catalog.module);
  const tools = /* @__PURE__ */ new Map();
  for (const tool of catalog.doc.tools) {
    tools.set(tool.name, tool);
    for (const alias of tool.aliases) tools.set(alias, tool);
  }
  const http = createHttpExecutor({
    sources: catalog.doc.sources,
    config,
    userAgent: `toolwright/${catalog.doc.generator.version} (${catalog.doc.catalog})`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  const custom = createCustomExecutor({
    handlers: catalog.module.handlers,
    config,
    callTool: async (parent, name, args) => {
      const tool = tools.get(name);
      if (!tool) return failure(`unknown tool '${name}'`, "unknown_tool");
      const init = {
        tool,
        calledAs: name,
        entry: "handler",
        rawArgs: args,
        client: parent.client,
        signal: parent.signal,
        parent,
        // No progress on the client's token from nested calls: the parent reports on its own scale, and a nested
        // handler's own (say, a wait inside an apply) would make the client's progress go backwards.
      };
      return (await runtime.call(init)).outcome;
    },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const graphql = createGraphqlExecutor({
    sources: catalog.doc.sources,
    config,
    userAgent: `toolwright/${catalog.doc.generator.version} (${catalog.doc.catalog})`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  const executors = { http, graphql, custom, ...options.executors };
  const execute = async (ctx) => {
    const binding = ctx.tool.binding;
    const executor = executors[binding.kind];
    if (!executor)
      return failure(`${binding.kind} bindings are not supported by this runtime yet`, "unsupported");
    return executor(ctx, binding);
  };
  const state = options.state ?? createMemoryStore();
  const policy = createPolicies(catalog.doc, config, { ...options.policy, state });
  const limits = createLimits(catalog.doc, config, () => state);
  const defaults = [
    observeStep(catalog.doc.catalog),
    ...limits.wrap(policy.wrap([parseArgs(schemas), validateOutput(schemas)])),
  ];
  const chain = compose(options.middleware ? options.middleware(defaults) : defaults, execute);
  const runtime = {
    catalog,
    config,
    schemas,
    tools,
    policy,
    async call(init) {
      if (init.tool.internal === true && init.entry !== "handler") {
        const refused = failure(`unknown tool '${init.calledAs}'`, "unknown_tool");
        return { outcome: refused, ctx: contextOf(init) };
      }
      const ctx = contextOf(init);
      try {
        return { outcome: await chain(ctx), ctx };
      } catch (error2) {
        logLine(
          `internal error (correlation id ${ctx.correlationId}) in tool ${ctx.tool.name}: ${describeError(error2)}`,
        );
        return { outcome: failure("internal error", "internal"), ctx };
      }
    },
  };
  return runtime;
}
function contextOf(init) {
  return {
    tool: init.tool,
    calledAs: init.calledAs,
    entry: init.entry,
    rawArgs: init.rawArgs,
    args: {},
    correlationId: init.parent?.correlationId ?? newCorrelationId(),
    client: init.client,
    signal: init.signal,
    upstream: { requests: 0 },
    startedAt: Date.now(),
    depth: init.parent ? init.parent.depth + 1 : 0,
    progress: init.progress ?? (async () => {}),
    notes: /* @__PURE__ */ new Map(),
    ...(init.requestId !== void 0 ? { requestId: init.requestId } : {}),
    ...(init.resourceUri !== void 0 ? { resourceUri: init.resourceUri } : {}),
    ...(init.parent ? { parent: init.parent } : {}),
    ...(init.input ? { input: init.input } : {}),
  };
}

// src/mcp/completions.ts
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";

var MAX_COMPLETIONS = 100;
function createCompleter(doc) {
  const prompts = new Map(doc.prompts.map((p) => [p.name, new Set(p.arguments.map((a) => a.name))]));
  const templates = new Map(
    doc.resourceTemplates.map((t) => [
      t.uriTemplate,
      t.assets ? /* @__PURE__ */ new Map([[t.assets.variable, t.assets.values]]) : /* @__PURE__ */ new Map(),
    ]),
  );
  return (ref, argument) => {
    let pool = [];
    if (ref.type === "ref/prompt") {
      const args = prompts.get(ref.name);
      if (!args) throw new ProtocolError(ProtocolErrorCode.InvalidParams, "unknown prompt");
      if (!args.has(argument.name))
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, "unknown argument");
    } else {
      const variables = templates.get(ref.uri);
      if (!variables) throw new ProtocolError(ProtocolErrorCode.InvalidParams, "unknown resource template");
      pool = variables.get(argument.name) ?? [];
    }
    const prefix = argument.value.toLowerCase();
    const matches = pool.filter((value) => value.toLowerCase().startsWith(prefix));
    return {
      completion: {
        values: matches.slice(0, MAX_COMPLETIONS),
        total: matches.length,
        hasMore: matches.length > MAX_COMPLETIONS,
      },
    };
  };
}

// src/mcp/discovery.ts
var FIND_TOOLS = "find_tools";
var DESCRIBE_TOOL = "describe_tool";
var CALL_TOOL = "call_tool";
var readOnly = (title) => ({
  title,
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
});
var MATCH = {
  type: "object",
  required: ["name", "title", "safety", "binding", "summary"],
  properties: {
    name: { type: "string" },
    title: { type: "string" },
    safety: { type: "string", enum: ["read", "write", "destructive"] },
    binding: { type: "string", description: "What the tool calls, e.g. `DELETE /v1/secrets/{path}`." },
    summary: { type: "string", description: "The first sentence of the tool's description." },
  },
};
function discoveryTools(catalog, count) {
  return [
    {
      name: FIND_TOOLS,
      title: "Find tools",
      description: `Search the ${count} tools of ${catalog} by what they do (words in their names, descriptions and the API operations they call). Returns the best matches with their safety class; then describe_tool one to see its arguments, and call_tool it.`,
      inputSchema: {
        $schema: DIALECT,
        type: "object",
        required: ["query"],
        properties: {
          query: {
            type: "string",
            minLength: 1,
            maxLength: 200,
            description: "Words describing the task, e.g. `list secrets`.",
          },
          limit: {
            type: "integer",
            minimum: 1,
            maximum: 50,
            default: 10,
            description: "How many matches to return.",
          },
        },
        additionalProperties: false,
      },
      outputSchema: {
        $schema: DIALECT,
        type: "object",
        required: ["matches", "total"],
        properties: {
          matches: { type: "array", items: MATCH },
          total: { type: "integer", description: "Tools that matched at all." },
        },
      },
      annotations: readOnly("Find tools"),
    },
    {
      name: DESCRIBE_TOOL,
      title: "Describe a tool",
      description: `The full description, argument schema, result schema and safety annotations of one ${catalog} tool, as tools/list would give them.`,
      inputSchema: {
        $schema: DIALECT,
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1, maxLength: 128, description: "A name find_tools returned." },
        },
        additionalProperties: false,
      },
      annotations: readOnly("Describe a tool"),
    },
    {
      name: CALL_TOOL,
      title: "Call a tool",
      description: `Call one ${catalog} tool by name with its arguments (see describe_tool). It runs exactly as a direct call would: the same validation, safety policies, confirmation of destructive tools and audit.`,
      inputSchema: {
        $schema: DIALECT,
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1, maxLength: 128 },
          arguments: { type: "object", description: "The tool's arguments.", default: {} },
        },
        additionalProperties: false,
      },
      // Whatever the named tool does: a host must treat this as able to write and destroy.
      annotations: {
        title: "Call a tool",
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
  ];
}
function words(text2) {
  return text2
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);
}
function createDiscovery(tools, publisher) {
  const index = tools.map((tool) => ({
    tool,
    name: new Set([tool.name, ...tool.aliases].flatMap(words)),
    title: new Set(words(tool.title)),
    binding: new Set(words(tool.summary)),
    text: new Set(words(tool.description)),
  }));
  const byName = /* @__PURE__ */ new Map();
  for (const tool of tools) for (const n of [tool.name, ...tool.aliases]) byName.set(n, tool);
  return {
    find(query, limit) {
      const terms = [...new Set(words(query))];
      const scored = index
        .map((e) => {
          let score = 0;
          for (const t of terms) {
            const hit = (set) =>
              set.has(t) ? 2 : [...set].some((w) => w.startsWith(t) || t.startsWith(w)) ? 1 : 0;
            score += 4 * hit(e.name) + 2 * hit(e.title) + 2 * hit(e.binding) + hit(e.text);
          }
          return { e, score };
        })
        .filter((x) => x.score > 0)
        .sort((a, b) => b.score - a.score || (a.e.tool.name < b.e.tool.name ? -1 : 1));
      return {
        total: scored.length,
        matches: scored.slice(0, limit).map(({ e }) => ({
          name: e.tool.name,
          title: e.tool.title,
          safety: e.tool.safety,
          binding: e.tool.summary,
          summary: firstSentence(e.tool.description, 200),
        })),
      };
    },
    describe(name) {
      const tool = byName.get(name);
      if (!tool) return void 0;
      return publisher.entry(tool);
    },
    resolve: (name) => byName.get(name),
  };
}

// src/mcp/paginate.ts
import {
  ProtocolError as ProtocolError2,
  ProtocolErrorCode as ProtocolErrorCode2,
} from "@modelcontextprotocol/server";

var sizes = /* @__PURE__ */ new WeakMap();
function sizeOf(item) {
  if (item === null || typeof item !== "object") return JSON.stringify(item)?.length ?? 0;
  let size = sizes.get(item);
  if (size === void 0) {
    size = Buffer.byteLength(JSON.stringify(item));
    sizes.set(item, size);
  }
  return size;
}
function paginate(items, cursor, limits, kind, entryOf = (item) => item) {
  let offset = 0;
  if (cursor !== void 0) {
    const decoded = /^([a-z]+):(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!decoded || decoded[1] !== kind || Number(decoded[2]) > items.length) {
      throw new ProtocolError2(ProtocolErrorCode2.InvalidParams, "invalid cursor");
    }
    offset = Number(decoded[2]);
  }
  const { entries, bytes } = typeof limits === "number" ? { entries: limits, bytes: void 0 } : limits;
  let end = Math.min(items.length, offset + Math.max(1, entries));
  if (bytes !== void 0) {
    let total = 0;
    for (let at = offset; at < end; at++) {
      total += sizeOf(entryOf(items[at])) + 1;
      if (total > bytes && at > offset) {
        end = at;
        break;
      }
    }
  }
  const page = items.slice(offset, end).map(entryOf);
  if (end >= items.length) return { items: page };
  return { items: page, nextCursor: Buffer.from(`${kind}:${end}`, "utf8").toString("base64url") };
}

// src/mcp/prompts.ts
import { readFileSync } from "node:fs";
import { resolve as resolve2 } from "node:path";
import {
  ProtocolError as ProtocolError3,
  ProtocolErrorCode as ProtocolErrorCode3,
} from "@modelcontextprotocol/server";
import Handlebars from "handlebars";

function createPromptRenderer(dir, prompts) {
  const byName = /* @__PURE__ */ new Map();
  for (const prompt of prompts) {
    const source = readFileSync(resolve2(dir, prompt.asset), "utf8");
    const render = Handlebars.compile(source, { strict: true, noEscape: true });
    byName.set(prompt.name, { prompt, render });
  }
  return {
    list: () =>
      prompts.map((p) => ({
        name: p.name,
        arguments: p.arguments.map((a) => ({
          name: a.name,
          required: a.required,
          ...(a.description !== void 0 ? { description: a.description } : {}),
        })),
        ...(p.title !== void 0 ? { title: p.title } : {}),
        ...(p.description !== void 0 ? { description: p.description } : {}),
      })),
    get(name, args) {
      const entry = byName.get(name);
      if (!entry) throw new ProtocolError3(ProtocolErrorCode3.InvalidParams, `unknown prompt: ${name}`);
      const given = args ?? {};
      const declared = new Set(entry.prompt.arguments.map((a) => a.name));
      const unknown = Object.keys(given).filter((key) => !declared.has(key));
      if (unknown.length > 0) {
        throw new ProtocolError3(
          ProtocolErrorCode3.InvalidParams,
          `unknown argument(s) for prompt ${name}: ${unknown.join(", ")}`,
        );
      }
      const missing = entry.prompt.arguments.filter((a) => a.required && (given[a.name] ?? "") === "");
      if (missing.length > 0) {
        throw new ProtocolError3(
          ProtocolErrorCode3.InvalidParams,
          `missing required argument(s) for prompt ${name}: ${missing.map((a) => a.name).join(", ")}`,
        );
      }
      const context3 = {};
      for (const a of entry.prompt.arguments) context3[a.name] = given[a.name] ?? "";
      const text2 = entry.render(context3);
      return {
        ...(entry.prompt.description !== void 0 ? { description: entry.prompt.description } : {}),
        messages: [{ role: "user", content: { type: "text", text: text2 } }],
      };
    },
  };
}

// src/mcp/protocol-errors.ts
import {
  ProtocolError as ProtocolError4,
  ProtocolErrorCode as ProtocolErrorCode4,
} from "@modelcontextprotocol/server";

function safeProtocolError(error2, what) {
  if (error2 instanceof ProtocolError4) return error2;
  const correlationId = newCorrelationId();
  logLine(`internal error (correlation id ${correlationId}) in ${what}: ${describeError(error2)}`);
  return new ProtocolError4(
    ProtocolErrorCode4.InternalError,
    `internal error (correlation id ${correlationId})`,
  );
}
function printable2(text2) {
  const clean2 = text2.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean2.length > 100 ? `${clean2.slice(0, 100)}…` : clean2;
}

// src/mcp/resources.ts
import { readFile } from "node:fs/promises";
import { resolve as resolve3 } from "node:path";
import {
  ProtocolError as ProtocolError5,
  ProtocolErrorCode as ProtocolErrorCode5,
  ResourceNotFoundError,
} from "@modelcontextprotocol/server";

function compileTemplate(uriTemplate) {
  const variables = [];
  const parts = uriTemplate.split(/(\{\+?[^}]+\})/);
  const lastVar = parts.reduce((last, part, index) => (/^\{/.test(part) ? index : last), -1);
  const source = parts
    .map((part, index) => {
      const match = /^\{(\+?)([^}]+)\}$/.exec(part);
      if (!match) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      variables.push(match[2]);
      return match[1] === "+" || index === lastVar ? "(.+)" : "([^/]+)";
    })
    .join("");
  return { pattern: new RegExp(`^${source}$`), variables };
}
var TEXTUAL = /^(text\/|application\/(json|xml|yaml|x-yaml|javascript|ld\+json)|.*\+(json|xml)$)/i;
function isTextual(mimeType) {
  return TEXTUAL.test(mimeType);
}
function createResourceReader(runtime) {
  const { dir, doc } = runtime.catalog;
  const statics = new Map(doc.resources.map((r) => [r.uri, r]));
  const templates = doc.resourceTemplates.map((template) => ({
    template,
    ...compileTemplate(template.uriTemplate),
  }));
  return {
    list: () => listedResources(doc.resources),
    listTemplates: () => listedTemplates(runtime, doc.resourceTemplates),
    async read(request) {
      const fixed = statics.get(request.uri);
      if (fixed) return [await readAsset(dir, request.uri, fixed.asset, fixed.mimeType)];
      for (const compiled of templates) {
        const values = matchTemplate(compiled, request.uri);
        if (!values) continue;
        const { template } = compiled;
        if (template.tool) return readThroughTool(runtime, request, template, values);
        if (template.assets) return [await readTemplateAsset(dir, request.uri, template, values)];
      }
      throw new ResourceNotFoundError(request.uri);
    },
  };
}
function listedResources(resources) {
  return resources.map((r) => ({
    uri: r.uri,
    name: r.name,
    mimeType: r.mimeType,
    ...(r.title !== void 0 ? { title: r.title } : {}),
    ...(r.description !== void 0 ? { description: r.description } : {}),
  }));
}
function listedTemplates(runtime, templates) {
  const denied = (template) => {
    const tool = template.tool ? runtime.tools.get(template.tool.name) : void 0;
    return tool !== void 0 && runtime.policy.denied(tool);
  };
  return templates
    .filter((t) => !denied(t))
    .map((t) => ({
      uriTemplate: t.uriTemplate,
      name: t.name,
      mimeType: t.mimeType,
      ...(t.title !== void 0 ? { title: t.title } : {}),
      ...(t.description !== void 0 ? { description: t.description } : {}),
    }));
}
function matchTemplate(compiled, uri) {
  const match = compiled.pattern.exec(uri);
  if (!match) return void 0;
  const values = {};
  compiled.variables.forEach((variable, index) => {
    const raw = match[index + 1] ?? "";
    try {
      values[variable] = decodeURIComponent(raw);
    } catch {
      throw new ProtocolError5(ProtocolErrorCode5.InvalidParams, `malformed percent-encoding in ${variable}`);
    }
  });
  return values;
}
async function readAsset(dir, uri, asset, mimeType) {
  const bytes = await readFile(resolve3(dir, asset));
  return isTextual(mimeType)
    ? { uri, mimeType, text: bytes.toString("utf8") }
    : { uri, mimeType, blob: bytes.toString("base64") };
}
function readTemplateAsset(dir, uri, template, values) {
  const assets = template.assets;
  const value = values[assets.variable];
  if (value === void 0 || !assets.values.includes(value)) throw new ResourceNotFoundError(uri);
  const asset = assets.pattern.replaceAll(`{${assets.variable}}`, value);
  return readAsset(dir, uri, asset, template.mimeType);
}
async function readThroughTool(runtime, request, template, values) {
  const binding = template.tool;
  const tool = runtime.tools.get(binding.name);
  if (!tool) throw new ResourceNotFoundError(request.uri);
  const args = {};
  for (const [variable, arg] of Object.entries(binding.args)) {
    const value = values[variable];
    if (value !== void 0) args[arg] = value;
  }
  const init = {
    tool,
    calledAs: binding.name,
    entry: "resources/read",
    rawArgs: args,
    client: request.client,
    signal: request.signal,
    resourceUri: request.uri,
    ...(request.requestId !== void 0 ? { requestId: request.requestId } : {}),
  };
  const { outcome, ctx } = await runtime.call(init);
  if (outcome.error) throw outcomeError(outcome, request.uri, ctx.correlationId);
  return [toolContents(request.uri, template.mimeType, outcome.data)];
}
function isBinaryData(data) {
  return (
    data !== null &&
    typeof data === "object" &&
    typeof data.content === "string" &&
    typeof data.contentType === "string" &&
    typeof data.size === "number"
  );
}
function toolContents(uri, mimeType, data) {
  if (!/json/i.test(mimeType) && isBinaryData(data)) return { uri, mimeType, blob: data.content };
  return { uri, mimeType, text: compactJson(data) };
}
function outcomeError(outcome, uri, correlationId) {
  const error2 = outcome.error;
  if (error2.code === "http_404" || error2.code === "unknown_tool") return new ResourceNotFoundError(uri);
  const message = `${error2.message} (correlation id ${correlationId})`;
  const refused = error2.code === "refused" || error2.code === "confirmation_required";
  if (refused || error2.code === "invalid_arguments" || error2.code === "invalid_argument") {
    return new ProtocolError5(ProtocolErrorCode5.InvalidParams, message);
  }
  return new ProtocolError5(ProtocolErrorCode5.InternalError, message);
}

// src/mcp/tool-call.ts
import {
  inputRequired,
  ProtocolError as ProtocolError6,
  ProtocolErrorCode as ProtocolErrorCode6,
} from "@modelcontextprotocol/server";

// src/mcp/discovery-call.ts
import { z } from "zod";

var findArgs = z.strictObject({
  query: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(50).optional(),
});
var describeArgs = z.strictObject({ name: z.string().min(1).max(128) });
var callArgs = z.strictObject({
  name: z.string().min(1).max(128),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
function error(text2) {
  return { result: { content: [{ type: "text", text: text2 }], isError: true } };
}
function ok(data, structured) {
  return {
    result: {
      content: [{ type: "text", text: JSON.stringify(data) }],
      ...(structured ? { structuredContent: data } : {}),
    },
  };
}
function discoveryCall(discovery, name, raw) {
  if (name === FIND_TOOLS) {
    const args2 = checkArguments(findArgs, raw ?? {});
    if (!args2.ok) return error(args2.message);
    const { query, limit } = args2.data;
    return ok(discovery.find(query, limit ?? 10), true);
  }
  if (name === DESCRIBE_TOOL) {
    const args2 = checkArguments(describeArgs, raw ?? {});
    if (!args2.ok) return error(args2.message);
    const { name: described } = args2.data;
    const description = discovery.describe(described);
    return description
      ? ok({ ...description }, false)
      : error(`no tool named ${JSON.stringify(described)}; use ${FIND_TOOLS}`);
  }
  const args = checkArguments(callArgs, raw ?? {});
  if (!args.ok) return error(args.message);
  const call = args.data;
  if (!discovery.resolve(call.name))
    return error(`no tool named ${JSON.stringify(call.name)}; use ${FIND_TOOLS}`);
  return { name: call.name, arguments: { ...(call.arguments ?? {}) } };
}

// src/mcp/tool-call.ts
async function handleToolCall(surface, connection, params, ctx) {
  let name = params.name;
  let rawArgs = params.arguments;
  if (surface.discovery && (name === FIND_TOOLS || name === DESCRIBE_TOOL || name === CALL_TOOL)) {
    const answer = discoveryCall(surface.discovery, name, rawArgs);
    if ("result" in answer) return answer.result;
    name = answer.name;
    rawArgs = answer.arguments;
  }
  const tool = surface.runtime.tools.get(name);
  if (!tool || !surface.listedNames.has(name)) {
    return refuseUnlistedTool(surface.runtime, connection, tool, name, rawArgs, ctx);
  }
  const progress = progressReporter(ctx);
  try {
    const { outcome, ctx: call } = await surface.runtime.call({
      tool,
      calledAs: name,
      entry: "tools/call",
      rawArgs,
      client: connection.client(ctx),
      signal: ctx.mcpReq.signal,
      requestId: ctx.mcpReq.id,
      ...inputOf(ctx),
      progress,
    });
    return answerCall(surface, connection.server, { tool, name, outcome, call });
  } catch (error2) {
    const correlationId = newCorrelationId();
    logLine(
      `internal error (correlation id ${correlationId}) in tools/call ${name}: ${describeError(error2)}`,
    );
    return internalErrorResult(correlationId, {
      envelope: surface.resultEnvelope,
      meta: { tool: tool.name },
    });
  }
}
async function refuseUnlistedTool(runtime, connection, tool, name, rawArgs, ctx) {
  if (tool && runtime.policy.denied(tool)) {
    await runtime.call({
      tool,
      calledAs: name,
      entry: "tools/call",
      rawArgs,
      client: connection.client(ctx),
      signal: ctx.mcpReq.signal,
      requestId: ctx.mcpReq.id,
    });
  }
  throw new ProtocolError6(ProtocolErrorCode6.InvalidParams, `Unknown tool: ${printable2(name)}`);
}
function progressReporter(ctx) {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  return async (progress, total, message) => {
    if (progressToken === void 0) return;
    const params = {
      progressToken,
      progress,
      ...(total !== void 0 ? { total } : {}),
      ...(message !== void 0 ? { message } : {}),
    };
    await ctx.mcpReq.notify({ method: "notifications/progress", params }).catch(() => {});
  };
}
function answerCall(surface, server, { tool, name, outcome, call }) {
  const pending = pendingElicitation(call);
  if (pending) {
    return inputRequired({
      inputRequests: {
        [pending.key]: inputRequired.elicit({
          message: pending.message,
          requestedSchema: pending.requestedSchema,
        }),
      },
      requestState: pending.state,
    });
  }
  const rendered = renderToolResult(outcome, tool, call.correlationId, {
    envelope: surface.resultEnvelope,
    structured: surface.publisher.structured(tool),
    meta: {
      tool: tool.name,
      ...(name !== tool.name ? { called_as: name } : {}),
      ...(call.upstream.lastStatus !== void 0 ? { upstream_status: call.upstream.lastStatus } : {}),
      duration_ms: Date.now() - call.startedAt,
    },
  });
  return server.projectCallToolResult(
    withHandlerContent(rendered, outcome),
    surface.publisher.structured(tool) ? tool.outputSchema : void 0,
  );
}
function inputOf(ctx) {
  const state = ctx.mcpReq.requestState();
  const input = {};
  if (ctx.mcpReq.inputResponses !== void 0) input.responses = ctx.mcpReq.inputResponses;
  if (typeof state === "string") input.state = state;
  return input.responses !== void 0 || input.state !== void 0 ? { input } : {};
}

// src/mcp/server.ts
function createServer(catalog, config, options = {}) {
  return createServerFromRuntime(createRuntime(catalog, config, options), options);
}
function listings(tools, include) {
  const out = [];
  for (const tool of tools) {
    if (!include(tool)) continue;
    for (const name of [tool.name, ...tool.aliases]) out.push({ tool, name });
  }
  return Object.freeze(out);
}
function createServerFromRuntime(runtime, options = {}) {
  const surface = prepareSurface(runtime, options);
  return ({ era }) => {
    const server = newSdkServer(runtime.catalog.doc);
    const connection = { server, client: clientInfoReader(server, era) };
    registerToolHandlers(server, surface, connection);
    registerResourceHandlers(server, surface, connection);
    registerPromptHandlers(server, surface);
    server.setRequestHandler("completion/complete", async (request) =>
      surface.complete(request.params.ref, request.params.argument),
    );
    return server;
  };
}
function prepareSurface(runtime, options) {
  const { doc, dir } = runtime.catalog;
  const resultEnvelope = doc.result?.envelope ?? "plain";
  const pageSize = { entries: options.pageSize ?? DEFAULT_PAGE_SIZE, bytes: PAGE_BYTES };
  const { policy } = runtime;
  const include = (tool) =>
    tool.internal !== true && !policy.denied(tool) && (options.listTool?.(tool) ?? true);
  const publisher = createPublisher(doc, {
    ...(options.publish ? { overrides: options.publish } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    transforms: [
      (schema, { tool, side }) => (side === "output" ? policy.outputSchema(tool, schema) : schema),
    ],
  });
  const tools = listings(doc.tools, include);
  const entries = /* @__PURE__ */ new WeakMap();
  const entryOf = (listing) => {
    let entry = entries.get(listing);
    if (!entry) {
      entry = publisher.entry(listing.tool, listing.name);
      entries.set(listing, entry);
    }
    return entry;
  };
  const listedNames = new Set(tools.map((t) => t.name));
  const callable = doc.tools.filter(include);
  const discovery = options.discovery ? createDiscovery(callable, publisher) : void 0;
  const toolList = discovery ? discoveryTools(doc.catalog, callable.length) : void 0;
  const resources = createResourceReader(runtime);
  const resourceList = resources.list();
  const templateList = resources.listTemplates();
  const prompts = createPromptRenderer(dir, doc.prompts);
  const promptList = prompts.list();
  const complete = createCompleter(doc);
  const toolCalls = { runtime, discovery, listedNames, resultEnvelope, publisher };
  return {
    ...toolCalls,
    pageSize,
    tools,
    entryOf,
    toolList,
    resources,
    resourceList,
    templateList,
    prompts,
    promptList,
    complete,
  };
}
function newSdkServer(doc) {
  const server = new Server(
    {
      name: doc.server.name,
      version: doc.server.version,
      ...(doc.server.title ? { title: doc.server.title } : {}),
    },
    {
      capabilities: { tools: {}, resources: {}, prompts: {}, completions: {} },
      ...(doc.server.instructions ? { instructions: doc.server.instructions } : {}),
    },
  );
  server.onerror = (error2) => logLine(`protocol error: ${describeError(error2)}`);
  return server;
}
function clientInfoReader(server, era) {
  return (ctx) => {
    const envelope = ctx.mcpReq.envelope ?? {};
    const capabilities =
      era === "modern" ? envelope[CLIENT_CAPABILITIES_META_KEY] : server.getClientCapabilities();
    const implementation = era === "modern" ? envelope[CLIENT_INFO_META_KEY] : server.getClientVersion();
    const info = { capabilities, era };
    const principal = ctx.http?.authInfo?.extra?.principal;
    if (principal) info.principal = principal;
    if (implementation?.name) info.name = implementation.name;
    if (implementation?.version) info.version = implementation.version;
    return info;
  };
}
function registerToolHandlers(server, surface, connection) {
  server.setRequestHandler("tools/list", async (request) => {
    if (surface.toolList) {
      const page2 = paginate(surface.toolList, request.params?.cursor, surface.pageSize, "tools");
      return { tools: page2.items, ...(page2.nextCursor ? { nextCursor: page2.nextCursor } : {}) };
    }
    const page = paginate(surface.tools, request.params?.cursor, surface.pageSize, "tools", surface.entryOf);
    return { tools: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("tools/call", async (request, ctx) =>
    handleToolCall(surface, connection, request.params, ctx),
  );
}
function registerResourceHandlers(server, surface, connection) {
  server.setRequestHandler("resources/list", async (request) => {
    const page = paginate(surface.resourceList, request.params?.cursor, surface.pageSize, "resources");
    return { resources: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("resources/templates/list", async (request) => {
    const page = paginate(surface.templateList, request.params?.cursor, surface.pageSize, "templates");
    return { resourceTemplates: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("resources/read", async (request, ctx) => {
    try {
      const contents = await surface.resources.read({
        uri: request.params.uri,
        client: connection.client(ctx),
        signal: ctx.mcpReq.signal,
        requestId: ctx.mcpReq.id,
      });
      return { contents };
    } catch (error2) {
      throw safeProtocolError(error2, `resources/read ${printable2(request.params.uri)}`);
    }
  });
}
function registerPromptHandlers(server, surface) {
  server.setRequestHandler("prompts/list", async (request) => {
    const page = paginate(surface.promptList, request.params?.cursor, surface.pageSize, "prompts");
    return { prompts: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("prompts/get", async (request) => {
    try {
      return surface.prompts.get(request.params.name, request.params.arguments);
    } catch (error2) {
      throw safeProtocolError(error2, `prompts/get ${printable2(request.params.name)}`);
    }
  });
}

// src/telemetry/otel.ts
import { context as context2, propagation as propagation2, trace as trace2 } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";

function tracingConfigured(env = process.env) {
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === "none") return false;
  return (
    exporter === "otlp" ||
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) ||
    Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim())
  );
}
function startTracing(catalog, env = process.env) {
  if (!tracingConfigured(env)) return void 0;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": env.OTEL_SERVICE_NAME?.trim() || `toolwright-${catalog}`,
    }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  context2.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation2.setGlobalPropagator(new W3CTraceContextPropagator());
  trace2.setGlobalTracerProvider(provider);
  return { shutdown: () => provider.shutdown() };
}

// src/transports/http.ts
import { createServer as createNodeServer } from "node:http";
// src/transports/http-settings.ts
import { isIP } from "node:net";
import { createMcpHandler } from "@modelcontextprotocol/server";
// src/transports/http-auth/issuers.ts
import { createRemoteJWKSet, customFetch } from "jose";

var DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
var DEFAULT_REQUEST_TIMEOUT_MS = 5 * 6e4;
var DEFAULT_SHUTDOWN_GRACE_MS = 3e4;
var DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65e3;
var DEFAULT_HEADERS_TIMEOUT_MS = 6e4;
var MIN_BEARER_LENGTH = 16;
var HttpSettingsError = class extends Error {
  constructor(problems, notes = []) {
    super(`HTTP transport not started:
${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
    this.notes = notes;
    this.name = "HttpSettingsError";
  }
  problems;
  notes;
};
function wantsHttp(transport, config, forced) {
  if (forced !== void 0) return forced;
  if (!transport?.selectEnv) return false;
  const value = config.text(transport.selectEnv);
  if (value === void 0) return false;
  return transport.httpValues.some((v) => v.toLowerCase() === value.trim().toLowerCase());
}
var LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
function isLoopback(host) {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}
function urlHost(host) {
  return isIP(host) === 6 ? `[${host}]` : host;
}
var HOST_ENTRY =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;
function endpointUrl(raw, problems, name) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name}: expected an http(s) URL`);
    return void 0;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    problems.push(`${name}: expected an http(s) URL`);
    return void 0;
  }
  if (url.search || url.hash || url.username || url.password) {
    problems.push(`${name}: expected a URL without query, fragment or credentials`);
    return void 0;
  }
  if (!url.pathname.replace(/\/+$/, "").endsWith("/mcp")) {
    url.pathname = `${url.pathname.replace(/\/+$/, "")}/mcp`;
  } else {
    url.pathname = url.pathname.replace(/\/+$/, "");
  }
  return url;
}
function issuerOf(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return void 0;
  }
  const rfc8414 = "/.well-known/oauth-authorization-server";
  const oidc = "/.well-known/openid-configuration";
  let path;
  if (url.pathname.startsWith(rfc8414)) path = url.pathname.slice(rfc8414.length);
  else if (url.pathname.startsWith(oidc)) path = url.pathname.slice(oidc.length);
  else if (url.pathname.endsWith(oidc)) path = url.pathname.slice(0, -oidc.length);
  return path === void 0 ? raw : `${url.origin}${path}`;
}
function wantsSse(transport, config, forced) {
  if (forced !== void 0) return forced;
  if (!transport?.selectEnv || !transport.sseValues) return false;
  const value = config.text(transport.selectEnv)?.trim().toLowerCase();
  return value !== void 0 && transport.sseValues.some((v) => v.toLowerCase() === value);
}
function resolveHttpSettings(doc, config, tuning = {}, overrides = {}) {
  const t = doc.transport;
  const problems = [];
  const inputs = new SettingInputs(t, config, overrides);
  const { host, port, loopback } = resolveBind(t, inputs, problems);
  const allowedHosts = resolveAllowedHosts(inputs, host, loopback, problems);
  let publicUrl;
  const publicRaw = inputs.text("publicUrl");
  if (publicRaw.value !== void 0) publicUrl = endpointUrl(publicRaw.value.trim(), problems, publicRaw.from);
  const authorizationServers = resolveAuthorizationServers(inputs, problems);
  if (authorizationServers.length > 0 && !publicUrl && !loopback) {
    problems.push(
      `OAuth mode on a non-loopback bind needs ${publicRaw.from || "a public URL env (transport.public_url_env)"}: tokens must be issued for that exact resource`,
    );
  }
  const bearer = resolveClientKey(inputs, authorizationServers, problems);
  const requiredScopes = overrides.requiredScopes ?? t.requiredScopes;
  const notes = loopback ? remoteNotes(inputs, host) : [];
  if (problems.length > 0) throw new HttpSettingsError(problems, notes);
  return {
    host,
    port,
    loopback,
    allowedHosts,
    ...(publicUrl ? { publicUrl } : {}),
    authorizationServers,
    ...(bearer !== void 0 ? { bearer } : {}),
    requiredScopes: [...requiredScopes],
    maxBodyBytes: tuning.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    requestTimeoutMs: tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    shutdownGraceMs: tuning.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    keepAliveTimeoutMs: tuning.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    headersTimeoutMs: tuning.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    names: envNamesOf(t),
    sse: wantsSse(t, config, overrides.sse),
    notes,
  };
}
function remoteNotes(inputs, host) {
  const bind = inputs.primary("host");
  const hosts = inputs.primary("allowedHosts");
  if (!bind || !hosts) return [];
  return [
    `listening on ${host}, so only this machine can connect. To serve remote clients also set ${bind}=0.0.0.0 (the address to bind) and ${hosts}=<the host names clients use> (every request's Host and Origin must be one of them: DNS-rebinding protection), and put a TLS-terminating proxy in front`,
  ];
}
function envNamesOf(t) {
  return {
    ...(t.bearerEnv ? { bearer: t.bearerEnv } : {}),
    ...(t.allowedHostsEnv ? { allowedHosts: t.allowedHostsEnv } : {}),
    ...(t.publicUrlEnv ? { publicUrl: t.publicUrlEnv } : {}),
    ...(t.authorizationServersEnv ? { authorizationServers: t.authorizationServersEnv } : {}),
  };
}
var SettingInputs = class {
  constructor(t, config, overrides) {
    this.config = config;
    this.overrides = overrides;
    this.envOf = {
      ...(t.hostEnv ? { host: t.hostEnv } : {}),
      ...(t.portEnv ? { port: t.portEnv } : {}),
      ...(t.allowedHostsEnv ? { allowedHosts: t.allowedHostsEnv } : {}),
      ...(t.publicUrlEnv ? { publicUrl: t.publicUrlEnv } : {}),
      ...(t.authorizationServersEnv ? { authorizationServers: t.authorizationServersEnv } : {}),
      ...(t.bearerEnv ? { bearer: t.bearerEnv } : {}),
    };
  }
  config;
  overrides;
  envOf;
  /** The one way to name in advice: the catalog's env (what its operators know), else serve's own flag. */
  primary(key) {
    return this.envOf[key] ?? this.overrides.labels?.[key];
  }
  /** Every way to set `key`: the catalog's env first (what its operators know), then serve's own flag. */
  ways(key) {
    return [this.envOf[key], this.overrides.labels?.[key]].filter(Boolean).join(" or ");
  }
  pick(key) {
    const own = this.overrides[key];
    if (own !== void 0) return { value: own, from: this.overrides.labels?.[key] ?? key };
    const env = this.envOf[key];
    const value = env ? this.config.get(env) : void 0;
    return value === void 0 ? { value: void 0, from: this.ways(key) } : { value, from: env };
  }
  text(key) {
    const { value, from } = this.pick(key);
    if (value === void 0) return { value: void 0, from };
    return { value: String(value), from };
  }
  port() {
    const { value, from } = this.pick("port");
    return { value: value === void 0 ? void 0 : Number(value), from };
  }
  list(key) {
    const { value, from } = this.pick(key);
    if (value === void 0) return { value: [], from };
    if (Array.isArray(value)) return { value, from };
    const items = String(value)
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "");
    return { value: items, from };
  }
};
function resolveBind(t, inputs, problems) {
  const hostInput = inputs.text("host");
  const host = (hostInput.value ?? t.host).trim();
  const portInput = inputs.port();
  const port = portInput.value ?? t.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${portInput.from || "port"}: expected a port number between 0 and 65535`);
  }
  if (host === "" || /[\s/]/.test(host))
    problems.push(`${hostInput.from || "host"}: expected an address to bind`);
  return { host, port, loopback: isLoopback(host) };
}
function resolveAllowedHosts(inputs, host, loopback, problems) {
  const allowedHosts = [];
  const { value: entries, from } = inputs.list("allowedHosts");
  for (const entry of entries ?? []) {
    const lower = entry.toLowerCase();
    if (lower.includes("*")) {
      problems.push(`${from}: wildcards are not accepted (got ${JSON.stringify(entry)})`);
    } else if (!HOST_ENTRY.test(lower)) {
      problems.push(`${from}: expected host names (optionally host:port), got ${JSON.stringify(entry)}`);
    } else {
      allowedHosts.push(lower);
    }
  }
  if (allowedHosts.length === 0) {
    if (loopback) allowedHosts.push(...LOOPBACK_NAMES);
    else {
      problems.push(
        from
          ? `binding to ${host} (not loopback) needs ${from}: the comma-separated Host names clients use, so DNS-rebinding protection stays explicit`
          : `binding to ${host} (not loopback) needs a Host allow-list, and this catalog declares no transport.allowed_hosts_env`,
      );
    }
  }
  return allowedHosts;
}
function resolveAuthorizationServers(inputs, problems) {
  const authorizationServers = [];
  const { value: entries, from } = inputs.list("authorizationServers");
  for (const entry of entries ?? []) {
    const issuer = issuerOf(entry);
    const url = issuer === void 0 ? void 0 : new URL(issuer);
    if (!issuer || !url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      problems.push(`${from}: expected issuer URLs, got ${JSON.stringify(entry)}`);
    } else if (url.protocol === "http:" && !isLoopback(url.hostname)) {
      problems.push(`${from}: ${url.origin} must use https (plain http only on loopback)`);
    } else if (url.search || url.hash || url.username || url.password) {
      problems.push(`${from}: an issuer has no query, fragment or credentials`);
    } else {
      authorizationServers.push(issuer);
    }
  }
  return authorizationServers;
}
function resolveClientKey(inputs, authorizationServers, problems) {
  const { value: bearer, from } = inputs.text("bearer");
  if (bearer !== void 0 && bearer.length < MIN_BEARER_LENGTH) {
    problems.push(`${from}: the client key must be at least ${MIN_BEARER_LENGTH} characters`);
  }
  if (bearer === void 0 && authorizationServers.length === 0) {
    const key = inputs.ways("bearer");
    const issuers = inputs.ways("authorizationServers");
    const ways = [
      key
        ? `set ${key}: the key every MCP client must present as Authorization: Bearer <key> (16+ characters, e.g. from \`openssl rand -hex 24\`), kept apart from the upstream credentials`
        : void 0,
      issuers ? `set ${issuers}: the OAuth issuers whose access tokens clients present instead` : void 0,
    ].filter(Boolean);
    problems.push(
      ways.length > 0
        ? `HTTP mode refuses to serve without client authentication; ${ways.join("; or ")}`
        : "HTTP mode refuses to serve without client authentication, and this catalog declares neither transport.bearer_env nor transport.authorization_servers_env",
    );
  }
  return bearer;
}

// src/transports/http-auth/issuers.ts
var IssuerUnavailableError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "IssuerUnavailableError";
  }
};
var DOCUMENT_LIMIT = 256 * 1024;
function metadataUrls(issuer) {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, "");
  const urls = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
  return [...new Set(urls)];
}
function sameIssuer(a, b) {
  return a === b || a.replace(/\/$/, "") === b.replace(/\/$/, "");
}
function createIssuerDirectory(issuers, options = {}) {
  const timeoutMs = options.timeoutMs ?? 5e3;
  const doFetch = options.fetch ?? fetch;
  const cache = /* @__PURE__ */ new Map();
  const boundedFetch = async (url, init) => {
    const response = await doFetch(url, init);
    const bytes = await readLimited(response, DOCUMENT_LIMIT);
    return new Response(bytes.byteLength > 0 ? bytes : null, {
      status: response.status,
      headers: response.headers,
    });
  };
  async function discover2(issuer) {
    let lastProblem = "no metadata document found";
    for (const url of metadataUrls(issuer)) {
      let response;
      try {
        response = await doFetch(url, {
          headers: { accept: "application/json" },
          redirect: "error",
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error2) {
        lastProblem = `fetching ${url} failed (${error2.name})`;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        lastProblem = `${url} answered ${response.status}`;
        continue;
      }
      let doc;
      try {
        doc = JSON.parse(new TextDecoder().decode(await readLimited(response, DOCUMENT_LIMIT)));
      } catch (error2) {
        lastProblem =
          error2 instanceof ResponseTooLargeError
            ? `${url} is larger than ${formatBytes(DOCUMENT_LIMIT)}`
            : `${url} is not JSON`;
        continue;
      }
      if (doc === null || typeof doc !== "object") {
        lastProblem = `${url} is not a JSON object`;
        continue;
      }
      if (typeof doc.issuer !== "string" || !sameIssuer(doc.issuer, issuer)) {
        throw new IssuerUnavailableError(`metadata at ${url} names another issuer`);
      }
      if (typeof doc.jwks_uri !== "string")
        throw new IssuerUnavailableError(`metadata at ${url} has no jwks_uri`);
      let jwks;
      try {
        jwks = new URL(doc.jwks_uri);
      } catch {
        throw new IssuerUnavailableError(`metadata at ${url} has an invalid jwks_uri`);
      }
      if (jwks.protocol !== "https:" && !(jwks.protocol === "http:" && isLoopback(jwks.hostname))) {
        throw new IssuerUnavailableError(`the jwks_uri of ${issuer} must use https`);
      }
      return {
        issuer: doc.issuer,
        keys: createRemoteJWKSet(jwks, {
          timeoutDuration: timeoutMs,
          cooldownDuration: 3e4,
          [customFetch]: boundedFetch,
        }),
      };
    }
    throw new IssuerUnavailableError(`authorization server ${issuer}: ${lastProblem}`);
  }
  return {
    /** The configured issuer a token's `iss` names, if any. */
    match(iss) {
      return issuers.find((issuer) => sameIssuer(issuer, iss));
    },
    keysFor(issuer) {
      let entry = cache.get(issuer);
      if (!entry) {
        entry = discover2(issuer);
        cache.set(issuer, entry);
        entry.catch(() => cache.delete(issuer));
      }
      return entry;
    },
  };
}

// src/transports/http-auth/jwt.ts
import { decodeJwt as decodeJwt2, errors, jwtVerify } from "jose";

var ACCEPTED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];
function invalid(description) {
  return { ok: false, challenge: { status: 401, error: "invalid_token", description } };
}
function scopesOf(claims) {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === "string") return raw.split(" ").filter((s) => s !== "");
  if (Array.isArray(raw)) return raw.filter((s) => typeof s === "string");
  return [];
}
function describeFailure(error2) {
  if (error2 instanceof errors.JWTExpired) return "the access token has expired";
  if (error2 instanceof errors.JWTClaimValidationFailed) {
    if (error2.claim === "aud") return "the access token was not issued for this resource (aud)";
    if (error2.claim === "iss") return "the access token's issuer is not accepted (iss)";
    if (error2.claim === "nbf") return "the access token is not valid yet (nbf)";
    if (error2.claim === "exp") return "the access token has no expiry (exp)";
    return `the access token's ${error2.claim} claim is invalid`;
  }
  if (error2 instanceof errors.JOSEAlgNotAllowed)
    return "the access token's signing algorithm is not accepted";
  if (error2 instanceof errors.JWSSignatureVerificationFailed || error2 instanceof errors.JWKSNoMatchingKey)
    return "the access token's signature does not verify";
  return "the access token is not a valid JWT";
}
function createJwtVerifier(options) {
  return async (token) => {
    let iss;
    try {
      iss = decodeJwt2(token).iss;
    } catch {
      return invalid("the access token is not a valid JWT");
    }
    const issuer = typeof iss === "string" ? options.issuers.match(iss) : void 0;
    if (!issuer) return invalid("the access token's issuer is not accepted (iss)");
    let keys;
    try {
      keys = await options.issuers.keysFor(issuer);
    } catch (error2) {
      if (error2 instanceof IssuerUnavailableError) return { ok: false, unavailable: error2.message };
      throw error2;
    }
    const resource = options.resource();
    let claims;
    try {
      const verified = await jwtVerify(token, keys.keys, {
        issuer: keys.issuer,
        audience: [resource, `${resource}/`],
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ["exp"],
        clockTolerance: 30,
      });
      claims = verified.payload;
    } catch (error2) {
      if (error2 instanceof errors.JWKSTimeout || error2 instanceof errors.JWKSInvalid)
        return { ok: false, unavailable: `the signing keys of ${issuer} could not be fetched` };
      if (error2 instanceof errors.JOSEError) return invalid(describeFailure(error2));
      return { ok: false, unavailable: `the signing keys of ${issuer} could not be fetched` };
    }
    const scopes = scopesOf(claims);
    const missing = options.requiredScopes.filter((scope) => !scopes.includes(scope));
    if (missing.length > 0) {
      return {
        ok: false,
        challenge: {
          status: 403,
          error: "insufficient_scope",
          description: `the access token lacks scope ${missing.join(" ")}`,
          scope: options.requiredScopes.join(" "),
        },
      };
    }
    const clientId = claims.client_id ?? claims.azp;
    return {
      ok: true,
      principal: {
        issuer: keys.issuer,
        ...(typeof claims.sub === "string" ? { subject: claims.sub } : {}),
        ...(typeof clientId === "string" ? { clientId } : {}),
        scopes,
        expiresAt: claims.exp,
      },
    };
  };
}

// src/transports/http-auth/static-key.ts
import { createHash as createHash2, timingSafeEqual as timingSafeEqual2 } from "node:crypto";

function createStaticKeyCheck(expected) {
  const want = createHash2("sha256").update(expected, "utf8").digest();
  return (presented) => timingSafeEqual2(createHash2("sha256").update(presented, "utf8").digest(), want);
}

// src/transports/http-auth/authenticate.ts
var JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
function createAuthenticator2(options) {
  const staticKey = options.bearer !== void 0 ? createStaticKeyCheck(options.bearer) : void 0;
  const jwt =
    options.authorizationServers.length > 0
      ? createJwtVerifier({
          issuers: createIssuerDirectory(options.authorizationServers, {
            ...(options.issuerTimeoutMs !== void 0 ? { timeoutMs: options.issuerTimeoutMs } : {}),
          }),
          resource: options.resource,
          requiredScopes: options.requiredScopes,
        })
      : void 0;
  const scope = options.requiredScopes.length > 0 ? options.requiredScopes.join(" ") : void 0;
  return async (authorization) => {
    const match = authorization === void 0 ? null : /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) {
      return { ok: false, challenge: { status: 401, ...(scope ? { scope } : {}) } };
    }
    const token = match[1];
    if (staticKey?.(token)) return { ok: true, principal: { kind: "static-key" } };
    if (jwt && JWT_SHAPE.test(token)) {
      const result = await jwt(token);
      if (result.ok) return { ok: true, principal: { kind: "jwt", ...result.principal } };
      return result;
    }
    return {
      ok: false,
      challenge: {
        status: 401,
        error: "invalid_token",
        description: jwt ? "the access token is not valid" : "the client key is not valid",
      },
    };
  };
}

// src/transports/http-auth/metadata.ts
function protectedResourceMetadata(options) {
  return {
    resource: options.resource.href,
    ...(options.authorizationServers.length > 0
      ? { authorization_servers: [...options.authorizationServers] }
      : {}),
    ...(options.scopes.length > 0 ? { scopes_supported: [...options.scopes] } : {}),
    bearer_methods_supported: ["header"],
    ...(options.name ? { resource_name: options.name } : {}),
  };
}
function metadataUrlFor(resource) {
  const path = resource.pathname === "/" ? "" : resource.pathname;
  return `${resource.origin}/.well-known/oauth-protected-resource${path}`;
}

// src/transports/http-guard.ts
function splitHost(value) {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return void 0;
  return { host: match[1].toLowerCase(), ...(match[2] !== void 0 ? { port: match[2] } : {}) };
}
function hostAllowed(value, allowed) {
  const given = splitHost(value);
  if (!given) return false;
  return allowed.some((entry) => {
    const want = splitHost(entry);
    if (!want || want.host !== given.host) return false;
    return want.port === void 0 || want.port === given.port;
  });
}
function checkHost(header, allowed) {
  if (typeof header !== "string" || header === "") return { ok: false, reason: "missing Host header" };
  if (!hostAllowed(header, allowed)) return { ok: false, reason: "Host not allowed" };
  return { ok: true };
}
function checkOrigin(header, allowed) {
  if (header === void 0) return { ok: true };
  if (typeof header !== "string") return { ok: false, reason: "Origin not allowed" };
  let origin;
  try {
    origin = new URL(header);
  } catch {
    return { ok: false, reason: "Origin not allowed" };
  }
  if (origin.protocol !== "http:" && origin.protocol !== "https:")
    return { ok: false, reason: "Origin not allowed" };
  if (!hostAllowed(origin.host, allowed)) return { ok: false, reason: "Origin not allowed" };
  return { ok: true };
}

// src/transports/http-inflight.ts
var CancelledByClient = class extends Error {
  constructor() {
    super("the client cancelled the request");
    this.name = "CancelledByClient";
  }
};
function isRequestId(value) {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}
function principalKey(principal) {
  return principal.kind === "jwt"
    ? JSON.stringify(["jwt", principal.issuer, principal.subject ?? null, principal.clientId ?? null])
    : "static-key";
}
var InflightCalls = class _InflightCalls {
  calls = /* @__PURE__ */ new Map();
  static key(principal, id) {
    return `${principal}
${JSON.stringify(id)}`;
  }
  /** Registers a request; returns its removal. */
  add(principal, id, controller) {
    const key = _InflightCalls.key(principal, id);
    const set = this.calls.get(key) ?? /* @__PURE__ */ new Set();
    this.calls.set(key, set);
    set.add(controller);
    return () => {
      set.delete(controller);
      if (set.size === 0 && this.calls.get(key) === set) this.calls.delete(key);
    };
  }
  cancel(principal, id) {
    const set = this.calls.get(_InflightCalls.key(principal, id));
    if (!set) return;
    if (set.size > 1) {
      logLine(
        `http: a cancellation names request id ${JSON.stringify(id).slice(0, 40)}, which ${set.size} calls in flight from the same client identity share; none was cancelled`,
      );
      return;
    }
    for (const controller of set) controller.abort(new CancelledByClient());
  }
};
function parseJsonRpc(body) {
  if (body.length === 0) return void 0;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return void 0;
  }
}
function requestIdOf(message) {
  if (message === null || typeof message !== "object" || Array.isArray(message)) return void 0;
  const { method, id } = message;
  return typeof method === "string" && isRequestId(id) ? id : void 0;
}
function cancelledIds(parsed) {
  const ids = [];
  for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
    if (message === null || typeof message !== "object") continue;
    const { method, id, params } = message;
    if (method !== "notifications/cancelled" || id !== void 0) continue;
    const requestId = params?.requestId;
    if (isRequestId(requestId)) ids.push(requestId);
  }
  return ids;
}

// src/transports/http-auth/challenge.ts
function quoted(value) {
  return `"${value.replace(/["\\\u0000-\u001f\u007f]/g, "")}"`;
}
function wwwAuthenticate(challenge, resourceMetadataUrl) {
  const params = [`resource_metadata=${quoted(resourceMetadataUrl)}`];
  if (challenge.error) params.push(`error=${quoted(challenge.error)}`);
  if (challenge.description) params.push(`error_description=${quoted(challenge.description)}`);
  if (challenge.scope) params.push(`scope=${quoted(challenge.scope)}`);
  return `Bearer ${params.join(", ")}`;
}
function challengeBody(challenge) {
  return {
    error: challenge.error ?? "unauthorized",
    error_description: challenge.description ?? "this endpoint needs an Authorization: Bearer token",
  };
}

// src/transports/http-node.ts
var BodyTooLargeError = class extends Error {
  constructor(limit) {
    super(`request body over ${limit} bytes`);
    this.limit = limit;
    this.name = "BodyTooLargeError";
  }
  limit;
};
var ClientGoneError = class extends Error {
  constructor() {
    super("the client closed the connection");
    this.name = "ClientGoneError";
  }
};
function readBody(req, limit) {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve4, reject) => {
    const chunks = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => {
      if (!over) resolve4(Buffer.concat(chunks));
    });
    req.once("error", reject);
    req.once("close", () => {
      if (!req.complete) reject(new ClientGoneError());
    });
  });
}
var GATE_ONLY_HEADERS = /* @__PURE__ */ new Set(["authorization", "proxy-authorization"]);
function toWebRequest(req, url, body, signal) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === void 0 || GATE_ONLY_HEADERS.has(name.toLowerCase())) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = req.method ?? "GET";
  return new Request(url, {
    method,
    headers,
    signal,
    ...(body !== void 0 && method !== "GET" && method !== "HEAD" ? { body: new Uint8Array(body) } : {}),
  });
}
var HOP_BY_HOP = /* @__PURE__ */ new Set(["connection", "keep-alive", "transfer-encoding"]);
async function sendWebResponse(res, response, extraHeaders = {}) {
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name === "set-cookie" || HOP_BY_HOP.has(name)) return;
    headers[name] = value;
  });
  res.writeHead(response.status, { ...headers, ...extraHeaders });
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const gone = () => void reader.cancel().catch(() => {});
  res.once("close", gone);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) break;
      if (!res.write(value))
        await new Promise((resolve4) => res.once("drain", resolve4).once("close", resolve4));
    }
  } catch {
  } finally {
    res.off("close", gone);
    if (!res.writableEnded && !res.destroyed) res.end();
  }
}
function sendJson(res, status, body, headers = {}) {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text2 = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text2)),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  });
  res.end(text2);
}
function jsonRpcError(message) {
  return { jsonrpc: "2.0", error: { code: -32e3, message }, id: null };
}

// src/transports/http-mcp.ts
var RequestTimeout = class extends Error {
  constructor() {
    super("request timed out");
    this.name = "RequestTimeout";
  }
};
async function serveMcp(endpoint, req, res) {
  const decision = await endpoint.authenticate(req.headers.authorization);
  if (!decision.ok) return refuseUnauthenticated(res, decision, endpoint.metadataUrl());
  return serveAuthenticated(endpoint, req, res, decision.principal);
}
function refuseUnauthenticated(res, decision, metadataUrl) {
  if ("unavailable" in decision) {
    logLine(`http: cannot verify an access token: ${decision.unavailable}`);
    return sendJson(res, 503, {
      error: "temporarily_unavailable",
      error_description: "the access token cannot be verified right now",
    });
  }
  const { challenge } = decision;
  res.setHeader("www-authenticate", wwwAuthenticate(challenge, metadataUrl));
  return sendJson(res, challenge.status, challengeBody(challenge));
}
async function serveAuthenticated(endpoint, req, res, principal) {
  const { settings, requests } = endpoint;
  const caller = principalKey(principal);
  const controller = new AbortController();
  requests.add(controller);
  const timer = setTimeout(() => controller.abort(new RequestTimeout()), settings.requestTimeoutMs);
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  let untrack;
  try {
    let body;
    let parsed;
    if (req.method === "POST") {
      body = await readBoundedBody(req, res, settings.maxBodyBytes);
      if (body === void 0) return;
      parsed = parseJsonRpc(body);
      untrack = trackCall(endpoint.calls, caller, parsed, controller);
    }
    const request = toWebRequest(req, endpoint.requestUrl(), body, controller.signal);
    const response = await handleUntilAborted(
      endpoint.handler,
      request,
      principal,
      parsed,
      controller.signal,
    );
    if (!response) return answerAborted(res, controller.signal.reason, settings.requestTimeoutMs);
    await sendWebResponse(res, response, requests.draining ? { connection: "close" } : {});
  } finally {
    untrack?.();
    clearTimeout(timer);
    requests.delete(controller);
  }
}
async function readBoundedBody(req, res, maxBodyBytes) {
  try {
    return await readBody(req, maxBodyBytes);
  } catch (error2) {
    if (error2 instanceof BodyTooLargeError) {
      sendJson(res, 413, jsonRpcError(`Payload Too Large: the request body is over ${maxBodyBytes} bytes`));
      return void 0;
    }
    throw error2;
  }
}
function trackCall(calls, caller, parsed, controller) {
  for (const id2 of cancelledIds(parsed)) calls.cancel(caller, id2);
  const id = requestIdOf(parsed);
  return id !== void 0 ? calls.add(caller, id, controller) : void 0;
}
function handleUntilAborted(handler, request, principal, parsed, signal) {
  const aborted = new Promise((resolve4) =>
    signal.addEventListener("abort", () => resolve4(void 0), { once: true }),
  );
  return Promise.race([
    handler.fetch(request, {
      authInfo: authInfoOf(principal),
      // Parsed once, here; the handler does not parse it again.
      ...(parsed !== void 0 ? { parsedBody: parsed } : {}),
    }),
    aborted,
  ]);
}
function answerAborted(res, reason, requestTimeoutMs) {
  if (reason instanceof RequestTimeout) {
    logLine(`http: a request ran over ${requestTimeoutMs} ms and was aborted`);
    return sendJson(res, 503, jsonRpcError("the request timed out"));
  }
  if (reason instanceof CancelledByClient) return endWithoutResponse(res);
  return;
}
function authInfoOf(principal) {
  const who =
    principal.kind === "jwt"
      ? {
          kind: principal.kind,
          issuer: principal.issuer,
          ...(principal.subject !== void 0 ? { subject: principal.subject } : {}),
          ...(principal.clientId !== void 0 ? { clientId: principal.clientId } : {}),
        }
      : { kind: principal.kind };
  return {
    token: "",
    clientId: principal.kind === "jwt" ? (principal.clientId ?? principal.subject ?? "") : "static-key",
    scopes: principal.kind === "jwt" ? [...principal.scopes] : [],
    ...(principal.kind === "jwt" ? { expiresAt: principal.expiresAt } : {}),
    extra: { principal: who },
  };
}
function endWithoutResponse(res) {
  if (!res.headersSent) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" });
  }
  res.end();
}

// src/transports/http-observe.ts
var PROBE_PATHS = /* @__PURE__ */ new Set(["/healthz", "/readyz", "/metrics"]);
async function serveProbe(path, req, res, options) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  if (path === "/healthz") return send(res, 200, "application/json", JSON.stringify({ status: "ok" }));
  if (path === "/readyz") {
    const draining = options.draining();
    const state = options.state ? ((await options.state()) ? "reachable" : "unreachable") : "none";
    const body = JSON.stringify({ status: draining ? "draining" : "ready", state });
    return send(res, draining ? 503 : 200, "application/json", body);
  }
  if (!options.metrics)
    return send(res, 404, "application/json", JSON.stringify({ error: "metrics are off" }));
  return send(res, 200, registry.contentType, await registry.metrics());
}
function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

// src/transports/http-shutdown.ts
var ActiveRequests = class {
  controllers = /* @__PURE__ */ new Set();
  drained;
  /** Set once shutdown starts: new requests are refused, responses ask to close the connection. */
  draining = false;
  get size() {
    return this.controllers.size;
  }
  add(controller) {
    this.controllers.add(controller);
  }
  delete(controller) {
    this.controllers.delete(controller);
    this.settle();
  }
  settle() {
    if (this.draining && this.controllers.size === 0) this.drained?.();
  }
  /** Waits for every active request; after `graceMs` the rest are aborted. */
  async finishWithin(graceMs) {
    const finished = new Promise((resolve4) => {
      this.drained = resolve4;
      this.settle();
    });
    let timer;
    const grace = new Promise((resolve4) => {
      timer = setTimeout(() => resolve4("timeout"), graceMs);
    });
    if ((await Promise.race([finished, grace])) === "timeout") {
      logLine(`http: ${this.controllers.size} request(s) still running after ${graceMs} ms; aborting them`);
      for (const controller of this.controllers) controller.abort();
    }
    clearTimeout(timer);
  }
};
async function drainAndClose(server, handler, requests, graceMs) {
  requests.draining = true;
  const closed = new Promise((resolve4) => server.close(() => resolve4()));
  server.closeIdleConnections();
  await requests.finishWithin(graceMs);
  await handler.close().catch(() => {});
  server.closeAllConnections();
  await closed;
}

// src/transports/http-sse.ts
var SSE_PATH = "/sse";
var MESSAGES_PATH = "/messages";
var KEEP_ALIVE_MS = 15e3;
var DEFAULT_MAX_SSE_SESSIONS = 100;
var SseSessions = class {
  constructor(factory, max = DEFAULT_MAX_SSE_SESSIONS) {
    this.factory = factory;
    this.max = max;
  }
  factory;
  max;
  sessions = /* @__PURE__ */ new Map();
  get size() {
    return this.sessions.size;
  }
  /** Serves `/sse` and `/messages` (after the Host/Origin checks): authentication first, as on `/mcp`. */
  async serve(endpoint, path, req, res) {
    const decision = await endpoint.authenticate(req.headers.authorization);
    if (!decision.ok) return refuseUnauthenticated(res, decision, endpoint.metadataUrl());
    if (path === SSE_PATH) {
      if (req.method !== "GET") return methodNotAllowed(res, "GET", "open the event stream with GET /sse");
      return this.open(req, res, decision.principal);
    }
    if (req.method !== "POST") return methodNotAllowed(res, "POST", "POST messages to the stream's endpoint");
    return this.post(endpoint, req, res, decision.principal);
  }
  async open(req, res, principal) {
    if (this.sessions.size >= this.max) {
      return sendJson(res, 503, jsonRpcError(`too many open SSE streams (${this.max})`), {
        "retry-after": "5",
      });
    }
    const { SSEServerTransport } = await import("@modelcontextprotocol/sdk/server/sse.js");
    const transport = new SSEServerTransport(MESSAGES_PATH, res);
    const server = this.factory({ era: "legacy" });
    const ping = setInterval(() => res.write(": ping\n\n"), KEEP_ALIVE_MS);
    ping.unref();
    let closed = false;
    const session = {
      transport,
      caller: principalKey(principal),
      close: () => {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        this.sessions.delete(transport.sessionId);
        server.close().catch(() => {});
        if (!res.writableEnded) res.end();
      },
    };
    this.sessions.set(transport.sessionId, session);
    res.once("close", session.close);
    req.socket.setTimeout(0);
    try {
      await server.connect(transport);
    } catch (error2) {
      logLine(`http: cannot open an SSE stream: ${describeError(error2)}`);
      session.close();
    }
  }
  async post(endpoint, req, res, principal) {
    const id = new URL(req.url ?? "/", "http://localhost").searchParams.get("sessionId") ?? "";
    const session = this.sessions.get(id);
    if (!session || session.caller !== principalKey(principal)) {
      return sendJson(res, 404, jsonRpcError("unknown SSE session: open a new stream with GET /sse"));
    }
    const body = await readBoundedBody(req, res, endpoint.settings.maxBodyBytes);
    if (body === void 0) return;
    let parsed;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return sendJson(res, 400, jsonRpcError("Parse error: the body is not JSON"));
    }
    req.auth = authInfoOf(principal);
    await session.transport.handlePostMessage(req, res, parsed);
  }
  /** Ends every stream (shutdown): clients see the stream close and reconnect. */
  closeAll() {
    for (const session of [...this.sessions.values()]) session.close();
  }
};
function methodNotAllowed(res, allow, hint) {
  sendJson(res, 405, jsonRpcError(`Method Not Allowed: ${hint}`), { allow });
}

// src/transports/http.ts
var MCP_PATH = "/mcp";
var METADATA_PREFIX = "/.well-known/oauth-protected-resource";
var RECEIVE_TIMEOUT_MS = 6e4;
async function startHttpServer(factory, settings, info) {
  const handler = createMcpHandler(factory, {
    legacy: "stateless",
    maxRequestBodySize: settings.maxBodyBytes,
    onerror: (error2) => logLine(`http: ${describeError(error2)}`),
  });
  const resource = settings.publicUrl ?? new URL("http://127.0.0.1/mcp");
  const identity = {
    resource,
    metadataUrl: metadataUrlFor(resource),
    metadataPaths: /* @__PURE__ */ new Set([METADATA_PREFIX, `${METADATA_PREFIX}${MCP_PATH}`]),
  };
  const requests = new ActiveRequests();
  const endpoint = {
    handler,
    authenticate: createAuthenticator2({
      ...(settings.bearer !== void 0 ? { bearer: settings.bearer } : {}),
      authorizationServers: settings.authorizationServers,
      resource: () => identity.resource.href,
      requiredScopes: settings.requiredScopes,
    }),
    settings,
    requests,
    calls: new InflightCalls(),
    metadataUrl: () => identity.metadataUrl,
    requestUrl: () => `${identity.resource.origin}${MCP_PATH}`,
  };
  const sse = settings.sse ? new SseSessions(factory) : void 0;
  const server = createNodeServer((req, res) => routeRequest(req, res, { endpoint, identity, info, sse }));
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = Math.max(RECEIVE_TIMEOUT_MS, settings.headersTimeoutMs);
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  const port = await listen(server, settings);
  settleIdentity(identity, settings, port);
  let shutdown;
  return {
    url: `${localOrigin(settings, port)}${MCP_PATH}`,
    get resource() {
      return identity.resource;
    },
    inflight: () => requests.size,
    ...(sse ? { sseUrl: `${localOrigin(settings, port)}${SSE_PATH}` } : {}),
    shutdown() {
      sse?.closeAll();
      shutdown ??= drainAndClose(server, handler, requests, settings.shutdownGraceMs);
      return shutdown;
    },
  };
}
function localOrigin(settings, port) {
  const host = settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host === "::" ? "::1" : settings.host;
  return `http://${urlHost(host)}:${port}`;
}
function routeRequest(req, res, { endpoint, identity, info, sse }) {
  const { settings } = endpoint;
  const path = (req.url ?? "/").split("?")[0];
  if (PROBE_PATHS.has(path)) {
    const probes = {
      metrics: info.metrics !== false,
      draining: () => endpoint.requests.draining,
      ...(info.state ? { state: info.state } : {}),
    };
    serveProbe(path, req, res, probes).catch(() => {
      if (!res.headersSent) sendJson(res, 500, jsonRpcError("internal error"));
    });
    return;
  }
  const host = checkHost(req.headers.host, settings.allowedHosts);
  const origin = host.ok ? checkOrigin(req.headers.origin, settings.allowedHosts) : host;
  if (!origin.ok) return sendJson(res, 403, jsonRpcError(`Forbidden: ${origin.reason}`));
  if (endpoint.requests.draining) {
    return sendJson(res, 503, jsonRpcError("the server is shutting down"), {
      connection: "close",
      "retry-after": "1",
    });
  }
  if (identity.metadataPaths.has(path)) return serveMetadata(req, res, identity.resource, settings, info);
  if (sse && (path === SSE_PATH || path === MESSAGES_PATH)) {
    sse.serve(endpoint, path, req, res).catch((error2) => {
      if (error2 instanceof ClientGoneError || req.destroyed) return;
      logLine(`http: internal error on ${path}: ${describeError(error2)}`);
      if (!res.headersSent) sendJson(res, 500, jsonRpcError("internal error"));
    });
    return;
  }
  if (path !== MCP_PATH) {
    const where = sse ? `is /mcp (Streamable HTTP) or ${SSE_PATH} (HTTP+SSE)` : "is /mcp";
    return sendJson(res, 404, jsonRpcError(`Not Found: the MCP endpoint ${where}`));
  }
  withIncomingContext(req.headers, () => serveMcp(endpoint, req, res)).catch((error2) => {
    if (error2 instanceof ClientGoneError || req.destroyed) return;
    logLine(`http: internal error: ${describeError(error2)}`);
    sendJson(res, 500, jsonRpcError("internal error"));
  });
}
function serveMetadata(req, res, resource, settings, info) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
    return;
  }
  sendJson(
    res,
    200,
    protectedResourceMetadata({
      resource,
      authorizationServers: settings.authorizationServers,
      scopes: settings.requiredScopes,
      name: info.name,
    }),
    { "cache-control": "max-age=300" },
  );
}
async function listen(server, settings) {
  await new Promise((resolve4, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve4();
    });
  });
  return server.address().port;
}
function settleIdentity(identity, settings, port) {
  if (!settings.publicUrl) {
    const wildcard = settings.host === "0.0.0.0" || settings.host === "::";
    const first = settings.allowedHosts[0];
    const named = wildcard
      ? first.includes(":") && !first.endsWith("]")
        ? first
        : `${first}:${port}`
      : void 0;
    identity.resource = new URL(`http://${named ?? `${urlHost(settings.host)}:${port}`}${MCP_PATH}`);
  }
  identity.metadataUrl = metadataUrlFor(identity.resource);
  identity.metadataPaths.add(`${METADATA_PREFIX}${identity.resource.pathname}`);
}
async function serveOverHttp(factory, settings, info) {
  const handle = await startHttpServer(factory, settings, info);
  info.announce(handle);
  await new Promise((resolve4) => {
    let signals = 0;
    const stop = (signal) => {
      signals += 1;
      if (signals > 1) {
        logLine(`http: ${signal} again; exiting now`);
        process.exit(1);
      }
      logLine(`http: ${signal}: not accepting new requests; waiting for ${handle.inflight()} in flight`);
      handle.shutdown().then(resolve4, resolve4);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}

// src/transports/stdio.ts
import { Writable } from "node:stream";
import { StdioServerTransport, serveStdio } from "@modelcontextprotocol/server/stdio";

function serveOverStdio(factory) {
  const realWrite = process.stdout.write.bind(process.stdout);
  const wire = new Writable({
    write(chunk, encoding, callback) {
      realWrite(chunk, encoding, callback);
    },
  });
  process.stdout.on("error", (error2) => wire.destroy(error2));
  process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  return new Promise((resolve4) => {
    const transport = new StdioServerTransport(process.stdin, wire);
    const handle = serveStdio(factory, {
      transport,
      // A malformed line is reported here and skipped; the connection stays up.
      onerror: (error2) => logLine(`stdio: ${describeError(error2)}`),
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      handle.close().catch(() => {});
      resolve4();
    };
    process.stdin.once("end", finish);
    process.stdin.once("close", finish);
    wire.once("error", finish);
  });
}

// src/cli/credentials-help.ts
function credentialsHelp(doc) {
  const lines = doc.sources.flatMap((source) =>
    source.auth.map(
      (scheme) => `  ${source.id} / ${scheme.scheme}
      ${describeScheme(scheme)}`,
    ),
  );
  if (lines.length === 0) return [];
  return [
    "",
    "Upstream credentials (a tool works as soon as one of its security alternatives is complete):",
    ...lines,
  ];
}
var FLOW_NAMES = {
  authorizationCode: "authorization code",
  clientCredentials: "client credentials",
  deviceAuthorization: "device authorization",
  openIdConnect: "OpenID Connect",
};
function describeScheme(scheme) {
  switch (scheme.kind) {
    case "bearer":
      return `Bearer token from ${describeSource(scheme.token)}.`;
    case "apiKey":
      return `API key (${scheme.in} ${scheme.name}) from ${describeSource(scheme.value)}.`;
    case "basic":
      return `Basic auth: user from ${describeSource(scheme.username)}, password from ${describeSource(scheme.password)}.`;
    case "oauth2ClientCredentials":
      return `OAuth2 client credentials: client id from ${describeSource(scheme.clientId)}, secret from ${describeSource(scheme.clientSecret)}; tokens are requested at ${scheme.tokenUrl}.`;
    case "oauth2":
      return describeOAuth(scheme);
  }
}
function describeOAuth(scheme) {
  const flows = scheme.flows.map((f) => FLOW_NAMES[f] ?? f).join(", ") || "OAuth2";
  const parts = [
    `${scheme.flows.includes("openIdConnect") ? "" : "OAuth2 "}${flows}: an access token you obtained (any way the provider offers), from ${describeSource(scheme.token)}, sent as a bearer token; a file is re-read at each call.`,
  ];
  const where =
    scheme.tokenUrl ?? (scheme.discoveryUrl ? `the token endpoint named by ${scheme.discoveryUrl}` : void 0);
  if (where && scheme.refreshToken && scheme.clientId) {
    const secret = scheme.clientSecret
      ? ` (and ${describeSource(scheme.clientSecret)} for a confidential client)`
      : "";
    parts.push(
      `With ${describeSource(scheme.refreshToken)} and ${describeSource(scheme.clientId)}${secret}, a token that expired or that the upstream refused is renewed at ${where}.`,
    );
  }
  if (where && scheme.flows.includes("clientCredentials") && scheme.clientId && scheme.clientSecret) {
    parts.push(
      `Without a token, ${describeSource(scheme.clientId)} and ${describeSource(scheme.clientSecret)} request one with the client credentials flow.`,
    );
  }
  return parts.join("\n      ");
}

// src/cli/serve-flags.ts
import { readFileSync as readFileSync2 } from "node:fs";
import { parseArgs as parseArgs2 } from "node:util";

var SERVE_OPTIONS = [
  {
    key: "http",
    flag: "--http",
    env: "TOOLWRIGHT_HTTP",
    type: "boolean",
    group: "transport",
    help: "Serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio (TOOLWRIGHT_HTTP=false forces stdio). Without it, the catalog's own transport variable decides.",
  },
  {
    key: "sse",
    flag: "--sse",
    env: "TOOLWRIGHT_SSE",
    type: "boolean",
    group: "transport",
    help: "Also serve the deprecated HTTP+SSE transport (protocol 2024-11-05: GET /sse, POST /messages) next to /mcp, for clients that speak only it; implies --http. Same authentication, Host/Origin checks and policies; its sessions live in this process (sticky sessions behind a load balancer).",
  },
  {
    key: "host",
    flag: "--host",
    env: "TOOLWRIGHT_HOST",
    type: "string",
    arg: "<address>",
    group: "http",
    shownDefault: "the catalog's, else 127.0.0.1",
    help: "Address to bind. Anything but loopback needs --allowed-hosts.",
  },
  {
    key: "port",
    flag: "--port",
    env: "TOOLWRIGHT_PORT",
    type: "integer",
    arg: "<port>",
    group: "http",
    shownDefault: "the catalog's, else 8765",
    min: 0,
    help: "Port to listen on (0 picks a free one; the announced URL says which).",
  },
  {
    key: "allowedHosts",
    flag: "--allowed-hosts",
    env: "TOOLWRIGHT_ALLOWED_HOSTS",
    type: "list",
    arg: "<h1,h2>",
    group: "http",
    shownDefault: "loopback names on a loopback bind",
    help: "Host names (or host:port) clients reach the server by; every request's Host and Origin must be one of them (403 otherwise). No wildcards.",
  },
  {
    key: "clientKeyFile",
    flag: "--client-key-file",
    env: "TOOLWRIGHT_CLIENT_KEY_FILE",
    type: "path",
    arg: "<path>",
    group: "http",
    help: "File holding the static client key (16+ characters): clients send Authorization: Bearer <key>. Or put the key itself in TOOLWRIGHT_CLIENT_KEY.",
  },
  {
    key: "clientKey",
    env: "TOOLWRIGHT_CLIENT_KEY",
    type: "string",
    secret: true,
    refusedFlag: "--client-key",
    group: "http",
    help: "The static client key itself (env only: never on the command line).",
  },
  {
    key: "authorizationServers",
    flag: "--authorization-servers",
    env: "TOOLWRIGHT_AUTHORIZATION_SERVERS",
    type: "list",
    arg: "<url,url>",
    group: "http",
    help: "OAuth issuers whose JWT access tokens are accepted (verified against their JWKS: signature, iss, aud, exp).",
  },
  {
    key: "publicUrl",
    flag: "--public-url",
    env: "TOOLWRIGHT_PUBLIC_URL",
    type: "url",
    arg: "<url>",
    group: "http",
    help: "The externally visible URL (e.g. behind a TLS proxy): the resource JWTs must name as aud. Needed with --authorization-servers off loopback.",
  },
  {
    key: "requiredScopes",
    flag: "--required-scopes",
    env: "TOOLWRIGHT_REQUIRED_SCOPES",
    type: "list",
    arg: "<s1,s2>",
    group: "http",
    shownDefault: "the catalog's",
    help: "Scopes every JWT access token must carry (403 insufficient_scope otherwise).",
  },
  {
    key: "keepAliveTimeout",
    flag: "--keep-alive-timeout",
    env: "TOOLWRIGHT_KEEP_ALIVE_TIMEOUT",
    type: "integer",
    arg: "<seconds>",
    group: "http",
    shownDefault: "65",
    min: 1,
    help: "How long an idle connection stays open. Keep it above the idle timeout of any proxy or load balancer in front (60 s on most; Google Cloud's needs over 600).",
  },
  {
    key: "headersTimeout",
    flag: "--headers-timeout",
    env: "TOOLWRIGHT_HEADERS_TIMEOUT",
    type: "integer",
    arg: "<seconds>",
    group: "http",
    shownDefault: "60",
    min: 1,
    help: "A request's headers must arrive within this long.",
  },
  {
    key: "discovery",
    flag: "--discovery",
    env: "TOOLWRIGHT_DISCOVERY",
    type: "boolean",
    group: "listing",
    help: "List three tools instead of the catalog: find_tools (search by what a tool does), describe_tool (its schemas) and call_tool (runs it through the same validation, policies, confirmation and audit). For catalogs of hundreds of tools, whose full list would not fit a model's context.",
  },
  {
    key: "pageSize",
    flag: "--page-size",
    env: "TOOLWRIGHT_PAGE_SIZE",
    type: "integer",
    arg: "<n>",
    group: "listing",
    shownDefault: "2000",
    min: 1,
    help: "Entries per page of tools/list (and the other lists); a page also ends before 9 MiB of JSON. Some clients read only the first page, so the default lists every tool of an ordinary catalog at once.",
  },
  {
    key: "outputSchemas",
    flag: "--output-schemas",
    env: "TOOLWRIGHT_OUTPUT_SCHEMAS",
    type: "enum",
    values: ["full", "compact", "none"],
    arg: "full|compact|none",
    group: "listing",
    shownDefault: "the catalog's (compact unless its manifest says otherwise)",
    help: "Output schemas in tools/list: every reachable named schema (full), bounded like inputs (compact), or none (results are then text only, without structuredContent).",
  },
  {
    key: "state",
    flag: "--state",
    env: "TOOLWRIGHT_STATE",
    type: "string",
    arg: "<store>",
    group: "operations",
    shownDefault:
      "the file $XDG_STATE_HOME/toolwright/state.sqlite (~/.local/state/...), opened only for catalogs that need it",
    help: "Where spent confirmation tokens and rate-limit counters live: redis://[:password@]host:port[/db] (rediss:// for TLS) shared by every replica, sqlite:<file> on one machine, or memory (this process only). Put a URL with a password in the env, not on the command line.",
  },
  {
    key: "metrics",
    flag: "--metrics",
    env: "TOOLWRIGHT_METRICS",
    type: "boolean",
    group: "operations",
    shownDefault: "on over HTTP (TOOLWRIGHT_METRICS=false turns it off); stdio serves no endpoints",
    help: "Serve Prometheus metrics at /metrics next to /healthz and /readyz (no authentication: keep them off the public route). Traces are exported when OTEL_EXPORTER_OTLP_ENDPOINT is set.",
  },
];
var ServeUsageError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ServeUsageError";
  }
};
var ROWS = SERVE_OPTIONS;
function optionLabel(row) {
  return row.flag ? `${row.flag} (${row.env})` : row.env;
}
function labelOf(key) {
  return optionLabel(ROWS.find((row) => row.key === key));
}
function parseServeArgs(argv, env = process.env) {
  const byFlag = new Map(ROWS.filter((row) => row.flag).map((row) => [row.flag.slice(2), row]));
  const { tokens } = parseArgs2({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries([
      ["help", { type: "boolean", short: "h" }],
      ...[...byFlag].map(([name, row]) => [name, { type: row.type === "boolean" ? "boolean" : "string" }]),
    ]),
  });
  const given = {};
  const sources = {};
  const positionals = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    if (token.name === "help") {
      help = true;
      continue;
    }
    const row = byFlag.get(token.name);
    if (!row) throw new ServeUsageError(unknownOption(token.rawName));
    if (row.type === "boolean") {
      if (token.inlineValue) throw new ServeUsageError(`${row.flag} takes no value`);
      given[row.env] = "true";
    } else {
      if (token.value === void 0 || (token.value.startsWith("--") && !token.inlineValue)) {
        throw new ServeUsageError(`${row.flag} needs a value ${row.arg ?? ""}`.trimEnd());
      }
      given[row.env] = token.value;
    }
    sources[row.key] = row.flag;
  }
  for (const row of ROWS) if (!(row.key in sources) && env[row.env]) sources[row.key] = row.env;
  const config = readOptions({ ...env, ...given }, sources);
  const options = {};
  const problems = [];
  for (const row of ROWS) {
    const value = config.get(row.env);
    if (value === void 0) continue;
    if (typeof value === "number" && row.min !== void 0 && value < row.min) {
      problems.push(`${sources[row.key]}: expected at least ${row.min}, got ${value}`);
    }
    options[row.key] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { help, positionals, options, sources };
}
function unknownOption(raw) {
  const refused = ROWS.find((row) => row.refusedFlag === raw.split("=")[0]);
  if (refused) {
    return `${refused.refusedFlag} is not accepted: a value on the command line is visible to every user of this machine; set ${refused.env}${refused.key === "clientKey" ? " or pass --client-key-file <path>" : ""}`;
  }
  return `unknown option ${raw}`;
}
function readOptions(env, sources) {
  const vars = ROWS.map((row) => ({
    name: row.env,
    description: row.help,
    type: row.type,
    ...(row.values ? { values: [...row.values] } : {}),
    required: false,
    secret: row.secret === true,
  }));
  try {
    return resolveConfig(vars, env);
  } catch (error2) {
    if (!(error2 instanceof ConfigError)) throw error2;
    throw new ConfigError(
      error2.problems.map((problem) => {
        const row = ROWS.find((r) => problem.startsWith(`${r.env}:`));
        return row && sources[row.key] === row.flag ? `${row.flag}${problem.slice(row.env.length)}` : problem;
      }),
    );
  }
}
function readClientKey(options) {
  if (options.clientKey !== void 0) return options.clientKey;
  if (options.clientKeyFile === void 0) return void 0;
  let text2;
  try {
    text2 = readFileSync2(expandHome(options.clientKeyFile), "utf8");
  } catch (error2) {
    throw new ConfigError([
      `${labelOf("clientKeyFile")}: cannot read ${options.clientKeyFile} (${error2.code ?? "error"})`,
    ]);
  }
  const key = text2.replace(/\r?\n$/, "");
  rememberSecret(key);
  return key;
}
var GROUPS = {
  transport: "Transport",
  http: "HTTP (with --http)",
  listing: "Listing",
  operations: "Operations",
};
function optionsHelp(width = 112) {
  const sections = [];
  for (const [group, title] of Object.entries(GROUPS)) {
    const rows = ROWS.filter((row) => row.group === group);
    if (rows.length === 0) continue;
    const lines = [`${title}:`];
    for (const row of rows) {
      const head = row.flag ? `${row.flag}${row.arg ? ` ${row.arg}` : ""}, env ${row.env}` : `env ${row.env}`;
      lines.push(`  ${head}`);
      const text2 = row.shownDefault ? `${row.help} Default: ${row.shownDefault}.` : row.help;
      lines.push(...wrap(text2, width - 6).map((line) => `      ${line}`));
    }
    sections.push(lines.join("\n"));
  }
  return `${sections.join("\n\n")}

  -h, --help  Show this help (after a catalog name: also that catalog's env variables)
`;
}
function wrap(text2, width) {
  const lines = [];
  let line = "";
  for (const word of text2.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

// src/cli/serve.ts
var USAGE = `Usage: toolwright serve <catalog> [options]

Serves a generated catalog as an MCP server over stdio (JSON-RPC on stdin/stdout, logs on stderr).
The process exits when the client closes stdin.

With --http (or when the catalog's own transport variable selects HTTP, e.g. MCP_TRANSPORT=http), it serves
Streamable HTTP at http://127.0.0.1:8765/mcp instead. It refuses to start without a way to authenticate clients
(a client key or OAuth authorization servers), and on an address other than loopback without --allowed-hosts;
every request needs Authorization: Bearer <the client key or an OAuth access token>. SIGTERM drains and exits 0.

<catalog> is either
  a path to a generated catalog folder (one holding catalog.json and catalog.gen.mjs), e.g. ./generated/scaivault
  or the name of a catalog bundled with toolwright (found only in toolwright's own generated/ folder, never
  under the current directory: pass a path, e.g. ./generated/<name>, to serve a folder of yours).

Every option below is also an env variable (the flag wins; both win over the catalog's own variables). The rest
of the configuration comes from environment variables each catalog declares (base URLs, credentials, policy
switches): run \`toolwright serve <catalog> --help\` to list them for one catalog. Invalid or missing values stop
the server at start with a list of every problem (exit code 2); secret values are never printed.

OAuth2 and OpenID Connect upstreams: toolwright runs no browser login. Obtain an access token with any flow the
provider offers and give it in the variable (or a file, re-read at each call) the catalog names; with a refresh
token and the client id it renews an expired or refused token at the spec's token endpoint.

${optionsHelp()}`;
function packedUsage(program) {
  return `Usage: ${program} [options]

Serves this MCP server over stdio (JSON-RPC on stdin/stdout, logs on stderr); the process exits when the client
closes stdin. With --http it serves Streamable HTTP instead (a client key or OAuth authorization servers
required). Configuration comes from the environment variables listed below; invalid or missing values stop the
server at start with a list of every problem (exit code 2); secret values are never printed.

${optionsHelp()}`;
}
function speaker(packed) {
  return packed
    ? { who: packed.program, help: () => `${packed.program} --help` }
    : {
        who: "toolwright serve",
        help: (ref) => (ref === void 0 ? "toolwright serve --help" : `toolwright serve ${ref} --help`),
      };
}
function describeVar(v) {
  const facts = [v.type];
  if (v.type === "enum" && v.values) facts.push(`one of ${v.values.join("|")}`);
  if (v.aliases && Object.keys(v.aliases).length > 0) {
    facts.push(
      `aliases ${Object.entries(v.aliases)
        .map(([a, t]) => `${a}=${t}`)
        .join(", ")}`,
    );
  }
  if (v.required) facts.push("required");
  if (v.secret) facts.push("secret");
  if (v.default !== void 0) facts.push(v.secret ? "has a default" : `default ${JSON.stringify(v.default)}`);
  return `  ${v.name}
      ${v.description || "(no description)"}
      [${facts.join("; ")}]`;
}
function clientTools(doc) {
  return doc.tools.filter((tool) => tool.internal !== true).length;
}
function catalogHelp(doc, dir) {
  const lines = [
    `Catalog ${doc.catalog} (${dir}): ${clientTools(doc)} tools, ${doc.resources.length + doc.resourceTemplates.length} resources, ${doc.prompts.length} prompts`,
    "",
    doc.env.length > 0 ? "Environment variables:" : "This catalog declares no environment variables.",
    ...doc.env.map(describeVar),
    ...credentialsHelp(doc),
  ];
  return `${lines.join("\n")}
`;
}
async function runServe(argv, packed) {
  const { who, help: helpCommand } = speaker(packed);
  const MORE = `Run \`${helpCommand()}\` for the options.
`;
  let parsed;
  try {
    parsed = parseServeArgs(argv);
  } catch (error2) {
    if (error2 instanceof ServeUsageError) {
      process.stderr.write(`${who}: ${error2.message}
${MORE}`);
      return 2;
    }
    if (error2 instanceof ConfigError) {
      process.stderr.write(`${who}: invalid options:
${problemList(error2.problems)}
`);
      return 2;
    }
    throw error2;
  }
  const { help, positionals, options } = parsed;
  const positional = packed ? [packed.dir, ...positionals] : positionals;
  if (positional.length > 1) {
    const what = packed ? "no catalog argument" : "one catalog";
    process.stderr.write(`${who}: expected ${what}, got ${positionals.length}
${MORE}`);
    return 2;
  }
  const ref = positional[0];
  if (help) {
    process.stdout.write(packed ? packedUsage(packed.program) : USAGE);
    if (ref === void 0) return 0;
    try {
      const dir = findCatalogDir(ref);
      process.stdout.write(`
${catalogHelp(await readCatalogDocument(dir), dir)}`);
      return 0;
    } catch (error2) {
      process.stderr.write(`${who}: ${error2.message}
`);
      return 1;
    }
  }
  if (ref === void 0) {
    process.stderr.write(`${who}: which catalog?

${USAGE}`);
    return 2;
  }
  let catalog;
  try {
    catalog = await loadCatalog(ref);
  } catch (error2) {
    const message = error2 instanceof CatalogLoadError ? error2.message : describeError(error2);
    process.stderr.write(`${who}: ${message}
`);
    return 1;
  }
  const stores = [];
  const tracing = startTracing(catalog.doc.catalog);
  try {
    return await serveLoaded(catalog, ref, options, stores, packed);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await tracing?.shutdown().catch(() => {});
  }
}
function needsState(doc) {
  const limits = doc.limits;
  const rated = (spec) => spec.rate !== void 0 || spec.env !== void 0;
  return (
    doc.tools.some((tool) => tool.policy.confirm === "required") ||
    (limits !== void 0 &&
      ((limits.principal !== void 0 && rated(limits.principal)) ||
        Object.values(limits.tools).some(rated) ||
        Object.values(limits.sources).some(rated)))
  );
}
async function openStore(doc, options) {
  if (options.state === void 0 && !needsState(doc)) return void 0;
  const spec = parseStateSpec(options.state, process.env, labelOf("state"));
  const store = await openStateStore(spec);
  process.stderr.write(`toolwright: shared state: ${describeSpec(spec)}
`);
  return store;
}
async function serveLoaded(catalog, ref, options, stores, packed) {
  const { who, help: helpCommand } = speaker(packed);
  let factory;
  let http;
  try {
    const config = resolveConfig(catalog.doc.env);
    const store = await openStore(catalog.doc, options);
    if (store) stores.push(store);
    factory = createServer(catalog, config, {
      discovery: options.discovery === true,
      ...(options.pageSize !== void 0 ? { pageSize: options.pageSize } : {}),
      ...(store ? { state: store } : {}),
      ...(options.outputSchemas ? { publish: { output: options.outputSchemas } } : {}),
    });
    if (wantsHttp(catalog.doc.transport, config, options.http ?? (options.sse ? true : void 0))) {
      http = resolveHttpSettings(catalog.doc, config, httpTuning(options), httpOverrides(options));
    }
  } catch (error2) {
    if (error2 instanceof HttpSettingsError) {
      process.stderr.write(
        `${who}: not serving ${catalog.doc.catalog} over HTTP:
${problemList(error2.problems)}
${noteList(error2.notes)}`,
      );
      return 2;
    }
    if (error2 instanceof StateSpecError || error2 instanceof SqliteOpenError) {
      process.stderr.write(`${who}: ${error2.message}
`);
      return 2;
    }
    if (error2 instanceof ConfigError) {
      const http2 = httpProblemsBeside(catalog.doc, options);
      process.stderr.write(
        `${who}: the environment is not valid for catalog ${catalog.doc.catalog}:
${problemList([...error2.problems, ...http2.problems])}
${noteList(http2.notes)}Run \`${helpCommand(ref)}\` to see every variable.
`,
      );
      return 2;
    }
    process.stderr.write(`${who}: ${describeError(error2)}
`);
    return 1;
  }
  if (http) {
    const tools = clientTools(catalog.doc);
    try {
      const metrics2 = options.metrics !== false;
      if (metrics2) enableProcessMetrics(catalog.doc.catalog);
      const store = stores[0];
      await serveOverHttp(factory, http, {
        name: catalog.doc.server.title ?? catalog.doc.server.name,
        metrics: metrics2,
        ...(store
          ? {
              state: () =>
                store.ping().then(
                  () => true,
                  () => false,
                ),
            }
          : {}),
        announce: (handle) =>
          process.stderr.write(
            `toolwright: serving ${catalog.doc.catalog} (${tools} tools) over Streamable HTTP at ${handle.url}${handle.sseUrl ? ` and HTTP+SSE (2024-11-05) at ${handle.sseUrl}` : ""}
${noteList(http.notes)}`,
          ),
      });
    } catch (error2) {
      process.stderr.write(
        `${who}: cannot listen on ${http.host}:${http.port}: ${error2.message}
`,
      );
      return 1;
    }
    return 0;
  }
  process.stderr.write(
    `toolwright: serving ${catalog.doc.catalog} (${clientTools(catalog.doc)} tools) over stdio
`,
  );
  await serveOverStdio(factory);
  return 0;
}
function problemList(problems) {
  return problems.map((p) => `  - ${p}`).join("\n");
}
function noteList(notes) {
  return notes
    .map(
      (n) => `  note: ${n}
`,
    )
    .join("");
}
function httpProblemsBeside(doc, options) {
  const t = doc.transport;
  const none = { problems: [], notes: [] };
  if (!t) return none;
  const names = new Set(
    [
      t.selectEnv,
      t.hostEnv,
      t.portEnv,
      t.allowedHostsEnv,
      t.publicUrlEnv,
      t.authorizationServersEnv,
      t.bearerEnv,
    ].filter((name) => name !== void 0),
  );
  try {
    const config = resolveConfig(doc.env.filter((v) => names.has(v.name)));
    if (!wantsHttp(t, config, options.http ?? (options.sse ? true : void 0))) return none;
    resolveHttpSettings(doc, config, httpTuning(options), httpOverrides(options));
    return none;
  } catch (error2) {
    return error2 instanceof HttpSettingsError ? { problems: error2.problems, notes: error2.notes } : none;
  }
}
function seconds(value) {
  return value === void 0 ? void 0 : value * 1e3;
}
function httpTuning(options) {
  const keepAliveTimeoutMs = seconds(options.keepAliveTimeout);
  const headersTimeoutMs = seconds(options.headersTimeout);
  return {
    ...(keepAliveTimeoutMs !== void 0 ? { keepAliveTimeoutMs } : {}),
    ...(headersTimeoutMs !== void 0 ? { headersTimeoutMs } : {}),
  };
}
function httpOverrides(options) {
  const bearer = readClientKey(options);
  const { host, port, allowedHosts, publicUrl, authorizationServers, requiredScopes } = options;
  const given = {
    host,
    port,
    allowedHosts,
    publicUrl,
    authorizationServers,
    bearer,
    requiredScopes,
    sse: options.sse,
  };
  return {
    ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== void 0)),
    labels: {
      host: labelOf("host"),
      port: labelOf("port"),
      allowedHosts: labelOf("allowedHosts"),
      publicUrl: labelOf("publicUrl"),
      authorizationServers: labelOf("authorizationServers"),
      bearer:
        options.clientKey !== void 0
          ? labelOf("clientKey")
          : options.clientKeyFile !== void 0
            ? labelOf("clientKeyFile")
            : `${labelOf("clientKey")} (or --client-key-file <path>)`,
      requiredScopes: labelOf("requiredScopes"),
    },
  };
}

export { catalogHelp, runServe };
