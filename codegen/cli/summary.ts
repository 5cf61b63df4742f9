import { terminalJson } from "../../src/telemetry/terminal.js";
import type { Diagnostic } from "../diagnostics.js";
import { type CatalogStats, type GeneratedCatalog, VERSION } from "../index.js";

/**
 * What `generate` tells its caller: text lines on stdout by default; nothing but errors with `--quiet`; one
 * JSON document on stdout with `--json` (for CI: every catalog with its counts, files changed and time, and
 * every diagnostic with its location), also when generation fails.
 */

/** One catalog in the summary: its counts (CatalogStats, as generate computed them) and what this run did. */
interface CatalogEntry extends CatalogStats {
  name: string;
  dir: string;
  state: "unchanged" | "updated";
  filesChanged: number;
  modelTokens: number;
  listBytes: number;
  /** The descriptions published; `fullDescriptionTokens` when `auto` chose them (what full ones would cost). */
  descriptions: "full" | "concise";
  fullDescriptionTokens?: number;
  ms: number;
}

export class Summary {
  private readonly catalogs: CatalogEntry[] = [];
  private readonly found: Diagnostic[] = [];

  constructor(
    private readonly json: boolean,
    private readonly quiet: boolean,
  ) {}

  /** A text line for people (nothing with --quiet or --json). */
  say(text: string): void {
    if (!this.json && !this.quiet) process.stdout.write(text);
  }

  diagnostics(items: readonly Diagnostic[]): void {
    this.found.push(...items);
  }

  catalog(cat: GeneratedCatalog, filesChanged: number, ms: number): void {
    this.catalogs.push({
      name: cat.name,
      dir: cat.dir,
      state: filesChanged === 0 ? "unchanged" : "updated",
      filesChanged,
      ...cat.stats,
      modelTokens: cat.size.modelTokens,
      listBytes: cat.size.listBytes,
      descriptions: cat.descriptions.mode,
      ...(cat.descriptions.auto ? { fullDescriptionTokens: cat.descriptions.auto.fullTokens } : {}),
      ms,
    });
  }

  /** Generation failed: says why on stderr (and in the JSON), exit status 1. */
  fail(message: string): number {
    process.stderr.write(`toolwright: ${message}.\n`);
    this.print(false, 0, message);
    return 1;
  }

  done(written: number): number {
    this.print(true, written);
    return 0;
  }

  private print(ok: boolean, written: number, error?: string): void {
    if (!this.json) return;
    const document = {
      toolwright: VERSION,
      ok,
      ...(error ? { error } : {}),
      written,
      catalogs: this.catalogs,
      diagnostics: this.found.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        ...(d.source ? { at: d.source } : {}),
      })),
    };
    process.stdout.write(`${terminalJson(document, 2)}\n`);
  }
}
