import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { unprocessable } from "./errors.js";
import { randomString } from "./util.js";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const SYMBOLS = "!@#$%^&*()-_=+";
const WORDS = [
  "anchor",
  "basket",
  "candle",
  "dragon",
  "ember",
  "falcon",
  "garden",
  "harbor",
  "island",
  "jungle",
  "kettle",
  "lantern",
  "meadow",
  "nickel",
  "orbit",
  "pepper",
  "quartz",
  "river",
  "saddle",
  "timber",
  "umbra",
  "velvet",
  "walnut",
  "xenon",
  "yonder",
  "zephyr",
  "copper",
  "glacier",
  "marble",
  "thistle",
  "cobalt",
  "juniper",
];

interface TypeInfo {
  description: string;
  example: string;
  parameters: { name: string; type: "integer" | "string"; description: string; default?: string }[];
}

/** What each secret policy type accepts; served by getPolicyTypes and enforced by createSecretPolicy. */
export const POLICY_TYPES: Record<string, TypeInfo> = {
  password: {
    description: "Random characters from lower, upper, digit and symbol classes.",
    example: "q7#Vd2!mK9x@Lp4$Wz8&",
    parameters: [
      { name: "length", type: "integer", description: "Number of characters.", default: "24" },
      { name: "min_lowercase", type: "integer", description: "At least this many a-z.", default: "1" },
      { name: "min_uppercase", type: "integer", description: "At least this many A-Z.", default: "1" },
      { name: "min_digits", type: "integer", description: "At least this many 0-9.", default: "1" },
      { name: "min_symbols", type: "integer", description: "At least this many symbols.", default: "1" },
      { name: "symbols", type: "string", description: "The symbol alphabet.", default: SYMBOLS },
      { name: "exclude_chars", type: "string", description: "Characters never used.", default: "" },
    ],
  },
  passphrase: {
    description: "Dictionary words joined by a separator; easy to type, high entropy per character typed.",
    example: "harbor-quartz-ember-saddle-walnut",
    parameters: [
      { name: "words", type: "integer", description: "Number of words.", default: "5" },
      { name: "separator", type: "string", description: "Between words.", default: "-" },
    ],
  },
  api_key: {
    description: "A fixed prefix followed by random letters and digits.",
    example: "sk_4fT9xQ2mLp8Rz7Vb3Nc6Wd1Yh5Kj0Gs",
    parameters: [
      { name: "prefix", type: "string", description: "Fixed prefix.", default: "sk_" },
      { name: "length", type: "integer", description: "Random characters after the prefix.", default: "32" },
    ],
  },
  hex: {
    description: "Random bytes, hex-encoded.",
    example: "9f2c41d07a3e5b88c1d2e3f405a6b7c8",
    parameters: [{ name: "length", type: "integer", description: "Number of random bytes.", default: "32" }],
  },
  base64: {
    description: "Random bytes, base64-encoded.",
    example: "n2Vq8Jx1Tz0bKc5Lm7Hd3Q==",
    parameters: [{ name: "length", type: "integer", description: "Number of random bytes.", default: "32" }],
  },
  uuid: {
    description: "A random UUID (version 4).",
    example: "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    parameters: [],
  },
};

/** Refuses rules a type does not accept, or minimums that cannot fit in the length. */
export function checkRules(type: string, rules: Record<string, unknown>): void {
  const allowed = new Set(POLICY_TYPES[type]?.parameters.map((p) => p.name));
  const unknown = Object.keys(rules).filter((k) => !allowed.has(k));
  if (unknown.length > 0) {
    throw unprocessable("invalid_rules", `Policy type '${type}' does not accept: ${unknown.join(", ")}.`);
  }
  if (type === "password") {
    const r = rules as Record<string, number>;
    const mins = (r.min_lowercase ?? 1) + (r.min_uppercase ?? 1) + (r.min_digits ?? 1) + (r.min_symbols ?? 1);
    if (mins > (r.length ?? 24))
      throw unprocessable("invalid_rules", "The minimums add up to more than the length.");
  }
}

function shuffle(chars: string[]): string {
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}

export interface Generated {
  value: string;
  entropy_bits: number;
}

export function generate(type: string, rules: Record<string, any>): Generated {
  switch (type) {
    case "password": {
      const drop = (s: string) => [...s].filter((c) => !(rules.exclude_chars ?? "").includes(c)).join("");
      const classes: [string, number][] = [
        [drop(LOWER), rules.min_lowercase ?? 1],
        [drop(UPPER), rules.min_uppercase ?? 1],
        [drop(DIGITS), rules.min_digits ?? 1],
        [drop(rules.symbols ?? SYMBOLS), rules.min_symbols ?? 1],
      ];
      const length = rules.length ?? 24;
      const all = classes.map(([a]) => a).join("");
      const chars: string[] = [];
      for (const [alphabet, min] of classes)
        for (let i = 0; i < min; i++) chars.push(randomString(1, alphabet));
      while (chars.length < length) chars.push(randomString(1, all));
      return { value: shuffle(chars), entropy_bits: round(length * Math.log2(all.length)) };
    }
    case "passphrase": {
      const words = rules.words ?? 5;
      const picked = Array.from({ length: words }, () => WORDS[randomInt(WORDS.length)]!);
      return {
        value: picked.join(rules.separator ?? "-"),
        entropy_bits: round(words * Math.log2(WORDS.length)),
      };
    }
    case "api_key": {
      const length = rules.length ?? 32;
      return {
        value: `${rules.prefix ?? "sk_"}${randomString(length)}`,
        entropy_bits: round(length * Math.log2(62)),
      };
    }
    case "hex":
      return {
        value: randomBytes(rules.length ?? 32).toString("hex"),
        entropy_bits: (rules.length ?? 32) * 8,
      };
    case "base64":
      return {
        value: randomBytes(rules.length ?? 32).toString("base64"),
        entropy_bits: (rules.length ?? 32) * 8,
      };
    default:
      return { value: randomUUID(), entropy_bits: 122 };
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
