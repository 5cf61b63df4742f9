import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogFileOf, runDiff } from "../helpers/diff.js";
import { snapshotOf } from "../helpers/files.js";
import { errorsOf, genManifest, genSpec, writeTree } from "../helpers/generate.js";
import { BIN } from "../helpers/mcp.js";
import { tmpDir } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * A body field sent from an env variable (`args: { client_secret: { env: VAR } }`), at generation: what a bare
 * spec says of the fields it leaves out, the manifest's mistakes (located, exit 1, generated/ untouched), and what
 * `toolwright diff` says of a binding. test/e2e/body-env-fields.test.ts serves one.
 */

const SPEC = `openapi: 3.0.3
info: { title: Tokens, version: "1" }
servers: [{ url: "https://auth.example.com" }]
paths:
  /oauth/token:
    post:
      operationId: exchangeToken
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [client_id, client_secret, grant_type]
              properties:
                client_id: { type: string }
                client_secret: { type: string }
                grant_type: { type: string, enum: [authorization_code] }
                code: { type: string }
      responses: { "200": { description: ok } }
  /legacy:
    post:
      operationId: legacy
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                api_key: { type: string }
                q: { type: string }
      responses: { "200": { description: ok } }
  /files:
    post:
      operationId: uploadFile
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: { type: string, format: binary }
                note: { type: string }
      responses: { "200": { description: ok } }
`;

const manifest = (tools: string) => `catalog: tokens
env:
  TOKENS_URL: { type: url, description: Base URL. }
  TOKENS_SECRET: { secret: true, description: The client secret. }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: TOKENS_URL } }
select: [{ all: true }]
tools:
${tools}`;

type Doc = { tools: Array<{ name: string; inputSchema: any; binding: any }> };

/**
 * The catalog SPEC makes with both secrets bound to TOKENS_SECRET (by a tool's args: or the source's param_env): the
 * form's client_secret and the JSON body's api_key are no arguments, and client_secret is sent from the variable.
 */
function secretsBound(catalogJson: string | undefined): void {
  const doc = JSON.parse(catalogJson as string) as Doc;
  const tool = (name: string) => doc.tools.find((t) => t.name === name);
  expect(Object.keys(tool("exchange_token")?.inputSchema.properties)).toEqual([
    "client_id",
    "grant_type",
    "code",
  ]);
  expect(tool("exchange_token")?.binding.body.fields).toContainEqual({
    arg: "$env:TOKENS_SECRET",
    name: "client_secret",
    env: "TOKENS_SECRET",
  });
  expect(Object.keys(tool("legacy")?.inputSchema.properties)).toEqual(["q"]);
}
describe("a bare spec's form field left out as a credential", () => {
  it("is said at its operation, naming the manifest setting that sends it from env", async () => {
    const dir = writeTree("body-env-fields-bare", { "openapi.yaml": SPEC });
    const { cat, diags } = await genSpec(
      join(dir, "openapi.yaml"),
      "tokens",
      "test/.tmp/body-env-fields-bare-out",
    );
    expect(errorsOf(diags)).toEqual([]);
    const said = diags.items.find((d) => d.code === "TW144" && /"client_secret"/.test(d.message));
    expect(said?.message).toBe(
      'POST /oauth/token: form field "client_secret" is not an argument: a credential: the model could call the upstream as another identity than the configured one; a tool\'s args: { "client_secret": { env: VAR } }, or the source\'s param_env: { "client_secret": VAR } for every operation, sends it from an env variable; args: { "client_secret": { expose: true } } makes it an argument the model fills',
    );
    expect(said?.source?.file).toMatch(/openapi\.yaml$/);
    expect(said?.source?.pointer).toBe("#/paths/~1oauth~1token/post");
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Doc;
    const input = doc.tools.find((t) => t.name === "exchange_token")?.inputSchema;
    expect(Object.keys(input.properties)).toEqual(["client_id", "grant_type", "code"]);
  });
});

