import { Kind, parse } from "graphql";
import type {
  Binding,
  GraphqlBinding,
  HttpBinding,
  HttpBodyField,
  HttpParam,
  ServerTemplate,
} from "../../src/catalog.js";
import { shownValue } from "../../src/telemetry/redact.js";
import type { Change } from "./change.js";
import { canonical } from "./narrows.js";
import { templateChanges } from "./servers.js";

/**
 * What changed in how a tool reaches its upstream when its summary (method and path, GraphQL operation, handler
 * module) did not: the source it calls (another endpoint and credentials), the credentials it sends, where an
 * argument goes on the wire, a path argument that may now span segments, the GraphQL root fields it runs. Each
 * widens unless it only changes what comes back or how a body is spelled, and so does an edited handler (its
 * binding's `code`, the hash of its source files).
 */
export function compareBinding(
  subject: string,
  was: Binding,
  now: Binding,
  out: Change[],
  kept: ReadonlySet<string> = new Set(),
): void {
  const push = (kind: string, detail: string, widens: boolean) => out.push({ subject, kind, detail, widens });
  if (was.kind !== now.kind) {
    push("binding kind changed", `${was.kind} -> ${now.kind}`, true);
    return;
  }
  if (was.kind !== "custom" && now.kind !== "custom" && was.source !== now.source)
    push("source changed", `${was.source} -> ${now.source}`, true);
  if (was.kind === "http" && now.kind === "http") {
    compareHttp(was, now, push);
    comparePlacements(httpPlacements(was), httpPlacements(now), kept, push);
  } else if (was.kind === "graphql" && now.kind === "graphql") {
    comparePlacements(graphqlPlacements(was), graphqlPlacements(now), kept, push);
    if ((was.field ?? null) !== (now.field ?? null))
      push(
        "result field changed",
        `${was.field ?? "(the whole data)"} -> ${now.field ?? "(the whole data)"}`,
        false,
      );
    compareGraphql(was, now, push);
  } else if (was.kind === "custom" && now.kind === "custom") {
    // The summary names the module; the handler's key can move within it.
    if (was.handler !== now.handler) push("handler changed", `${was.handler} -> ${now.handler}`, true);
    // Code can do anything: an edit widens until a person has read it (catalogs before the hash carry none).
    if (was.code !== undefined && now.code !== undefined && was.code !== now.code)
      push("handler code changed", `${now.module} or a file it imports`, true);
  }
}

type Push = (kind: string, detail: string, widens: boolean) => void;

function where(p: HttpParam): string {
  if (p.env !== undefined) return `${p.in} ${p.name} from ${p.env}`;
  return `${p.in} ${p.name}`;
}

/** How a parameter or body field's value is spelled on the wire. */
const spelling = (x: HttpParam | HttpBodyField) =>
  canonical([x.style ?? null, x.explode ?? null, x.allowReserved ?? false, x.contentType ?? null]);

/** Where each caller's argument goes in a request: `query page`, `body field name`, `the whole body`. */
function httpPlacements(b: HttpBinding): Map<string, string> {
  const at = new Map<string, string>();
  for (const p of b.params) if (p.env === undefined) at.set(p.arg, `${p.in} ${p.name}`);
  for (const f of b.body?.fields ?? []) if (f.env === undefined) at.set(f.arg, `body field ${f.name}`);
  if (b.body?.mode === "whole" && b.body.arg !== undefined) at.set(b.body.arg, "the whole body");
  return at;
}

function graphqlPlacements(b: GraphqlBinding): Map<string, string> {
  return new Map(b.variables.map((v) => [v.arg, `variable $${v.name}`]));
}

/**
 * Where each argument goes, argument by argument: sent elsewhere (another parameter, body field or variable, or
 * moved between them) widens, as does an argument both tools take that is now sent and was not; one no longer sent
 * is said. Arguments added, removed or renamed are reported with the arguments (`kept` holds those both take).
 */
function comparePlacements(
  was: Map<string, string>,
  now: Map<string, string>,
  kept: ReadonlySet<string>,
  push: Push,
): void {
  for (const [arg, at] of now) {
    const old = was.get(arg);
    if (old === undefined) {
      if (kept.has(arg)) push("argument now sent", `${arg} as ${at}`, true);
    } else if (old !== at) push("argument sent elsewhere", `${arg}: ${old} -> ${at}`, true);
  }
  for (const [arg, at] of was)
    if (!now.has(arg) && kept.has(arg)) push("argument no longer sent", `${arg} (was ${at})`, false);
}

