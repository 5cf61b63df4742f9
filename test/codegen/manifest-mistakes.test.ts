// Hand-written manifest and flag mistakes: each is an error at its line and column that says what to write instead
// (a near key, value, scheme, source or flag), never a setting ignored in silence. The classes a mutation sweep of
// the reference manifests found (/tmp/manifest15-*: misspelt keys, values of the wrong kind, env declarations
// whose parts do not fit, references to nothing, empty files, repeated flags), with cases beyond the sweep's.
import { describe, expect, it } from "vitest";
import { parseCliFlags } from "../../codegen/cli/flags.js";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { genManifest, writeTree } from "../helpers/generate.js";

const SPEC = `openapi: 3.1.0
info: { title: Mini, version: "1.0" }
servers: [{ url: https://mini.example.com }]
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer }
security: [{ bearerAuth: [] }]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
`;

const BASE = `catalog: mini
env:
  MINI_URL: { description: Base URL., type: url, default: https://mini.example.com }
  MINI_TOKEN: { description: Token., secret: true }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: MINI_URL }
    auth:
      bearerAuth: { token: { env: MINI_TOKEN } }
tools:
  mini_get_thing:
    from: getThing
`;

async function errorsFor(manifest: string) {
  const dir = writeTree("manifest-mistakes", { "openapi.yaml": SPEC, "tools.yaml": manifest });
  const { cat, diags } = await genManifest(`${dir}/tools.yaml`);
  const errors = diags.items.filter((d) => d.severity === "error");
  return { cat, text: errors.map(formatDiagnostic).join("\n") };
}

