import type { AST, RegExpParser } from "@eslint-community/regexpp";
import { regexpp } from "./regexp-packages.js";

/**
 * Which spec patterns may run on JavaScript's own (backtracking) engine instead of re2js: those whose shape
 * proves that a match attempt is linear in the input. re2js costs 20-45x V8's engine per test, and a tool's
 * arguments and every result value with a pattern are tested on each call. The rule is deliberately narrow,
 * checked on the parsed pattern (`u` flag), every condition necessary for the argument below:
 *
 * 1. one top-level alternative that starts with `^` (one start position is tried, not every index) and may end
 *    with `$`; no other assertion (no `\b`, no lookahead, no lookbehind) and no backreference;
 * 2. its elements are characters, classes (`[...]`, `.`, `\d`, `\w`, `\s` and their negations; no `\p{...}`),
 *    quantifiers over ONE such character or class (so no nested quantifiers and no group under a quantifier),
 *    and groups whose alternatives are non-empty literal strings (`(user|sa|group)`), at most
 *    `MAX_BRANCH_PRODUCT` combinations of branches over the whole pattern;
 * 3. a quantifier whose count can vary (`*`, `+`, `{0,62}`) is last, or is followed by an element that must
 *    consume a character (a class, a literal, a group, a quantifier with a minimum of one) that the quantified
 *    class cannot match.
 *
 * Why that is linear: the only choice points are the variable quantifiers and the literal alternations. By (3),
 * a quantifier that gives back a character lets its successor start on a character the successor refuses, so
 * each give-back fails at once: one quantifier costs at most as many steps as the characters it consumed, once
 * per combination of earlier alternation branches (2). With one start position (1), an attempt is at most
 * `MAX_BRANCH_PRODUCT` times the pattern's length plus the input's length steps. The runtime also tests only
 * inputs up to `BOUNDED_PATTERN_INPUT` characters on V8 (re2js above), so even a flaw in this argument could not
 * block the event loop for long. Everything else keeps running on re2js.
 */

/** The most combinations of alternation branches a V8-safe pattern may have (each is one pass at most). */
export const MAX_BRANCH_PRODUCT = 64;

/** Inclusive code point ranges, sorted, not overlapping. */
type Ranges = Array<[number, number]>;

const MAX_CODE_POINT = 0x10ffff;
const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
/** JavaScript's `\s`: WhiteSpace and LineTerminator. */
const SPACE: Ranges = normalise([
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);
/** What `.` matches without the `s` flag. */
const DOT: Ranges = complement([
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
]);

function normalise(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(ranges: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [lo, hi] of normalise(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

function disjoint(a: Ranges, b: Ranges): boolean {
  for (const [alo, ahi] of a) for (const [blo, bhi] of b) if (alo <= bhi && blo <= ahi) return false;
  return true;
}

/** The characters one class-like element matches, or undefined when this rule does not model it. */
function charSet(node: AST.Node): Ranges | undefined {
  switch (node.type) {
    case "Character":
      return [[node.value, node.value]];
    case "CharacterClassRange":
      return [[node.min.value, node.max.value]];
    case "CharacterSet": {
      if (node.kind === "any") return DOT;
      if (node.kind === "property") return undefined;
      const base = node.kind === "digit" ? DIGIT : node.kind === "word" ? WORD : SPACE;
      return node.negate ? complement(base) : base;
    }
    case "CharacterClass": {
      if (node.unicodeSets) return undefined;
      const parts: Ranges = [];
      for (const element of node.elements) {
        const set = charSet(element);
        if (set === undefined) return undefined;
        parts.push(...set);
      }
      return node.negate ? complement(parts) : normalise(parts);
    }
    default:
      return undefined;
  }
}

/** One element of the pattern's sequence as the rule sees it. */
interface Step {
  /** The characters its first consumed character may be. */
  first: Ranges;
  /** It consumes at least one character. */
  mandatory: boolean;
  /** Its count can vary (a quantifier with min < max). */
  variable: boolean;
  /** Alternation branches (1 for anything else). */
  branches: number;
}

function stepOf(element: AST.Element): Step | undefined {
  if (element.type === "Quantifier") {
    const set = charSet(element.element);
    if (set === undefined) return undefined;
    return {
      first: set,
      mandatory: element.min >= 1,
      variable: element.min !== element.max,
      branches: 1,
    };
  }
  if (element.type === "Group" || element.type === "CapturingGroup") {
    const first: Ranges = [];
    for (const alternative of element.alternatives) {
      const [head] = alternative.elements;
      if (head === undefined) return undefined;
      if (!alternative.elements.every((e) => e.type === "Character")) return undefined;
      first.push(...(charSet(head) as Ranges));
    }
    return {
      first: normalise(first),
      mandatory: true,
      variable: false,
      branches: element.alternatives.length,
    };
  }
  const set = charSet(element);
  return set === undefined ? undefined : { first: set, mandatory: true, variable: false, branches: 1 };
}

let parser: RegExpParser | undefined;

/** Whether the pattern (ECMA-262, `u` flag) may run on JavaScript's engine: the rule above. */
export function v8Safe(source: string): boolean {
  let pattern: AST.Pattern;
  parser ??= new (regexpp().RegExpParser)({ ecmaVersion: 2025 });
  try {
    pattern = parser.parsePattern(source, 0, source.length, { unicode: true });
  } catch {
    return false;
  }
  if (pattern.alternatives.length !== 1) return false;
  const elements = [...(pattern.alternatives[0] as AST.Alternative).elements];
  const head = elements.shift();
  if (head?.type !== "Assertion" || head.kind !== "start") return false;
  const tail = elements.at(-1);
  if (tail?.type === "Assertion" && tail.kind === "end") elements.pop();
  const steps: Step[] = [];
  for (const element of elements) {
    const step = stepOf(element);
    if (step === undefined) return false;
    steps.push(step);
  }
  let product = 1;
  for (const [i, step] of steps.entries()) {
    product *= step.branches;
    if (product > MAX_BRANCH_PRODUCT) return false;
    if (!step.variable) continue;
    const next = steps[i + 1];
    if (next === undefined) continue;
    if (!next.mandatory || !disjoint(step.first, next.first)) return false;
  }
  return true;
}
