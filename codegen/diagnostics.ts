import { terminalSafe } from "../src/telemetry/terminal.js";
import type { SourceRef } from "./ir/types.js";
import { MAX_INPUT_FILE_BYTES } from "./load/files.js";

export type Severity = "error" | "warning" | "info";

interface CodeInfo {
  title: string;
  fix: string;
}

/** Every diagnostic the generator can raise; the fix is what a user should do about it. */
export const CODES = {
  TW100: { title: "file cannot be read", fix: "Check the path (relative to the manifest) and permissions." },
  TW101: { title: "YAML/JSON syntax error", fix: "Fix the syntax at the given position." },
  TW110: {
    title: "manifest does not match its schema",
    fix: "Compare with `toolwright manifest-schema`; editors complete it with `# yaml-language-server: $schema=...`.",
  },
  TW111: { title: "env variable not declared", fix: "Declare it under `env:` with a description." },
  TW112: { title: "unknown source", fix: "Use a source id declared under `sources:`." },
  TW113: {
    title: "tool selects no operation",
    fix: "Use an operationId, `METHOD /path`, or check the source; for a select entry, check its tag, path prefix or methods against the spec.",
  },
  TW114: { title: "ambiguous operation reference", fix: "Prefix it with the source: `source#operationId`." },
  TW115: {
    title: "unknown argument",
    fix: "Name an argument the tool has (see its input schema in CATALOG.md).",
  },
  TW116: { title: "prompt template problem", fix: "Use only declared arguments; check handlebars syntax." },
  TW117: { title: "duplicate resource", fix: "Each resource URI and template must be unique." },
  TW118: {
    title: "handler module problem",
    fix: "Point `handler:` at an existing .ts file exporting a function.",
  },
  TW119: {
    title: "handler module does not compile",
    fix: "Fix the handler's code at the given position; handlers are compiled into the catalog at generate time.",
  },
  TW120: { title: "invalid tool name", fix: "Tool names are 1-128 characters of [A-Za-z0-9._-]." },
  TW121: { title: "tool name too long", fix: "Shorten it or raise `naming.max_length`." },
  TW122: {
    title: "tool name collision",
    fix: "Give one of the tools an explicit name in `tools:` that differs in letters or digits, not only in case or '-', '.' and '_'.",
  },
  TW123: { title: "operation selected twice", fix: "Remove one of the tool entries, or use `aliases:`." },
  TW127: {
    title: "tool name some model providers refuse",
    fix: "Use letters, digits, `_` and `-` only, starting with a letter (OpenAI and Anthropic refuse `.` in function names; Gemini on Vertex AI refuses a first character that is not a letter or `_`).",
  },
  TW125: {
    title: "argument name collision",
    fix: "Two parameters, body fields or variables would get the same argument name: rename one with `args: { <its API name>: { rename: ... } }`.",
  },
  TW126: {
    title: "handler argument outside the naming rule",
    fix: "Name the handler's input properties by the catalog's `naming.arguments` rule, as its other tools are.",
  },
  TW124: {
    title: "default tool name taken",
    fix: "The operation got the next free name; give it an explicit name in `tools:` to choose one.",
  },
  TW130: {
    title: "remote $ref refused",
    fix: "Download the referenced document and refer to it by a relative path.",
  },
  TW131: {
    title: "unresolvable $ref",
    fix: "Fix the reference; pointers are relative to the file containing them.",
  },
  TW132: {
    title: "unsupported spec version",
    fix: "toolwright reads OpenAPI 2.0, 3.0, 3.1 and 3.2, and GraphQL.",
  },
  TW133: { title: "spec does not match the OpenAPI schema", fix: "Fix the spec at the given pointer." },
  TW134: {
    title: "schema keyword not supported",
    fix: "The keyword is ignored; the published schema is looser.",
  },
  TW135: {
    title: "invalid regular expression",
    fix: "Use an ECMA-262 pattern; the pattern is not enforced.",
  },
  TW136: {
    title: "request/response types not generated",
    fix: "The catalog works without them; report the spec to openapi-typescript.",
  },
  TW137: {
    title: "path template and path parameters disagree",
    fix: "Name each {variable} of the path as a path parameter (same spelling), and only those.",
  },
  TW138: {
    title: "recursion that never reaches a value",
    fix: "Make one step of the cycle an object property or an array item; the closing reference is dropped meanwhile.",
  },
  TW139: {
    title: "operation left out",
    fix: "Fix the spec where the problem is, or patch it from the manifest (sources.<id>.patch), exclude the operation, or map its security scheme under sources.<id>.auth; --strict makes this an error.",
  },
  TW140: { title: "parameter renamed", fix: "Rename it explicitly with `args: { name: { rename: ... } }`." },
  TW141: {
    title: "media type not supported",
    fix: "toolwright sends JSON, form, multipart, octet-stream and text bodies; a form body is an object of fields (or the encoded form as a string), a multipart body an object of named parts. Patch the spec's body schema (--patch, sources.<id>.patch) to name them, or offer another media type.",
  },
  TW142: {
    title: "security scheme without credentials",
    fix: "Map the scheme to env variables under `sources.<id>.auth`.",
  },
  TW143: { title: "no base URL", fix: "Set `base_url` in the manifest or `servers` in the spec." },
  TW144: {
    title: "parameter ignored",
    fix: "OpenAPI ignores Accept, Content-Type and Authorization header parameters; headers and query parameters that set the request's method, URL or client (X-HTTP-Method-Override, X-Forwarded-*, _method, ...) are never taken from a caller. A header or cookie name that is no token (spaces, ':', ';', '=') cannot be sent: fix the name in the spec (or a spec patch). A parameter that carries a credential (`api_key`, `access_token`, `X-Api-Key`) or JSONP's `callback` is never taken from the model: bind it to an env variable (`sources.<id>.param_env`, or a tool's `args: { <name>: { env: VAR } }`) to send it; an apiKey scheme's slot is filled by the scheme's credential only (`sources.<id>.auth`). Nothing to fix: the tool is generated without that argument.",
  },
  TW145: {
    title: "no catalog name in the spec's title",
    fix: "Pass --name NAME (lower-case letters, digits and dashes), or give the spec an info.title.",
  },
  TW146: {
    title: "spec patch does not apply",
    fix: "Point the operation at a path the spec has (JSON Pointer, `~1` for `/`), or drop it if the spec was fixed upstream.",
  },
  TW147: {
    title: "no operations in the spec",
    fix: "Point --openapi at a spec whose `paths` hold operations (a webhooks-only spec describes what the API sends, not what a client calls).",
  },
  TW148: {
    title: "every operation left out",
    fix: "Fix the problems the TW139 warnings locate, or patch the spec (--patch FILE); --strict reports each as an error.",
  },
  TW149: {
    title: "subtype left out of its base's union",
    fix: "Fix the subtype's schema where the cited problem is; until then an input naming the base refuses the values that select it.",
  },
  TW150: { title: "GraphQL schema problem", fix: "Fix the schema; harmless problems load with a warning." },
  TW151: { title: "GraphQL document invalid", fix: "Fix the document so it validates against the schema." },
  TW160: { title: "generated output is stale", fix: "Run `toolwright generate` and commit generated/." },
  TW165: {
    title: "invalid limit",
    fix: "Name a tool or source of this catalog and write rates as <calls>/<window>, e.g. 100/1m.",
  },
  TW180: {
    title: "instruction-like or hidden text in a description",
    fix: "Descriptions reach the model: rewrite the text (in the spec, or override it with `description:` in the manifest).",
  },
  TW190: {
    title: "input file refused",
    fix: `Inputs must be regular files (not devices, pipes or folders) of at most ${MAX_INPUT_FILE_BYTES / (1024 * 1024)} MiB.`,
  },
  TW191: {
    title: "$ref outside the spec's folders",
    fix: "Move the referenced file next to the spec, or allow its folder: `--ref-folder DIR` for a bare spec (generate --openapi), `sources.<id>.ref_folders` in a manifest.",
  },
  TW196: {
    title: "file outside the manifest's folder",
    fix: "Move the file (a resource, prompt, file template or handler module, and every local file a handler imports) into the manifest's folder; hidden files (a name starting with a dot) are never read as assets.",
  },
  TW192: {
    title: "reference not fetched",
    fix: "generate never touches the network: download the document and refer to it by a relative path if it matters.",
  },
  TW193: {
    title: "over the manifest's budget",
    fix: "Publish less: select fewer tools, `publish.descriptions: concise`, smaller `publish.schema_bytes`, `publish.output_schemas: none`, or raise the budget.",
  },
  TW194: {
    title: "super-linear regular expression",
    fix: "Rewrite the pattern so no quantified part can match the same text two ways (e.g. `^[a-z]+(-[a-z]+)*$`, not `^([a-z]+-?)*$`); anchor it with ^ and $.",
  },
  TW195: {
    title: "more tools than a provider takes in one request",
    fix: "Serve it with `toolwright serve <catalog> --discovery` (three tools that find, describe and call the rest), narrow it (manifest `select`/`exclude`, `serve --deny`), or set `budget.tools` to make the count a limit.",
  },
  TW197: {
    title: "example or default of another type",
    fix: 'Write the value as the schema\'s type (quote a string: `example: "137"`); toolwright publishes it so.',
  },
  TW170: { title: "internal error", fix: "Please report it with the spec that triggered it." },
} satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  source?: SourceRef;
  /** Overrides the code's generic fix when a specific one is known. */
  fix?: string;
}

