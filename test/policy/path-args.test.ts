import { describe, expect, it } from "vitest";
import type { CatalogTool, HttpParam, JsonSchema, ToolPolicy } from "../../src/catalog.js";
import { coveredArgs, isPathLikeName, pathLikeArgs, unscopedPathArgs } from "../../src/policy/path-args.js";
import { tool } from "./helpers.js";

/** A tool with no binding arguments and the given input schema (object properties at the root). */
function withInput(properties: Record<string, JsonSchema>, policy: ToolPolicy = {}): CatalogTool {
  return tool("t", policy, {
    binding: {
      kind: "http",
      source: "api",
      method: "POST",
      path: "/v1/run",
      params: [],
      security: [],
      success: { status: "200" },
    },
    inputSchema: { type: "object", properties },
  });
}

function param(arg: string, name: string, extra: Partial<HttpParam> = {}): HttpParam {
  return { arg, name, in: "query", style: "form", explode: true, required: false, ...extra };
}

describe("isPathLikeName", () => {
  it.each([
    // the last word, split at _ - . space and camelCase
    "path",
    "paths",
    "Path",
    "PATH",
    "file_path",
    "file-path",
    "file.path",
    "file path",
    "filePath",
    "FilePaths",
    "file__path",
    "_path_",
    "source/path",
    "s3Path",
    "S3_PREFIX",
    "keyPrefix",
    "key_prefixes",
    "name_pattern",
    "namePatterns",
    "include_glob",
    "globs",
    "mount",
    "backend_mounts",
    "parentFolder",
    "folders",
    "mountPATH",
    // acronyms before the last word
    "URLPath",
    "ACLPaths",
    "HTTPPrefix",
    "S3URIPrefix",
    // whole names
    "key",
    "keys",
    "Key",
    "KEYS",
    "_key_",
    // Unicode compatibility forms fold to the ASCII word
    "ｐａｔｈ",
    "ＦｉｌｅＰａｔｈ",
    "file＿path",
  ])("%j names a path", (name) => {
    expect(isPathLikeName(name)).toBe(true);
  });

  it.each([
    "",
    "_",
    "---",
    "max_path_length",
    "pathLength",
    "path_id",
    "paths_count",
    "key_id",
    "api_key",
    "apiKey",
    "keyId",
    "secret_key",
    "keyring",
    "monkey",
    "xpath",
    "filepath",
    "subpaths",
    "prefixed",
    "mountain",
    "patternless",
    "name",
    "id",
    // lookalikes that are not the word: Cyrillic а, Greek ο, dotless ı
    "pаth",
    "fοlder",
    "pıth",
  ])("%j does not", (name) => {
    expect(isPathLikeName(name)).toBe(false);
  });
});

