import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { setOwn } from "../../src/catalog.js";
import type { Diagnostics } from "../diagnostics.js";
import type {
  PromptNode,
  ResourceNode,
  ResourceTemplateNode,
  SourceRef,
  TemplateListing,
  ToolNode,
} from "../ir/types.js";
import { type LoadedDocument, readInput } from "../load/document.js";
import { insideFolders, realPath } from "../load/files.js";
import type { Manifest, ResourceTemplateSpec, TemplateListingSpec } from "../manifest/types.js";

const MIME_BY_EXT: Record<string, string> = {
  ".md": "text/markdown",
  ".markdown": "text/markdown",
  ".txt": "text/plain",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".json": "application/json",
  ".html": "text/html",
  ".csv": "text/csv",
};

function mimeOf(file: string): string {
  return MIME_BY_EXT[extname(file).toLowerCase()] ?? "text/plain";
}

/** SHA-256 (hex) of an asset's text, as catalog.json records it for `diff`. */
function textHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function slug(text: string): string {
  return (
    text
      .replace(/^[a-z]+:\/\//i, "")
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "resource"
  );
}

export interface BoundAssets {
  resources: ResourceNode[];
  resourceTemplates: ResourceTemplateNode[];
  prompts: PromptNode[];
  /** Path inside the generated folder -> file content. */
  files: Map<string, string>;
  /** Absolute paths read (for the input hash). */
  inputs: string[];
}

/**
 * Why the file or folder at `abs` may not be read for the catalog, or undefined when it may: its real path (symlinks
 * followed) must lie inside `folder` (the manifest's, as a real path), and no segment below it may be hidden (start
 * with a dot: `.env`, `.git/`, `.ssh/`). A missing path is left to the reader (TW100). What generate reads here is
 * copied into the catalog, served to clients and packed, so a manifest must not reach `~/.aws/credentials` by `..`,
 * an absolute path or a symlink.
 */
export function outsideManifestFolder(abs: string, folder: string): string | undefined {
  const real = realPath(abs);
  if (real === undefined) return undefined;
  if (!insideFolders(real, [folder])) return "is outside the manifest's folder";
  const hidden = relative(folder, real)
    .split(sep)
    .find((segment) => segment.startsWith("."));
  return hidden === undefined ? undefined : `is a hidden file (${hidden})`;
}

/** The manifest's folder as a real path, the one folder its assets and handlers may be read from. */
export function manifestFolder(manifestAbs: string): string {
  const dir = dirname(manifestAbs);
  return realPath(dir) ?? dir;
}

class AssetReader {
  readonly files = new Map<string, string>();
  readonly inputs: string[] = [];
  readonly folder: string;
  constructor(
    readonly dir: string,
    private readonly cwd: string,
    private readonly diags: Diagnostics,
  ) {
    this.folder = realPath(dir) ?? dir;
  }

  /** Whether `abs` may be read (or listed); a located TW196 error otherwise. */
  allowed(abs: string, at: SourceRef): boolean {
    const why = outsideManifestFolder(abs, this.folder);
    if (why === undefined) return true;
    this.diags.error(
      "TW196",
      `${relative(this.cwd, abs) || abs} ${why}; generate reads assets only inside it`,
      at,
    );
    return false;
  }

  read(path: string, at: SourceRef): { abs: string; text: string } | undefined {
    const abs = resolve(this.dir, path);
    if (!this.allowed(abs, at)) return undefined;
    const text = readInput(abs, relative(this.cwd, abs), this.diags, at);
    if (text === undefined) return undefined;
    this.inputs.push(abs);
    return { abs, text };
  }
}

export function bindAssets(
  manifest: Manifest,
  doc: LoadedDocument,
  tools: ToolNode[],
  cwd: string,
  diags: Diagnostics,
): BoundAssets {
  const reader = new AssetReader(dirname(doc.abs), cwd, diags);
  const resources = bindResources(manifest, doc, reader, diags);
  const resourceTemplates = bindTemplates(manifest, doc, tools, reader, diags);
  const prompts = bindPrompts(manifest, doc, reader, diags);
  const uris = new Set<string>();
  for (const r of [...resources.map((x) => x.uri), ...resourceTemplates.map((t) => t.uriTemplate)]) {
    if (uris.has(r)) diags.error("TW117", `resource "${r}" is declared twice`, { file: doc.file });
    uris.add(r);
  }
  return { resources, resourceTemplates, prompts, files: reader.files, inputs: reader.inputs };
}

function bindResources(
  manifest: Manifest,
  doc: LoadedDocument,
  reader: AssetReader,
  diags: Diagnostics,
): ResourceNode[] {
  const out: ResourceNode[] = [];
  const names = new Set<string>();
  (manifest.resources ?? []).forEach((r, i) => {
    const at = doc.ref(`#/resources/${i}`);
    const file = reader.read(r.file, doc.ref(`#/resources/${i}/file`));
    if (!file) return;
    const name = r.name ?? slug(r.uri);
    if (names.has(name)) diags.error("TW117", `resource name "${name}" is used twice`, at);
    names.add(name);
    const asset = `assets/resources/${slug(name)}${extname(r.file)}`;
    reader.files.set(asset, file.text);
    out.push({
      uri: r.uri,
      name,
      ...(r.title ? { title: r.title } : {}),
      ...(r.description ? { description: r.description.trim() } : {}),
      mimeType: r.mime_type ?? mimeOf(r.file),
      asset,
      sha256: textHash(file.text),
      source: at,
    });
  });
  return out;
}

function templateVariables(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => (m[1] as string).replace(/^[+#./;?&]/, ""));
}

function bindTemplates(
  manifest: Manifest,
  doc: LoadedDocument,
  tools: ToolNode[],
  reader: AssetReader,
  diags: Diagnostics,
): ResourceTemplateNode[] {
  const out: ResourceTemplateNode[] = [];
  (manifest.resource_templates ?? []).forEach((t, i) => {
    const at = doc.ref(`#/resource_templates/${i}`);
    const vars = templateVariables(t.uri_template);
    const name = t.name ?? slug(t.uri_template.replace(/\{[^}]+\}/g, ""));
    const base = {
      uriTemplate: t.uri_template,
      name,
      ...(t.title ? { title: t.title } : {}),
      ...(t.description ? { description: t.description.trim() } : {}),
      source: at,
    };
    const pointer = `#/resource_templates/${i}`;
    if (t.tool) {
      const bound = bindToolTemplate(t, t.tool, vars, tools, doc, diags, pointer);
      if (bound) out.push({ ...base, ...bound });
    } else if (t.files) {
      if (t.list)
        diags.error(
          "TW115",
          "list: only a tool-bound template is listed through a tool (a files template lists its files)",
          doc.ref(`${pointer}/list`),
        );
      const bound = bindFileTemplate(t.files, vars, name, reader, diags, doc.ref(`${pointer}/files`));
      if (bound) out.push({ ...base, mimeType: t.mime_type ?? mimeOf(t.files), assets: bound });
    }
  });
  return out;
}

/**
 * A template read through a tool: the tool exists, each template variable maps to one of its arguments, and
 * its `list:` (if any) is bound. Undefined (diagnosed) when the tool is unknown.
 */
function bindToolTemplate(
  t: ResourceTemplateSpec,
  toolName: string,
  vars: string[],
  tools: ToolNode[],
  doc: LoadedDocument,
  diags: Diagnostics,
  pointer: string,
): Pick<ResourceTemplateNode, "mimeType" | "tool" | "list"> | undefined {
  const tool = tools.find((x) => x.name === toolName || x.aliases.includes(toolName));
  if (!tool) {
    diags.error(
      "TW115",
      `resource template "${t.uri_template}" names unknown tool "${toolName}"`,
      doc.ref(`${pointer}/tool`),
    );
    return undefined;
  }
  const argNames = tool.input.kind === "object" ? tool.input.properties.map((p) => p.name) : [];
  const args: Record<string, string> = {};
  for (const v of vars) {
    // Own entries only: a template variable may be named `constructor` or `__proto__`.
    const arg = (t.args && Object.hasOwn(t.args, v) ? t.args[v] : undefined) ?? v;
    if (!argNames.includes(arg)) {
      diags.error(
        "TW115",
        `template variable "{${v}}" maps to "${arg}", which ${tool.name} has no argument of (it has: ${argNames.join(", ")})`,
        doc.ref(pointer),
      );
    }
    setOwn(args, v, arg);
  }
  const list = t.list ? bindListing(t.list, vars, tools, doc, diags, `${pointer}/list`) : undefined;
  return {
    mimeType: t.mime_type ?? "application/json",
    tool: { name: tool.name, args },
    ...(list ? { list } : {}),
  };
}

/**
 * A template's `list:`: the listing tool exists and clients may call it, every template variable has a value
 * in an item, and every argument named is one the listing tool takes. Diagnostics point into `list`.
 */
function bindListing(
  spec: TemplateListingSpec,
  vars: string[],
  tools: ToolNode[],
  doc: LoadedDocument,
  diags: Diagnostics,
  pointer: string,
): TemplateListing | undefined {
  const tool = tools.find((x) => x.name === spec.tool || x.aliases.includes(spec.tool));
  if (!tool || tool.internal) {
    diags.error(
      "TW115",
      `list: "${spec.tool}" is ${tool ? "an internal tool, which clients cannot call" : "not a tool of this catalog"}`,
      doc.ref(`${pointer}/tool`),
    );
    return undefined;
  }
  const ok = checkListing(spec, vars, tool, (message, at) =>
    diags.error("TW115", message, doc.ref(`${pointer}/${at}`)),
  );
  return ok ? listingOf(spec, tool.name) : undefined;
}

/**
 * Whether a listing's values, args, prefixes and page name only template variables and the listing tool's
 * arguments; each problem is reported with the path inside `list` it is at.
 */
function checkListing(
  spec: TemplateListingSpec,
  vars: string[],
  tool: ToolNode,
  report: (message: string, at: string) => void,
): boolean {
  const argNames = tool.input.kind === "object" ? tool.input.properties.map((p) => p.name) : [];
  let ok = true;
  const problem = (message: string, at: string) => {
    report(message, at);
    ok = false;
  };
  const needArg = (arg: string, at: string) => {
    if (!argNames.includes(arg))
      problem(`list: ${tool.name} has no argument "${arg}" (it has: ${argNames.join(", ")})`, at);
  };
  const needVar = (v: string, at: string) => {
    if (!vars.includes(v)) problem(`list: "${v}" is not a variable of the template (${vars.join(", ")})`, at);
  };
  for (const v of vars)
    if (!Object.hasOwn(spec.values, v) || spec.values[v] === undefined)
      problem(`list: values has no entry for "{${v}}", so the listed URIs cannot be made`, "values");
  for (const v of Object.keys(spec.values)) needVar(v, `values/${v}`);
  for (const [v, arg] of Object.entries(spec.args ?? {})) {
    needVar(v, `args/${v}`);
    needArg(arg, `args/${v}`);
  }
  for (const [v, p] of Object.entries(spec.prefix ?? {})) {
    needVar(v, `prefix/${v}`);
    needArg(p.arg, `prefix/${v}/arg`);
  }
  if (spec.page) {
    needArg(spec.page.cursor_arg, "page/cursor_arg");
    if (spec.page.size_arg !== undefined) needArg(spec.page.size_arg, "page/size_arg");
  }
  return ok;
}

/** A checked `list:` as catalog.json records it (camelCase paths and argument names). */
function listingOf(spec: TemplateListingSpec, toolName: string): TemplateListing {
  const page = spec.page;
  return {
    tool: toolName,
    itemsPath: spec.items,
    values: { ...spec.values },
    ...(spec.name !== undefined ? { namePath: spec.name } : {}),
    ...(spec.args ? { args: { ...spec.args } } : {}),
    ...(spec.prefix
      ? {
          prefix: Object.fromEntries(
            Object.entries(spec.prefix).map(([v, p]) => [
              v,
              { arg: p.arg, ...(p.segment !== undefined ? { segment: p.segment } : {}) },
            ]),
          ),
        }
      : {}),
    ...(page
      ? {
          page: {
            cursorArg: page.cursor_arg,
            nextCursorPath: page.next_cursor,
            ...(page.has_more !== undefined ? { hasMorePath: page.has_more } : {}),
            ...(page.size_arg !== undefined ? { sizeArg: page.size_arg } : {}),
            ...(page.max_size !== undefined ? { maxSize: page.max_size } : {}),
          },
        }
      : {}),
  };
}

function bindFileTemplate(
  pattern: string,
  vars: string[],
  name: string,
  reader: AssetReader,
  diags: Diagnostics,
  at: SourceRef,
): ResourceTemplateNode["assets"] | undefined {
  const inPattern = templateVariables(pattern);
  const variable = inPattern[0];
  if (inPattern.length !== 1 || !variable || !vars.includes(variable) || vars.length !== 1) {
    diags.error("TW110", `files: "${pattern}" must use exactly the template's one variable`, at);
    return undefined;
  }
  const dirPart = dirname(pattern);
  const filePattern = basename(pattern);
  if (dirPart.includes("{")) {
    diags.error("TW110", `files: the variable may only appear in the file name ("${pattern}")`, at);
    return undefined;
  }
  const [before, after] = filePattern.split(`{${variable}}`) as [string, string];
  let entries: string[];
  const folder = resolve(reader.dir, dirPart);
  if (!reader.allowed(folder, at)) return undefined;
  try {
    entries = readdirSync(folder);
  } catch {
    diags.error("TW100", `files: folder "${dirPart}" cannot be read`, at);
    return undefined;
  }
  const values = entries
    // Hidden files (`.env`, `.npmrc`) are never a template's values, whatever the pattern.
    .filter((f) => !f.startsWith("."))
    .filter((f) => f.startsWith(before) && f.endsWith(after) && f.length > before.length + after.length)
    .map((f) => f.slice(before.length, f.length - after.length))
    .filter((v) => /^[A-Za-z0-9._-]+$/.test(v))
    .sort();
  if (values.length === 0) {
    diags.error("TW100", `files: "${pattern}" matches no file`, at);
    return undefined;
  }
  const ext = extname(after) || extname(pattern);
  // One hash of every value and its file's text: another file, or another text in one, is another hash.
  const hash = createHash("sha256");
  for (const v of values) {
    const file = reader.read(join(dirPart, `${before}${v}${after}`), at);
    if (file) reader.files.set(`assets/templates/${slug(name)}/${v}${ext}`, file.text);
    hash.update(`${v}\n${textHash(file?.text ?? "")}\n`);
  }
  return {
    variable,
    pattern: `assets/templates/${slug(name)}/{${variable}}${ext}`,
    values,
    sha256: hash.digest("hex"),
  };
}

const HELPERS = new Set(["if", "unless", "each", "with", "lookup", "log", "else", "this"]);

/** Every variable a template reads (first path segment), so undeclared prompt arguments fail the build. */
function templateReads(program: hbs.AST.Program): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    const n = node as {
      type?: string;
      original?: string;
      head?: { original?: string };
      parts?: string[];
      data?: boolean;
    };
    if (n.type === "PathExpression" && !n.data) {
      const first = n.parts?.[0] ?? n.head?.original;
      if (first && !HELPERS.has(first)) names.add(first);
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === "object") visit(value);
    }
  };
  visit(program);
  return [...names];
}