describe("manifest mistakes: located, with what to write instead", () => {
  it("several mistakes are listed in the file's order (ajv finds them in its schema's order)", async () => {
    const yaml = BASE.replace("    from: getThing\n", "    from: getThing\n    safty: read\n")
      .replace("type: url,", "type: urll,")
      .replace("catalog: mini\n", "catalog: mini\npolcy: {}\n")
      .concat("naming: { prefx: x_ }\n");
    const dir = writeTree("manifest-mistakes", { "openapi.yaml": SPEC, "tools.yaml": yaml });
    const { cat, diags } = await genManifest(`${dir}/tools.yaml`);
    expect(cat).toBeUndefined();
    const at = diags.items
      .filter((d) => d.code === "TW110")
      .map((d) => [d.source?.line ?? 0, d.source?.column ?? 0]);
    expect(at.length).toBeGreaterThanOrEqual(4);
    const sorted = [...at].sort(
      (a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number),
    );
    expect(at).toEqual(sorted);
    expect(new Set(at.map((a) => a[0])).size).toBeGreaterThanOrEqual(4);
  });

  it("the baseline generates", async () => {
    const { cat, text } = await errorsFor(BASE);
    expect(text).toBe("");
    expect(cat?.stats.tools).toBe(1);
  });

  const cases: { name: string; yaml: string; at: string; says: RegExp }[] = [
    {
      name: "misspelt top-level key",
      yaml: `${BASE}polcy: {}\n`,
      at: "tools.yaml:14:1",
      says: /unknown key "polcy"[\s\S]*did you mean "policy"\?/,
    },
    {
      name: "misspelt nested key (one letter swapped)",
      yaml: `${BASE}publish: { schema_dpeth: 2 }\n`,
      at: "tools.yaml:14:12",
      says: /unknown key "schema_dpeth"[\s\S]*did you mean "schema_depth"\?/,
    },
    {
      name: "misspelt tool key",
      yaml: BASE.replace("    from: getThing", "    from: getThing\n    safty: read"),
      at: "tools.yaml:14:5",
      says: /did you mean "safety"\?/,
    },
    {
      name: "a key far from every known one lists the keys the place takes",
      yaml: `${BASE}result: { wrapping: plain }\n`,
      at: "tools.yaml:14:11",
      says: /unknown key "wrapping"[\s\S]*the keys \/result takes: "envelope"/,
    },
    {
      name: "enum value one letter off",
      yaml: `${BASE}publish: { descriptions: consise }\n`,
      at: "tools.yaml:14:26",
      says: /is "consise"; it must be one of "auto", "full", "concise"[\s\S]*did you mean "concise"\?/,
    },
    {
      name: "enum value in another case",
      yaml: `${BASE}policy: { confirmation: { mode: Token } }\n`,
      at: "tools.yaml:14:33",
      says: /did you mean "token"\?/,
    },
    {
      name: "a string where a list goes",
      yaml: BASE.replace("    from: getThing", "    from: getThing\n    tags: admin"),
      at: "tools.yaml:14:11",
      says: /is "admin"; it must be a list[\s\S]*write a list: \[admin\]/,
    },
    {
      name: "a number where true/false goes",
      yaml: `${BASE}strict: 1\n`,
      at: "tools.yaml:14:9",
      says: /\/strict is 1; it must be true or false/,
    },
    {
      name: "a negative budget",
      yaml: `${BASE}budget: { context_tokens: -100 }\n`,
      at: "tools.yaml:14:27",
      says: /is -100; it must be at least 1/,
    },
    {
      name: "a port no socket has",
      yaml: `${BASE}transport: { port: { default: 70000 } }\n`,
      at: "tools.yaml:14:31",
      says: /is 70000; it must be at most 65535/,
    },
    {
      name: "an env name in lower case says how to write it",
      yaml: BASE.replace("  MINI_TOKEN:", "  mini_extra: { description: x }\n  MINI_TOKEN:"),
      at: "tools.yaml:4:3",
      says: /invalid name "mini_extra"[\s\S]*write MINI_EXTRA/,
    },
    {
      name: "a boolean env whose default is not a boolean",
      yaml: BASE.replace(
        "  MINI_TOKEN:",
        "  MINI_RO: { description: x, type: boolean, default: maybe }\n  MINI_TOKEN:",
      ),
      at: "tools.yaml:4:",
      says: /env MINI_RO: the default does not fit type boolean: expected true\/false/,
    },
    {
      name: "an integer env whose default is a word",
      yaml: BASE.replace(
        "  MINI_TOKEN:",
        "  MINI_N:\n    description: x\n    type: integer\n    default: ten\n  MINI_TOKEN:",
      ),
      at: "tools.yaml:7:14",
      says: /env MINI_N: the default does not fit type integer/,
    },
    {
      name: "an enum default outside its values",
      yaml: BASE.replace(
        "  MINI_TOKEN:",
        "  MINI_STAGE:\n    description: x\n    type: enum\n    values: [dev, prod]\n    default: staging\n  MINI_TOKEN:",
      ),
      at: "tools.yaml:8:14",
      says: /the default does not fit type enum: expected one of dev, prod/,
    },
    {
      name: "an enum without values",
      yaml: BASE.replace("  MINI_TOKEN:", "  MINI_STAGE: { description: x, type: enum }\n  MINI_TOKEN:"),
      at: "tools.yaml:4:3",
      says: /env MINI_STAGE is an enum without values/,
    },
    {
      name: "an enum alias naming no value",
      yaml: BASE.replace(
        "  MINI_TOKEN:",
        "  MINI_STAGE:\n    description: x\n    type: enum\n    values: [dev, prod]\n    aliases: { live: production }\n  MINI_TOKEN:",
      ),
      at: "tools.yaml:8:22",
      says: /alias "live" names "production", which is not among its values/,
    },
    {
      name: "values on a string env",
      yaml: BASE.replace("  MINI_TOKEN:", "  MINI_S: { description: x, values: [a, b] }\n  MINI_TOKEN:"),
      at: "tools.yaml:4:",
      says: /env MINI_S: values applies to type enum only \(it is string\)/,
    },
    {
      name: "trim_paths on a string env",
      yaml: BASE.replace(
        "  MINI_TOKEN:",
        "  MINI_S: { description: x, trim_paths: [/graphql] }\n  MINI_TOKEN:",
      ),
      at: "tools.yaml:4:",
      says: /trim_paths applies to type url only/,
    },
    {
      name: "credentials for a security scheme the spec does not have",
      yaml: BASE.replace("      bearerAuth: { token", "      bearerAut: { token"),
      at: "tools.yaml:10:7",
      says: /auth names security scheme "bearerAut"[\s\S]*did you mean "bearerAuth"\?/,
    },
    {
      name: "a select entry naming an unknown source",
      yaml: `${BASE}select:\n  - { source: apii, all: true }\n`,
      at: "tools.yaml:15:15",
      says: /select entry names unknown source "apii"[\s\S]*did you mean "api"\?/,
    },
    {
      name: "an exclude entry naming an unknown source",
      yaml: `${BASE}exclude:\n  - { source: other, tag: x }\n`,
      at: "tools.yaml:15:15",
      says: /exclude entry names unknown source "other"/,
    },
    {
      name: "the same env as allowed and denied paths",
      yaml: `${BASE.replace("  MINI_TOKEN:", "  MINI_PATHS: { description: x, type: list }\n  MINI_TOKEN:")}policy:\n  allowed_paths: { env: MINI_PATHS }\n  denied_paths: { env: MINI_PATHS }\n`,
      at: "tools.yaml:17:",
      says: /read the same env MINI_PATHS: every allowed path would be denied/,
    },
    {
      name: "an empty masked field",
      yaml: BASE.replace("    from: getThing", '    from: getThing\n    masked: [""]'),
      at: "tools.yaml:14:14",
      says: /must NOT have fewer than 1 characters/,
    },
    {
      name: "an empty file",
      yaml: "",
      at: "tools.yaml:1:1",
      says: /holds no manifest \(it is empty or only comments\)/,
    },
    {
      name: "only comments",
      yaml: "# tools.yaml\n# to do\n",
      at: "tools.yaml:1:1",
      says: /holds no manifest[\s\S]*toolwright init/,
    },
    {
      name: "a list",
      yaml: "- catalog: mini\n",
      at: "tools.yaml:1:1",
      says: /\(root\) is a list; it must be a map/,
    },
    {
      name: "a bare word",
      yaml: "mini\n",
      at: "tools.yaml:1:1",
      says: /\(root\) is "mini"; it must be a map/,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const { cat, text } = await errorsFor(c.yaml);
      expect(cat).toBeUndefined();
      expect(text).toContain(c.at);
      expect(text).toMatch(c.says);
    });
  }

  it("prompt arguments declared twice", async () => {
    const dir = writeTree("manifest-mistakes-prompt", {
      "openapi.yaml": SPEC,
      "p.md": "Look at {{id}}.",
      "tools.yaml": `${BASE}prompts:\n  look:\n    file: ./p.md\n    arguments:\n      - { name: id }\n      - { name: id }\n`,
    });
    const { cat, diags } = await genManifest(`${dir}/tools.yaml`);
    expect(cat).toBeUndefined();
    const text = diags.items.map(formatDiagnostic).join("\n");
    expect(text).toMatch(/tools\.yaml:19:17 .*error TW116: prompt "look" declares argument "id" twice/);
  });
});