describe("a manifest binding a body field to an env variable", () => {
  it("JSON, form: no argument; catalog.json holds the variable's name on the field", async () => {
    const dir = writeTree("body-env-fields-ok", {
      "openapi.yaml": SPEC,
      "tools.yaml": manifest(`  exchange_token:
    from: exchangeToken
    args: { client_secret: { env: TOKENS_SECRET } }
  legacy:
    from: legacy
    args: { body:api_key: { env: TOKENS_SECRET } }
`),
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/body-env-fields-ok-out");
    expect(errorsOf(diags)).toEqual([]);
    // A JSON body's api_key was an argument the model filled (no rule leaves a JSON field out): now it is not.
    secretsBound(cat?.files.get("catalog.json"));
    const md = cat?.files.get("CATALOG.md") as string;
    expect(md).toContain("TOKENS_SECRET");
  });

  it("its mistakes are located errors at tools.yaml: exit 1, generated/ untouched", () => {
    const root = tmpDir("body-env-fields-bad");
    const project = join(root, "specs/tokens");
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "openapi.yaml"), SPEC);
    const good = manifest(`  exchange_token:
    from: exchangeToken
    args: { client_secret: { env: TOKENS_SECRET } }
  upload_file:
    from: uploadFile
`);
    writeFileSync(join(project, "tools.yaml"), good);
    const first = spawnSync(process.execPath, [BIN, "generate"], { cwd: root, encoding: "utf8" });
    expect(first.status, String(first.stderr)).toBe(0);
    const out = join(root, "generated/tokens");
    const snapshot = () => snapshotOf(out);
    const before = snapshot();
    expect(Object.keys(before).length).toBeGreaterThan(0);

    writeFileSync(
      join(project, "tools.yaml"),
      manifest(`  exchange_token:
    from: exchangeToken
    args: { client_secret: { rename: secret } }
  legacy:
    from: legacy
    args: { api_key: { env: TOKENS_KEY } }
  upload_file:
    from: uploadFile
    args:
      file: { env: TOKENS_SECRET }
`),
    );
    const bad = spawnSync(process.execPath, [BIN, "generate"], { cwd: root, encoding: "utf8" });
    expect(bad.status).toBe(1);
    const stderr = String(bad.stderr);
    // A form field left out as a credential, renamed: not "no such property", but why and how to send it.
    expect(stderr).toMatch(
      /tools\.yaml:11:13 .*error TW115: args: "client_secret" names body field "client_secret" of POST \/oauth\/token, which is left out of the tool's inputs: it is named as a credential/,
    );
    expect(stderr).toContain('args: { "client_secret": { env: VAR } }');
    // A file part is bytes the caller uploads: no env variable holds one.
    expect(stderr).toMatch(
      /tools\.yaml:18:7 .*error TW115: args: "file" binds the file part "file" of POST \/files to TOKENS_SECRET/,
    );
    // The variable must be declared.
    expect(stderr).toMatch(
      /tools\.yaml:\d+:\d+ .*error TW111: tool legacy: body field "api_key" is sent from TOKENS_KEY, which is not declared under env:/,
    );
    expect(stderr).not.toMatch(/"file" is not a parameter/);
    expect(snapshot()).toEqual(before);
  });
});

const NESTED = `openapi: 3.0.3
info: { title: Nested, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /projects:
    post:
      operationId: createProject
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: { type: string }
                owner: { type: object, properties: { id: { type: string }, kind: { type: string } } }
                a.b: { type: string }
      responses: { "200": { description: ok } }
`;

