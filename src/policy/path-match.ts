import { isDotSegment, windowsName } from "../catalog.js";

/**
 * Secret-path prefixes and the values they are matched against, on normalised segments: `a/b` is under `a`
 * and `a/b` but not under `a/bc`; `integrations/` and `integrations` are the same prefix.
 *
 * A value is refused outright, before any matching, when a server could read it as something else than the
 * plain segments we matched: `.`/`..`/empty segments (traversal, `a//b`), percent escapes (`%2e%2e`, `%2f`:
 * decoded by some servers and not others), backslashes (a separator on some), `?` and `#` (end the path),
 * `;` (path parameters: `..;/` walks up on some servers), control characters, whitespace at either end of a
 * segment (trimmed by some), a segment of dots and spaces only, or of them before a `:` (`...`, `. .`, `..:x`:
 * Windows drops a name's trailing dots and spaces and reads what follows a `:` as a stream, so it is `..` or `.`
 * there: `isDotSegment`), anything Unicode normalisation (NFKC) would change (fullwidth `．．`), and any
 * character that renders as nothing (see `INVISIBLE`): `infra\u200b/db` must not pass a deny entry `infra/`
 * while looking like it, and no server agrees on whether to strip such characters.
 */

export type Segments = readonly string[];

export type Parsed = { ok: true; segments: Segments } | { ok: false; problem: string };

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Characters that render as nothing or move text around: Unicode's default-ignorable code points (zero-width
 * space and joiners, soft hyphen, variation selectors, tags, Hangul fillers, word joiner ...), every format
 * character (bidi controls and isolates, Arabic and interlinear marks), line and paragraph separators, every
 * whitespace but the ASCII space (no-break, ideographic, Ogham ...), and the blank Braille pattern.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Zl}\p{Zp}\u2800]|(?! )\s/u;

function problemOf(text: string): string | undefined {
  if (CONTROL.test(text)) return "contains a control character";
  const invisible = INVISIBLE.exec(text);
  if (invisible) {
    const code = invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `contains an invisible or formatting character (U+${code})`;
  }
  if (text.includes("%")) return "contains a percent escape ('%')";
  if (text.includes("\\")) return "contains a backslash";
  if (text.includes("?") || text.includes("#")) return "contains '?' or '#'";
  if (text.includes(";")) return "contains ';'";
  if (text.normalize("NFKC") !== text) return "contains characters that Unicode normalisation changes";
  return undefined;
}

/**
 * A value's segments (`entry`: a list item's, which may not end in `.` either: an entry the deny comparison reads
 * without its dots, or an allow entry no such server names, is a mistake to say at start).
 */
function checkSegments(segments: string[], entry = false): string | undefined {
  for (const segment of segments) {
    if (segment === "") return "has an empty segment ('//')";
    if (segment === "." || segment === "..") return "has a '.' or '..' segment";
    if (segment.trim() !== segment) return "has whitespace at the start or end of a segment";
    if (isDotSegment(segment))
      return "has a segment of dots and spaces only, or of them before a ':' (Windows drops a name's trailing dots and spaces and reads ':' as a stream: '..' or '.')";
    if (entry && segment.endsWith(".")) {
      return "has a segment ending in '.' (servers that drop a segment's trailing dots read it as another path)";
    }
  }
  return undefined;
}

/** A full path value (`integrations/salesforce/oauth`): no leading or trailing slash. */
export function parsePath(value: string): Parsed {
  if (value === "") return { ok: false, problem: "is empty" };
  const problem = problemOf(value);
  if (problem) return { ok: false, problem };
  if (value.startsWith("/")) return { ok: false, problem: "starts with '/'" };
  if (value.endsWith("/")) return { ok: false, problem: "ends with '/'" };
  const segments = value.split("/");
  const bad = checkSegments(segments);
  return bad ? { ok: false, problem: bad } : { ok: true, segments };
}

/**
 * A prefix (a listing's prefix argument, or an item of an allow/deny list): one trailing slash is optional, so
 * `integrations/` and `integrations` parse alike; the empty string means "everything" (no segments).
 * `leadingSlash` lets operators write `/integrations` in a list.
 */
