import { namesIn, refName } from "../../src/publish/project.js";
import { ANNOTATIONS, canonical, type SchemaTables } from "./narrows.js";

/** What changed in a tool's result schema: where the data's shape moved, and where only its text did. */
export interface ResultChanges {
  /** `+total`, `-count`, `items[].id: type "string" -> "integer"`, `status (enum +["archived"])`. */
  shape: string[];
  /** Where only annotations (descriptions, titles, examples) changed: `(root)`, `items[].id`. */
  text: string[];
}

/** Keywords walked into (or said as a type change) rather than reported as a keyword of their own. */
const WALKED = new Set(["$ref", "type", "properties", "required", "items"]);

const obj = (s: unknown): Record<string, unknown> =>
  s && typeof s === "object" && !Array.isArray(s) ? (s as Record<string, unknown>) : {};

function short(v: unknown): string {
  const text = v === undefined ? "none" : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

const at = (path: string, step: string) =>
  path === "" ? step : step.startsWith("[") ? `${path}${step}` : `${path}.${step}`;
const label = (path: string) => (path === "" ? "(root)" : path);

/**
 * A result schema's changes, path by path, each side's `$ref`s read in its own catalog's table: properties added
 * (`+name`) and removed (`-name`), a type changed, a property now or no longer always present, another named
 * schema, any other assertion keyword changed, and apart from these the places whose descriptions alone changed.
 * Deterministic: properties in name order, each named schema walked once, where it is first reached.
 */
export function resultChanges(was: unknown, now: unknown, tables: SchemaTables): ResultChanges {
  const walk = new ResultWalk(tables);
  walk.node(was, now, "");
  return walk.out;
}

class ResultWalk {
  readonly out: ResultChanges = { shape: [], text: [] };
  private readonly walked = new Set<string>();
  /** Whether a named schema and every name it reaches read the same in both tables. */
  private readonly same = new Map<string, boolean>();

  constructor(private readonly tables: SchemaTables) {}

  private nameSame(name: string): boolean {
    const known = this.same.get(name);
    if (known !== undefined) return known;
    this.same.set(name, true); // while being decided, so a recursive schema ends
    const a = Object.hasOwn(this.tables.before, name) ? this.tables.before[name] : undefined;
    const b = Object.hasOwn(this.tables.after, name) ? this.tables.after[name] : undefined;
    const result =
      canonical(a ?? null) === canonical(b ?? null) && namesIn(a ?? {}).every((n) => this.nameSame(n));
    this.same.set(name, result);
    return result;
  }

  node(a: unknown, b: unknown, path: string): void {
    let x = obj(a);
    let y = obj(b);
    const ra = refName(x.$ref);
    const rb = refName(y.$ref);
    if (ra !== undefined || rb !== undefined) {
      if (ra !== undefined && rb !== undefined && ra !== rb) {
        this.out.shape.push(`${label(path)}: ${ra} -> ${rb}`);
        return;
      }
      const key = `${ra ?? ""}\u0000${rb ?? ""}`;
      if (this.walked.has(key)) return;
      this.walked.add(key);
      if (ra !== undefined)
        x = obj(Object.hasOwn(this.tables.before, ra) ? this.tables.before[ra] : undefined);
      if (rb !== undefined) y = obj(Object.hasOwn(this.tables.after, rb) ? this.tables.after[rb] : undefined);
    }
    if (canonical(x) === canonical(y) && namesIn(x).every((n) => this.nameSame(n))) return;
    if (canonical(x.type ?? null) !== canonical(y.type ?? null))
      this.out.shape.push(`${label(path)}: type ${short(x.type)} -> ${short(y.type)}`);
    this.properties(x, y, path);
    this.node(x.items, y.items, at(path, "[]"));
    if (typeof x.additionalProperties === "object" && typeof y.additionalProperties === "object")
      this.node(x.additionalProperties, y.additionalProperties, at(path, "*"));
    this.keywords(x, y, path);
  }

  private properties(x: Record<string, unknown>, y: Record<string, unknown>, path: string): void {
    const px = obj(x.properties);
    const py = obj(y.properties);
    const rx = new Set(Array.isArray(x.required) ? (x.required as string[]) : []);
    const ry = new Set(Array.isArray(y.required) ? (y.required as string[]) : []);
    for (const name of [...new Set([...Object.keys(px), ...Object.keys(py)])].sort()) {
      const p = at(path, name);
      if (!Object.hasOwn(px, name)) this.out.shape.push(`+${p}`);
      else if (!Object.hasOwn(py, name)) this.out.shape.push(`-${p}`);
      else {
        if (rx.has(name) !== ry.has(name))
          this.out.shape.push(`${p}: ${ry.has(name) ? "now always present" : "now optional"}`);
        this.node(px[name], py[name], p);
      }
    }
  }

  /** The node's own keywords besides those walked: assertions said by name, annotations noted as text. */
  private keywords(x: Record<string, unknown>, y: Record<string, unknown>, path: string): void {
    const said: string[] = [];
    let annotated = false;
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      const u = Object.hasOwn(x, key) ? x[key] : undefined;
      const v = Object.hasOwn(y, key) ? y[key] : undefined;
      if (WALKED.has(key)) continue;
      if (canonical(u ?? null) === canonical(v ?? null)) {
        // The same text (`anyOf: [{$ref: Station}]`) may name schemas that changed; only walked keywords read them.
        const changed = namesIn(u ?? {}).filter((n) => !this.nameSame(n));
        if (changed.length > 0)
          said.push(`${key}: named schema ${[...new Set(changed)].sort().join(", ")} changed`);
        continue;
      }
      if (ANNOTATIONS.has(key) || key.startsWith("x-")) annotated = true;
      else if (key === "additionalProperties" && typeof u === "object" && typeof v === "object") continue;
      else if (key === "enum" && Array.isArray(u) && Array.isArray(v)) {
        const before = new Set(u.map(canonical));
        const after = new Set(v.map(canonical));
        const added = v.filter((e) => !before.has(canonical(e)));
        const removed = u.filter((e) => !after.has(canonical(e)));
        said.push(
          `enum${added.length ? ` +${short(added)}` : ""}${removed.length ? ` -${short(removed)}` : ""}`,
        );
      } else if (u !== undefined && v !== undefined && typeof u === "object") said.push(`${key} changed`);
      else said.push(`${key} ${short(u)} -> ${short(v)}`);
    }
    if (said.length > 0) this.out.shape.push(`${label(path)} (${said.join("; ")})`);
    if (annotated) this.out.text.push(label(path));
  }
}
