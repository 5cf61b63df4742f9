import { isExactNumber } from "../catalog.js";
import { issuePath } from "./issues.js";

/**
 * Text in arguments that is not Unicode: a string (or an object's key) holding a lone surrogate, which JSON
 * lets a client write (`"\ud800"`) but which has no UTF-8 form. Percent-encoding one for a path, a query or a
 * form body throws, a multipart body would carry U+FFFD in its place, and a JSON body would pass the escape on
 * for the upstream's parser to guess at; so such arguments are refused, never sent changed.
 */

interface Step {
  value: unknown;
  key?: string | number;
  parent?: Step;
}

/**
 * The refusal of the first string or key (in document order) that is not well-formed UTF-16, naming where it is;
 * undefined when every one is. Iterative: validated arguments may hold a decoded value nested deeper than the
 * raw arguments' depth bound.
 */
export function illFormedText(data: unknown): string | undefined {
  const stack: Step[] = [{ value: data }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const value = step.value;
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) return refusal(`${pathOf(step)} holds`, value);
      continue;
    }
    if (value === null || typeof value !== "object" || isExactNumber(value)) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: step });
      continue;
    }
    const keys = Object.keys(value);
    for (const key of keys) {
      if (LONE_SURROGATE.test(key)) return refusal(`${pathOf(step)} has a property name holding`, key);
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push({ value: (value as Record<string, unknown>)[key], key, parent: step });
    }
  }
  return undefined;
}

/** A surrogate without its pair: with the `u` flag a pair is one code point, which this range does not hold. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Whether text holds a surrogate without its pair (is not well-formed UTF-16). */
export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

function refusal(where: string, text: string): string {
  const at = text.search(LONE_SURROGATE);
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  return `invalid arguments: ${where} a lone surrogate (U+${unit} at character ${at + 1}), which is not Unicode text and has no UTF-8 form; it is refused rather than sent changed. Send well-formed text (a character beyond U+FFFF is written as a pair: a high surrogate, then a low one)`;
}

/** The step's path as issue paths are written (`a.b[0]`; `(root)` for the arguments themselves). */
function pathOf(step: Step): string {
  const keys: Array<string | number> = [];
  for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return issuePath(keys.reverse());
}
