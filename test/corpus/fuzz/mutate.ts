import { parse, stringify } from "yaml";

/**
 * Structure-aware mutations of specs and manifests, as real broken inputs have them: a value of another JSON type,
 * a key deleted, renamed or duplicated, a `$ref` retargeted (missing, cyclic, to a non-schema, to a missing file,
 * wrongly escaped), lists emptied or made huge, numbers at the extremes, strings with control characters, lone
 * surrogates and RTL marks, deep nesting, YAML's own tricks, truncation, byte order marks and UTF-16. Seeded: the
 * same seed gives the same mutant.
 */
export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
}

/** xorshift32: small, seeded, the same on every platform. */
export function rng(seed: number): Rng {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)] as (typeof list)[number],
  };
}

type Json = unknown;
type Path = (string | number)[];
type Obj = Record<string, Json>;

function isObj(v: Json): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every node's path, depth-first, bounded. */
function nodes(root: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (path.length > 40 || out.length > 20_000) return out;
  if (Array.isArray(root)) for (const [i, v] of root.entries()) nodes(v, [...path, i], out);
  else if (isObj(root)) for (const k of Object.keys(root)) nodes(root[k], [...path, k], out);
  return out;
}

function getAt(root: Json, path: Path): Json {
  let n = root;
  for (const k of path) n = (n as Obj)[k as string];
  return n;
}

function setAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1)) as Obj;
  Object.defineProperty(parent, path[path.length - 1] as string, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return root;
}

/** A number JSON.stringify cannot write, kept as its literal text until the document is written. */
const RAW = "\u0000raw:";
const NUMBERS: Json[] = [
  `${RAW}1e400`,
  `${RAW}-1e400`,
  `${RAW}-0`,
  `${RAW}9007199254740993`,
  `${RAW}123456789012345678901234567890`,
  `${RAW}1e-400`,
  -1,
  0.5,
  2 ** 53,
];
const STRINGS = [
  "a\u0000b",
  "\u0001\u0002\u001b[31m",
  "\ud800",
  "x\udfffy",
  "\u202eevil\u202c",
  "x".repeat(100_000),
  "",
  "__proto__",
  "constructor",
  "*/ throw 1; /*",
  "`$" + "{process.exit(3)}`",
  "</script>",
  "\\",
  "'\"",
  "a\nb\r\nc\u2028d",
  "../../../etc/passwd",
];

function otherType(r: Rng, v: Json): Json {
  const options: Json[] = [
    {},
    [],
    "text",
    42,
    null,
    true,
    { a: 1 },
    [1, "x"],
    r.pick(NUMBERS),
    r.pick(STRINGS),
  ];
  let x = r.pick(options);
  for (let i = 0; i < 5 && typeof x === typeof v && Array.isArray(x) === Array.isArray(v); i++)
    x = r.pick(options);
  return x;
}

