import { createRequire } from "node:module";
import type { RE2JS } from "re2js";
import type { SchemaRuntime } from "../catalog.js";
import { allOfArgument } from "./all-of.js";
import { decimalArgument, integerArgument } from "./exact-integer.js";
import { memberCountCheck } from "./member-count.js";
import { dependentRequiredCheck, multipleOfCheck, propertyNamesCheck } from "./refinements.js";

/** re2js, loaded (synchronously, its CommonJS build) when the first pattern is compiled, not at start-up. */
let engine: typeof RE2JS | undefined;
function re2js(): typeof RE2JS {
  engine ??= (createRequire(import.meta.url)("re2js") as { RE2JS: typeof RE2JS }).RE2JS;
  return engine;
}

/**
 * How generated schemas evaluate a spec's `pattern` (for arguments and upstream results alike): on re2js, whose
 * time is linear in the input; for the few patterns RE2 cannot express that the generator found free of
 * super-linear backtracking, on JavaScript's engine with the input length bounded; and for patterns whose shape
 * the generator proved linear on a backtracking engine (`safe`: `^` + classes, single-class quantifiers followed
 * by what they cannot match, literal alternations; codegen/normalize/v8-safe.ts), on JavaScript's engine up to
 * the same bound and on re2js beyond it (20-45x cheaper per test than re2js). Never a pattern a spec can use to
 * block the event loop.
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

/**
 * A pattern proven linear on JavaScript's engine: a plain RegExp (V8's fast path) tests inputs up to
 * `BOUNDED_PATTERN_INPUT` characters; longer ones go to RE2, compiled on the first such input (so re2js is not
 * even loaded while none comes). Both engines read the same pattern, so the answer does not depend on the length.
 */
class SafeRegExp extends RegExp {
  readonly #native: RegExp;
  readonly #re2: string;
  #linear: LinearRegExp | undefined;

  constructor(source: string, re2: string) {
    super(source, "u");
    this.#native = new RegExp(source, "u");
    this.#re2 = re2;
  }

  #long(): LinearRegExp {
    this.#linear ??= new LinearRegExp(this.source, program(this.#re2));
    return this.#linear;
  }

  override test(input: string): boolean {
    const text = String(input);
    return text.length <= BOUNDED_PATTERN_INPUT ? this.#native.test(text) : this.#long().test(text);
  }

  override exec(input: string): RegExpExecArray | null {
    const text = String(input);
    return text.length <= BOUNDED_PATTERN_INPUT ? this.#native.exec(text) : this.#long().exec(text);
  }
}

const compiled = new Map<string, RE2JS>();

/** How many RE2 programs this process has compiled (each pattern once, whatever the number of schemas using it). */
export function compiledPrograms(): number {
  return compiled.size;
}

function program(re2: string): RE2JS {
  let compiledProgram = compiled.get(re2);
  if (!compiledProgram) {
    compiledProgram = re2js().compile(re2);
    compiled.set(re2, compiledProgram);
  }
  return compiledProgram;
}

export const schemaRuntime: SchemaRuntime = {
  linear(re2, source = re2) {
    return new LinearRegExp(source, program(re2));
  },
  bounded(source) {
    return new BoundedRegExp(source, "u");
  },
  safe(source, re2 = source) {
    return new SafeRegExp(source, re2);
  },
  integer: integerArgument,
  decimal: decimalArgument,
  members: memberCountCheck,
  propertyNames: propertyNamesCheck,
  dependentRequired: dependentRequiredCheck,
  multipleOf: multipleOfCheck,
  allOf: allOfArgument,
};