export function parsePrefix(
  value: string,
  options: { leadingSlash?: boolean; entry?: boolean } = {},
): Parsed {
  const problem = problemOf(value);
  if (problem) return { ok: false, problem };
  let text = value;
  if (options.leadingSlash && text.startsWith("/")) text = text.slice(1);
  if (text.endsWith("/")) text = text.slice(0, -1);
  if (text === "") return { ok: true, segments: [] };
  if (text.startsWith("/")) return { ok: false, problem: "starts with '/'" };
  const segments = text.split("/");
  const bad = checkSegments(segments, options.entry);
  return bad ? { ok: false, problem: bad } : { ok: true, segments };
}

const GLOB = /[*?[\]{}]/;

/** Whether a segment is a wildcard or holds glob syntax (`*`, `**`, `?`, `[...]`, `{a,b}`, ScaiVault's `+`). */
export function isGlobSegment(segment: string): boolean {
  return segment === "+" || GLOB.test(segment);
}

/**
 * An item of an allow or deny list. Lists hold prefixes; the one glob they take is a deny entry ending in a
 * `*` or `**` segment (`infra/*`, the way ScaiVault's own policies write "everything below"), read as the
 * prefix before it, which also denies `infra` itself: a deny glob denies every path it could match, and more
 * only where a prefix cannot say less. Any other glob (in an allow entry, or before the last segment) is
 * refused with a message saying what to write instead: a list that silently matched nothing would fail open.
 */
export function parseListEntry(value: string, list: "allow" | "deny"): Parsed {
  const parsed = parsePrefix(value, { leadingSlash: true, entry: true });
  if (!parsed.ok) return parsed;
  const { segments } = parsed;
  const glob = segments.findIndex(isGlobSegment);
  if (glob === -1) return parsed;
  const before = segments.slice(0, glob);
  const trailing = glob === segments.length - 1 && (segments[glob] === "*" || segments[glob] === "**");
  if (list === "deny" && trailing && before.length > 0) return { ok: true, segments: before };
  const instead =
    before.length > 0 ? `; write ${before.join("/")}/ for everything below ${before.join("/")}` : "";
  return {
    ok: false,
    problem:
      list === "deny"
        ? `is a glob; a deny entry takes a prefix, optionally ending in /* or /**${instead}`
        : `is a glob; an allow entry takes a prefix (everything below it is allowed)${instead}`,
  };
}

/**
 * Whether `path` equals `prefix` or lies below it, segment by segment. `asDeny` compares as a deny entry does: the
 * name a server mapping paths to files on Windows opens (`windowsName`), case-insensitively.
 */
export function isUnder(path: Segments, prefix: Segments, asDeny = false): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const a = path[i]!;
    const b = prefix[i]!;
    if (asDeny ? windowsName(a).toLowerCase() !== windowsName(b).toLowerCase() : a !== b) return false;
  }
  return true;
}

export interface Scope {
  /** Allowed prefixes; `undefined` = no allow list (everything allowed unless denied). */
  allow?: readonly Segments[];
  deny?: readonly Segments[];
}

export type Verdict =
  | { ok: true }
  | { ok: false; by: "deny"; prefix: Segments }
  | { ok: false; by: "allow" }
  | { ok: false; by: "case" }
  | { ok: false; by: "alias" };

/**
 * A character whose upper and lower case do not map one to one: `ß` (upper `SS`), `İ` (lower `i̇`, two code
 * points), `ı` and `ſ` (upper to ASCII `I`, `S`), `K` (Kelvin sign, lower `k`), `ς` (final sigma). Servers fold
 * these differently (lower-casing, Unicode case folding, locale rules such as Turkish `İ` -> `i`), so no single
 * comparison can tell whether such a segment reaches a denied prefix.
 */
function caseAmbiguous(ch: string): boolean {
  if (ch.charCodeAt(0) < 0x80) return false;
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  return (
    lower.length !== ch.length ||
    upper.length !== ch.length ||
    upper.toLowerCase() !== lower ||
    lower.toUpperCase() !== upper
  );
}

/** Whether any segment holds a letter whose case mapping is ambiguous (see `caseAmbiguous`). */
export function hasAmbiguousCase(segments: Segments): boolean {
  for (const segment of segments) {
    for (const ch of segment) if (caseAmbiguous(ch)) return true;
  }
  return false;
}

/**
 * A segment Windows reads as another name that no comparison can see: an 8.3 short name (`INFRA~1` is
 * `infrastructure` where short names are made, as on a system volume by default), or one whose name
 * (`windowsName`) is nothing (`:x`, `.:$DATA`: a stream of the folder it is in). Streams and trailing dots are
 * compared by the name they open instead (`isUnder`'s `asDeny`).
 */
