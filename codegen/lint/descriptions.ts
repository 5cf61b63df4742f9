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
  [/\b(system prompt|developer message|jailbreak)\b/i, "talks about the system prompt"],
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

// Zero-width characters, bidi controls and tag characters: invisible or reordered text a reviewer cannot see.
const HIDDEN = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/u;

export function scanText(field: string, text: string | undefined): DescriptionFinding[] {
  if (!text) return [];
  const out: DescriptionFinding[] = [];
  for (const [pattern, reason] of INSTRUCTION_PATTERNS) {
    if (pattern.test(text)) out.push({ field, reason });
  }
  if (HIDDEN.test(text)) out.push({ field, reason: "contains invisible or bidi-control characters" });
  if (/<!--[\s\S]*?-->/.test(text))
    out.push({ field, reason: "contains an HTML comment (hidden when rendered)" });
  return out;
}

/** Every description-like text of a published tool: title, description, and each argument's description. */
export function scanTool(tool: {
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
}): DescriptionFinding[] {
  const findings = [...scanText("title", tool.title), ...scanText("description", tool.description)];
  const visit = (schema: unknown, path: string): void => {
    if (!schema || typeof schema !== "object") return;
    const s = schema as Record<string, unknown>;
    if (typeof s.description === "string" && path) findings.push(...scanText(path, s.description));
    for (const [name, child] of Object.entries((s.properties as Record<string, unknown> | undefined) ?? {})) {
      visit(child, path ? `${path}.${name}` : `arguments.${name}`);
    }
  };
  visit(tool.inputSchema, "");
  return findings;
}
