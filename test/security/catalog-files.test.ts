import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { type GenOutcome, genManifest, genToDisk, writeTree } from "../helpers/generate.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * What a manifest can make `generate` copy into a catalog, and `pack` into a published package. Resource, prompt
 * and file-template files and handler modules (with every local file a handler imports) are compiled into the
 * catalog folder, served to clients and packed: a manifest from someone else's repository must not reach
 * `~/.aws/credentials` by `..`, an absolute path or a symlink, nor a hidden file (`.env`) in its own folder. Each
 * such file is a located TW196 error and no byte of it reaches the catalog or the diagnostics; `pack` refuses a
 * catalog folder holding a hidden file or a symlink (generate writes neither) instead of publishing it.
 */

const CANARY = "canary-catfile-83c2e7";

interface Case {
  label: string;
  /** The manifest's lines after `catalog:`, with OUT replaced by the outside folder's path. */
  yaml: string;
  /** The pointer the error is located at. */
  at: RegExp;
  /** Files to add inside the catalog folder, or symlinks (`-> target`, target relative to the layout root). */
  files?: Record<string, string>;
}

const HANDLER_TOOL = (handler: string) =>
  `tools:\n  h:\n    handler: ${handler}\n    safety: read\n    description: Reads.\n    input: { type: object, properties: {} }\n`;

const CASES: Case[] = [
  {
    label: "a resource file climbing out with ..",
    yaml: "resources:\n  - { uri: 'cf://x', name: x, description: X., file: ../outside/secret.md }\n",
    at: /tools\.yaml:\d+:\d+/,
  },
  {
    label: "a resource file by absolute path",
    yaml: "resources:\n  - { uri: 'cf://x', name: x, description: X., file: OUT/secret.md }\n",
    at: /tools\.yaml:\d+:\d+/,
  },
  {
    label: "a resource file that is a symlink leading out",
    yaml: "resources:\n  - { uri: 'cf://x', name: x, description: X., file: ./guides/start.md }\n",
    at: /tools\.yaml:\d+:\d+/,
    files: { "cat/guides/start.md": "-> outside/secret.md" },
  },
  {
    label: "a resource file in a folder that is a symlink leading out",
    yaml: "resources:\n  - { uri: 'cf://x', name: x, description: X., file: ./docs/secret.md }\n",
    at: /tools\.yaml:\d+:\d+/,
    files: { "cat/docs": "-> outside" },
  },
  {
    label: "a hidden resource file in the manifest's folder",
    yaml: "resources:\n  - { uri: 'cf://x', name: x, description: X., file: ./.env }\n",
    at: /tools\.yaml:\d+:\d+/,
    files: { "cat/.env": `TOKEN=${CANARY}\n` },
  },
  {
    label: "a prompt file outside",
    yaml: "prompts:\n  p:\n    file: ../outside/secret.md\n    description: P.\n",
    at: /tools\.yaml:\d+:\d+/,
  },
  {
    label: "a file template's folder outside",
    yaml: "resource_templates:\n  - { uri_template: 'cf://g/{name}', files: '../outside/{name}.md' }\n",
    at: /tools\.yaml:\d+:\d+/,
  },
  {
    label: "a file template whose folder holds a symlink leading out",
    yaml: "resource_templates:\n  - { uri_template: 'cf://g/{name}', files: './guides/{name}.md' }\n",
    at: /tools\.yaml:\d+:\d+/,
    files: { "cat/guides/ok.md": "# ok\n", "cat/guides/leak.md": "-> outside/secret.md" },
  },
  {
    label: "a handler module outside",
    yaml: HANDLER_TOOL("../outside/handler.ts"),
    at: /tools\.yaml:\d+:\d+/,
  },
  {
    label: "a handler that imports a file outside",
    yaml: HANDLER_TOOL("./handlers/h.ts"),
    at: /tools\.yaml:\d+:\d+/,
    files: {
      "cat/handlers/h.ts": `import creds from "../../outside/creds.json" with { type: "json" };\nexport default async () => ({ n: Object.keys(creds).length });\n`,
    },
  },
  {
    label: "a handler that imports a symlink leading out",
    yaml: HANDLER_TOOL("./handlers/h.ts"),
    at: /tools\.yaml:\d+:\d+/,
    files: {
      "cat/handlers/h.ts": `import creds from "./creds.json" with { type: "json" };\nexport default async () => ({ n: Object.keys(creds).length });\n`,
      "cat/handlers/creds.json": "-> outside/creds.json",
    },
  },
  {
    label: "a handler that imports a hidden file of its own folder",
    yaml: HANDLER_TOOL("./handlers/h.ts"),
    at: /tools\.yaml:\d+:\d+/,
    files: {
      "cat/handlers/h.ts": `import creds from "./.creds.json" with { type: "json" };\nexport default async () => ({ n: Object.keys(creds).length });\n`,
      "cat/handlers/.creds.json": `{ "token": "${CANARY}" }\n`,
    },
  },
];

