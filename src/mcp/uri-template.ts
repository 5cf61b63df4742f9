import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { linearPattern } from "../patterns/matcher.js";

/**
 * The resource templates' URI syntax, both ways: a URI matched to its variables (`resources/read`), and
 * variables expanded into a URI (`resources/list`), so that every listed URI reads back to the same values.
 */

export interface CompiledTemplate {
  /** The template as a pattern, run on RE2 (linear in the URI, which the client chooses) from the first match. */
  source: string;
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
  return { source: `^${source}$`, variables, spans, parts };
}

/** The template's variables, percent-decoded, when the URI matches it. */
export function matchTemplate(compiled: CompiledTemplate, uri: string): Record<string, string> | undefined {
  // On a backtracking engine, `x://{+a}-{+b}-{+c}.json` against a URI of dashes takes cubic time; on RE2, linear.
  // Made from escaped literals and two fixed groups, the pattern is always one RE2 expresses (null: no match).
  const match = linearPattern(compiled.source)?.exec(uri);
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
