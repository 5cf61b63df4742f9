import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { snapshotOf } from "../helpers/files.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

const SPEC = `openapi: 3.1.0
info: { title: Mini, version: "1.0" }
servers: [{ url: https://mini.example.com }]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Thing" }
components:
  schemas:
    Thing:
      type: object
      properties: { id: { type: string } }
`;

const MANIFEST = `catalog: mini
env:
  MINI_URL: { description: Base URL., type: url, default: https://mini.example.com }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: MINI_URL }
tools:
  mini_get_thing:
    from: getThing
`;

async function diagnose(files: Record<string, string>) {
  const dir = writeTree("diag", { "openapi.yaml": SPEC, "tools.yaml": MANIFEST, ...files });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  const errors = diags.items.filter((d) => d.severity === "error");
  const rel = relative(ROOT, dir);
  return { cat, errors, rel, text: errors.map(formatDiagnostic).join("\n") };
}

describe("located diagnostics", () => {
  it("the baseline mini catalog generates", async () => {
    const { cat, errors } = await diagnose({});
    expect(errors).toEqual([]);
    expect(cat?.stats.tools).toBe(1);
  });

  const cases: { name: string; files: Record<string, string>; code: string; at: RegExp; message?: RegExp }[] =
    [
      {
        name: "unknown manifest key",
        files: {
          "tools.yaml": MANIFEST.replace("    from: getThing", "    from: getThing\n    titel: Typo"),
        },
        code: "TW110",
        at: /tools\.yaml:11:5/,
        message: /unknown key "titel"/,
      },
      {
        name: "wrong value type",
        files: {
          "tools.yaml": MANIFEST.replace("    from: getThing", "    from: getThing\n    safety: dangerous"),
        },
        code: "TW110",
        at: /tools\.yaml:11:13/,
        message: /must be one of "read", "write", "destructive"/,
      },
      {
        name: "YAML syntax error",
        files: { "tools.yaml": MANIFEST.replace("tools:\n", "tools:\n  : [\n") },
        code: "TW101",
        at: /tools\.yaml:\d+:\d+/,
      },
      {
        name: "operation that does not exist, with a suggestion",
        files: { "tools.yaml": MANIFEST.replace("from: getThing", "from: getThng") },
        code: "TW113",
        at: /tools\.yaml:10:11/,
        message: /"getThng" matches no operation/,
      },
      {
        name: "operation that does not exist, named with a quote and a backslash: JSON-quoted in the message",
        files: { "tools.yaml": MANIFEST.replace("from: getThing", "from: 'get \"Thing\\\\'") },
        code: "TW113",
        at: /tools\.yaml:10:11/,
        message: /^"get \\"Thing\\\\\\\\" matches no operation$/,
      },
      {
        name: "env variable not declared",
        files: {
          "tools.yaml": MANIFEST.replace("base_url: { env: MINI_URL }", "base_url: { env: MINI_BASE }"),
        },
        code: "TW111",
        at: /tools\.yaml:5:3/,
        message: /MINI_BASE/,
      },
      {
        name: "remote $ref refused",
        files: {
          "openapi.yaml": SPEC.replace(
            '$ref: "#/components/schemas/Thing"',
            '$ref: "https://evil.example/x.yaml#/Thing"',
          ),
        },
        code: "TW130",
        at: /openapi\.yaml:15:23/,
      },
      {
        name: "unresolvable $ref",
        files: { "openapi.yaml": SPEC.replace("#/components/schemas/Thing", "#/components/schemas/Thingy") },
        code: "TW131",
        at: /openapi\.yaml:15:23/,
        message: /points at nothing/,
      },
      {
        name: "structurally invalid spec",
        files: { "openapi.yaml": SPEC.replace("in: path, required: true", "in: body, required: true") },
        code: "TW133",
        at: /openapi\.yaml:9:\d+/,
      },
      {
        // (a variable nothing declares is read as a string argument: TW137, a warning; two others of its name
        // leave no one to read it as)
        name: "path template names a variable two parameters of other locations declare",
        files: {
          "openapi.yaml": SPEC.replace("/things/{id}:", "/things/{thingId}:").replace(
            "        - { name: id, in: path, required: true, schema: { type: string } }",
            "        - { name: thingId, in: query, schema: { type: string } }\n        - { name: thingId, in: header, schema: { type: string } }",
          ),
        },
        code: "TW137",
        at: /openapi\.yaml:\d+:\d+/,
        message: /\{thingId\} has no path parameter/,
      },
      {
        name: "malformed parameter in a referenced file",
        files: {
          "openapi.yaml": SPEC.replace(
            "        - { name: id, in: path, required: true, schema: { type: string } }",
            '        - { name: id, in: path, required: true, schema: { type: string } }\n        - $ref: "./params.yaml#/Limit"',
          ),
          "params.yaml": "Limit:\n  name: limit\n  in: body\n  schema: { type: integer }\n",
        },
        code: "TW133",
        at: /params\.yaml:2:3/,
        message: /parameter "limit"/,
      },
      {
        name: "operationId used twice in one spec",
        files: {
          "openapi.yaml": SPEC.replace(
            "components:",
            '  /things:\n    get:\n      operationId: getThing\n      responses: { "200": { description: ok } }\ncomponents:',
          ),
        },
        code: "TW114",
        at: /tools\.yaml:10:11/,
        message: /operationId of 2 operations: "GET \/things\/\{id\}", "GET \/things"/,
      },
      {
        name: "not an OpenAPI document",
        files: { "openapi.yaml": "hello: world\n" },
        code: "TW132",
        at: /openapi\.yaml:1:1/,
      },
      {
        name: "missing spec file",
        files: { "tools.yaml": MANIFEST.replace("./openapi.yaml", "./nope.yaml") },
        code: "TW100",
        at: /tools\.yaml:6:14/,
      },
      {
        name: "tool name collision through an alias",
        files: {
          "tools.yaml": MANIFEST.replace(
            "    from: getThing",
            "    from: getThing\n    aliases: [mini_get_thing]",
          ),
        },
        code: "TW122",
        at: /tools\.yaml:9:3/,
      },
      ...(
        [
          ["by case", "Mini_Get_Thing"],
          ["by '-' for '_'", "mini-get-thing"],
          ["by '.' and case", "Mini.Get.Thing"],
        ] as const
      ).map(([how, other]) => ({
        name: `tool names that differ only ${how} (${other})`,
        files: {
          "openapi.yaml": SPEC.replace(
            "components:",
            '  /others:\n    get:\n      operationId: getOther\n      responses: { "200": { description: ok } }\ncomponents:',
          ),
          "tools.yaml": `${MANIFEST}  ${other}:\n    from: getOther\n`,
        },
        code: "TW122",
        at: /tools\.yaml:11:3/,
        message: new RegExp(
          `"${other.replace(/\./g, "\\.")}" and "mini_get_thing" name two tools .* differ only by case`,
        ),
      })),
      {
        name: "tool name over the length budget",
        files: {
          "tools.yaml": MANIFEST.replace("mini_get_thing:", `${"x".repeat(70)}:`),
        },
        code: "TW121",
        at: /tools\.yaml:9:3/,
      },
      {
        name: "policy names an argument the tool lacks",
        files: {
          "tools.yaml": MANIFEST.replace("    from: getThing", "    from: getThing\n    scoped_path: path"),
        },
        code: "TW115",
        at: /tools\.yaml:9:3/,
        message: /scoped_path "path"/,
      },
      ...[
        [
          "a tool the catalog lacks",
          "mini_get_thng",
          "{ id: id }",
          /lookup\.tool "mini_get_thng" is not a tool of this catalog/,
        ],
        [
          "an argument its tool lacks",
          "mini_get_thing",
          "{ thing_id: id }",
          /lookup\.args "thing_id" is not an argument of mini_get_thing/,
        ],
        [
          "a tool that writes",
          "mini_put_thing",
          "{ id: id }",
          /lookup\.tool "mini_put_thing" is a write tool; a lookup may only read/,
        ],
      ].map(([what, tool, args, message]) => ({
        name: `scoped value looked up through ${what}`,
        files: {
          "openapi.yaml": SPEC.replace(
            "components:",
            `  /things/{id}/copy:
    put:
      operationId: putThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: path, in: query, schema: { type: string } }
      responses: { "204": { description: ok } }
components:`,
          ),
          "tools.yaml": `${MANIFEST}  mini_put_thing:
    from: putThing
    scoped_values:
      - { arg: path, kind: path, base: { lookup: { tool: ${tool}, args: ${args}, field: id } } }
`,
        },
        code: "TW115",
        at: /tools\.yaml:\d+:3/,
        message: message as RegExp,
      })),
      {
        name: "prompt reads an undeclared argument",
        files: {
          "tools.yaml": `${MANIFEST}prompts:\n  check:\n    file: ./p.md\n    arguments: [{ name: id }]\n`,
          "p.md": "Check {{id}} because {{reason}}.",
        },
        code: "TW116",
        at: /tools\.yaml:12:3/,
        message: /\{\{reason\}\}/,
      },
      {
        name: "resource template variable without an argument",
        files: {
          "tools.yaml": `${MANIFEST}resource_templates:\n  - uri_template: mini://things/{thing}\n    tool: mini_get_thing\n`,
        },
        code: "TW115",
        at: /tools\.yaml:12:5/,
        message: /\{thing\}/,
      },
      {
        name: "resource template listed by a tool the catalog lacks",
        files: {
          "tools.yaml": `${MANIFEST}resource_templates:\n  - uri_template: mini://things/{id}\n    tool: mini_get_thing\n    list: { tool: mini_list_things, items: items, values: { id: id } }\n`,
        },
        code: "TW115",
        at: /tools\.yaml:14:\d+/,
        message: /"mini_list_things" is not a tool of this catalog/,
      },
      {
        name: "resource template listing that cannot make a URI",
        files: {
          "tools.yaml": `${MANIFEST}resource_templates:\n  - uri_template: mini://things/{id}\n    tool: mini_get_thing\n    list: { tool: mini_get_thing, items: items, values: { thing: id }, args: { id: nope } }\n`,
        },
        code: "TW115",
        at: /tools\.yaml:14:\d+/,
        message: /values has no entry for "\{id\}"/,
      },
    ];

  for (const c of cases) {
    it(`${c.name}: ${c.code} at its source`, async () => {
      const { cat, errors, text } = await diagnose(c.files);
      expect(cat).toBeUndefined();
      const hit = errors.find((e) => e.code === c.code);
      expect(hit, text).toBeDefined();
      expect(formatDiagnostic(hit as (typeof errors)[number])).toMatch(c.at);
      if (c.message) expect(hit?.message).toMatch(c.message);
      expect(formatDiagnostic(hit as (typeof errors)[number])).toContain("fix:");
    });
  }
});