const SHORT_NAME = /~\d/;

/** The first segment Windows may read as another name (see `SHORT_NAME`), if any. */
export function windowsAlias(segments: Segments): string | undefined {
  return segments.find((segment) => SHORT_NAME.test(segment) || windowsName(segment) === "");
}

/** Refusals every deny list makes before matching: letters of ambiguous case, Windows aliases. */
function denyAmbiguity(path: Segments, scope: Scope): Verdict | undefined {
  if (!scope.deny || scope.deny.length === 0) return undefined;
  if (hasAmbiguousCase(path)) return { ok: false, by: "case" };
  if (windowsAlias(path) !== undefined) return { ok: false, by: "alias" };
  return undefined;
}

/**
 * Deny wins. Deny prefixes match case-insensitively: an upstream that treats `Infra/` as `infra/` must not open
 * a way around a deny list; allow prefixes match exactly, so case games can only ever narrow. Lower-casing is
 * a faithful comparison only for letters with a one-to-one case mapping, so while a deny list is set a path
 * holding any other letter (`claßified`, `İnfra`, `ınfra`) is refused outright (`by: "case"`), as is one with a
 * segment Windows reads as another name no comparison sees (`by: "alias"`, see `SHORT_NAME`). Deny prefixes
 * compare the name a Windows file server opens (`windowsName`): `infra./db` and `infra::$INDEX_ALLOCATION/db`
 * are under a denied `infra`.
 */
export function checkPath(path: Segments, scope: Scope): Verdict {
  const ambiguous = denyAmbiguity(path, scope);
  if (ambiguous) return ambiguous;
  const denied = scope.deny?.find((prefix) => isUnder(path, prefix, true));
  if (denied) return { ok: false, by: "deny", prefix: denied };
  if (scope.allow && !scope.allow.some((prefix) => isUnder(path, prefix))) return { ok: false, by: "allow" };
  return { ok: true };
}

export type ListingVerdict =
  | { mode: "inside" }
  /** The listing covers more than the scope allows: run it, then drop items outside the scope. */
  | { mode: "filter" }
  | { mode: "refused"; verdict: Exclude<Verdict, { ok: true }> };

/**
 * A listing under `prefix`: refused when the prefix is inside a denied prefix, or outside every allowed one
 * without being an ancestor of one; an ancestor of an allowed prefix (or of a denied one) is listed and
 * filtered.
 */
export function checkListing(prefix: Segments, scope: Scope): ListingVerdict {
  const ambiguous = denyAmbiguity(prefix, scope);
  if (ambiguous && !ambiguous.ok) return { mode: "refused", verdict: ambiguous };
  const denied = scope.deny?.find((d) => isUnder(prefix, d, true));
  if (denied) return { mode: "refused", verdict: { ok: false, by: "deny", prefix: denied } };
  if (scope.allow) {
    if (scope.allow.some((a) => isUnder(prefix, a))) {
      const coversDenied = scope.deny?.some((d) => isUnder(d, prefix, true)) ?? false;
      return coversDenied ? { mode: "filter" } : { mode: "inside" };
    }
    if (scope.allow.some((a) => isUnder(a, prefix))) return { mode: "filter" };
    return { mode: "refused", verdict: { ok: false, by: "allow" } };
  }
  return scope.deny?.some((d) => isUnder(d, prefix, true)) ? { mode: "filter" } : { mode: "inside" };
}

export function formatPrefix(prefix: Segments): string {
  return prefix.length === 0 ? "(everything)" : `${prefix.join("/")}/`;
}

/**
 * A whole area (everything at or below `area`: a prefix a tool writes under, what a pattern could match): inside
 * the scope only if it lies under an allowed prefix and neither lies under nor contains a denied one.
 */
export function checkArea(area: Segments, scope: Scope): Verdict {
  const ambiguous = denyAmbiguity(area, scope);
  if (ambiguous) return ambiguous;
  const denied = scope.deny?.find((d) => isUnder(area, d, true) || isUnder(d, area, true));
  if (denied) return { ok: false, by: "deny", prefix: denied };
  if (scope.allow && !scope.allow.some((prefix) => isUnder(area, prefix))) return { ok: false, by: "allow" };
  return { ok: true };
}