/** A layout root with an `outside/` folder full of canaries and a `cat/` folder with the manifest. */
function layout(name: string, yaml: string, files: Record<string, string> = {}): string {
  const plain = Object.fromEntries(Object.entries(files).filter(([, text]) => !text.startsWith("-> ")));
  const root = writeTree(name, {
    "outside/secret.md": `# ${CANARY}\n`,
    "outside/creds.json": `{ "aws_secret_access_key": "${CANARY}" }\n`,
    "outside/handler.ts": `export default async () => ({ leaked: "${CANARY}" });\n`,
    ...plain,
  });
  for (const [path, text] of Object.entries(files)) {
    if (!text.startsWith("-> ")) continue;
    mkdirSync(join(root, path, ".."), { recursive: true });
    symlinkSync(join(root, text.slice(3)), join(root, path));
  }
  mkdirSync(join(root, "cat"), { recursive: true });
  writeFileSync(
    join(root, "cat/tools.yaml"),
    `catalog: cf\n${yaml.replaceAll("OUT", join(root, "outside"))}`,
  );
  return root;
}

function everything(outcome: GenOutcome): string {
  const files = outcome.cat ? [...outcome.cat.files.values()].join("\n") : "";
  return `${outcome.diags.items.map(formatDiagnostic).join("\n")}\n${files}`;
}