describe("an args: entry naming a field nested in a body field", () => {
  it("is a located TW110 naming what an entry names, whichever way the path is written", async () => {
    const dir = writeTree("body-env-fields-nested", {
      "openapi.yaml": NESTED,
      "tools.yaml": `catalog: nested
env:
  NESTED_URL: { type: url, description: Base URL. }
  NESTED_OWNER: { secret: true, description: The owner. }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: NESTED_URL } }
tools:
  create_project:
    from: createProject
    args:
      owner.id: { env: NESTED_OWNER }
      /owner/kind: { description: The kind. }
      body:owner.id: { rename: owner_id }
      a.b: { description: A field whose own name has a dot. }
      nobody.id: { env: NESTED_OWNER }
`,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/body-env-fields-nested-out");
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    const at = (d: (typeof errors)[number]) =>
      `${d.source?.file?.replace(/.*\//, "")}:${d.source?.line}:${d.source?.column}`;
    expect(errors.map((d) => [d.code, at(d), d.message])).toEqual([
      [
        "TW110",
        "tools.yaml:11:7",
        'args: "owner.id" names "id" inside body field "owner" of POST /projects: an args: entry names a parameter (`name` or `in:name`) or a top-level body field (`name` or `body:name`), never a field nested in one',
      ],
      [
        "TW110",
        "tools.yaml:12:7",
        'args: "/owner/kind" names "kind" inside body field "owner" of POST /projects: an args: entry names a parameter (`name` or `in:name`) or a top-level body field (`name` or `body:name`), never a field nested in one',
      ],
      [
        "TW110",
        "tools.yaml:13:7",
        'args: "body:owner.id" names "id" inside body field "owner" of POST /projects: an args: entry names a parameter (`name` or `in:name`) or a top-level body field (`name` or `body:name`), never a field nested in one',
      ],
      // No such top-level field: the entry names nothing the operation has.
      [
        "TW115",
        "tools.yaml:15:7",
        'args: "nobody.id" is not a parameter or body property of POST /projects (it has: name, owner, a.b)',
      ],
    ]);
    expect(errors[0]?.fix).toContain('args: { "owner": ... }');
  });
});

describe("a source's param_env naming a body field", () => {
  it("binds it in every operation that has it; an entry no operation has is a located TW110", async () => {
    const src = (paramEnv: string) => `catalog: tokens
env:
  TOKENS_URL: { type: url, description: Base URL. }
  TOKENS_SECRET: { secret: true, description: The client secret. }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: TOKENS_URL }
    param_env:
${paramEnv}
select: [{ all: true }]
`;
    const dir = writeTree("body-env-fields-source", {
      "openapi.yaml": SPEC,
      "tools.yaml": src(`      body:client_secret: TOKENS_SECRET
      api_key: TOKENS_SECRET`),
    });
    const ok = await genManifest(join(dir, "tools.yaml"), "test/.tmp/body-env-fields-source-out");
    expect(errorsOf(ok.diags)).toEqual([]);
    secretsBound(ok.cat?.files.get("catalog.json"));

    const bad = writeTree("body-env-fields-source-bad", {
      "openapi.yaml": SPEC,
      "tools.yaml": src(`      body:client_secrt: TOKENS_SECRET
      body:file: TOKENS_SECRET
      client_secret.value: TOKENS_SECRET`),
    });
    const { cat, diags } = await genManifest(
      join(bad, "tools.yaml"),
      "test/.tmp/body-env-fields-source-bad-out",
    );
    expect(cat).toBeUndefined();
    const at = (d: (typeof diags.items)[number]) =>
      `${d.source?.file?.replace(/.*\//, "")}:${d.source?.line}:${d.source?.column}`;
    // An operation select: all chose is left out with a located warning (a tools: entry's would be an error).
    const said = diags.items.filter((d) => d.severity === "error" || d.code === "TW139");
    expect(said.map((d) => [d.code, at(d), d.message])).toEqual([
      [
        "TW139",
        "tools.yaml:11:7",
        'POST /files is left out: sources.api.param_env: "body:file" binds the file part "file" of POST /files to TOKENS_SECRET: a file part is uploaded bytes, which an env variable does not hold',
      ],
      [
        "TW110",
        "tools.yaml:10:7",
        'sources.api.param_env: "body:client_secrt" names no parameter (`name`, `in:name`) or top-level body field (`name`, `body:name`) of any operation of source "api", so it would send nothing: did you mean "client_secret"?',
      ],
      [
        "TW110",
        "tools.yaml:12:7",
        'sources.api.param_env: "client_secret.value" names no parameter (`name`, `in:name`) or top-level body field (`name`, `body:name`) of any operation of source "api", so it would send nothing (a field nested in a body field is never named)',
      ],
    ]);
  });
});

describe("toolwright diff", () => {
  it("says a body field bound, sent from another variable or unbound, none widening", async () => {
    const tools = (args: string) => `  exchange_token:
    from: exchangeToken
${args}`;
    const two = manifest("").replace(
      "  TOKENS_SECRET:",
      "  TOKENS_OTHER: { secret: true, description: Another. }\n  TOKENS_SECRET:",
    );
    const none = await catalogFileOf(
      "body-env-fields-diff-none",
      SPEC,
      `${two}${tools("    args: { client_secret: { expose: true } }\n")}`,
    );
    const bound = await catalogFileOf(
      "body-env-fields-diff-bound",
      SPEC,
      `${two}${tools("    args: { client_secret: { env: TOKENS_SECRET } }\n")}`,
    );
    const other = await catalogFileOf(
      "body-env-fields-diff-other",
      SPEC,
      `${two}${tools("    args: { client_secret: { env: TOKENS_OTHER } }\n")}`,
    );
    const changes = (a: string, b: string) => {
      const r = runDiff(a, b, "--json");
      expect(r.status, r.stderr).toBe(0);
      return (
        JSON.parse(r.stdout) as {
          changes: { subject: string; kind: string; detail: string; widens: boolean }[];
        }
      ).changes
        .filter((c) => c.subject === "exchange_token")
        .map((c) => `${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`)
        .sort();
    };
    expect(changes(none, bound)).toEqual([
      "argument removed: client_secret",
      "body field sent from env: client_secret from TOKENS_SECRET",
    ]);
    expect(changes(bound, other)).toEqual([
      "body field sent from another env: client_secret: TOKENS_SECRET -> TOKENS_OTHER",
    ]);
    expect(changes(bound, none)).toEqual([
      "argument added: client_secret (required)",
      "body field no longer sent from env: client_secret from TOKENS_SECRET",
    ]);
  });
});
