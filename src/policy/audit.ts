import type { KeyObject } from "node:crypto";
import { closeSync, fstatSync, readFileSync, statfsSync, writeSync } from "node:fs";
import type { CatalogTool } from "../catalog.js";
import {
  type CallContext,
  failure,
  type NamedMiddleware,
  type Principal,
  whileUpstreamAnswers,
} from "../chain.js";
import { ConfigError } from "../config/config.js";
import { openEvidenceFile, PlaceError } from "../files/place.js";
import { logLine } from "../telemetry/log.js";
import { argumentFingerprint, argumentShape } from "./canonical.js";
import { appliedOf, refusalOf, refuse } from "./decision.js";
import { MAX_ARGUMENT_DEPTH, withinDepth } from "./depth.js";
import type { PolicySettings } from "./settings.js";

/**
 * The audit log: one JSON line per call and per refusal, written when the call ends, to stderr or appended to
 * the file the catalog's audit env names. It says what was asked and what was decided, never with what: the
 * arguments appear as a keyed fingerprint and a shape (declared names and kinds), never a value, a token, a
 * masked field or an error message (those may quote upstream text); errors appear by code.
 *
 * ```json
 * {"time":"2026-11-21T13:07:19.120Z","event":"tool_call","catalog":"scaivault","tool":"scaivault_write_secret",
 *  "entry":"tools/call","correlation_id":"3045483a032b","client":{"name":"claude-ai","era":"legacy"},
 *  "args":{"fingerprint":"2702001f0fe8f10d","shape":{"path":"string","value":"string"}},"decision":"refused",
 *  "policy":"read-only","rule":"SCAIVAULT_READ_ONLY=true","reason":"write tool","error":"refused",
 *  "upstream":{"requests":0},"duration_ms":1}
 * ```
 */

/** Writes one line; returning `false` (or throwing) means it could not be written. */
export type AuditWriter = (line: string) => unknown;

/** What a call meets while the audit log cannot be written: refused (the default) or run unaudited. */
export type AuditFailureMode = "refuse" | "continue";

export interface AuditSink {
  write: AuditWriter;
  /** Why the last write failed (an error code), while it is failing. */
  failing(): string | undefined;
  /**
   * Checked before a call runs: why the destination could not take the call's line now (an error code), or
   * undefined. A failure found here is remembered as if a write had failed.
   */
  probe(): string | undefined;
  close(): void;
}

/** Room an audit line may need: a probe that finds less than this refuses the call instead of running it. */
export const AUDIT_LINE_ROOM = 64 * 1024;

/** Opens the sink at start, so an unwritable audit file stops the server instead of losing the log. */
export function openAuditSink(settings: PolicySettings): AuditSink | undefined {
  const { audit } = settings;
  if (!audit.enabled) return undefined;
  if (audit.file === undefined) return stderrSink();
  const name = audit.fileEnv ?? "the audit file";
  let opened: { fd: number; stat: { isFile(): boolean } };
  try {
    // One fstat at open: the file's type, mode and owner, read by the checks and the probe alike.
    opened = openEvidenceFile(
      audit.file,
      { file: `${name}: the audit file`, harm: "forge or erase its lines", opened: name },
      (line) => logLine(`audit: ${line}`),
      (who, mode) =>
        `${name}: the audit file is readable by ${who} (mode ${mode}); its lines hold no values, but name tools, callers and times (chmod go-r to keep them private)`,
    );
  } catch (error) {
    if (error instanceof PlaceError) throw new ConfigError([error.message]);
    throw error;
  }
  const { fd, stat } = opened;
  const written = { bytes: 0 };
  return trackedSink(
    lineAppender(fd, written),
    () => closeSync(fd),
    fileProbe(fd, audit.file, written, { regular: stat.isFile() }),
  );
}

/**
 * Free space below which the probe asks the file system before every call; above it, at most every
 * `SPACE_RECHECK_MS` or once the lines written since it last asked reach `SPACE_WRITTEN_SHARE` of what it reported.
 */
export const SPACE_MARGIN = 1024 * 1024 * 1024;
export const SPACE_RECHECK_MS = 250;
export const SPACE_WRITTEN_SHARE = 0.25;

