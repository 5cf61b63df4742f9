import type { AuthScheme } from "../../src/catalog.js";
import { type SharedToken, sharedToken, sharedWhat, slotClash } from "../../src/executors/upstream-auth.js";
import type { Diagnostics } from "../diagnostics.js";
import type { SkippedOperation, SourceNode, SourceRef } from "../ir/types.js";
import type { OpenApiSourceModel, OperationNode } from "../normalize/openapi/model.js";

/**
 * Which operations can become tools. An operation whose own part of the spec has problems (found while loading
 * or normalising it, or in a schema only it and others like it use), or whose every security alternative needs a
 * scheme nothing can send (or two schemes one request cannot carry together, 872d4bd), costs only itself: it is left out with a located warning and listed in CATALOG.md.
 * In strict mode, and for a tool the manifest names explicitly, it is an error instead.
 */
export class OperationGate {
  readonly skipped: SkippedOperation[] = [];
  private readonly sendable: Map<string, Map<string, AuthScheme>>;
  private readonly models: Map<string, OpenApiSourceModel>;

  constructor(
    sources: SourceNode[],
    models: OpenApiSourceModel[],
    private readonly strict: boolean,
    private readonly diags: Diagnostics,
  ) {
    this.sendable = new Map(sources.map((s) => [s.id, new Map(s.auth.map((a) => [a.scheme, a]))]));
    this.models = new Map(models.map((m) => [m.id, m]));
  }

  /**
   * The operation as it can be bound (security narrowed to the alternatives whose schemes all have credentials),
   * or undefined when it is left out. `tool` names the manifest entry that asked for it explicitly.
   */
  admit(written: OperationNode, tool?: { name: string; at: SourceRef }): OperationNode | undefined {
    const op = this.oneToken(written);
    const problems = op.problems ?? [];
    const security = this.sendableAlternatives(op);
    // The same problem met twice on the way (a refused `$ref` target, when its file was scanned and when it was
    // resolved) is one reason.
    const reasons = [...new Set(problems.map((p) => p.message))];
    if (security === undefined) reasons.push(this.securityReason(op));
    if (reasons.length === 0) return security === op.security ? op : { ...op, security: security ?? [] };
    // Located at the first reason's cause: a problem's own place, else the security requirement the operation is
    // left out for (its own `security`, or the document's it inherits), as the strict TW142 is.
    const at = problems[0]?.source ?? op.securityAt ?? op.source;
    if (tool || this.strict) {
      const who = tool ? `tool "${tool.name}": ` : "";
      for (const p of problems) this.diags.error(p.code, `${who}${op.key}: ${p.message}`, p.source, p.fix);
      if (security === undefined)
        this.diags.error(
          "TW142",
          `${who}${op.key}: ${this.securityReason(op)}`,
          tool?.at ?? op.securityAt ?? op.source,
          this.slotClashFix(op),
        );
      return undefined;
    }
    this.diags.warn(
      "TW139",
      `${op.key} is left out: ${reasons.join("; ")}`,
      at,
      security === undefined ? this.slotClashFix(op) : undefined,
    );
    this.skipped.push({
      source: op.sourceId,
      operation: op.key,
      ...(op.operationId ? { operationId: op.operationId } : {}),
      reasons,
      at,
    });
    return undefined;
  }

  /**
   * A selected operation whose binding raised errors (arguments its spec makes collide, say): left out like any
   * other problem confined to it. Undefined when there were none, so the tool stands.
   */
  bindOrLeaveOut<T>(op: OperationNode, bind: () => T): T | undefined {
    const { value, errors } = this.diags.capture(bind);
    if (errors.length === 0) return value;
    this.admit({ ...op, problems: errors });
    return undefined;
  }

  /** Path items that cannot be read: their operations are left out (errors in strict mode). */
  unreadable(model: OpenApiSourceModel): void {
    for (const u of model.unreadable ?? []) {
      const reasons = [...new Set(u.problems.map((p) => p.message))];
      const at = u.problems[0]?.source ?? u.source;
      if (this.strict) {
        for (const p of u.problems) this.diags.error(p.code, `${u.path}: ${p.message}`, p.source, p.fix);
        continue;
      }
      this.diags.warn("TW139", `path ${u.path} is left out: ${reasons.join("; ")}`, at);
      this.skipped.push({ source: model.id, operation: `* ${u.path}`, reasons, at });
    }
  }

  /** An operation left out for problems nobody selected it for: an info line, nothing more. */
  unselected(op: OperationNode): void {
    const first = op.problems?.[0];
    if (first)
      this.diags.info("TW139", `${op.key} (not selected) has problems: ${first.message}`, first.source);
  }

  /**
   * The operation with the schemes of each requirement that share one bearer token (`sharedToken`: Google's
   * implicit and authorization-code schemes of one server, AND-ed everywhere) made one: the requirement keeps one
   * scheme, which is asked for and sent once, and gets the union of their scopes. Said once per source and set of
   * schemes, with an info line located at the first requirement that names them together.
   */
  private oneToken(op: OperationNode): OperationNode {
    if (op.security.length === 0) return op;
    const schemes = this.sendable.get(op.sourceId) ?? new Map<string, AuthScheme>();
    const endpoints = specEndpoints(this.models.get(op.sourceId));
    const merged = op.security.map((alternative) => sharedToken(alternative, schemes, endpoints));
    const shared = merged.flatMap((m) => m.shared);
    if (shared.length === 0) return op;
    // No prototype: a scheme may be named `__proto__` (a spec's names are any text).
    const scopes: Record<string, string[]> | undefined = op.securityScopes
      ? Object.assign(Object.create(null), op.securityScopes)
      : undefined;
    for (const one of shared) {
      const { kept, merged: others } = one;
      this.sayShared(op, one);
      if (!scopes) continue;
      const union = new Set(
        [kept, ...others].flatMap((s) => (Object.hasOwn(scopes, s) ? (scopes[s] ?? []) : [])),
      );
      if (union.size > 0) scopes[kept] = [...union].sort();
    }
    const security = merged.map((m) => m.alternative);
    const unique = security.filter((a, i) => security.findIndex((b) => b.join("\0") === a.join("\0")) === i);
    return { ...op, security: unique, ...(scopes ? { securityScopes: scopes } : {}) };
  }