/** Collects diagnostics for one pipeline run; stages push, the CLI prints. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  private readonly captures: Diagnostic[][] = [];

  /** What `items` holds, one key per diagnostic (`said`). */
  private readonly seen = new Set<string>();

  /**
   * Records a diagnostic, once: the same one (code, severity, message, location, fix) raised again is dropped. A
   * schema several operations reach (a parameter under components/parameters, converted for each operation that
   * uses it) said each of its problems once per operation (GitHub's personal-access-token-owner: TW197 twice). Held
   * errors are kept as raised: each capture is one operation's, and its caller decides what they cost.
   */
  add(code: Code, severity: Severity, message: string, source?: SourceRef, fix?: string): void {
    const d: Diagnostic = { code, severity, message, ...(source ? { source } : {}), ...(fix ? { fix } : {}) };
    const capture = this.captures[this.captures.length - 1];
    if (capture && severity === "error") capture.push(d);
    else if (this.said(d)) this.items.push(d);
  }

  /** True the first time this diagnostic is seen. */
  private said(d: Diagnostic): boolean {
    const where = d.source
      ? `${d.source.file}\0${d.source.line}\0${d.source.column}\0${d.source.pointer}`
      : "";
    const key = `${d.code}\0${d.severity}\0${d.message}\0${where}\0${d.fix ?? ""}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  /**
   * Runs `fn` (synchronously), holding back the errors it raises: the caller decides whether they cost one
   * operation or the whole spec. Nested captures hold their own errors.
   */
  capture<T>(fn: () => T): { value: T; errors: Diagnostic[] } {
    const errors: Diagnostic[] = [];
    this.captures.push(errors);
    try {
      return { value: fn(), errors };
    } finally {
      this.captures.pop();
    }
  }
  error(code: Code, message: string, source?: SourceRef, fix?: string): void {
    this.add(code, "error", message, source, fix);
  }
  warn(code: Code, message: string, source?: SourceRef, fix?: string): void {
    this.add(code, "warning", message, source, fix);
  }
  info(code: Code, message: string, source?: SourceRef, fix?: string): void {
    this.add(code, "info", message, source, fix);
  }
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }
  count(severity: Severity): number {
    return this.items.filter((d) => d.severity === severity).length;
  }
}

/** Thrown to stop a stage when it cannot go on; the diagnostic is already recorded. */
export class StageAbort extends Error {}

export function formatLocation(ref: SourceRef | undefined): string {
  if (!ref) return "";
  let loc = ref.file;
  if (ref.line !== undefined) loc += `:${ref.line}:${ref.column ?? 1}`;
  if (ref.pointer && ref.line === undefined) loc += ref.pointer;
  else if (ref.pointer) loc += ` (${ref.pointer})`;
  return loc;
}

/**
 * A diagnostic as printed: its location and message quote spec and manifest text (keys, names, values), so every
 * character a terminal would act on or hide is shown as an escape and a quoted line feed cannot forge a line.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = terminalSafe(formatLocation(d.source));
  const head = `${where ? `${where} ` : ""}${d.severity} ${d.code}: ${terminalSafe(d.message)}`;
  const fix = terminalSafe(d.fix ?? CODES[d.code].fix);
  return d.severity === "info" ? head : `${head}\n  fix: ${fix}`;
}