const pointer = (p: Path) =>
  `#/${p.map((k) => String(k).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

function refTargets(r: Rng, root: Json, at: Path): string[] {
  const all = nodes(root);
  const other = r.pick(all);
  const props = all.filter((p) => p.includes("properties"));
  return [
    "#/components/schemas/DoesNotExist",
    "#/definitions/DoesNotExist",
    pointer(at),
    pointer(at.slice(0, Math.max(0, at.length - 2))),
    "#",
    "",
    "#/paths",
    "#/info",
    pointer(other),
    props.length > 0 ? pointer(r.pick(props)) : "#/x",
    "./missing.yaml#/Foo",
    "../outside.yaml#/x",
    "http://127.0.0.1:9/x.json",
    "#/components/schemas/a~2b",
    "#/components/schemas/a%ZZ",
    "#/components/schemas/a~",
    "#components/schemas/x",
    "#/components/schemas/__proto__",
    pointer(other).replace(/~1/g, "/"),
    pointer(other).replace(/\//g, "%2F"),
  ];
}

function deep(depth: number, kind: number): Json {
  let v: Json = { type: "string" };
  for (let i = 0; i < depth; i++) {
    if (kind === 0) v = { type: "object", properties: { a: v } };
    else if (kind === 1) v = { type: "array", items: v };
    else if (kind === 2) v = [v];
    else v = { allOf: [v] };
  }
  return v;
}

const objects = (root: Json) => nodes(root).filter((p) => isObj(getAt(root, p)));
const keyed = (root: Json) => nodes(root).filter((p) => typeof p[p.length - 1] === "string");

type TreeMutation = (r: Rng, root: Json) => [Json, string];

function renameKey(r: Rng, root: Json): [Json, string] {
  const paths = keyed(root);
  if (paths.length === 0) return [root, "nothing to rename"];
  const p = r.pick(paths);
  const parent = getAt(root, p.slice(0, -1)) as Obj;
  const k = p[p.length - 1] as string;
  const to = r.pick([`${k}x`, k.toUpperCase(), `x-${k}`, "", "__proto__", `${k}\u0000`, ` ${k}`]);
  const entries = Object.entries(parent).map(([a, b]) => [a === k ? to : a, b] as const);
  for (const key of Object.keys(parent)) delete parent[key];
  for (const [a, b] of entries) setAt(parent, [a], b);
  return [root, `rename ${p.join("/")} to ${JSON.stringify(to)}`];
}

function retargetRef(r: Rng, root: Json): [Json, string] {
  const refs = nodes(root).filter((p) => p[p.length - 1] === "$ref");
  const at = refs.length > 0 && r.next() < 0.6 ? r.pick(refs).slice(0, -1) : r.pick(objects(root));
  const target = r.pick(refTargets(r, root, at));
  const node = getAt(root, at);
  if (isObj(node)) node.$ref = target;
  return [root, `$ref at ${at.join("/")} to ${JSON.stringify(target)}`];
}

function cycle(r: Rng, root: Json): [Json, string] {
  const comps = isObj(root) && isObj(root.components) ? root.components.schemas : undefined;
  const bag = isObj(comps) ? comps : isObj(root) && isObj(root.definitions) ? root.definitions : undefined;
  if (!bag || Object.keys(bag).length === 0) return retargetRef(r, root);
  const prefix = bag === comps ? "#/components/schemas/" : "#/definitions/";
  const a = r.pick(Object.keys(bag));
  const b = r.pick(Object.keys(bag));
  bag[a] = { $ref: `${prefix}${b}` };
  bag[b] = r.next() < 0.5 ? { $ref: `${prefix}${a}` } : { allOf: [{ $ref: `${prefix}${a}` }] };
  return [root, `cycle ${a} and ${b}`];
}

const LISTS = ["enum", "required", "properties", "parameters", "servers", "select", "tools", "security"];

function listExtreme(r: Rng, root: Json): [Json, string] {
  const lists = nodes(root).filter((p) => LISTS.includes(String(p[p.length - 1])));
  if (lists.length === 0) return [root, "no list"];
  const p = r.pick(lists);
  const v = getAt(root, p);
  const huge = r.next() < 0.5;
  let to: Json;
  if (Array.isArray(v))
    to = huge ? Array.from({ length: 20_000 }, (_, i) => (isObj(v[0]) ? v[i % v.length] : `v${i}`)) : [];
  else
    to = huge
      ? Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`p${i}`, { type: "string" }]))
      : {};
  return [setAt(root, p, to), `${huge ? "huge" : "empty"} ${p.join("/")}`];
}

const BOUNDS = [
  "minimum",
  "maximum",
  "maxLength",
  "minItems",
  "maxItems",
  "default",
  "multipleOf",
  "example",
];

const TREE: Record<string, TreeMutation> = {
  retype(r, root) {
    const p = r.pick(nodes(root));
    return [setAt(root, p, otherType(r, getAt(root, p))), `retype ${p.join("/")}`];
  },
  deleteKey(r, root) {
    const paths = keyed(root);
    if (paths.length === 0) return [root, "nothing to delete"];
    const p = r.pick(paths);
    delete (getAt(root, p.slice(0, -1)) as Obj)[p[p.length - 1] as string];
    return [root, `delete ${p.join("/")}`];
  },
  renameKey,
  retargetRef,
  cycle,
  listExtreme,
  number(r, root) {
    const all = nodes(root).filter(
      (p) => typeof getAt(root, p) === "number" || BOUNDS.includes(String(p[p.length - 1])),
    );
    const p = all.length > 0 ? r.pick(all) : r.pick(nodes(root));
    return [setAt(root, p, r.pick(NUMBERS)), `number at ${p.join("/")}`];
  },
  string(r, root) {
    const all = nodes(root).filter((p) => typeof getAt(root, p) === "string");
    if (all.length === 0) return [root, "no string"];
    const p = r.pick(all);
    const old = getAt(root, p) as string;
    const odd = r.pick(STRINGS);
    const to = r.next() < 0.5 ? odd : `${old.slice(0, old.length >> 1)}${odd}${old.slice(old.length >> 1)}`;
    return [setAt(root, p, to), `string at ${p.join("/")}: ${JSON.stringify(odd).slice(0, 30)}`];
  },
  oddKey(r, root) {
    const p = r.pick(objects(root));
    const k = r.pick(STRINGS).slice(0, 300);
    setAt(getAt(root, p), [k], otherType(r, 1));
    return [root, `key ${JSON.stringify(k).slice(0, 30)} in ${p.join("/")}`];
  },
  deep(r, root) {
    const p = r.pick(nodes(root));
    const depth = r.pick([200, 1000]);
    const kind = r.int(4);
    return [setAt(root, p, deep(depth, kind)), `nesting ${depth} deep (${kind}) at ${p.join("/")}`];
  },
  swap(r, root) {
    const paths = keyed(root);
    if (paths.length < 2) return [root, "nothing to swap"];
    const a = r.pick(paths);
    const b = r.pick(paths);
    const va = structuredClone(getAt(root, a));
    setAt(root, a, structuredClone(getAt(root, b)));
    // `b` may sit inside `a`'s old value: then it is gone, and the swap is a copy.
    if (getAt(root, b.slice(0, -1)) !== undefined) setAt(root, b, va);
    return [root, `swap ${a.join("/")} and ${b.join("/")}`];
  },
};

/** The document as text again; numbers JSON cannot write keep their literal. */
function write(root: Json, asJson: boolean): string {
  let text = JSON.stringify(root, null, 1);
  // The YAML writer recurses deeper than JSON's: past its depth, the JSON text (a YAML document too) is written.
  if (!asJson)
    try {
      text = stringify(root, { lineWidth: 0 });
    } catch {}
  return text.replace(/"\\u0000raw:([^"]*)"/g, "$1").replace(/"\\0raw:([^"]*)"/g, "$1");
}

type TextMutation = (r: Rng, text: string, yaml: boolean) => [string | Buffer, string];

function duplicateKey(r: Rng, text: string): [string, string] {
  const lines = text.split("\n");
  const at = lines.flatMap((l, i) => (/^\s*"?[\w$-]+"?\s*:/.test(l) ? [i] : []));
  if (at.length === 0) return [text, "no key line"];
  const i = r.pick(at);
  const line = lines[i] as string;
  lines.splice(
    i + 1,
    0,
    text.trimStart().startsWith("{") ? line.replace(/:.*$/, ': "dup",') : line.replace(/:.*$/, ": dup"),
  );
  return [lines.join("\n"), `key of line ${i + 1} duplicated`];
}

function yamlTrick(r: Rng, text: string): [string, string] {
  const scalar = /: ([A-Za-z][\w ]*)$/m;
  const laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (const [n, prev] of ["ba", "cb", "dc", "ed", "fe", "gf"])
    laughs.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  const tricks: [string, string][] = [
    ["a second document", `${text}\n---\nfoo: bar\n`],
    ["an alias bomb", `${text}\nx-bomb:\n${laughs.map((l) => `  ${l}`).join("\n")}\n`],
    ["!!binary", text.replace(scalar, ": !!binary aGVsbG8=")],
    ["!!js/function", text.replace(scalar, ": !!js/function 'function(){}'")],
    ["a custom tag", text.replace(scalar, ": !Ref foo")],
    ["!!set", text.replace(scalar, ": !!set {a, b}")],
    ["a timestamp", text.replace(scalar, ": 2001-12-14t21:59:43.10-05:00")],
    ["%YAML 1.1", `%YAML 1.1\n---\n${text}`],
    ["yes for true", text.replace(/: (true|false)$/m, ": yes")],
  ];
  const [name, out] = r.pick(tricks);
  return [out, `YAML: ${name}`];
}

function mergeKey(r: Rng, text: string): [string, string] {
  const lines = text.split("\n");
  const at = lines.flatMap((l, i) => (/^\s*[\w/{}.-]+:\s*$/.test(l) ? [i] : []));
  if (at.length < 2) return [text, "no mapping to merge"];
  const a = r.pick(at);
  const b = r.pick(at);
  lines[a] = `${lines[a]} &m1`;
  const indent = ((lines[b] as string).match(/^\s*/)?.[0] ?? "").length + 2;
  if (a !== b) lines.splice(b + 1, 0, `${" ".repeat(indent)}<<: *m1`);
  return [lines.join("\n"), `merge key: line ${a + 1} into line ${b + 1}`];
}

const TEXT: Record<string, TextMutation> = {
  truncate(r, text) {
    const b = Buffer.from(text);
    const at = r.int(b.length);
    return [b.subarray(0, at), `cut at byte ${at} of ${b.length}`];
  },
  bom: (_r, text) => [`\ufeff${text}`, "UTF-8 byte order mark"],
  utf16: (r, text) =>
    r.next() < 0.5
      ? [Buffer.from(`\ufeff${text}`, "utf16le"), "UTF-16LE with a byte order mark"]
      : [Buffer.from(text, "utf16le"), "UTF-16LE without a byte order mark"],
  duplicateKey,
  tabs(r, text) {
    const lines = text.split("\n");
    const i = r.int(lines.length);
    lines[i] = (lines[i] as string).replace(/^ {2}/, "\t");
    return [lines.join("\n"), `tab indenting line ${i + 1}`];
  },
  yamlTrick: (r, text, yaml) => (yaml ? yamlTrick(r, text) : [text, "not YAML"]),
  mergeKey: (r, text, yaml) => (yaml ? mergeKey(r, text) : [text, "not YAML"]),
  bytes(r, text) {
    const b = Buffer.from(text);
    for (let i = 0; i < 3; i++)
      b[r.int(b.length)] = r.pick([0, 0x80, 0xff, 0xc3, 0x22, 0x7b, 0x3a, 0x0a, 0x09]);
    return [b, "three bytes replaced"];
  },
};

/**
 * One mutant of a file's text: with a JSON or YAML file, mostly one or two mutations of its tree (written back as
 * JSON or YAML), else a mutation of its text; other files (GraphQL SDL) get text mutations that break any syntax.
 */
export function mutate(r: Rng, file: string, text: string): { bytes: string | Buffer; what: string } {
  const json = file.endsWith(".json");
  const yaml = /\.ya?ml$/.test(file);
  if ((json || yaml) && r.next() < 0.7) {
    let root: Json = json ? JSON.parse(text) : parse(text, { maxAliasCount: -1 });
    const what: string[] = [];
    for (let i = 1 + r.int(2); i > 0; i--) {
      const [next, did] = (TREE[r.pick(Object.keys(TREE))] as TreeMutation)(r, root);
      root = next;
      what.push(did);
    }
    return { bytes: write(root, json && r.next() < 0.85), what: what.join("; ") };
  }
  const names = json || yaml ? Object.keys(TEXT) : ["truncate", "bom", "utf16", "bytes"];
  const [bytes, what] = (TEXT[r.pick(names)] as TextMutation)(r, text, yaml);
  return { bytes, what };
}