  /** The scopes an admitted operation's requirements name, by scheme, with those of schemes sharing a token joined. */
  scopesOf(op: OperationNode): Record<string, string[]> | undefined {
    return this.oneToken(op).securityScopes;
  }

  private readonly said = new Set<string>();

  private sayShared(op: OperationNode, shared: SharedToken): void {
    const { kept, merged: others } = shared;
    const key = JSON.stringify([op.sourceId, kept, ...others]);
    if (this.said.has(key)) return;
    this.said.add(key);
    const all = op.security
      .flat()
      .filter((s, i, flat) => (s === kept || others.includes(s)) && flat.indexOf(s) === i)
      .map((s) => JSON.stringify(s));
    this.diags.info(
      "TW142",
      `source "${op.sourceId}": security schemes ${all.join(" and ")}, required together (first at ${op.key}), ${sharedWhat(shared)}${shared.key === undefined ? ", with their scopes together" : ""}`,
      op.securityAt ?? op.source,
    );
  }

  /**
   * Alternatives whose schemes can all be sent, together; undefined when the operation needs auth and none can. An
   * alternative two of whose schemes need one slot (basic and bearer both as Authorization) is dropped with a
   * warning located at the `security` it comes from (the operation's, else the document's) when another remains
   * (the runtime skips it too, 872d4bd); when none remains, securityReason says.
   */
  private sendableAlternatives(op: OperationNode): string[][] | undefined {
    if (op.security.length === 0) return op.security;
    const schemes = this.sendable.get(op.sourceId) ?? new Map<string, AuthScheme>();
    const credentialed = op.security.filter((alternative) => alternative.every((s) => schemes.has(s)));
    const clashes = credentialed.map((alternative) => slotClash(alternative, schemes));
    const kept = credentialed.filter((_, i) => clashes[i] === undefined);
    if (kept.length === op.security.length) return op.security;
    if (kept.length === 0) return undefined;
    const dropped = clashes.filter((c) => c !== undefined);
    if (dropped.length > 0)
      this.diags.warn(
        "TW142",
        `${op.key}: security alternative${dropped.length === 1 ? "" : "s"} never sent: ${dropped.join("; ")}`,
        op.securityAt ?? op.source,
      );
    return kept;
  }

  /**
   * What to do when every alternative is sendable but for a slot two of its schemes share (PagerDuty's SCIM spec
   * ANDs an API key named Authorization with a bearer token): a spec that means any one of them lists each as its
   * own requirement, which a patch can say. Undefined when some scheme lacks credentials (its reason says what).
   */
  private slotClashFix(op: OperationNode): string | undefined {
    const schemes = this.sendable.get(op.sourceId) ?? new Map<string, AuthScheme>();
    if (!op.security.every((alternative) => alternative.every((s) => schemes.has(s)))) return undefined;
    const each = [...new Set(op.security.flat())].map((s) => `{${JSON.stringify(s)}: []}`).join(", ");
    return `If the spec means any one of these schemes rather than all together, list each as its own requirement (security: [${each}]) with a patch (--patch FILE, or sources.${op.sourceId}.patch in a manifest).`;
  }

  private securityReason(op: OperationNode): string {
    const model = this.models.get(op.sourceId);
    const schemes = this.sendable.get(op.sourceId) ?? new Map<string, AuthScheme>();
    const why = [...new Set(op.security.flat())]
      .filter((s) => !schemes.has(s))
      .sort()
      .map((s) => {
        const info = model?.securitySchemes[s];
        if (!info) return `"${s}" (not defined in the spec)`;
        if (info.kind === "unsupported" && info.problem)
          return `"${s}" (malformed in the spec: ${info.problem.message})`;
        if (info.kind === "unsupported") return `"${s}" (type ${info.type}, which toolwright cannot send)`;
        return `"${s}" (no credentials mapped under sources.${op.sourceId}.auth)`;
      });
    const clashes = op.security
      .filter((alternative) => alternative.every((s) => schemes.has(s)))
      .map((alternative) => slotClash(alternative, schemes))
      .filter((c) => c !== undefined);
    if (why.length === 0) return `every security alternative needs one slot twice: ${clashes.join("; ")}`;
    const also = clashes.length > 0 ? `; the others need one slot twice: ${clashes.join("; ")}` : "";
    return `every security alternative needs a scheme without credentials: ${why.join(", ")}${also}`;
  }
}

/** What a spec says of each OAuth2 scheme's authorization server (its flows' URLs, its discovery URL), for `sharedToken`. */
export function specEndpoints(model: OpenApiSourceModel | undefined): (scheme: string) => string[] {
  const info = model?.securitySchemes ?? {};
  return (name) => {
    const scheme = Object.hasOwn(info, name) ? info[name] : undefined;
    if (scheme?.kind !== "oauth2") return [];
    return [...(scheme.endpoints ?? []), ...(scheme.discoveryUrl ? [scheme.discoveryUrl] : [])];
  };
}
