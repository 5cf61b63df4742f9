import { createRequire } from "node:module";
import type { RE2JS } from "re2js";
import type { SchemaRuntime } from "../catalog.js";

/** re2js, loaded (synchronously, its CommonJS build) when the first pattern is compiled, not at start-up. */
let engine: typeof RE2JS | undefined;
function re2js(): typeof RE2JS {
  engine ??= (createRequire(import.meta.url)("re2js") as { RE2JS: typeof RE2JS }).RE2JS;
  return engine;
}

/**
 * How generated schemas evaluate a spec's `pattern` (for arguments and upstream results alike): on re2js, whose
 * time is linear in the input, or, for the few patterns RE2 cannot express that the generator found free of
 * super-linear backtracking, on JavaScript's engine with the input length bounded. Never a pattern a spec can
 * use to block the event loop.
 */

/** Longest string a `bounded` pattern is tried on; a longer string does not match (and the call is refused). */
export const BOUNDED_PATTERN_INPUT = 10_000;

/**
 * A RegExp whose `test` and `exec` run on RE2. It is a real RegExp (zod's `.regex()` takes one; `source`,
 * `flags` and `toString` show the spec's pattern in messages), but its own backtracking engine never runs.
 */
class LinearRegExp extends RegExp {
  readonly #re2: RE2JS;

  constructor(source: string, re2: RE2JS) {
    super(source, "u");
    this.#re2 = re2;
  }

  override test(input: string): boolean {
    return this.#re2.test(String(input));
  }

  override exec(input: string): RegExpExecArray | null {
    const text = String(input);
    const matcher = this.#re2.matcher(text);
    if (!matcher.find()) return null;
    const match = [matcher.group() ?? ""] as unknown as RegExpExecArray;
    match.index = matcher.start();
    match.input = text;
    return match;
  }
}

/** A RegExp that refuses to run on strings longer than `BOUNDED_PATTERN_INPUT`. */
class BoundedRegExp extends RegExp {
  override test(input: string): boolean {
    const text = String(input);
    return text.length <= BOUNDED_PATTERN_INPUT && super.test(text);
  }

  override exec(input: string): RegExpExecArray | null {
    const text = String(input);
    return text.length <= BOUNDED_PATTERN_INPUT ? super.exec(text) : null;
  }
}

const compiled = new Map<string, RE2JS>();

export const schemaRuntime: SchemaRuntime = {
  linear(re2, source = re2) {
    let program = compiled.get(re2);
    if (!program) {
      program = re2js().compile(re2);
      compiled.set(re2, program);
    }
    return new LinearRegExp(source, program);
  },
  bounded(source) {
    return new BoundedRegExp(source, "u");
  },
};