describe("generate copies nothing from outside the manifest's folder, nor its hidden files", () => {
  it.each(CASES)("$label: TW196, located, and no byte of it in the catalog", async (c) => {
    const root = layout("catfile", c.yaml, c.files);
    const outcome = await genManifest(join(root, "cat/tools.yaml"), relative(ROOT, join(root, "out")));
    const refused = outcome.diags.items.filter((d) => d.code === "TW196" && d.severity === "error");
    expect(refused.length, everything(outcome)).toBeGreaterThan(0);
    expect(formatDiagnostic(refused[0]!)).toMatch(c.at);
    expect(outcome.cat).toBeUndefined();
    expect(everything(outcome)).not.toContain(CANARY);
  });

  it("a file template never serves the hidden files of its folder", async () => {
    const root = layout(
      "catfile-hidden",
      "resource_templates:\n  - { uri_template: 'cf://g/{name}', files: './guides/{name}' }\n",
      {
        "cat/guides/start.md": "# start\n",
        "cat/guides/.env": `TOKEN=${CANARY}\n`,
        "cat/guides/.npmrc": CANARY,
      },
    );
    const outcome = await genManifest(join(root, "cat/tools.yaml"), relative(ROOT, join(root, "out")));
    expect(
      outcome.diags.items.filter((d) => d.severity === "error"),
      everything(outcome),
    ).toEqual([]);
    const doc = JSON.parse(outcome.cat!.files.get("catalog.json")!);
    expect(doc.resourceTemplates[0].assets.values).toEqual(["start.md"]);
    expect(everything(outcome)).not.toContain(CANARY);
  });

  it("the same files inside the folder generate: a resource, a prompt, a template and a handler with an import", async () => {
    const root = layout(
      "catfile-ok",
      `resources:\n  - { uri: 'cf://x', name: x, description: X., file: ./guides/start.md }\nresource_templates:\n  - { uri_template: 'cf://g/{name}', files: './guides/{name}.md' }\nprompts:\n  p:\n    file: ./prompts/p.md\n    description: P.\n${HANDLER_TOOL("./handlers/h.ts")}`,
      {
        "cat/guides/start.md": "# start\n",
        "cat/prompts/p.md": "Do it.\n",
        "cat/handlers/h.ts": `import data from "./data.json" with { type: "json" };\nexport default async () => ({ n: data.n });\n`,
        "cat/handlers/data.json": `{ "n": 1 }\n`,
      },
    );
    const outcome = await genManifest(join(root, "cat/tools.yaml"), relative(ROOT, join(root, "out")));
    expect(
      outcome.diags.items.filter((d) => d.severity === "error"),
      everything(outcome),
    ).toEqual([]);
    const doc = JSON.parse(outcome.cat!.files.get("catalog.json")!);
    expect(doc.resources.map((r: { uri: string }) => r.uri)).toEqual(["cf://x"]);
    expect(doc.resourceTemplates[0].assets.values).toEqual(["start"]);
    expect(doc.prompts.map((p: { name: string }) => p.name)).toEqual(["p"]);
    expect(doc.tools.map((t: { name: string }) => t.name)).toEqual(["h"]);
    expect(outcome.cat!.files.get("handlers.gen.mjs")).toContain("var data_default = { n: 1 }");
  });
});

describe("pack publishes nothing generate did not write", () => {
  function packSource(name: string): string {
    return writeTree(name, {
      "cat/tools.yaml":
        "catalog: cfpack\nserver: { name: cfpack, version: 1.0.0 }\nresources:\n  - { uri: 'cf://x', name: x, description: X., file: ./start.md }\n",
      "cat/start.md": "# start\n",
      "outside/id_rsa": `-----BEGIN OPENSSH PRIVATE KEY----- ${CANARY}\n`,
    });
  }

  function pack(root: string, dir: string, out: string) {
    return spawnSync(process.execPath, [BIN, "pack", dir, "--out", out], { cwd: root, encoding: "utf8" });
  }

  it.each([
    ["a hidden file in assets/", (dir: string) => writeFileSync(join(dir, "assets/.env"), `T=${CANARY}\n`)],
    [
      "a symlink in assets/ leading out",
      (dir: string, root: string) =>
        symlinkSync(join(root, "outside/id_rsa"), join(dir, "assets/resources/key")),
    ],
    [
      "a hidden folder deep in assets/",
      (dir: string) => {
        mkdirSync(join(dir, "assets/resources/.git"), { recursive: true });
        writeFileSync(join(dir, "assets/resources/.git/config"), CANARY);
      },
    ],
  ])("%s: pack refuses, names it, writes nothing", async (_label, plant) => {
    const root = packSource("catfile-pack");
    const { dir } = await genToDisk(join(root, "cat/tools.yaml"), join(root, "gen"));
    const out = join(root, "pkg");
    const clean = pack(root, dir, join(root, "clean"));
    expect(clean.status, clean.stderr).toBe(0);
    expect(readdirSync(join(root, "clean/catalog/assets/resources"))).toEqual(["x.md"]);
    plant(dir, root);
    const run = pack(root, dir, out);
    expect(run.status, run.stdout).toBe(1);
    expect(run.stderr).toMatch(
      /toolwright pack: assets\/\S+ is (a hidden file|a symbolic link); .*nothing was written/,
    );
    expect(() => readdirSync(out)).toThrow();
    expect(`${run.stdout}${run.stderr}`).not.toContain(CANARY);
    expect(readFileSync(join(root, "clean/catalog/assets/resources/x.md"), "utf8")).not.toContain(CANARY);
  });
});
