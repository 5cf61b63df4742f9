/**
 * The `serve --allow` / `--deny` selector globs: `*` matches any run of characters (none included), every other
 * character matches itself, case-insensitively. Matching is linear in the glob and the text together: the glob's
 * literal runs between stars are found left to right, each at its first place after the one before (for
 * `*`-only globs the leftmost match is always a right one), with Knuth-Morris-Pratt so that no character of the
 * text is compared more than twice. A regular expression with one `.*` per star backtracks polynomially in the
 * number of stars: 30 stars against a 128-character name is beyond any wait.
 */

/** Characters compared while matching, over the process: tests read it to bound the work of hostile globs. */
export const globWork = { steps: 0 };

/** How a case-insensitive regular expression without the `u` flag folds one UTF-16 unit (ECMA-262 Canonicalize). */
function fold(unit: string): string {
  const upper = unit.toUpperCase();
  if (upper.length !== 1) return unit;
  if (unit.charCodeAt(0) >= 128 && upper.charCodeAt(0) < 128) return unit;
  return upper;
}

function folded(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text[i] as string;
    out += unit >= "a" && unit <= "z" ? unit.toUpperCase() : unit < "\u0080" ? unit : fold(unit);
  }
  return out;
}

/** The failure table of `word`: for each prefix, the length of its longest proper border. */
function borders(word: string): number[] {
  const table = new Array<number>(word.length).fill(0);
  let k = 0;
  for (let i = 1; i < word.length; i++) {
    while (k > 0 && word[i] !== word[k]) k = table[k - 1] as number;
    if (word[i] === word[k]) k++;
    table[i] = k;
  }
  return table;
}

/** Where `word` first ends in `text` between `from` and `end` (the index after its last character), or -1. */
function findFrom(text: string, word: string, table: readonly number[], from: number, end: number): number {
  let k = 0;
  for (let i = from; i < end; i++) {
    globWork.steps++;
    while (k > 0 && text[i] !== word[k]) {
      globWork.steps++;
      k = table[k - 1] as number;
    }
    if (text[i] === word[k]) k++;
    if (k === word.length) return i + 1;
  }
  return -1;
}

/** A test of texts against `glob`, built once per glob. */
export function globMatcher(glob: string): (text: string) => boolean {
  const parts = folded(glob).split("*");
  const head = parts[0] as string;
  if (parts.length === 1) return (text) => text.length === head.length && folded(text) === head;
  const tail = parts[parts.length - 1] as string;
  const middle = parts.slice(1, -1).filter((part) => part !== "");
  const tables = middle.map(borders);
  const least = head.length + tail.length + middle.reduce((n, part) => n + part.length, 0);
  return (raw) => {
    if (raw.length < least) return false;
    const text = folded(raw);
    if (!text.startsWith(head) || !text.endsWith(tail)) return false;
    let at = head.length;
    const end = text.length - tail.length;
    for (let i = 0; i < middle.length; i++) {
      at = findFrom(text, middle[i] as string, tables[i] as number[], at, end);
      if (at === -1) return false;
    }
    return true;
  };
}
