import { closeSync, openSync, writeSync } from "node:fs";
import type { CatalogTool } from "../catalog.js";
import type { CallContext, NamedMiddleware, Principal } from "../chain.js";
import { ConfigError } from "../config/config.js";
import { logLine } from "../telemetry/log.js";
import { argumentFingerprint, argumentShape } from "./canonical.js";
import { appliedOf, refusalOf } from "./decision.js";
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

export type AuditWriter = (line: string) => void;

export interface AuditSink {
  write: AuditWriter;
  close(): void;
}

/** Opens the sink at start, so an unwritable audit file stops the server instead of losing the log. */
export function openAuditSink(settings: PolicySettings): AuditSink | undefined {
  const { audit } = settings;
  if (!audit.enabled) return undefined;
  if (audit.file === undefined) {
    return { write: (line) => void process.stderr.write(`${line}\n`), close: () => {} };
  }
  let fd: number;
  try {
    fd = openSync(audit.file, "a", 0o600);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    throw new ConfigError([`${audit.fileEnv ?? "the audit file"}: cannot open it for appending (${code})`]);
  }
  let broken = false;
  return {
    write(line) {
      try {
        writeSync(fd, `${line}\n`);
      } catch (error) {
        if (!broken) logLine(`audit: cannot write to the audit file (${(error as { code?: string }).code})`);
        broken = true;
      }
    },
    close: () => closeSync(fd),
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

export function auditStep(settings: PolicySettings, write: AuditWriter): NamedMiddleware {
  const declared = new Map<string, ReadonlySet<string>>();
  const declaredOf = (tool: CatalogTool) => {
    let names = declared.get(tool.name);
    if (!names) {
      const properties = tool.inputSchema.properties;
      names = new Set(properties && typeof properties === "object" ? Object.keys(properties) : []);
      declared.set(tool.name, names);
    }
    return names;
  };

  const record = (ctx: CallContext, error: string | undefined, refused: boolean): AuditRecord => {
    const refusal = refusalOf(ctx);
    const name = clientName(ctx.client.name);
    const applied = appliedOf(ctx);
    // Built in reading order (who, what, decision, effect); absent facts are left out, not null.
    const rec: AuditRecord = {
      time: new Date().toISOString(),
      event: "tool_call",
      catalog: settings.catalog,
      tool: ctx.tool.name,
      ...(ctx.calledAs !== ctx.tool.name ? { called_as: ctx.calledAs } : {}),
      entry: ctx.entry,
      correlation_id: ctx.correlationId,
      ...(ctx.depth > 0 ? { depth: ctx.depth } : {}),
      ...(ctx.parent ? { parent: ctx.parent.tool.name } : {}),
      client: {
        ...(name !== undefined ? { name } : {}),
        era: ctx.client.era,
        ...(ctx.client.principal ? { principal: principalOf(ctx.client.principal) } : {}),
      },
      args: {
        fingerprint: argumentFingerprint(settings.fingerprintKey, ctx.rawArgs ?? {}),
        shape: argumentShape(ctx.rawArgs ?? {}, declaredOf(ctx.tool)),
      },
      decision: refusal || refused ? "refused" : error !== undefined ? "error" : "allowed",
      ...(refusal
        ? {
            policy: refusal.policy,
            ...(refusal.rule !== undefined ? { rule: refusal.rule } : {}),
            reason: refusal.reason,
          }
        : refused
          ? { policy: "arguments" }
          : {}),
      ...(error !== undefined ? { error } : {}),
      ...(applied.length > 0 ? { applied } : {}),
      upstream: {
        requests: ctx.upstream.requests,
        ...(ctx.upstream.lastStatus !== undefined ? { status: ctx.upstream.lastStatus } : {}),
      },
      duration_ms: Date.now() - ctx.startedAt,
    };
    return rec;
  };

  return {
    name: "audit",
    async run(ctx, next) {
      let outcome: Awaited<ReturnType<typeof next>>;
      try {
        outcome = await next();
      } catch (error) {
        write(JSON.stringify(record(ctx, "internal", false)));
        throw error;
      }
      const code = outcome.error ? (outcome.error.code ?? "error") : undefined;
      write(JSON.stringify(record(ctx, code, code !== undefined && ARGUMENT_ERRORS.has(code))));
      return outcome;
    },
  };
}