describe("a broken input loses nothing", () => {
  it("generate exits 1 with a located diagnostic and leaves generated/ untouched", () => {
    const dir = writeTree("untouched", {
      "specs/mini/openapi.yaml": SPEC,
      "specs/mini/tools.yaml": MANIFEST,
    });
    const bin = join(ROOT, "bin/toolwright.mjs");
    const ok = spawnSync(process.execPath, [bin, "generate"], { cwd: dir, encoding: "utf8" });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/mini\s+1 tools \(1 read, 0 write, 0 destructive\)/);
    const before = snapshotOf(join(dir, "generated"));
    expect(Object.keys(before)).toContain("mini/catalog.json");

    writeFileSync(join(dir, "specs/mini/tools.yaml"), MANIFEST.replace("from: getThing", "from: getThng"));
    const bad = spawnSync(process.execPath, [bin, "generate"], { cwd: dir, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/specs\/mini\/tools\.yaml:10:11 .* error TW113/);
    expect(bad.stderr).toContain('did you mean "getThing"');
    expect(bad.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
    expect(snapshotOf(join(dir, "generated"))).toEqual(before);

    const check = spawnSync(process.execPath, [bin, "check"], { cwd: dir, encoding: "utf8" });
    expect(check.status).toBe(1);
  });

  it("generate --out refuses a folder that is not a catalog, and writes nothing", () => {
    const dir = writeTree("refuse", { "openapi.yaml": SPEC, "src/keep.ts": "export {};\n" });
    const bin = join(ROOT, "bin/toolwright.mjs");
    const before = snapshotOf(dir);
    for (const out of [".", "src", ".."]) {
      const r = spawnSync(process.execPath, [bin, "generate", "--openapi", "openapi.yaml", "--out", out], {
        cwd: dir,
        encoding: "utf8",
      });
      expect(r.status, out).toBe(1);
      expect(r.stderr).toContain("nothing was written");
      expect(snapshotOf(dir)).toEqual(before);
    }
    const fresh = spawnSync(
      process.execPath,
      [bin, "generate", "--openapi", "openapi.yaml", "--out", "gen"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(fresh.status, fresh.stderr).toBe(0);
    // A folder toolwright generated may be replaced again.
    const again = spawnSync(
      process.execPath,
      [bin, "generate", "--openapi", "openapi.yaml", "--out", "gen"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain("(unchanged)");
  });

  it("default names that collide get the next free name, with a warning; non-ASCII operationIds use the path", () => {
    const spec = `openapi: 3.0.3
info: { title: Col, version: "1" }
servers: [{ url: https://x.example.com }]
paths:
  /users:
    get: { operationId: getUser, responses: { "200": { description: ok } } }
    post: { operationId: get_user, responses: { "200": { description: ok } } }
  /a-b:
    get: { responses: { "200": { description: ok } } }
  /a_b:
    get: { responses: { "200": { description: ok } } }
  /u8:
    get: { operationId: "\u83b7\u53d6\u7528\u6237", responses: { "200": { description: ok } } }
`;
    const dir = writeTree("collide", { "col.yaml": spec });
    const bin = join(ROOT, "bin/toolwright.mjs");
    const r = spawnSync(process.execPath, [bin, "generate", "--openapi", "col.yaml", "--out", "gen"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /col\.yaml:7:\d+ .*warning TW124: POST \/users: "get_user" is taken, so it is named "post_users"/,
    );
    const names = (
      JSON.parse(readFileSync(join(dir, "gen/catalog.json"), "utf8")) as { tools: { name: string }[] }
    ).tools.map((t) => t.name);
    expect(names).toEqual(["get_user", "post_users", "get_a_b", "get_a_b_2", "get_u8"]);
  });

  it("check lists stale files and passes once regenerated", () => {
    const dir = writeTree("stale", { "specs/mini/openapi.yaml": SPEC, "specs/mini/tools.yaml": MANIFEST });
    const bin = join(ROOT, "bin/toolwright.mjs");
    expect(spawnSync(process.execPath, [bin, "generate"], { cwd: dir }).status).toBe(0);
    expect(spawnSync(process.execPath, [bin, "check"], { cwd: dir }).status).toBe(0);
    writeFileSync(
      join(dir, "specs/mini/tools.yaml"),
      MANIFEST.replace("    from: getThing", "    from: getThing\n    title: Get one thing"),
    );
    const stale = spawnSync(process.execPath, [bin, "check"], { cwd: dir, encoding: "utf8" });
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain("changed  generated/mini/catalog.json");
    expect(stale.stdout).toContain("TW160");
  });
});