/** A body field's encoding: a multipart file part or a value, its part's media type, a form field's style. */
function compareFieldEncodings(was: HttpBinding, now: HttpBinding, push: Push): void {
  const fields = new Map((was.body?.fields ?? []).map((f) => [f.arg, f]));
  for (const f of now.body?.fields ?? []) {
    const g = fields.get(f.arg);
    if (g === undefined) continue;
    if ((g.file ?? false) !== (f.file ?? false))
      push(
        "body field encoding changed",
        `${f.arg}: ${g.file ? "a file part" : "a value"} -> ${f.file ? "a file part" : "a value"}`,
        false,
      );
    else if (spelling(g) !== spelling(f))
      push("body field encoding changed", f.arg, f.allowReserved === true);
  }
}

/** One parameter both bindings send: where (one sent from env), whether required (from env), how it is spelled. */
function compareParam(q: HttpParam, p: HttpParam, push: Push): void {
  // Where a caller's argument goes is compared with the body's fields (`comparePlacements`).
  if (p.env !== undefined && (q.in !== p.in || q.name !== p.name || q.env !== p.env))
    push("argument sent elsewhere", `${p.arg}: ${where(q)} -> ${where(p)}`, true);
  // A caller's parameter is required as its argument is (compared with the arguments); one sent from env fails the
  // call when its variable is unset, or is left out.
  if (p.env !== undefined && q.required !== p.required)
    push(
      p.required ? "parameter from env now required" : "parameter from env now optional",
      `${where(p)}${p.required ? " (a call fails while it is unset)" : " (left out while it is unset)"}`,
      false,
    );
  if (p.multiSegment === true && q.multiSegment !== true)
    push("path argument may span segments", p.arg, true);
  if (q.multiSegment === true && p.multiSegment !== true)
    push("path argument no longer spans segments", p.arg, false);
  if (spelling(q) !== spelling(p)) push("argument encoding changed", p.arg, p.allowReserved === true);
}

function compareHttp(was: HttpBinding, now: HttpBinding, push: Push): void {
  if (canonical(was.security) !== canonical(now.security))
    push("credentials sent changed", `${canonical(was.security)} -> ${canonical(now.security)}`, true);
  const old = new Map(was.params.map((p) => [p.arg, p]));
  for (const p of now.params) {
    const q = old.get(p.arg);
    // A parameter new to the binding is an argument added (reported with the arguments) or one sent from env.
    if (q === undefined) {
      if (p.env !== undefined) push("parameter sent from env", where(p), false);
      continue;
    }
    compareParam(q, p, push);
  }
  compareFieldEncodings(was, now, push);
  if (canonical(successOf(was)) !== canonical(successOf(now)))
    push("success response changed", `${successText(was.success)} -> ${successText(now.success)}`, false);
  // The whole server: its url, the spec server it stands in for and a relative reference (what a proxy base gets);
  // its template (what the tenant lock reads) on its own.
  const { template: wasTemplate, ...wasServer } = was.server ?? {};
  const { template: nowTemplate, ...nowServer } = now.server ?? {};
  if (canonical(was.server ? wasServer : null) !== canonical(now.server ? nowServer : null)) {
    let [a, b] = [serverText(was.server), serverText(now.server)];
    if (a === b)
      [a, b] = [
        `${a} instead of ${shownValue(String(was.server?.instead))}`,
        `${b} instead of ${shownValue(String(now.server?.instead))}`,
      ];
    push("upstream server changed", `${a} -> ${b}`, true);
  }
  const templates = (t: ServerTemplate | undefined) => (t === undefined ? [] : [t]);
  for (const c of templateChanges(templates(wasTemplate), templates(nowTemplate)))
    push(c.kind, c.detail, c.widens);
  compareBoundFields(was, now, push);
  // The body's fields follow the arguments (added or removed ones are reported with them): the rest is compared.
  const shape = (b: HttpBinding) => {
    if (b.body === undefined) return "null";
    const { fields: _fields, arg: _arg, ...rest } = b.body as HttpBinding["body"] & { fields?: unknown };
    return canonical(rest);
  };
  if (shape(was) !== shape(now)) {
    const a = (was.body ?? {}) as Record<string, unknown>;
    const b = (now.body ?? {}) as Record<string, unknown>;
    const members = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => k !== "fields" && k !== "arg" && canonical(a[k]) !== canonical(b[k]),
    );
    const shown = (v: unknown) => (v === undefined ? "none" : typeof v === "string" ? v : canonical(v));
    const detail =
      was.body === undefined || now.body === undefined
        ? `${was.body ? "a body" : "no body"} -> ${now.body ? "a body" : "no body"}`
        : members.map((k) => `${k} ${shown(a[k])} -> ${shown(b[k])}`).join("; ");
    push("request body changed", detail, false);
  }
}

