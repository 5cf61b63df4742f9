import { LinearRegExp, program, re2js } from "./linear.js";
import { toRe2Syntax } from "./re2-syntax.js";

/**
 * Patterns written by others that the runtime meets outside a generated schema (a `patternProperties` key of an
 * output schema, a manifest's `secret_key_pattern`), run on RE2: linear in the input, whatever the pattern. There
 * is no plan from the generator for them, so none runs on JavaScript's backtracking engine, where `^(a+)+$` tried
 * on thirty `a`s and a `!` blocks the event loop for minutes.
 */

/** What a key or a name is tested with: a RegExp, or a pattern on RE2 made when first used. */
export interface KeyPattern {
  test(key: string): boolean;
}

const made = new Map<string, LinearRegExp | null>();

/** How many distinct key patterns this process has planned (each once, however often it is tested). */
export const keyPatternPlans = { count: 0 };

/**
 * `source` (a JavaScript pattern, read with the `u` flag; `ignoreCase`: also `i`) on RE2, made once per process.
 * Null when it is not a valid pattern, or RE2 cannot express it with JavaScript's meaning (a lookaround, a
 * backreference): the caller fails closed (a key it would select is not selected, a key it would refuse is).
 */
export function linearPattern(source: string, ignoreCase = false): RegExp | null {
  const key = `${ignoreCase ? "i" : "-"}${source}`;
  let pattern = made.get(key);
  if (pattern === undefined) {
    pattern = plan(source, ignoreCase);
    made.set(key, pattern);
    keyPatternPlans.count++;
  }
  return pattern;
}

function plan(source: string, ignoreCase: boolean): LinearRegExp | null {
  try {
    new RegExp(source, "u");
  } catch {
    return null;
  }
  // Loaded before the try: a package that fails to load is an error, not a pattern RE2 cannot express.
  re2js();
  try {
    const re2 = toRe2Syntax(source);
    if (re2 === undefined) return null;
    return new LinearRegExp(source, program(ignoreCase ? `(?i)${re2}` : re2), ignoreCase ? "iu" : "u");
  } catch {
    return null;
  }
}
