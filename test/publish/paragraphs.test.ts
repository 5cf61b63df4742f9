import { describe, expect, it } from "vitest";
import { firstParagraph, firstSentence, fullText, plainText } from "../../src/publish/describe.js";

/**
 * `firstParagraph` and `firstSentence` find a text's first paragraph (the first plain one: not an admonition or a
 * heading) by searching for the blank lines that end paragraphs, without splitting the whole text (CATALOG.md and
 * the concise descriptions read every description of a spec). They must give exactly what splitting gives.
 */
function splitFirstParagraph(text: string): string {
  const trimmed = text.replace(/\r\n?/g, "\n").trim();
  const paragraphs = trimmed.split(/\n\s*\n/).filter((p) => !/^\s*(>|#)/.test(p));
  return paragraphs[0] ?? trimmed.split(/\n\s*\n/)[0] ?? "";
}

function splitFirstSentence(text: string, max: number): string {
  const para = (text.split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " ").trim();
  const end = /(?<!\b(?:e\.g|i\.e|etc|vs|cf))[.!?](?=\s+[A-Z(`"]|$)/.exec(para);
  const s = end ? para.slice(0, end.index + 1) : para;
  return s.length > max ? `${s.slice(0, max - 3)}…` : s;
}

const CASES = [
  "",
  "one paragraph. Two sentences.",
  "first\n\nsecond",
  "\n\nstarts with a blank line\n\nthen text",
  "> [!NOTE]\n> a note\n\n# Heading\n\nThe summary. More.\n\nLater.",
  "> only an admonition\n\n# and a heading",
  "# heading only",
  "a\n \t \nb\n\n\n\nc",
  "line one\nline two\n\nnext",
  "\r\n\r\nWindows\r\n\r\nlines",
  "  >  indented quote\n\n  # indented heading\n\n  text",
  "ends with a break\n\n",
  "x\n\n> quote\n\ny",
];

/** A deterministic random text of the characters the paragraph and sentence rules look at. */
function randomText(seed: number): string {
  const alphabet = ["\n", "\n", " ", "\t", "\r", ">", "#", "a", "B", ".", "e.g.", "?", "(", "`"];
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  return Array.from({ length: next(40) }, () => alphabet[next(alphabet.length)]).join("");
}

describe("the first paragraph, found without splitting the text", () => {
  it.each(CASES)("%j", (text) => {
    expect(firstParagraph(text)).toBe(splitFirstParagraph(text));
    expect(firstSentence(text, 20)).toBe(splitFirstSentence(text, 20));
  });

  it("2,000 random texts of breaks, quotes, headings and sentence ends", () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const text = randomText(seed);
      expect(firstParagraph(text), JSON.stringify(text)).toBe(splitFirstParagraph(text));
      expect(firstSentence(text, 12), JSON.stringify(text)).toBe(splitFirstSentence(text, 12));
    }
  });
});

/** `plainText` as written before it skipped collapsing whitespace that is collapsed already. */
function replacedPlainText(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+"[^"]*")?\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/<(https?:\/\/[^>\s]+)>/g, "$1")
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?>/g, "")
    .replace(
      /&(amp|lt|gt|quot|apos|nbsp);/g,
      (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " })[name] ?? "",
    )
    .replace(/(\*\*|__)(?=\S)([^*_]+?)\1/g, "$2")
    .replace(/\s+/g, " ")
    .trim();
}

/** `fullText` as written before, every whitespace run of its first paragraph and title replaced. */
function replacedFullText(text: string, title: string): string {
  const normal = text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const end = normal.indexOf("\n\n");
  if (end < 0 || !title) return normal;
  const first = normal.slice(0, end).replace(/\s+/g, " ").replace(/[.:]$/, "");
  return first === title.trim().replace(/\s+/g, " ").replace(/[.:]$/, "") ? normal.slice(end + 2) : normal;
}

describe("whitespace collapsed only where it is not already", () => {
  // Every kind of whitespace \s matches, alone and in runs, beside words and markup.
  const alphabet = [
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r",
    "\f",
    "\v",
    "\u00a0",
    "\u2028",
    "\u3000",
    "\ufeff",
    "a",
    "Word",
    ".",
    "<b>",
    "&amp;",
    "**x**",
    "[l](u)",
  ];
  let state = 11;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  it("gives what the plain replace gave on 3,000 random texts", () => {
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: next(30) }, () => alphabet[next(alphabet.length)]).join("");
      const title = Array.from({ length: next(6) }, () => alphabet[next(alphabet.length)]).join("");
      expect(plainText(text), JSON.stringify(text)).toBe(replacedPlainText(text));
      expect(firstSentence(text, 25), JSON.stringify(text)).toBe(splitFirstSentence(text, 25));
      expect(fullText(`${title}\n\n${text}`, title), JSON.stringify([title, text])).toBe(
        replacedFullText(`${title}\n\n${text}`, title),
      );
    }
  });
});