/**
 * Body fields sent from env variables (`args: { client_secret: { env } }`), by wire name: one bound, unbound or sent
 * from another variable. None widens what the model reaches: the model never sees or sets such a field (one that
 * became an argument instead is reported with the arguments).
 */
function compareBoundFields(was: HttpBinding, now: HttpBinding, push: Push): void {
  const bound = (b: HttpBinding) =>
    new Map((b.body?.fields ?? []).filter((f) => f.env !== undefined).map((f) => [f.name, f.env as string]));
  const before = bound(was);
  const after = bound(now);
  for (const [name, env] of after) {
    const old = before.get(name);
    if (old === undefined) push("body field sent from env", `${name} from ${env}`, false);
    else if (old !== env) push("body field sent from another env", `${name}: ${old} -> ${env}`, false);
  }
  for (const [name, env] of before)
    if (!after.has(name)) push("body field no longer sent from env", `${name} from ${env}`, false);
}

/** The operation's root fields (aliases read as the fields they alias), or undefined if the text does not parse. */
function rootFields(document: string, operationName: string): string[] | undefined {
  try {
    const doc = parse(document, { noLocation: true });
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION) continue;
      if (def.name !== undefined && def.name.value !== operationName) continue;
      return def.selectionSet.selections
        .map((s) => (s.kind === Kind.FIELD ? s.name.value : `...${s.kind}`))
        .sort();
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function compareGraphql(was: GraphqlBinding, now: GraphqlBinding, push: Push): void {
  if (was.document === now.document) return;
  const before = rootFields(was.document, was.operationName);
  const after = rootFields(now.document, now.operationName);
  if (before === undefined || after === undefined || canonical(before) !== canonical(after)) {
    push(
      "GraphQL root fields changed",
      `${before?.join(", ") ?? "(unreadable)"} -> ${after?.join(", ") ?? "(unreadable)"}`,
      true,
    );
    return;
  }
  push("GraphQL selection changed", "the fields it asks for", false);
}

/** An operation's own server as `diff` prints it: its url, and the relative reference behind it when there is one. */
function serverText(server: HttpBinding["server"]): string {
  if (server === undefined) return "the base URL";
  return server.relative === undefined
    ? shownValue(server.url)
    : `${shownValue(server.url)} ('${shownValue(server.relative)}' on another base URL)`;
}

/** The success rule as compared: the statuses' lists sorted (their order says nothing). */
function successOf(b: HttpBinding): unknown {
  const s = b.success ?? { status: "" };
  return [s.status, s.mediaType ?? null, [...(s.empty ?? [])].sort(), [...(s.others ?? [])].sort()];
}

/**
 * What counts as the tool's successful upstream answer (`HttpBinding.success`), as a reviewer reads it: `200
 * application/json, 204 empty, 202 another body`. It changes how an answer is read and shown (the result schema's
 * status, the Accept header, an empty or other reply served as a result), not what a call may do: said, never
 * widening (a reply of another shape is drift, which masking reads fail-closed).
 */
function successText(s: HttpBinding["success"] | undefined): string {
  if (s === undefined) return "none";
  const parts = [
    `${shownValue(s.status)} ${s.mediaType === undefined ? "(no body declared)" : shownValue(s.mediaType)}`,
  ];
  if (s.empty && s.empty.length > 0) parts.push(`${[...s.empty].sort().join(", ")} empty`);
  if (s.others && s.others.length > 0) parts.push(`${[...s.others].sort().join(", ")} another body`);
  return parts.join(", ");
}