/** What the probe of a regular file reads; the defaults are the real ones (tests count them). */
export interface ProbeOptions {
  statfs?: (file: string) => { bavail: number; bsize: number };
  fstat?: (fd: number) => { size: number; isFile(): boolean };
  now?: () => number;
  /** The file size limit (`ulimit -f`) in bytes; default: this process's, read once. */
  sizeLimit?: number | undefined;
  /** Whether the descriptor is a regular file, where the caller has read it already; default: one `fstat`. */
  regular?: boolean;
}

/**
 * What can be known about a file before writing to it. Its type is read once, when it is opened: a descriptor's
 * type never changes. For anything but a regular file, an empty write before every call shows that a write
 * reaches it at all (it fails on `/dev/full` and on a revoked descriptor; on a regular file Linux returns before
 * any check, so it is not made there). For a regular file: while the process has a file size limit (`ulimit -f`,
 * read once), `fstat` before every call says whether it leaves room for a line (and fails on a revoked
 * descriptor); and `statfs` says whether its file system has room for one: before every call while the space it
 * last reported is below `SPACE_MARGIN`, otherwise when `SPACE_RECHECK_MS` have passed or the lines written since
 * reach `SPACE_WRITTEN_SHARE` of it. A disk filled by someone else inside that window (or a descriptor revoked
 * with no size limit) is met by the line's write: the call's result is withheld and later calls are refused.
 */
export function fileProbe(
  fd: number,
  file: string,
  written: { bytes: number },
  options: ProbeOptions = {},
): () => void {
  const fstat = options.fstat ?? fstatSync;
  const statfs = options.statfs ?? statfsSync;
  const now = options.now ?? (() => performance.now());
  if (!(options.regular ?? fstat(fd).isFile())) {
    const nothing = Buffer.alloc(0);
    return () => {
      writeSync(fd, nothing);
    };
  }
  const sizeLimit = "sizeLimit" in options ? options.sizeLimit : fileSizeLimit();
  // What statfs last reported (bytes free; -1: ask before the next call) and when.
  let free = -1;
  let askedAt = 0;
  return () => {
    if (sizeLimit !== undefined && fstat(fd).size + AUDIT_LINE_ROOM > sizeLimit) throw coded("EFBIG");
    if (
      free < SPACE_MARGIN ||
      now() - askedAt >= SPACE_RECHECK_MS ||
      written.bytes >= free * SPACE_WRITTEN_SHARE
    ) {
      free = -1;
      const fs = statfs(file);
      free = fs.bavail * fs.bsize;
      askedAt = now();
      written.bytes = 0;
      if (free < AUDIT_LINE_ROOM) throw coded("ENOSPC");
    }
  };
}

