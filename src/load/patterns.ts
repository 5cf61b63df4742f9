import type { SchemaRuntime } from "../catalog.js";
import { LinearRegExp, program } from "../patterns/linear.js";
import { allOfArgument } from "./all-of.js";
import { decimalArgument, integerArgument } from "./exact-integer.js";
import { memberCountCheck } from "./member-count.js";
import { dependentRequiredCheck, multipleOfCheck, propertyNamesCheck } from "./refinements.js";

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

export { compiledPrograms } from "../patterns/linear.js";

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
