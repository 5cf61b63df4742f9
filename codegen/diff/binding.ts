import { Kind, parse } from "graphql";
import type { Binding, GraphqlBinding, HttpBinding, HttpParam, ServerTemplate } from "../../src/catalog.js";
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
export function compareBinding(subject: string, was: Binding, now: Binding, out: Change[]): void {
  const push = (kind: string, detail: string, widens: boolean) => out.push({ subject, kind, detail, widens });
  if (was.kind !== now.kind) {
    push("binding kind changed", `${was.kind} -> ${now.kind}`, true);
    return;
  }
  if (was.kind !== "custom" && now.kind !== "custom" && was.source !== now.source)
    push("source changed", `${was.source} -> ${now.source}`, true);
  if (was.kind === "http" && now.kind === "http") compareHttp(was, now, push);
  else if (was.kind === "graphql" && now.kind === "graphql") compareGraphql(was, now, push);
  else if (was.kind === "custom" && now.kind === "custom") {
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
    if (q.in !== p.in || q.name !== p.name || q.env !== p.env)
      push("argument sent elsewhere", `${p.arg}: ${where(q)} -> ${where(p)}`, true);
    if (p.multiSegment === true && q.multiSegment !== true)
      push("path argument may span segments", p.arg, true);
    const spelling = (x: HttpParam) =>
      canonical([x.style, x.explode, x.allowReserved ?? false, x.contentType ?? null]);
    if (spelling(q) !== spelling(p)) push("argument encoding changed", p.arg, p.allowReserved === true);
  }
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
    const { fields: _fields, ...rest } = b.body as HttpBinding["body"] & { fields?: unknown };
    return canonical(rest);
  };
  if (shape(was) !== shape(now)) {
    const a = (was.body ?? {}) as Record<string, unknown>;
    const b = (now.body ?? {}) as Record<string, unknown>;
    const members = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => k !== "fields" && canonical(a[k]) !== canonical(b[k]),
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