function bindPrompts(
  manifest: Manifest,
  doc: LoadedDocument,
  reader: AssetReader,
  diags: Diagnostics,
): PromptNode[] {
  const out: PromptNode[] = [];
  for (const [name, p] of Object.entries(manifest.prompts ?? {})) {
    const at = doc.ref(`#/prompts/${name}`, true);
    const file = reader.read(p.file, doc.ref(`#/prompts/${name}/file`));
    if (!file) continue;
    const declared = (p.arguments ?? []).map((a) => a.name);
    declared.forEach((arg, i) => {
      if (declared.indexOf(arg) !== i)
        diags.error(
          "TW116",
          `prompt "${name}" declares argument "${arg}" twice`,
          doc.ref(`#/prompts/${name}/arguments/${i}/name`),
          "give each argument its own name, once",
        );
    });
    try {
      // Handlebars' parser loads only for a catalog with prompts (a bare spec has none).
      const handlebars = createRequire(import.meta.url)("handlebars") as typeof import("handlebars");
      const ast = handlebars.parse(file.text);
      for (const read of templateReads(ast)) {
        if (!declared.includes(read)) {
          diags.error(
            "TW116",
            `prompt "${name}" reads {{${read}}}, which is not one of its arguments (${declared.join(", ") || "none"})`,
            at,
          );
        }
      }
    } catch (e) {
      diags.error("TW116", `prompt "${name}": ${(e as Error).message.split("\n")[0]}`, at);
      continue;
    }
    const asset = `assets/prompts/${slug(name)}${extname(p.file) || ".md"}`;
    reader.files.set(asset, file.text);
    out.push({
      name,
      ...(p.title ? { title: p.title } : {}),
      ...(p.description ? { description: p.description.trim() } : {}),
      arguments: (p.arguments ?? []).map((a) => ({
        name: a.name,
        ...(a.description ? { description: a.description } : {}),
        required: a.required === true,
      })),
      asset,
      sha256: textHash(file.text),
      source: at,
    });
  }
  return out;
}
