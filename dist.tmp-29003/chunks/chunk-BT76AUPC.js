// codegen/lint/descriptions.ts
var INSTRUCTION_PATTERNS = [
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
var HIDDEN = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/u;
function scanText(field, text) {
  if (!text) return [];
  const out = [];
  for (const [pattern, reason2] of INSTRUCTION_PATTERNS) {
    if (pattern.test(text)) out.push({ field, reason: reason2 });
  }
  if (HIDDEN.test(text)) out.push({ field, reason: "contains invisible or bidi-control characters" });
  if (/<!--[\s\S]*?-->/.test(text))
    out.push({ field, reason: "contains an HTML comment (hidden when rendered)" });
  return out;
}
function scanTool(tool) {
  const findings = [...scanText("title", tool.title), ...scanText("description", tool.description)];
  const visit = (schema, path) => {
    if (!schema || typeof schema !== "object") return;
    const s = schema;
    if (typeof s.description === "string" && path) findings.push(...scanText(path, s.description));
    for (const [name, child] of Object.entries(s.properties ?? {})) {
      visit(child, path ? `${path}.${name}` : `arguments.${name}`);
    }
  };
  visit(tool.inputSchema, "");
  return findings;
}

// codegen/bind/classify.ts
var CATEGORIES = [
  {
    says: "moves money or ownership",
    verbs: ["refund", "pay", "capture", "withdraw", "disburse", "purchase", "buy", "checkout", "remit"],
    ambiguous: ["transfer", "charge", "payout", "debit"],
    nouns: [
      "refund",
      "payout",
      "transfer",
      "charge",
      "payment",
      "withdrawal",
      "disbursement",
      "purchase",
      "transaction",
      "topup",
      "remittance",
    ],
  },
  {
    says: "deletes or destroys data",
    verbs: ["delete", "remove", "destroy", "purge", "erase", "wipe", "truncate", "uninstall", "discard"],
    ambiguous: ["drop", "terminate"],
    nouns: ["deletion"],
  },
  {
    says: "revokes or disables access",
    verbs: ["revoke", "invalidate", "deactivate", "disable", "suspend", "ban", "unshare"],
    ambiguous: ["block", "reset", "expire", "lock"],
    nouns: ["revocation", "suspension"],
  },
  {
    says: "cancels or reverses",
    verbs: ["cancel", "abort", "rescind", "rollback", "decline", "reject"],
    ambiguous: ["void", "reverse", "kill"],
    nouns: ["cancellation", "reversal", "chargeback", "dispute"],
  },
  {
    says: "sends messages or publishes",
    verbs: ["send", "resend", "notify", "broadcast", "invite", "publish", "unpublish", "dispatch"],
    ambiguous: ["email", "sms", "forward", "reply", "message"],
    nouns: ["message", "email", "sms", "notification", "invitation", "invite", "broadcast"],
  },
  {
    says: "deploys, releases, migrates or restarts",
    verbs: ["deploy", "redeploy", "rollout", "restart", "reboot", "shutdown", "failover", "migrate", "merge"],
    ambiguous: ["release", "promote", "stop", "halt"],
    nouns: ["deployment", "deploy", "release", "rollout", "migration", "restart"],
  },
  {
    says: "grants access or permissions",
    verbs: ["grant", "authorize", "approve", "elevate", "impersonate"],
    ambiguous: ["assign", "share"],
    nouns: ["permission", "grant", "collaborator", "member", "membership", "admin", "owner", "assignment"],
  },
];
var CREATION = /* @__PURE__ */ new Set([
  "create",
  "add",
  "issue",
  "initiate",
  "make",
  "new",
  "post",
  "start",
  "submit",
  "trigger",
  "request",
  "retry",
  "rerun",
  "schedule",
  "put",
  "insert",
  "open",
]);
var ARTICLES = /* @__PURE__ */ new Set([
  "a",
  "an",
  "the",
  "new",
  "one",
  "some",
  "multiple",
  "several",
  "bulk",
]);
var PHRASE_END = /* @__PURE__ */ new Set([
  "for",
  "to",
  "of",
  "in",
  "on",
  "with",
  "from",
  "by",
  "that",
  "which",
  "and",
  "or",
  "at",
  "into",
  "using",
  "via",
  "if",
  "when",
]);
var LEAD_IN =
  /^(?:(?:this|the)\s+(?:endpoint|operation|method|api|call|mutation|request|route|action)\s+(?:will\s+|can\s+(?:be\s+used\s+to\s+)?|is\s+used\s+to\s+|lets\s+you\s+|allows\s+(?:you|users?|the\s+caller|clients?)\s+to\s+)?|(?:use|call)\s+this(?:\s+\w+)?\s+to\s+|(?:it\s+)?allows\s+(?:you|users?|the\s+caller|clients?)\s+to\s+|lets\s+you\s+|used\s+to\s+|you\s+can\s+|can\s+be\s+used\s+to\s+)/i;
function singular(word) {
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(?:ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && word.length > 3) return word.slice(0, -1);
  return word;
}
function words(text) {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}
function verbHit(word, position) {
  for (const category of CATEGORIES) {
    if (category.verbs.includes(word)) return { category, word };
    if (position === "verb" && category.ambiguous?.includes(word)) return { category, word };
  }
  return void 0;
}
function nounHit(word) {
  const base = singular(word);
  for (const category of CATEGORIES) if (category.nouns?.includes(base)) return { category, word };
  return void 0;
}
function leadingVerb(word) {
  const hit =
    verbHit(word, "verb") ??
    (word.endsWith("es") ? verbHit(word.slice(0, -2), "verb") : void 0) ??
    (word.endsWith("s") ? verbHit(word.slice(0, -1), "verb") : void 0);
  return hit && { category: hit.category, word };
}
function isCreation(word) {
  return CREATION.has(word) || (word.endsWith("s") && CREATION.has(word.slice(0, -1)));
}
function phraseHead(ws, from) {
  let j = from;
  while (j < ws.length && ARTICLES.has(ws[j])) j++;
  let head;
  for (; j < ws.length && !PHRASE_END.has(ws[j]); j++) head = ws[j];
  return head;
}
var METHOD_WORDS = /* @__PURE__ */ new Set(["get", "post", "put", "patch", "delete", "head", "options"]);
var NEUTRAL = /* @__PURE__ */ new Set([
  "update",
  "set",
  "edit",
  "change",
  "modify",
  "configure",
  "toggle",
  "mark",
  "replace",
  "upsert",
  "save",
  "rename",
  "move",
  "copy",
  "sync",
  "enable",
  "get",
  "list",
  "fetch",
  "read",
  "search",
  "find",
  "query",
  "check",
  "validate",
  "verify",
  "test",
  "preview",
  "plan",
  "convert",
  "clone",
  "fork",
  "import",
  "export",
  "upload",
  "download",
  "follow",
  "watch",
  "subscribe",
  "star",
  "pin",
  "unpin",
  "link",
  "attach",
  "close",
  "reopen",
  "resolve",
  "accept",
  "dismiss",
  "renew",
  "refresh",
  "rotate",
  "generate",
  "compute",
  "calculate",
  "estimate",
  "lookup",
  "describe",
  "count",
  "retrieve",
  "view",
  "show",
  "render",
  "sort",
  "filter",
  "apply",
]);
function nameHits(name, summary, http) {
  const ws = words(name.split(/[/.]/).at(-1) ?? name);
  const first = ws[0];
  if (first === void 0) return [];
  if (http && METHOD_WORDS.has(first)) return [];
  const verb = verbHit(first, "verb");
  if (verb) return [verb];
  if (NEUTRAL.has(first)) return [];
  if (isCreation(first)) {
    const head = summary.createsOther ? void 0 : phraseHead(ws, 1);
    const noun = head ? nounHit(head) : void 0;
    return noun ? [noun] : [];
  }
  const hits = ws.flatMap((w) => verbHit(w, "any") ?? []);
  const last = ws.at(-1);
  if (hits.length === 0 && ws.length > 1 && isCreation(last)) {
    const noun = summary.createsOther ? void 0 : nounHit(ws.at(-2));
    if (noun) hits.push(noun);
  }
  return hits;
}
function readSentence(text) {
  const first = (text.split(/(?<=[.!?])\s|\n/)[0] ?? "").trim().replace(LEAD_IN, "");
  const ws = first
    .split(/[^A-Za-z0-9-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  let i = 0;
  while (i < ws.length - 1 && /ly$/.test(ws[i])) i++;
  const lead = ws[i];
  const none = { hits: [], createsOther: false };
  if (!lead) return none;
  const verb = leadingVerb(lead);
  if (verb) return { hits: [verb], createsOther: false };
  if (!isCreation(lead)) return none;
  const head = phraseHead(ws, i + 1);
  const noun = head ? nounHit(head) : void 0;
  return noun ? { hits: [noun], createsOther: false } : { hits: [], createsOther: head !== void 0 };
}
function pathHits(method, path, summary) {
  if (summary.createsOther) return [];
  const segments = path.split("/").filter(Boolean);
  const isParam = (s) => s !== void 0 && /^\{.*\}$/.test(s);
  const trailingParam = isParam(segments.at(-1));
  const literal = trailingParam ? segments.at(-2) : segments.at(-1);
  if (literal === void 0 || isParam(literal)) return [];
  const hits = [];
  const ws = words(literal);
  if (!trailingParam) {
    ws.forEach((w, i) => {
      const hit = verbHit(w, i === 0 ? "verb" : "any");
      if (hit) hits.push(hit);
    });
  }
  const creates = (method === "POST" && !trailingParam) || (method === "PUT" && trailingParam);
  const head = ws.at(-1);
  if (hits.length === 0 && creates && head) {
    const noun = nounHit(head);
    if (noun) hits.push(noun);
  }
  return hits;
}
function reason(hit, where) {
  return `${hit.category.says}: "${hit.word}" in ${where}`;
}
function reasonsOf(signals) {
  const seen = /* @__PURE__ */ new Set();
  const out = [];
  for (const [hits, where] of signals) {
    for (const hit of hits) {
      if (seen.has(hit.category)) continue;
      seen.add(hit.category);
      out.push(reason(hit, where));
    }
  }
  return out;
}
var RANK = { read: 0, write: 1, destructive: 2 };
function safetyRank(safety) {
  return RANK[safety];
}
function basis(binding, bindingReason, consequences) {
  const raise = binding === "write" && consequences.length > 0;
  return {
    binding,
    proposed: raise ? "destructive" : binding,
    reasons: binding === "write" ? consequences : [bindingReason],
  };
}
function safetyOfMethod(method) {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return "read";
  if (method === "DELETE") return "destructive";
  return "write";
}
function classifyHttp(op) {
  const binding = safetyOfMethod(op.method);
  if (binding !== "write") return basis(binding, `${op.method} method`, []);
  const sentence = readSentence(op.summary ?? op.description ?? "");
  return basis(
    binding,
    `${op.method} method`,
    reasonsOf([
      [op.operationId ? nameHits(op.operationId, sentence, true) : [], `the operationId ${op.operationId}`],
      [pathHits(op.method, op.path, sentence), `the path ${op.path}`],
      [sentence.hits, op.summary ? "the summary" : "the description"],
    ]),
  );
}
function classifyGraphql(op) {
  if (op.operationType !== "mutation") return basis("read", `a ${op.operationType}`, []);
  const name = op.field ?? op.operationName;
  const sentence = readSentence(op.description ?? "");
  return basis(
    "write",
    "a mutation",
    reasonsOf([
      [nameHits(name, sentence, false), `the mutation name ${name}`],
      [sentence.hits, "the description"],
    ]),
  );
}

export { classifyGraphql, classifyHttp, safetyOfMethod, safetyRank, scanTool };
