import type { Diagnostic } from "../../diagnostics.js";
import type { SymbolTable } from "../../ir/symbols.js";
import type { SymbolId } from "../../ir/types.js";
import type { OpenApiSpec } from "../../load/openapi.js";
import { refsOf } from "../../plan/symbols.js";

/**
 * Which problems an operation owns. A problem found in one operation, path item or component costs the operations
 * that use it: its own (structural problems under its pointer, errors raised while reading it), those of the
 * parameters, bodies and responses it resolves, and those of every named schema it reaches (a schema is broken when
 * a structural problem lies in it or converting it raised an error, and so is every schema that refers to one).
 */
export class Confinement {
  private tainted?: Map<SymbolId, Diagnostic>;

  constructor(
    private readonly spec: OpenApiSpec,
    private readonly sourceId: string,
    private readonly symbols: SymbolTable,
    private readonly broken: Map<SymbolId, Diagnostic[]>,
  ) {}

  /**
   * `scopes`: the operation's and its path item's pointers; `touched`: root-document pointers it resolved through
   * `$ref`; `refs`: the named schemas its parameters, body and result use directly.
   */
  problemsOf(scopes: string[], touched: Set<string>, refs: Set<SymbolId>): Diagnostic[] {
    const out: Diagnostic[] = [];
    const within = (pointer: string, scope: string) => pointer === scope || pointer.startsWith(`${scope}/`);
    for (const p of this.spec.problems) {
      const hit = p.scopes.some(
        (scope) => scopes.includes(scope) || [...touched].some((t) => within(t, scope) || within(scope, t)),
      );
      if (hit) out.push(p.diagnostic);
    }
    const tainted = this.taint();
    for (const id of refs) {
      const cause = tainted.get(id);
      if (cause && !out.includes(cause)) out.push(cause);
    }
    return out;
  }

  /** Every symbol that is broken or reaches a broken one, with the problem that breaks it. */
  private taint(): Map<SymbolId, Diagnostic> {
    if (this.tainted) return this.tainted;
    const tainted = new Map<SymbolId, Diagnostic>();
    const prefix = `${this.sourceId}:${this.spec.root.file}`;
    const all = this.symbols.all();
    for (const p of this.spec.problems) {
      for (const scope of p.scopes) {
        if (!scope.startsWith("#/components/schemas/")) continue;
        for (const s of all) {
          const pointer = s.id.startsWith(prefix) ? s.id.slice(prefix.length) : undefined;
          if (pointer && (pointer === scope || pointer.startsWith(`${scope}/`)) && !tainted.has(s.id))
            tainted.set(s.id, p.diagnostic);
        }
      }
    }
    for (const [id, errors] of this.broken) if (!tainted.has(id) && errors[0]) tainted.set(id, errors[0]);
    const users = new Map<SymbolId, SymbolId[]>();
    for (const s of all) {
      for (const target of refsOf(s.schema)) {
        const list = users.get(target);
        if (list) list.push(s.id);
        else users.set(target, [s.id]);
      }
    }
    const queue = [...tainted.keys()];
    while (queue.length > 0) {
      const id = queue.pop() as SymbolId;
      for (const user of users.get(id) ?? []) {
        if (tainted.has(user)) continue;
        tainted.set(user, tainted.get(id) as Diagnostic);
        queue.push(user);
      }
    }
    this.tainted = tainted;
    return tainted;
  }
}

/**
 * The structural problem that lies in a security scheme (`pointers`: its own, and those its `$ref`s went through),
 * if any. Nothing resolves a scheme through a `$ref` from an operation (its `security` names it), so `Confinement`
 * never charged one to anybody and a scheme the check refused (`tokenUrl: 5`, `type: bogus`) was read as best it
 * could be, without a word: the caller makes it a scheme nothing can send, located.
 */
export function schemeProblem(spec: OpenApiSpec, pointers: Set<string>): Diagnostic | undefined {
  const within = (pointer: string, scope: string) => pointer === scope || pointer.startsWith(`${scope}/`);
  const p = spec.problems.find((p) =>
    p.scopes.some((scope) => [...pointers].some((t) => within(t, scope) || within(scope, t))),
  );
  return p?.diagnostic;
}
