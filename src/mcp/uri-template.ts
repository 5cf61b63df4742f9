import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { linearPattern } from "../patterns/matcher.js";

/**
 * The resource templates' URI syntax, both ways: a URI matched to its variables (`resources/read`), and
 * variables expanded into a URI (`resources/list`), so that every listed URI reads back to the same values.
 */

export interface CompiledTemplate {
  /** The template as a pattern, run on RE2 (linear in the URI, which the client chooses) from the first match. */
  source: string;
  /** The same pattern on JavaScript's engine, when the template's shape proves it linear there (`linearOnV8`). */
  native?: RegExp;
  variables: string[];
  /** Per variable: whether its value may span `/` (sent segment by segment, slashes kept). */
  spans: boolean[];
  /** The template split into literal text and variable slots (odd indexes are variables). */
  parts: string[];
}

/**
 * Each `{var}` matches one path segment, except the template's last variable, which may span `/` (so
 * `vault://secrets/{tenant}/{path}` reads nested secret paths). `{+var}` always spans.
 */
export function compileTemplate(uriTemplate: string): CompiledTemplate {
  const variables: string[] = [];
  const spans: boolean[] = [];
  const parts = uriTemplate.split(/(\{\+?[^}]+\})/);
  const lastVar = parts.reduce((last, part, index) => (/^\{/.test(part) ? index : last), -1);
  const source = parts
    .map((part, index) => {
      const match = /^\{(\+?)([^}]+)\}$/.exec(part);
      if (!match) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const spanning = match[1] === "+" || index === lastVar;
      variables.push(match[2]!);
      spans.push(spanning);
      return spanning ? "(.+)" : "([^/]+)";
    })
    .join("");
  const native = linearOnV8(parts, spans) ? new RegExp(`^${source}$`) : undefined;
  return { source: `^${source}$`, ...(native ? { native } : {}), variables, spans, parts };
}

/**
 * Whether JavaScript's backtracking engine is linear on the template's pattern, so it can run there (hundreds of
 * times cheaper per URI than re2js, which `resources/list` pays for every URI it lists): anchored (one start);
 * every variable but the last is one segment (`[^/]+`) followed by literal text starting with `/`, which it cannot
 * match, so it has one extent and each character it gives back fails at once; the last is followed by literal
 * text only, so giving back costs that text's length per character. `secrets/{tenant}/{path}` qualifies;
 * `{+a}-{+b}` and `{a}-{b}` (two variables trading the characters between them) run on RE2.
 */
function linearOnV8(parts: readonly string[], spans: readonly boolean[]): boolean {
  for (let slot = 0; slot < spans.length - 1; slot++) {
    if (spans[slot] || !(parts[2 * slot + 2] ?? "").startsWith("/")) return false;
  }
  return true;
}

/** The template's variables, percent-decoded, when the URI matches it. */
export function matchTemplate(compiled: CompiledTemplate, uri: string): Record<string, string> | undefined {
  // On a backtracking engine, `x://{+a}-{+b}-{+c}.json` against a URI of dashes takes cubic time; on RE2, linear.
  // Made from escaped literals and two fixed groups, the pattern is always one RE2 expresses (null: no match).
  const match = (compiled.native ?? linearPattern(compiled.source))?.exec(uri);
  if (!match) return undefined;
  // Prototype-free: variables are a manifest's names (`__proto__`, `constructor`), read as `values[name]`.
  const values: Record<string, string> = Object.create(null);
  compiled.variables.forEach((variable, index) => {
    const raw = match[index + 1] ?? "";
    try {
      values[variable] = decodeURIComponent(raw);
    } catch {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `malformed percent-encoding in ${variable}`);
    }
  });
  return values;
}

/**
 * The URI of `values`: each value percent-encoded (a spanning one segment by segment, its slashes kept).
 * Undefined when a value is empty or the URI would not read back to exactly these values.
 */
export function expandTemplate(
  compiled: CompiledTemplate,
  values: Readonly<Record<string, string>>,
): string | undefined {
  let slot = 0;
  let empty = false;
  const uri = compiled.parts
    .map((part, index) => {
      if (index % 2 === 0) return part;
      const value = values[compiled.variables[slot]!] ?? "";
      const spanning = compiled.spans[slot++];
      if (value === "") empty = true;
      return spanning ? value.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(value);
    })
    .join("");
  if (empty) return undefined;
  const back = matchTemplate(compiled, uri);
  return back && compiled.variables.every((v) => back[v] === values[v]) ? uri : undefined;
}
