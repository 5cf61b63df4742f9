import { describe, expect, it } from "vitest";
import { globMatcher, globWork } from "../../src/policy/glob.js";
import { matchSelectors } from "../../src/policy/switches.js";
import { random } from "../helpers/random.js";
import { docWith, tool } from "./helpers.js";

/**
 * `serve --allow` / `--deny` globs: the matcher against the regular expression it replaces (one `.*` per star,
 * case-insensitive), and the work a hostile glob costs. The old expression backtracks polynomially in the number
 * of stars; it is only run here on globs and names small enough for that not to matter.
 */

function oldRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${body}$`, "i");
}

function word(next: () => number, alphabet: string, max: number): string {
  let out = "";
  const length = Math.floor(next() * (max + 1));
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

function agree(glob: string, name: string): void {
  expect(globMatcher(glob)(name), `${JSON.stringify(glob)} against ${JSON.stringify(name)}`).toBe(
    oldRegExp(glob).test(name),
  );
}

describe("selector globs", () => {
  it("match as the case-insensitive regular expression did, on a written table", () => {
    const globs = [
      "",
      "*",
      "**",
      "github_repos_*",
      "*_delete",
      "*repo*",
      "a*b*c",
      "a*a",
      "*aa*aa*",
      "aba*aba",
      "abab*",
      "*abab",
      "list.users",
      "list.*",
      "LIST_*",
      "a+b",
      "a?b",
      "(x)|[y]^$",
      "\\*",
      "ſ*",
      "K*",
      "ß*",
      "é*",
      "*\u212a",
    ];
    const names = [
      "",
      "a",
      "aa",
      "ab",
      "abc",
      "aXbXc",
      "abab",
      "ababab",
      "abaaba",
      "aba",
      "github_repos_list",
      "GITHUB_REPOS_",
      "github_repo",
      "users_delete",
      "list.users",
      "listxusers",
      "list_users",
      "a+b",
      "aab",
      "a?b",
      "axb",
      "(x)|[y]^$",
      "\\x",
      "s",
      "S",
      "k",
      "\u212a",
      "SS",
      "ß",
      "É",
      "é",
      "aaaa",
    ];
    for (const glob of globs) for (const name of names) agree(glob, name);
  });

  it("match as the regular expression did, on random globs and names", () => {
    const next = random(40);
    for (let i = 0; i < 20_000; i++) {
      const glob = word(next, "ab*A.B_", 8);
      const name = word(next, "abAB._", 12);
      agree(glob, name);
    }
  });

  it("compare each character of a name a bounded number of times, whatever the glob", () => {
    const name = "a".repeat(10_000);
    for (const glob of [`${"*a".repeat(30)}*b`, `*${"a".repeat(29)}b*`, `a${"*aab".repeat(30)}`]) {
      const before = globWork.steps;
      expect(globMatcher(glob)(name)).toBe(false);
      expect(globWork.steps - before, glob).toBeLessThanOrEqual(2 * name.length);
    }
    const before = globWork.steps;
    expect(globMatcher(`${"*a".repeat(30)}*`)(name)).toBe(true);
    expect(globWork.steps - before).toBeLessThanOrEqual(2 * name.length);
  });

  it("let a hostile --deny selector come back at once as matching no tool", () => {
    const doc = docWith([tool("a".repeat(128), {}, { aliases: ["a".repeat(127)] })]);
    const problems: string[] = [];
    const before = globWork.steps;
    const selector = `${"*a".repeat(30)}*b`;
    expect(matchSelectors(doc, doc.tools, [selector, "A*"], "--deny", problems)).toEqual(
      new Map([["a".repeat(128), "A*"]]),
    );
    expect(problems).toEqual([`--deny: "${selector}" matches no tool of catalog ${doc.catalog}`]);
    expect(globWork.steps - before).toBeLessThanOrEqual(2 * (128 + 127 + 128));
  });
});