function coded(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** The soft file size limit of this process in bytes, where the platform says (Linux /proc), else undefined. */
function fileSizeLimit(): number | undefined {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max file size"));
    const soft = line?.slice("Max file size".length).trim().split(/\s+/)[0];
    return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Appends whole lines to a file. A write cut short (a file size limit, a full disk) leaves part of a line: the
 * next line starts on a line of its own, so every complete line stays one JSON record. `written` counts the bytes
 * for the probe's space check (infinite once a write fails).
 */
export function lineAppender(fd: number, written: { bytes: number }): (line: string) => void {
  let cut = false;
  return (line: string) => {
    const bytes = Buffer.from(`${cut ? "\n" : ""}${line}\n`);
    let at = 0;
    try {
      while (at < bytes.length) {
        const n = writeSync(fd, bytes, at);
        if (n === 0) throw Object.assign(new Error("nothing written"), { code: "ENOSPC" });
        at += n;
      }
    } finally {
      // A write that failed makes the probe ask the file system again before the next call.
      written.bytes = at === bytes.length ? written.bytes + at : Number.POSITIVE_INFINITY;
      cut = (cut && at === 0) || (at > 0 && at < bytes.length);
    }
  };
}

/**
 * Why stderr cannot be written, once a write error (a closed pipe) has arrived as an event. One listener for the
 * process, however many runtimes (and sinks) it holds: stderr is the process's, and so is its breakage.
 */
let stderrBroken: string | undefined;
let watchingStderr = false;

function watchStderr(): void {
  if (watchingStderr) return;
  watchingStderr = true;
  process.stderr.on("error", (error: { code?: string }) => {
    stderrBroken = error.code ?? "error";
  });
}

/** stderr as the audit log: a write error (a closed pipe) arrives as an event, and counts from then on. */
function stderrSink(): AuditSink {
  watchStderr();
  const unwritable = () => stderrBroken !== undefined || process.stderr.destroyed;
  return trackedSink(
    (line) => {
      if (unwritable()) throw coded(stderrBroken ?? "EPIPE");
      process.stderr.write(`${line}\n`);
    },
    () => {},
    () => {
      if (unwritable()) throw coded(stderrBroken ?? "EPIPE");
    },
  );
}

/**
 * A sink that remembers whether its last write (or probe) failed (the writer threw, or returned false), logging
 * once per failure streak. `probe` throws when the destination could not take a line now.
 */
export function trackedSink(write: AuditWriter, close: () => void, probe: () => void = () => {}): AuditSink {
  let failing: string | undefined;
  const failed = (error: unknown) => {
    const code = (error as { code?: string }).code ?? "error";
    if (failing === undefined) logLine(`audit: cannot write to the audit log (${code})`);
    failing = code;
    return code;
  };
  return {
    write(line) {
      try {
        if (write(line) === false) throw coded("error");
        if (failing !== undefined) logLine("audit: the audit log can be written again");
        failing = undefined;
        return true;
      } catch (error) {
        failed(error);
        return false;
      }
    },
    failing: () => failing,
    probe() {
      try {
        probe();
        return undefined;
      } catch (error) {
        return failed(error);
      }
    },
    close,
  };
}

export type Decision = "allowed" | "refused" | "error";

export interface AuditRecord {
  time: string;
  event: "tool_call";
  catalog: string;
  tool: string;
  called_as?: string;
  entry: CallContext["entry"];
  correlation_id: string;
  depth?: number;
  parent?: string;
  client: {
    name?: string;
    era: "legacy" | "modern";
    /** Who the HTTP transport authenticated (issuer, subject, client id; never the token). */
    principal?: { kind: string; issuer?: string; subject?: string; client_id?: string };
  };
  args: { fingerprint: string; shape: Record<string, string> | string };
  decision: Decision;
  policy?: string;
  rule?: string;
  reason?: string;
  error?: string;
  applied?: string[];
  upstream: { requests: number; status?: number };
  duration_ms: number;
}

/** Argument errors are refusals too (by the schema, or by the executor's traversal and header checks). */
const ARGUMENT_ERRORS = new Set(["invalid_arguments", "invalid_argument"]);

function principalOf(p: Principal): NonNullable<AuditRecord["client"]["principal"]> {
  return {
    kind: p.kind,
    ...(p.issuer !== undefined ? { issuer: p.issuer } : {}),
    ...(p.subject !== undefined ? { subject: clientName(p.subject) ?? "" } : {}),
    ...(p.clientId !== undefined ? { client_id: clientName(p.clientId) ?? "" } : {}),
  };
}

function clientName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const clean = name.replace(/[^\w .@/-]/g, "?");
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

/** The error code of a call refused, or a result withheld, because the audit log cannot be written. */
export const AUDIT_UNAVAILABLE = "audit_unavailable";

/** Caches each tool's declared argument names (the audit shape names only these). */
function declaredNames(): (tool: CatalogTool) => ReadonlySet<string> {
  const declared = new Map<string, ReadonlySet<string>>();
  return (tool) => {
    let names = declared.get(tool.name);
    if (!names) {
      const properties = tool.inputSchema.properties;
      names = new Set(properties && typeof properties === "object" ? Object.keys(properties) : []);
      declared.set(tool.name, names);
    }
    return names;
  };
}

/** Arguments nested too deep to read safely (the depth step refuses them) are fingerprinted by their top level. */
function argsOf(key: KeyObject, raw: unknown, declared: ReadonlySet<string>): AuditRecord["args"] {
  return {
    fingerprint: argumentFingerprint(
      key,
      withinDepth(raw)
        ? raw
        : { [`(nested deeper than ${MAX_ARGUMENT_DEPTH})`]: argumentShape(raw, declared) },
    ),
    shape: argumentShape(raw, declared),
  };
}

function clientOf(ctx: CallContext): AuditRecord["client"] {
  const name = clientName(ctx.client.name);
  return {
    ...(name !== undefined ? { name } : {}),
    era: ctx.client.era,
    ...(ctx.client.principal ? { principal: principalOf(ctx.client.principal) } : {}),
  };
}

function decisionOf(ctx: CallContext, error: string | undefined, refused: boolean): Decision {
  return refusalOf(ctx) || refused ? "refused" : error !== undefined ? "error" : "allowed";
}

/** Which policy refused the call and why (arguments refused by their schema or the executor name no rule). */
function refusalFacts(ctx: CallContext, refused: boolean): Pick<AuditRecord, "policy" | "rule" | "reason"> {
  const refusal = refusalOf(ctx);
  if (refusal)
    return {
      policy: refusal.policy,
      ...(refusal.rule !== undefined ? { rule: refusal.rule } : {}),
      reason: refusal.reason,
    };
  return refused ? { policy: "arguments" } : {};
}

/** The members of a call's record known before it runs (who called what, with which arguments), in reading order. */
type RecordStart = Pick<
  AuditRecord,
  "called_as" | "entry" | "correlation_id" | "depth" | "parent" | "client" | "args"
>;

/** The members after those: the decision and the effect. */
type RecordEnd = Omit<AuditRecord, "time" | "event" | "catalog" | "tool" | keyof RecordStart>;

/** The call's record after its per-tool head (time, event, catalog, tool) up to its decision; absent facts left out. */
function recordStart(key: KeyObject, declared: ReadonlySet<string>, ctx: CallContext): RecordStart {
  const start = {} as RecordStart;
  if (ctx.calledAs !== ctx.tool.name) start.called_as = ctx.calledAs;
  start.entry = ctx.entry;
  start.correlation_id = ctx.correlationId;
  if (ctx.depth > 0) start.depth = ctx.depth;
  if (ctx.parent) start.parent = ctx.parent.tool.name;
  start.client = clientOf(ctx);
  start.args = argsOf(key, ctx.rawArgs ?? {}, declared);
  return start;
}

/** The rest of the record, once the call has its outcome (decision, effect), in reading order. */
function recordEnd(ctx: CallContext, error: string | undefined, refused: boolean): RecordEnd {
  const end = {} as RecordEnd;
  end.decision = decisionOf(ctx, error, refused);
  Object.assign(end, refusalFacts(ctx, refused));
  if (error !== undefined) end.error = error;
  const applied = appliedOf(ctx);
  if (applied.length > 0) end.applied = applied;
  end.upstream =
    ctx.upstream.lastStatus !== undefined
      ? { requests: ctx.upstream.requests, status: ctx.upstream.lastStatus }
      : { requests: ctx.upstream.requests };
  end.duration_ms = Math.round(performance.now() - ctx.startedAt);
  return end;
}

/**
 * A tool's line head after its time: `"event":"tool_call","catalog":…,"tool":…`, serialised once per tool. A line
 * is `{"time":"<ISO time>",` + head + `,` + the tail's members: the text `JSON.stringify` gives the whole record.
 */
function lineHeads(catalog: string): (tool: CatalogTool) => string {
  const heads = new Map<string, string>();
  return (tool) => {
    let head = heads.get(tool.name);
    if (head === undefined) {
      head = JSON.stringify({ event: "tool_call", catalog, tool: tool.name }).slice(1, -1);
      heads.set(tool.name, head);
    }
    return head;
  };
}

/** The line written when building the full record fails on some input: only what is certain. */
function fallbackLine(
  settings: PolicySettings,
  ctx: CallContext,
  error: string | undefined,
  refused: boolean,
): string {
  return JSON.stringify({
    time: new Date().toISOString(),
    event: "tool_call",
    catalog: settings.catalog,
    tool: ctx.tool.name,
    entry: ctx.entry,
    correlation_id: ctx.correlationId,
    args: { fingerprint: "unavailable", shape: "unavailable" },
    decision: decisionOf(ctx, error, refused),
    ...(error !== undefined ? { error } : {}),
    upstream: { requests: ctx.upstream.requests },
    duration_ms: Math.round(performance.now() - ctx.startedAt),
  });
}

/** How a call's line is made: its start (before or while the call runs) and the whole line (once it has ended). */
function auditLines(settings: PolicySettings) {
  const declaredOf = declaredNames();
  const headOf = lineHeads(settings.catalog);
  // The fingerprint's key, imported into a KeyObject on the first line and used for every line after.
  let key: KeyObject | undefined;
  const fingerprintKey = () =>
    (key ??= process.getBuiltinModule("node:crypto").createSecretKey(settings.fingerprintKey));

  /**
   * The start of a call's line (recordStart's members as JSON text), or undefined when some input defeats it. Made
   * while the upstream answers when the call sends a request (the fingerprint's HMAC and the argument walk are
   * most of a line's cost), else when the line is written.
   */
  const startOf = (ctx: CallContext): string | undefined => {
    try {
      return JSON.stringify(recordStart(fingerprintKey(), declaredOf(ctx.tool), ctx)).slice(1, -1);
    } catch {
      return undefined;
    }
  };

  /** The call's one line; should building it fail on some input, a line with what is certain is written instead. */
  const lineOf = (
    ctx: CallContext,
    start: string | undefined,
    error: string | undefined,
    refused: boolean,
  ): string => {
    if (start !== undefined)
      try {
        const end = JSON.stringify(recordEnd(ctx, error, refused));
        return `{"time":"${new Date().toISOString()}",${headOf(ctx.tool)},${start},${end.slice(1)}`;
      } catch {
        // The line below, with what is certain.
      }
    return fallbackLine(settings, ctx, error, refused);
  };

  return { startOf, lineOf };
}

export function auditStep(
  settings: PolicySettings,
  sink: AuditSink,
  mode: AuditFailureMode,
): NamedMiddleware {
  const { startOf, lineOf } = auditLines(settings);
  const written = (line: string) => sink.write(line) !== false;
  const where =
    settings.audit.fileEnv && settings.audit.file !== undefined ? settings.audit.fileEnv : "stderr";

  /** Refused up front: the log failed on an earlier call. Its own line is tried, and clears the failure if written. */
  const refuseUnaudited = (ctx: CallContext, code: string) => {
    const outcome = refuse(
      ctx,
      { policy: "audit", rule: "serve --audit-failure refuse", reason: "audit log unwritable" },
      `refused: the audit log (${where}) cannot be written (${code}), and this server refuses calls it cannot audit; fix the audit destination, or serve with --audit-failure continue (TOOLWRIGHT_AUDIT_FAILURE) to run them unaudited`,
      AUDIT_UNAVAILABLE,
    );
    written(lineOf(ctx, startOf(ctx), AUDIT_UNAVAILABLE, true));
    return outcome;
  };

  /** The call ran but its line could not be written: its result is withheld, its effect is reported. */
  const withheld = (ctx: CallContext) =>
    failure(
      `the audit log (${where}) could not be written (${sink.failing() ?? "error"}), so this call's result is withheld; it reached the upstream with ${ctx.upstream.requests} request(s), and later calls are refused until the log can be written`,
      AUDIT_UNAVAILABLE,
    );

  return {
    name: "audit",
    async run(ctx, next) {
      // A failure found by the probe refuses this very call: it never reaches a policy or the upstream.
      const broken = mode === "refuse" ? (sink.failing() ?? sink.probe()) : undefined;
      if (broken !== undefined) return refuseUnaudited(ctx, broken);
      const start = whileUpstreamAnswers(() => startOf(ctx));
      let outcome: Awaited<ReturnType<typeof next>>;
      try {
        outcome = await next();
      } catch (error) {
        written(lineOf(ctx, start(), "internal", false));
        throw error;
      }
      const code = outcome.error ? (outcome.error.code ?? "error") : undefined;
      const ok = written(lineOf(ctx, start(), code, code !== undefined && ARGUMENT_ERRORS.has(code)));
      return ok || mode === "continue" ? outcome : withheld(ctx);
    },
  };
}
