import { createRequire } from "node:module";
import type { RE2JS } from "re2js";

/** re2js, loaded (synchronously, its CommonJS build) when the first pattern is compiled, not at start-up. */
let engine: typeof import("re2js") | undefined;
export function re2js(): typeof import("re2js") {
  engine ??= createRequire(import.meta.url)("re2js") as typeof import("re2js");
  return engine;
}

/**
 * A RegExp whose `test` and `exec` run on RE2. It is a real RegExp (zod's `.regex()` takes one; `source`,
 * `flags` and `toString` show the spec's pattern in messages), but its own backtracking engine never runs.
 */
export class LinearRegExp extends RegExp {
  readonly #re2: RE2JS;

  constructor(source: string, re2: RE2JS, flags = "u") {
    super(source, flags);
    this.#re2 = re2;
  }

  override test(input: string): boolean {
    return this.#re2.test(String(input));
  }

  override exec(input: string): RegExpExecArray | null {
    const text = String(input);
    const matcher = this.#re2.matcher(text);
    if (!matcher.find()) return null;
    // The whole match, then each capture group (undefined where it took no part, as JavaScript gives it).
    const parts: Array<string | undefined> = [matcher.group() ?? ""];
    for (let group = 1; group <= matcher.groupCount(); group++) parts.push(matcher.group(group) ?? undefined);
    const match = parts as unknown as RegExpExecArray;
    match.index = matcher.start();
    match.input = text;
    return match;
  }
}

const compiled = new Map<string, RE2JS>();

/** How many RE2 programs this process has compiled (each pattern once, whatever the number of schemas using it). */
export function compiledPrograms(): number {
  return compiled.size;
}

/** The RE2 program of a pattern in RE2 syntax, compiled once per process. */
export function program(re2: string): RE2JS {
  let compiledProgram = compiled.get(re2);
  if (!compiledProgram) {
    compiledProgram = re2js().RE2JS.compile(re2);
    compiled.set(re2, compiledProgram);
  }
  return compiledProgram;
}
