// src/config/config.ts
import { homedir } from "node:os";
import { authValues, CATALOG_FORMAT } from "./chunk-5LKFIVJH.js";
import { namesIn } from "./chunk-YVYBC7VZ.js";
import { PACKAGE_ROOT } from "./chunk-ZE2OXDKH.js";

// src/telemetry/redact.ts
var fixedSecrets = /* @__PURE__ */ new Set();
var rotatingSecrets = /* @__PURE__ */ new Set();
var MAX_ROTATING_SECRETS = 64;
function rememberSecret(value, options = {}) {
  if (value === void 0 || value.length < 4) return;
  if (!options.rotating) {
    fixedSecrets.add(value);
    rotatingSecrets.delete(value);
    return;
  }
  if (fixedSecrets.has(value)) return;
  rotatingSecrets.delete(value);
  rotatingSecrets.add(value);
  if (rotatingSecrets.size > MAX_ROTATING_SECRETS) {
    rotatingSecrets.delete(rotatingSecrets.values().next().value);
  }
}
function credentialValue(match, key, sep, value) {
  return /^[A-Za-z]{1,11}$/.test(value) ? match : `${key}${sep}[redacted]`;
}
var RULES = [
  // URLs of any scheme, including ones with credentials in them.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, "[url]"],
  // Authorization-style values.
  [/\b(bearer|basic|token|digest)\s+[A-Za-z0-9._~+/=-]{6,}/gi, "$1 [redacted]"],
  // key=value or key: value pairs whose key names a credential.
  [
    /\b((?:[a-z0-9]+[_-])?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth(?:orization)?|credentials?|session|cookie)(?:[_-][a-z0-9]+)?)(["']?\s*[:=]\s*["']?)([^\s"',;&}]+)/gi,
    credentialValue,
  ],
  // JWTs.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[redacted]"],
  // E-mail addresses carry internal host names as often as not.
  [/\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+\b/gi, "[email]"],
  // IPv4 and bracketed IPv6, with optional port.
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, "[host]"],
  [/\[[0-9a-f:]{2,}\](?::\d{1,5})?/gi, "[host]"],
  // host:port and dotted host names (two or more dots, or an internal-looking suffix).
  [/\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*:\d{2,5}\b/gi, "[host]"],
  [/\b(?:[a-z0-9-]+\.){2,}[a-z]{2,}\b/gi, "[host]"],
  [
    /\b(?:[a-z0-9-]+\.)+(?:internal|local|localdomain|corp|lan|intra|intranet|svc|cluster|private|home)\b/gi,
    "[host]",
  ],
  // Long opaque strings mixing letters and digits (API keys, session ids, hashes).
  [/\b(?=[A-Za-z0-9_+/=-]*[0-9])(?=[A-Za-z0-9_+/=-]*[A-Za-z])[A-Za-z0-9_+/=-]{24,}/g, "[redacted]"],
  // Absolute file system paths (stack frames, config locations).
  [/(?:^|(?<=[\s"'(=]))(?:\/[\w.@-]+){2,}\/?/g, "[path]"],
];
var MAX_INPUT = 2e3;
function bound(text) {
  if (text.length <= MAX_INPUT) return text;
  const cut = text.slice(0, MAX_INPUT);
  const space = cut.search(/\s\S*$/);
  return `${space > 0 ? cut.slice(0, space) : ""} …`;
}
function redact(text) {
  let out = bound(text);
  for (const known of [fixedSecrets, rotatingSecrets]) {
    for (const secret of known) {
      if (out.includes(secret)) out = out.split(secret).join("[redacted]");
    }
  }
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
function redactAndTruncate(text, max = 200) {
  const clean = redact(text);
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

// src/config/config.ts
var ConfigError = class extends Error {
  constructor(problems) {
    super(`invalid configuration:
${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
    this.name = "ConfigError";
  }
  problems;
};
var TRUE = /* @__PURE__ */ new Set(["true", "1", "yes"]);
var FALSE = /* @__PURE__ */ new Set(["false", "0", "no"]);
function shown(v, raw) {
  if (v.secret) return "";
  const cut = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
  return `, got ${JSON.stringify(cut)}`;
}
function expandHome(path) {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return `${homedir()}${path.slice(1)}`;
  return path;
}
function trimUrlPath(value, endings) {
  if (endings.length === 0) return value;
  const url = new URL(value);
  const path = url.pathname.replace(/\/+$/, "");
  const ending = endings.find((e) => path.toLowerCase().endsWith(e.toLowerCase()));
  if (ending === void 0) return value;
  url.pathname = path.slice(0, path.length - ending.length) || "/";
  const text = url.href;
  return url.pathname === "/" && !url.search ? text.replace(/\/$/, "") : text;
}
function parseValue(v, raw) {
  const value = raw.trim();
  switch (v.type) {
    case "string":
      return { ok: true, value: raw, text: raw };
    case "path": {
      const expanded = expandHome(value);
      return { ok: true, value: expanded, text: expanded };
    }
    case "boolean": {
      const lower = value.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true, text: "true" };
      if (FALSE.has(lower)) return { ok: true, value: false, text: "false" };
      return { ok: false, problem: `expected true/false, 1/0 or yes/no${shown(v, raw)}` };
    }
    case "integer": {
      if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        return { ok: false, problem: `expected an integer${shown(v, raw)}` };
      }
      const n = Number(value);
      return { ok: true, value: n, text: String(n) };
    }
    case "url": {
      let url;
      try {
        url = new URL(value);
      } catch {
        return { ok: false, problem: `expected an http(s) URL${shown(v, raw)}` };
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        return { ok: false, problem: `expected an http(s) URL, got scheme ${JSON.stringify(url.protocol)}` };
      }
      if (url.username || url.password) {
        return {
          ok: false,
          problem: "credentials inside the URL are not accepted; use the catalog's auth variables",
        };
      }
      if (url.hash) return { ok: false, problem: "expected a URL without a #fragment" };
      const trimmed = trimUrlPath(value, v.trimPaths ?? []);
      return { ok: true, value: trimmed, text: trimmed };
    }
    case "list": {
      const items = raw.split(",").map((item) => item.trim());
      if (items.some((item) => item === "")) {
        return { ok: false, problem: `expected a comma-separated list without empty items${shown(v, raw)}` };
      }
      return { ok: true, value: Object.freeze(items), text: items.join(",") };
    }
    case "enum": {
      const values = v.values ?? [];
      const lower = value.toLowerCase();
      const direct = values.find((candidate) => candidate.toLowerCase() === lower);
      if (direct !== void 0) return { ok: true, value: direct, text: direct };
      const alias = Object.entries(v.aliases ?? {}).find(([name]) => name.toLowerCase() === lower);
      if (alias && values.includes(alias[1])) return { ok: true, value: alias[1], text: alias[1] };
      const accepted = [...values, ...Object.keys(v.aliases ?? {})].join(", ");
      return { ok: false, problem: `expected one of ${accepted}${shown(v, raw)}` };
    }
    default:
      return { ok: false, problem: `has unknown type ${JSON.stringify(v.type)} in the catalog` };
  }
}
function resolveConfig(vars, env = process.env) {
  const problems = [];
  const values = /* @__PURE__ */ new Map();
  const declared = /* @__PURE__ */ new Map();
  for (const v of vars) {
    if (declared.has(v.name)) {
      problems.push(`${v.name}: declared twice in the catalog`);
      continue;
    }
    declared.set(v.name, v);
    const raw = env[v.name];
    if (raw !== void 0 && raw !== "") {
      const parsed = parseValue(v, raw);
      if (parsed.ok) {
        values.set(v.name, { value: parsed.value, text: parsed.text, set: true });
        if (v.secret) rememberSecret(parsed.text);
      } else {
        problems.push(`${v.name}: ${parsed.problem}`);
      }
      continue;
    }
    if (v.default !== void 0) {
      const parsed = parseValue(v, v.default);
      if (parsed.ok) values.set(v.name, { value: parsed.value, text: parsed.text, set: false });
      else problems.push(`${v.name}: the catalog's default is invalid: ${parsed.problem}`);
      continue;
    }
    if (v.required) problems.push(`${v.name}: required but not set (${v.description || "no description"})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const known = (name) => {
    if (!declared.has(name)) throw new Error(`env variable ${name} is not declared by the catalog`);
    return values.get(name);
  };
  return Object.freeze({
    vars: Object.freeze([...vars]),
    get: (name) => known(name)?.value,
    text: (name) => known(name)?.text,
    isSet: (name) => known(name)?.set === true,
    declares: (name) => declared.has(name),
  });
}

// src/load/catalog.ts
// src/load/check.ts
import { existsSync, existsSync as existsSync2, readdirSync, statSync } from "node:fs";
// src/config/values.ts
import { readFile, readFile as readFile2 } from "node:fs/promises";
import {
  basename,
  isAbsolute,
  isAbsolute as isAbsolute2,
  join as join2,
  relative,
  resolve,
  resolve as resolve2,
} from "node:path";
import { pathToFileURL as pathToFileURL2 } from "node:url";
import { z } from "zod";

var ValueError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ValueError";
  }
};
async function resolveValue(source, config) {
  if (source.env !== void 0 && config.isSet(source.env)) return config.text(source.env);
  if (source.file !== void 0) {
    const fromFile = await readFileValue(source.file, config);
    if (fromFile !== void 0) return fromFile;
  }
  if (source.byEnv !== void 0) {
    const key = config.text(source.byEnv.env);
    const chosen = key === void 0 ? void 0 : source.byEnv.values[key];
    if (chosen !== void 0) return chosen;
  }
  if (source.default !== void 0) return source.default;
  if (source.env !== void 0) return config.text(source.env);
  return void 0;
}
async function readFileValue(file, config) {
  const rawPath = await resolveValue(file.path, config);
  if (rawPath === void 0) return void 0;
  const path = expandHome(rawPath);
  const shownPath = describePath(rawPath);
  let content;
  try {
    content = await readFile(path, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw new ValueError(`cannot read ${shownPath} (${error.code ?? "read error"})`);
  }
  if (file.pointer === void 0) {
    const trimmed = content.trim();
    return trimmed === "" ? void 0 : trimmed;
  }
  let json;
  try {
    json = JSON.parse(content);
  } catch {
    throw new ValueError(`${shownPath} is not valid JSON`);
  }
  const found = jsonPointer(json, file.pointer);
  if (found === void 0 || found === null) return void 0;
  if (typeof found === "string") return found === "" ? void 0 : found;
  if (typeof found === "number" || typeof found === "boolean") return String(found);
  throw new ValueError(`${shownPath} holds a non-scalar value at ${file.pointer}`);
}
function describePath(path) {
  const home = expandHome("~");
  return path.startsWith(home) ? `~${path.slice(home.length)}` : path;
}
function jsonPointer(document, pointer) {
  const text = pointer.startsWith("#") ? decodeURIComponent(pointer.slice(1)) : pointer;
  if (text === "") return document;
  if (!text.startsWith("/")) throw new ValueError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  let current = document;
  for (const token of text.slice(1).split("/")) {
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(key)) current = current[Number(key)];
    else if (current !== null && typeof current === "object" && Object.hasOwn(current, key)) {
      current = current[key];
    } else return void 0;
  }
  return current;
}
function describeSource(source) {
  const places = [];
  if (source.env !== void 0) places.push(source.env);
  if (source.file !== void 0) {
    const where = describeSource(source.file.path);
    places.push(`the file named by ${where}${source.file.pointer ? ` (at ${source.file.pointer})` : ""}`);
  }
  if (source.byEnv !== void 0) places.push(`a value chosen by ${source.byEnv.env}`);
  return places.length > 0 ? places.join(" or ") : "a constant";
}
function envNamesOf(source) {
  const names = [];
  if (source.env !== void 0) names.push(source.env);
  if (source.file !== void 0) names.push(...envNamesOf(source.file.path));
  if (source.byEnv !== void 0) names.push(source.byEnv.env);
  return names;
}

// src/load/check.ts
var TOOL_NAME = /^[A-Za-z0-9._-]{1,128}$/;
function checkDocumentShape(doc, file) {
  if (doc === null || typeof doc !== "object") throw new Error(`${file}: not a JSON object`);
  const d = doc;
  if (d.format !== CATALOG_FORMAT) {
    const older = typeof d.format === "number" && d.format < CATALOG_FORMAT;
    throw new Error(
      `${file}: catalog format ${JSON.stringify(d.format)} is not supported (this runtime reads format ${CATALOG_FORMAT}${older ? "; format 1 copied every schema into every tool" : ""}); regenerate the catalog with this toolwright version (toolwright generate)`,
    );
  }
  if (d.schemas === null || typeof d.schemas !== "object" || Array.isArray(d.schemas))
    throw new Error(`${file}: "schemas" must be an object of named schemas`);
  for (const key of ["env", "sources", "tools", "resources", "resourceTemplates", "prompts"]) {
    if (!Array.isArray(d[key])) throw new Error(`${file}: "${key}" must be an array`);
  }
  if (typeof d.inputHash !== "string") throw new Error(`${file}: "inputHash" must be a string`);
}
function checkCatalog(doc, module, dir) {
  const problems = [];
  checkSources(doc, problems);
  const sources = new Map(doc.sources.map((s) => [s.id, s]));
  const names = /* @__PURE__ */ new Set();
  for (const tool of doc.tools) {
    checkToolShape(tool, doc.schemas, module, names, problems);
    const binding = tool.binding;
    if (binding.kind === "http") checkHttpBinding(tool.name, binding, sources, problems);
    else if (binding.kind === "custom") {
      if (typeof module.handlers[binding.handler] !== "function") {
        problems.push(
          `tool ${tool.name} uses handler '${binding.handler}', which catalog.gen does not export`,
        );
      }
    }
  }
  for (const resource of doc.resources) checkAsset(dir, resource.asset, `resource ${resource.uri}`, problems);
  checkResourceTemplates(doc, dir, problems);
  for (const prompt of doc.prompts) checkAsset(dir, prompt.asset, `prompt ${prompt.name}`, problems);
  return problems;
}
function checkSources(doc, problems) {
  const declared = new Set(doc.env.map((v) => v.name));
  const checkEnv = (source, where) => {
    for (const name of envNamesOf(source)) {
      if (!declared.has(name))
        problems.push(`${where} reads env variable ${name}, which the catalog does not declare`);
    }
  };
  for (const source of doc.sources) {
    checkEnv(source.baseUrl, `source '${source.id}' base URL`);
    if (source.path !== void 0 && (source.kind !== "graphql" || !/^\/[^?#]*$/.test(source.path)))
      problems.push(`source '${source.id}': path must be a GraphQL endpoint path starting with /`);
    for (const scheme of source.auth) {
      const where = `source '${source.id}' scheme '${scheme.scheme}'`;
      for (const value of authValues(scheme)) checkEnv(value, where);
    }
  }
}
function checkToolShape(tool, schemas, module, names, problems) {
  for (const name of [tool.name, ...tool.aliases]) {
    if (!TOOL_NAME.test(name))
      problems.push(`tool name ${JSON.stringify(name)} is not a valid MCP tool name`);
    if (names.has(name)) problems.push(`tool name ${name} is used twice`);
    names.add(name);
  }
  for (const name of [...namesIn(tool.inputSchema), ...namesIn(tool.outputSchema)]) {
    if (!Object.hasOwn(schemas, name))
      problems.push(`tool ${tool.name} refers to schema ${name}, which catalog.json's schemas do not hold`);
  }
  if (tool.inputSchema?.type !== "object")
    problems.push(`tool ${tool.name}: inputSchema must have type "object"`);
  if (tool.outputSchema !== void 0 && tool.outputSchema.type !== "object") {
    problems.push(`tool ${tool.name}: outputSchema must have type "object" (wrap non-objects under result)`);
  }
  if (typeof module.tools[tool.name]?.input !== "function") {
    problems.push(`tool ${tool.name} has no input schema in catalog.gen`);
  }
}
function checkHttpBinding(toolName, binding, sources, problems) {
  const source = sources.get(binding.source);
  if (!source) {
    problems.push(`tool ${toolName} uses source '${binding.source}', which is not defined`);
    return;
  }
  const schemes = new Set(source.auth.map((s) => s.scheme));
  for (const name of binding.security.flat()) {
    if (!schemes.has(name))
      problems.push(`tool ${toolName} requires security scheme '${name}', which is not defined`);
  }
  const vars = [...binding.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const pathParams = binding.params.filter((p) => p.in === "path").map((p) => p.name);
  for (const v of vars) {
    if (v !== void 0 && !pathParams.includes(v))
      problems.push(`tool ${toolName}: {${v}} has no path parameter`);
  }
  for (const p of pathParams) {
    if (!vars.includes(p)) problems.push(`tool ${toolName}: path parameter ${p} is not in ${binding.path}`);
  }
}
function checkResourceTemplates(doc, dir, problems) {
  const toolsByName = new Map(doc.tools.map((t) => [t.name, t]));
  for (const template of doc.resourceTemplates) {
    const where = `resource template ${template.uriTemplate}`;
    const vars = [...template.uriTemplate.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (template.tool) {
      const tool =
        toolsByName.get(template.tool.name) ?? doc.tools.find((t) => t.aliases.includes(template.tool.name));
      if (!tool) problems.push(`${where} calls tool ${template.tool.name}, which is not defined`);
      for (const v of Object.keys(template.tool.args)) {
        if (!vars.includes(v)) problems.push(`${where} maps {${v}}, which the template does not have`);
      }
    } else if (template.assets) {
      if (vars.length !== 1 || vars[0] !== template.assets.variable) {
        problems.push(`${where} must have exactly the variable {${template.assets.variable}}`);
      }
      for (const value of template.assets.values) {
        const asset = template.assets.pattern.replaceAll(`{${template.assets.variable}}`, value);
        checkAsset(dir, asset, where, problems);
      }
    } else {
      problems.push(`${where} has neither a tool nor assets`);
    }
  }
}
function checkAsset(dir, asset, where, problems) {
  const full = resolve(dir, asset);
  const rel = relative(dir, full);
  if (isAbsolute(asset) || rel.startsWith("..") || isAbsolute(rel)) {
    problems.push(`${where}: asset path ${JSON.stringify(asset)} leaves the catalog folder`);
  } else if (!existsSync(full)) {
    problems.push(`${where}: asset ${asset} is missing from the catalog folder`);
  }
}

// src/load/resolve-hooks.ts
import { registerHooks } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

var BORROWED = /^(?:zod|toolwright)(?:\/|$)/;
var hooked = /* @__PURE__ */ new Set();
function borrowPackagesFor(catalogDir, packageRoot) {
  const folder = pathToFileURL(join(catalogDir, "/")).href;
  if (hooked.has(folder)) return;
  hooked.add(folder);
  const anchor = pathToFileURL(join(packageRoot, "package.json")).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        const missing = error.code === "ERR_MODULE_NOT_FOUND";
        if (!missing || !BORROWED.test(specifier) || !context.parentURL?.startsWith(folder)) throw error;
        return nextResolve(specifier, { ...context, parentURL: anchor });
      }
    },
  });
}

// src/load/catalog.ts
var CatalogLoadError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "CatalogLoadError";
  }
};
function looksLikePath(ref) {
  return isAbsolute2(ref) || ref.startsWith(".") || ref.includes("/") || ref.includes("\\");
}
function bundledCatalogs() {
  const root = join2(PACKAGE_ROOT, "generated");
  if (!existsSync2(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync2(join2(root, entry.name, "catalog.json")))
    .map((entry) => entry.name)
    .sort();
}
function findCatalogDir(ref, cwd = process.cwd()) {
  if (!looksLikePath(ref)) {
    const dir2 = join2(PACKAGE_ROOT, "generated", ref);
    if (existsSync2(join2(dir2, "catalog.json"))) return dir2;
    const bundled = bundledCatalogs();
    throw new CatalogLoadError(
      `${JSON.stringify(ref)} is not a catalog bundled with toolwright (${bundled.length > 0 ? bundled.join(", ") : "none are installed"}); to use a generated catalog folder, pass its path, e.g. ./generated/${ref}`,
    );
  }
  const dir = resolve2(cwd, ref);
  if (existsSync2(join2(dir, "catalog.json"))) return dir;
  if (existsSync2(dir) && statSync(dir).isDirectory()) {
    throw new CatalogLoadError(
      `${ref} has no catalog.json; is it a generated catalog folder? (run toolwright generate)`,
    );
  }
  throw new CatalogLoadError(`catalog folder ${dir} not found`);
}
async function readCatalogDocument(dir) {
  const file = join2(dir, "catalog.json");
  let parsed;
  try {
    parsed = JSON.parse(await readFile2(file, "utf8"));
  } catch (error) {
    throw new CatalogLoadError(`${file}: cannot read it as JSON (${error.message})`);
  }
  try {
    checkDocumentShape(parsed, file);
  } catch (error) {
    throw new CatalogLoadError(error.message);
  }
  return parsed;
}
async function importGenerated(file) {
  let imported;
  try {
    imported = await import(pathToFileURL2(file).href);
  } catch (error) {
    throw new CatalogLoadError(`${file}: cannot load it (${error.message})`);
  }
  const module = imported.default;
  if (!module || typeof module !== "object" || typeof module.schemas !== "function") {
    throw new CatalogLoadError(`${file}: its default export is not a generated catalog module`);
  }
  return { inputHash: String(module.inputHash), schemas: module.schemas, handlers: module.handlers ?? {} };
}
function toolSchemas(generated, file) {
  try {
    const tools = generated.schemas(z);
    if (tools && typeof tools === "object") return tools;
  } catch (error) {
    throw new CatalogLoadError(`${file}: its schemas cannot be built (${error.message})`);
  }
  throw new CatalogLoadError(`${file}: its schemas function returned no tool table`);
}
async function loadCatalog(ref, cwd) {
  const dir = findCatalogDir(ref, cwd);
  const doc = await readCatalogDocument(dir);
  const codeFile = join2(dir, "catalog.gen.mjs");
  if (!existsSync2(codeFile)) {
    throw new CatalogLoadError(`${dir} has catalog.json but no catalog.gen.mjs; regenerate the catalog`);
  }
  if (existsSync2(join2(dir, "handlers.gen.mjs"))) borrowPackagesFor(dir, PACKAGE_ROOT);
  const generated = await importGenerated(codeFile);
  if (generated.inputHash !== doc.inputHash) {
    throw new CatalogLoadError(
      `${basename(codeFile)} (inputHash ${generated.inputHash}) and catalog.json (inputHash ${doc.inputHash}) in ${dir} come from different generations; regenerate the catalog`,
    );
  }
  const module = {
    inputHash: generated.inputHash,
    tools: toolSchemas(generated, codeFile),
    handlers: generated.handlers,
  };
  const problems = checkCatalog(doc, module, dir);
  if (problems.length > 0) {
    throw new CatalogLoadError(`${dir} is inconsistent:
${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return { dir, doc, module };
}

export {
  CatalogLoadError,
  ConfigError,
  describeSource,
  expandHome,
  findCatalogDir,
  loadCatalog,
  readCatalogDocument,
  redact,
  redactAndTruncate,
  rememberSecret,
  resolveConfig,
  resolveValue,
  ValueError,
};
