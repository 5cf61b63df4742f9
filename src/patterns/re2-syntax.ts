import { re2js } from "./linear.js";

/** JavaScript's `\s` (WhiteSpace and LineTerminator), which RE2's ASCII-only `\s` is not. */
const JS_SPACE =
  "\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";
/** What JavaScript's `.` matches without the `s` flag: anything but a line terminator. */
const JS_DOT = "[^\\n\\r\\x{2028}\\x{2029}]";

/**
 * Rewrites the three constructs whose meaning differs between JavaScript (`u` flag) and RE2 (`\s`, `\S`, `.`),
 * then lets re2js translate the rest (named groups, `\u{...}`). Undefined when the pattern has no faithful RE2
 * spelling this knows (`\S` in a negated class, `[]`).
 */
export function toRe2Syntax(source: string): string | undefined {
  let out = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === "\\") {
      const next = source[i + 1] ?? "";
      i++;
      if (next === "s") out += `[${JS_SPACE}]`;
      else if (next === "S") out += `[^${JS_SPACE}]`;
      else if (SAME_ESCAPE.test(next)) out += `\\${next}`;
      else return undefined;
    } else if (c === "[") {
      const end = classEnd(source, i);
      if (end === undefined) return undefined;
      const klass = re2Class(source.slice(i + 1, end));
      if (klass === undefined) return undefined;
      out += klass;
      i = end;
    } else out += c === "." ? JS_DOT : c;
  }
  return re2js().RE2JS.translateRegExp(out);
}

/**
 * Escapes that mean the same in both (the letter after the backslash): character classes, control characters,
 * hex and Unicode escapes (re2js rewrites `\u`), properties, boundaries outside classes, and escaped syntax
 * characters. Any other escape (backreferences, `\c`, `\0`, `\k`) has no faithful RE2 spelling here.
 */
const SAME_ESCAPE = /^[dDwWbBtnvfrxupP^$\\.*+?()[\]{}|/-]$/;

/** Index of the `]` that closes the class opened at `open`. */
function classEnd(source: string, open: number): number | undefined {
  for (let i = open + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i;
  }
  return undefined;
}

/** A class body (between `[` and `]`) in RE2 syntax: `\s` spelled out; `\S` as an alternative beside the rest. */
function re2Class(body: string): string | undefined {
  const negated = body.startsWith("^");
  let rest = "";
  let nonSpace = false;
  for (let i = negated ? 1 : 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      rest += c;
      continue;
    }
    const next = body[i + 1] ?? "";
    i++;
    if (next === "s") rest += JS_SPACE;
    else if (next === "S") nonSpace = true;
    else if (SAME_ESCAPE.test(next) && next !== "b" && next !== "B") rest += `\\${next}`;
    else return undefined;
  }
  if (rest === "" && !nonSpace) return undefined;
  if (!nonSpace) return `[${negated ? "^" : ""}${rest}]`;
  if (negated) return undefined;
  return rest === "" ? `[^${JS_SPACE}]` : `(?:[^${JS_SPACE}]|[${rest}])`;
}