describe("pathLikeArgs", () => {
  it("finds top-level, nested and array-item properties as dot paths, without descending into a path", () => {
    const t = withInput({
      name: { type: "string" },
      path: { type: "object", properties: { prefix: { type: "string" } } },
      target: {
        type: "object",
        properties: { mount: { type: "string" }, label: { type: "string" } },
      },
      rules: {
        type: "array",
        items: { type: "object", properties: { paths: { type: "array" }, verb: { type: "string" } } },
      },
      byName: {
        type: "object",
        additionalProperties: { type: "object", properties: { folder: { type: "string" } } },
      },
    });
    expect(pathLikeArgs(t)).toEqual(["byName.*.folder", "path", "rules.*.paths", "target.mount"]);
  });

  it("does not name the items of the root itself", () => {
    const t = tool("t", {}, { inputSchema: { type: "array", items: { properties: { path: {} } } } });
    expect(pathLikeArgs(t)).toEqual(["path"]); // the helper's binding has a path parameter
  });

  it("follows $ref into the schema table (once per branch) and through allOf/anyOf/oneOf", () => {
    const schemas: Record<string, JsonSchema> = {
      Target: { type: "object", properties: { key: { type: "string" }, next: { $ref: "#/$defs/Target" } } },
      Rule: { allOf: [{ properties: { glob: { type: "string" } } }] },
      Legacy: { properties: { folder: {} } },
      Component: { properties: { mount: {} } },
    };
    const t = withInput({
      target: { $ref: "#/$defs/Target" },
      rule: { anyOf: [{ $ref: "#/$defs/Rule" }, { type: "null" }] },
      either: { oneOf: [{ properties: { prefix: {} } }, { properties: { other: {} } }] },
      legacy: { $ref: "#/definitions/Legacy" },
      component: { $ref: "#/components/schemas/Component" },
      elsewhere: { $ref: "https://example.com/schema.json#/$defs/Target" },
      missing: { $ref: "#/$defs/Missing" },
    });
    expect(pathLikeArgs(t, schemas)).toEqual([
      "component.mount",
      "either.prefix",
      "legacy.folder",
      "rule.glob",
      "target.key",
    ]); // a schema met again on its own branch is not entered again: target.next.key is not listed
    expect(pathLikeArgs(t)).toEqual(["either.prefix"]);
  });

  it("walks tuple items and pattern properties as every item or value (`*`)", () => {
    const t = withInput({
      pair: { type: "array", prefixItems: [{ type: "string" }, { properties: { mount: {} } }] },
      legacyPair: { type: "array", items: [{ properties: { folder: {} } }] },
      ext: { type: "object", patternProperties: { "^x-": { properties: { prefix: {} } } } },
    });
    expect(pathLikeArgs(t)).toEqual(["ext.*.prefix", "legacyPair.*.folder", "pair.*.mount"]);
  });

  it("reaches a property seven levels into the arguments", () => {
    let schema: JsonSchema = { properties: { path: {} } };
    for (let i = 0; i < 5; i++) schema = { properties: { [`l${i}`]: schema } };
    expect(pathLikeArgs(withInput({ top: schema }))).toEqual(["top.l4.l3.l2.l1.l0.path"]);
  });

  it("counts HTTP parameters and body fields by argument or wire name, but not env-bound parameters", () => {
    const t = tool(
      "t",
      {},
      {
        binding: {
          kind: "http",
          source: "api",
          method: "POST",
          path: "/v1/{where}",
          params: [
            param("where", "file-path", { in: "path", style: "simple", explode: false }),
            param("objectPrefix", "p"),
            param("id", "id"),
            param("$env:ROOT", "root_path", { env: "ROOT" }),
            param("mount_point", "X-Mount", { in: "header", style: "simple", explode: false }),
          ],
          body: {
            mediaType: "application/json",
            encoding: "json",
            required: true,
            mode: "fields",
            fields: [
              { arg: "dest", name: "destination_path" },
              { arg: "pattern", name: "q" },
              { arg: "size", name: "size" },
            ],
          },
          security: [],
          success: { status: "200" },
        },
        inputSchema: { type: "object", properties: { where: {}, id: {}, dest: {} } },
      },
    );
    expect(pathLikeArgs(t)).toEqual(["dest", "mount_point", "objectPrefix", "pattern", "where"]);
  });

  it("counts GraphQL variables by argument or variable name", () => {
    const t = tool(
      "t",
      {},
      {
        binding: {
          kind: "graphql",
          source: "gql",
          operationType: "query",
          operationName: "Q",
          document: "query Q { x }",
          variables: [
            { arg: "where", name: "repoPath" },
            { arg: "mountPath", name: "m" },
            { arg: "first", name: "first" },
          ],
        },
        inputSchema: { type: "object", properties: {} },
      },
    );
    expect(pathLikeArgs(t)).toEqual(["mountPath", "where"]);
  });
});

describe("coveredArgs and unscopedPathArgs", () => {
  const input = {
    path: { type: "string" },
    mount: { type: "string" },
    target: { type: "object", properties: { prefix: {}, folder: {} } },
    rules: { type: "array", items: { properties: { pattern: {} } } },
    keys: { type: "array" },
  } satisfies Record<string, JsonSchema>;
  const all = ["keys", "mount", "path", "rules.*.pattern", "target.folder", "target.prefix"];

  it.each<[string, ToolPolicy, string[]]>([
    ["nothing", {}, all],
    ["a scoped path", { scopedPath: "path" }, all.filter((a) => a !== "path")],
    [
      "a listing's prefix",
      { scopedList: { prefixArg: "target.prefix", itemsPath: "items", itemPathField: "path" } },
      all.filter((a) => a !== "target.prefix"),
    ],
    [
      "a value and its base argument",
      { scopedValues: [{ arg: "path", kind: "path", base: { arg: "mount" } }] },
      ["keys", "rules.*.pattern", "target.folder", "target.prefix"],
    ],
    [
      "a value and its lookup's arguments",
      {
        scopedValues: [
          {
            arg: "rules.*.pattern",
            kind: "pattern",
            base: { lookup: { tool: "read_mount", args: { name: "mount", id: "path" }, field: "root" } },
          },
        ],
      },
      ["keys", "target.folder", "target.prefix"],
    ],
    [
      "a parent covers what is nested in it",
      { notPaths: ["target"] },
      ["keys", "mount", "path", "rules.*.pattern"],
    ],
    ["a sibling with a common start does not", { notPaths: ["target.pre", "rule", "pat"] }, all],
    ["a nested argument does not cover its parent", { notPaths: ["keys.x"] }, all],
    ["everything", { scopedPath: "path", notPaths: ["keys", "mount", "rules", "target"] }, []],
  ])("%s", (_, policy, unscoped) => {
    expect(unscopedPathArgs(withInput(input, policy))).toEqual(unscoped);
  });

  it("lists covered arguments in the order of the facts", () => {
    expect(
      coveredArgs(
        withInput(input, {
          scopedPath: "a",
          scopedList: { prefixArg: "b", itemsPath: "items", itemPathField: "path" },
          scopedValues: [{ arg: "c", kind: "prefix", base: { arg: "d" } }],
          notPaths: ["e"],
        }),
      ),
    ).toEqual(["a", "b", "c", "d", "e"]);
  });
});