describe("codegen flags: stricter than parseArgs", () => {
  const options = {
    out: { type: "string" },
    name: { type: "string" },
    patch: { type: "string", multiple: true },
    quiet: { type: "boolean" },
  } as const;
  const parse = (args: string[]) => () => parseCliFlags({ args, options });

  it.each([
    [["--out", "a", "--out", "b"], /--out is given twice \("a", then "b"\): give it once/],
    [["--name=x", "--name", "x"], /--name is given twice/],
    [["--quiet", "--quiet"], /--quiet is given twice/],
    [["--out", ""], /--out needs a value/],
    [["--name="], /--name needs a value/],
    [["--ouput", "x"], /unknown flag --ouput: did you mean --out\?/],
    [["--nmae", "x"], /unknown flag --nmae: did you mean --name\?/],
    [["--zzzzzz"], /^unknown flag --zzzzzz$/],
  ])("%j is refused", (args, message) => {
    expect(parse(args)).toThrow(message);
  });

  it("repeatable flags and single ones given once pass", () => {
    const { values } = parseCliFlags({ args: ["--patch", "a", "--patch", "b", "--out", "o"], options });
    expect(values).toEqual({ patch: ["a", "b"], out: "o" });
  });
});

// Serve reads who may call, from where, and the confirmation signing key only from the environment (9738469); a
// default: on such a variable would be ignored in silence, so generate refuses it at that default.
describe("defaults serve would ignore", () => {
  it.each([
    ["bearer_env", "transport:\n  bearer_env: MINI_X\n", "string", "transport.bearer_env"],
    ["allowed_hosts_env", "transport:\n  allowed_hosts_env: MINI_X\n", "list", "transport.allowed_hosts_env"],
    [
      "authorization_servers_env",
      "transport:\n  authorization_servers_env: MINI_X\n",
      "list",
      "transport.authorization_servers_env",
    ],
    ["public_url_env", "transport:\n  public_url_env: MINI_X\n", "url", "transport.public_url_env"],
    [
      "confirmation secret_env",
      "policy:\n  confirmation: { secret_env: MINI_X }\n",
      "string",
      "policy.confirmation.secret_env",
    ],
  ])("a default on the %s variable is a located error", async (_, block, type, setting) => {
    const value = type === "url" ? "https://mcp.example.com" : "shipped";
    const yaml = BASE.replace(
      "  MINI_TOKEN:",
      `  MINI_X: { description: X., type: ${type}, default: ${value} }\n  MINI_TOKEN:`,
    ).concat(block);
    const { cat, text } = await errorsFor(yaml);
    expect(cat).toBeUndefined();
    expect(text).toContain(`tools.yaml:4:`);
    expect(text).toContain(`MINI_X has a default, but ${setting} is read only from the environment`);
    const without = await errorsFor(yaml.replace(`, default: ${value}`, ""));
    expect(without.text).toBe("");
    expect(without.cat).toBeDefined();
  });
});
