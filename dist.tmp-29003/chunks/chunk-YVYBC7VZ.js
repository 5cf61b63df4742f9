// src/publish/describe.ts
var CONCISE_TOOL_CHARS = 300;
var CONCISE_SCHEMA_CHARS = 120;
var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
function firstParagraph(text) {
  const trimmed = text.replace(/\r\n?/g, "\n").trim();
  const paragraphs = trimmed.split(/\n\s*\n/).filter((p) => !/^\s*(>|#)/.test(p));
  return paragraphs[0] ?? trimmed.split(/\n\s*\n/)[0] ?? "";
}
function plainText(text) {
  return text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+"[^"]*")?\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/<(https?:\/\/[^>\s]+)>/g, "$1")
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?>/g, "")
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name) => ENTITIES[name] ?? "")
    .replace(/(\*\*|__)(?=\S)([^*_]+?)\1/g, "$2")
    .replace(/\s+/g, " ")
    .trim();
}
function firstSentence(text, max) {
  const para = (text.split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " ").trim();
  const end = /(?<!\b(?:e\.g|i\.e|etc|vs|cf))[.!?](?=\s+[A-Z(`"]|$)/.exec(para);
  const s = end ? para.slice(0, end.index + 1) : para;
  return s.length > max ? `${s.slice(0, max - 3)}…` : s;
}
function conciseText(text, max) {
  const plain = plainText(firstParagraph(text));
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}
function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
function conciseSchema(node) {
  if (Array.isArray(node)) return node.map(conciseSchema);
  if (!isObject(node)) return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "description" && typeof value === "string")
      out[key] = firstSentence(plainText(firstParagraph(value)), CONCISE_SCHEMA_CHARS);
    else if (key === "const" || key === "enum" || key === "default" || key === "examples") out[key] = value;
    else if ((key === "properties" || key === "$defs" || key === "patternProperties") && isObject(value)) {
      const props = {};
      for (const [name, schema] of Object.entries(value)) props[name] = conciseSchema(schema);
      out[key] = props;
    } else out[key] = conciseSchema(value);
  }
  return out;
}

// src/publish/project.ts
var UNBOUNDED = { depth: Number.POSITIVE_INFINITY, bytes: Number.POSITIVE_INFINITY };
var PREFIX = "#/$defs/";
var DATA_KEYWORDS = /* @__PURE__ */ new Set(["const", "enum", "default", "examples"]);
var SCHEMA_MAPS = /* @__PURE__ */ new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);
function isObject2(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
function refName(ref) {
  if (typeof ref !== "string" || !ref.startsWith(PREFIX)) return void 0;
  return ref.slice(PREFIX.length).replace(/~1/g, "/").replace(/~0/g, "~");
}
function namesIn(node, out = [], seen = /* @__PURE__ */ new Set()) {
  if (Array.isArray(node)) {
    for (const item of node) namesIn(item, out, seen);
    return out;
  }
  if (!isObject2(node)) return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref") {
      const name = refName(value);
      if (name !== void 0 && !seen.has(name)) {
        seen.add(name);
        out.push(name);
      }
    } else if (SCHEMA_MAPS.has(key) && isObject2(value)) {
      for (const child of Object.values(value)) namesIn(child, out, seen);
    } else if (!DATA_KEYWORDS.has(key)) {
      namesIn(value, out, seen);
    }
  }
  return out;
}
var SizeCache = class {
  constructor(table) {
    this.table = table;
  }
  table;
  sizes = /* @__PURE__ */ new Map();
  of(name) {
    let size = this.sizes.get(name);
    if (size === void 0) {
      size = JSON.stringify(this.table[name] ?? {}).length + JSON.stringify(name).length + 2;
      this.sizes.set(name, size);
    }
    return size;
  }
};
function unexpandedSchema(name, original) {
  const out = {};
  if (typeof original?.type === "string") out.type = original.type;
  out.title = typeof original?.title === "string" ? original.title : name;
  const about = typeof original?.description === "string" ? conciseText(original.description, 200) : "";
  const note =
    original === void 0
      ? `${name} is missing from this catalog's schemas; any value is accepted here`
      : `${name}: not expanded here, beyond the schema budget`;
  out.description = about ? `${about} (${note}.)` : `${note}.`;
  return out;
}
var NESTING = /* @__PURE__ */ new Set([
  "properties",
  "patternProperties",
  "additionalProperties",
  "items",
  "prefixItems",
]);
function hasNested(node) {
  return Object.keys(node).some(
    (key) => NESTING.has(key) || key === "allOf" || key === "anyOf" || key === "oneOf" || key === "$ref",
  );
}
function openInline(node) {
  const out = {};
  if (typeof node.type === "string") out.type = node.type;
  if (typeof node.title === "string") out.title = node.title;
  const about = typeof node.description === "string" ? conciseText(node.description, 200) : "";
  const note =
    "nested content not expanded here (beyond this tool's schema budget); the server still checks it in full";
  out.description = about ? `${about} (${note}.)` : `${note[0]?.toUpperCase()}${note.slice(1)}.`;
  return out;
}
function pruneInline(node, level, stubs, depth = 0) {
  if (Array.isArray(node)) return node.map((item) => pruneInline(item, level, stubs, depth));
  if (!isObject2(node)) return node;
  if (depth > level && hasNested(node)) {
    const stub = openInline(node);
    stubs.add(stub);
    return stub;
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) out[key] = value;
    else if (SCHEMA_MAPS.has(key) && isObject2(value)) {
      const map = {};
      for (const [name, child] of Object.entries(value))
        map[name] = pruneInline(child, level, stubs, depth + 1);
      out[key] = map;
    } else out[key] = pruneInline(value, level, stubs, NESTING.has(key) ? depth + 1 : depth);
  }
  return out;
}
function nestingDepth(node, depth = 0) {
  if (Array.isArray(node)) return Math.max(depth, ...node.map((item) => nestingDepth(item, depth)));
  if (!isObject2(node)) return depth;
  let max = depth;
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) continue;
    if (SCHEMA_MAPS.has(key) && isObject2(value)) {
      for (const child of Object.values(value)) max = Math.max(max, nestingDepth(child, depth + 1));
    } else max = Math.max(max, nestingDepth(value, NESTING.has(key) ? depth + 1 : depth));
  }
  return max;
}
function fitRoot(root, bounds, stubs) {
  if (!Number.isFinite(bounds.bytes) || JSON.stringify(root).length <= bounds.bytes) return root;
  let fitted = root;
  for (let level = nestingDepth(root) - 1; level >= (bounds.keepLevel ?? 1); level--) {
    fitted = level < 0 ? openRoot(root, stubs) : pruneInline(root, level, stubs);
    if (JSON.stringify(fitted).length <= bounds.bytes) break;
  }
  return fitted;
}
function openRoot(root, stubs) {
  const stub = { ...openInline(root), type: "object" };
  stubs.add(stub);
  return stub;
}
function choose(root, table, bounds, sizes) {
  const expanded = [];
  const open = [];
  const seen = /* @__PURE__ */ new Set();
  const openCost = (name) =>
    JSON.stringify(unexpandedSchema(name, table[name])).length + JSON.stringify(name).length + 2;
  let level = namesIn(root, [], seen);
  let used = JSON.stringify(root).length + 10 + level.reduce((n, name) => n + openCost(name), 0);
  for (let depth = 1; level.length > 0; depth++) {
    const next = [];
    for (const name of level) {
      const def = table[name];
      const children = def === void 0 ? [] : namesIn(def).filter((child) => !seen.has(child));
      const delta = sizes.of(name) - openCost(name) + children.reduce((n, child) => n + openCost(child), 0);
      if (def !== void 0 && depth <= bounds.depth && (used + delta <= bounds.bytes || delta <= 0)) {
        expanded.push(name);
        used += delta;
        for (const child of children) {
          seen.add(child);
          next.push(child);
        }
      } else open.push(name);
    }
    level = next;
  }
  return { expanded, open };
}
function widenedNames(expanded, open, table) {
  const widened = new Set(open);
  if (widened.size === 0) return widened;
  const refs = new Map(expanded.map((name) => [name, namesIn(table[name])]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, to] of refs) {
      if (!widened.has(name) && to.some((t) => widened.has(t))) {
        widened.add(name);
        changed = true;
      }
    }
  }
  return widened;
}
function reaches(node, widened, stubs) {
  if (namesIn(node).some((name) => widened.has(name))) return true;
  if (!stubs) return false;
  const visit = (n) => {
    if (Array.isArray(n)) return n.some(visit);
    if (!isObject2(n)) return false;
    if (stubs.has(n)) return true;
    return Object.entries(n).some(([key, value]) => !DATA_KEYWORDS.has(key) && visit(value));
  };
  return visit(node);
}
function loosenExclusive(node, widened, stubs) {
  if (widened.size === 0 && !stubs) return node;
  if (Array.isArray(node)) {
    let changed = false;
    const out2 = node.map((item) => {
      const next = loosenExclusive(item, widened, stubs);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out2 : node;
  }
  if (!isObject2(node)) return node;
  let out;
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) continue;
    if (key === "not" && reaches(value, widened, stubs)) {
      out ??= { ...node };
      delete out.not;
      continue;
    }
    const next = SCHEMA_MAPS.has(key)
      ? loosenMap(value, widened, stubs)
      : loosenExclusive(value, widened, stubs);
    if (key === "oneOf" && reaches(value, widened, stubs)) {
      out ??= { ...node };
      delete out.oneOf;
      out.anyOf = next;
    } else if (next !== value) {
      out ??= { ...node };
      out[key] = next;
    }
  }
  return out ?? node;
}
function loosenMap(map, widened, stubs) {
  if (!isObject2(map)) return map;
  let out;
  for (const [name, schema] of Object.entries(map)) {
    const next = loosenExclusive(schema, widened, stubs);
    if (next !== schema) {
      out ??= { ...map };
      out[name] = next;
    }
  }
  return out ?? map;
}
function project(root, table, bounds, sizes = new SizeCache(table)) {
  const stubs = /* @__PURE__ */ new WeakSet();
  const fitted = fitRoot(root, bounds, stubs);
  const pruned = fitted !== root;
  const { expanded, open } = choose(fitted, table, bounds, sizes);
  if (expanded.length === 0 && open.length === 0) {
    return {
      schema: pruned ? loosenExclusive(fitted, /* @__PURE__ */ new Set(), stubs) : root,
      unexpanded: [],
    };
  }
  const widened = widenedNames(expanded, open, table);
  const defs = [
    ...expanded.map((name) => [name, loosenExclusive(table[name], widened)]),
    ...open.map((name) => [name, unexpandedSchema(name, table[name])]),
  ];
  defs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const top = loosenExclusive(fitted, widened, pruned ? stubs : void 0);
  const schema = { ...top, $defs: Object.fromEntries(defs) };
  return { schema, unexpanded: open.sort() };
}

export {
  CONCISE_TOOL_CHARS,
  conciseSchema,
  conciseText,
  firstSentence,
  namesIn,
  project,
  SizeCache,
  UNBOUNDED,
};
