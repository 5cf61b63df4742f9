import { execFileSync } from "node:child_process";
import { closeSync, openSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Diagnostic, Diagnostics, formatDiagnostic } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { MAX_INPUT_FILE_BYTES } from "../../codegen/load/files.js";
import { type GenOutcome, genManifest, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * What a spec can make `generate` read or fetch. `$ref` targets are confined (by real path) to the spec's folder
 * and folders the manifest names; devices, pipes and oversized files are refused; nothing is fetched from the
 * network (a local server fails the test if it is contacted). Every refusal is a located diagnostic, and no byte
 * of a file outside the folders reaches the diagnostics or the generated files.
 */

const CANARY = "canary-outside-4d1f9a";
const OUTSIDE_SCHEMA = `Leak:\n  type: object\n  description: ${CANARY}\n  properties:\n    ${CANARY}: { type: string, pattern: "${CANARY}" }\n`;

/** A spec whose one response schema is `$ref: <ref>` (and optionally more YAML under the operation). */
function specWith(ref: string, extra = ""): string {
  return `openapi: 3.1.0
info: { title: Conf, version: "1" }
servers: [{ url: https://conf.example.com }]
paths:
  /items:
    get:
      operationId: listItems
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "${ref}" }
${extra}`;
}

function everything(outcome: GenOutcome): string {
  const files = outcome.cat ? [...outcome.cat.files.values()].join("\n") : "";
  return `${outcome.diags.items.map(formatDiagnostic).join("\n")}\n${files}`;
}

function errors(outcome: GenOutcome): Diagnostic[] {
  return outcome.diags.items.filter((d) => d.severity === "error");
}

/** The spec folder `<tmp>/spec/` beside a folder `<tmp>/outside/` holding a schema with the canary. */
function layout(name: string, spec: (outside: string) => string, files: Record<string, string> = {}) {
  const dir = writeTree(name, { "outside/leak.yaml": OUTSIDE_SCHEMA, ...files });
  const outside = join(dir, "outside/leak.yaml");
  writeFileSync(join(dir, "spec/openapi.yaml"), spec(outside), { flag: "w" });
  return { dir, outside, spec: join(dir, "spec/openapi.yaml") };
}

/**
 * A bare spec; `strict`: a problem confined to one operation is an error (without it, the operation is left out
 * with TW139, which `leftOut` checks).
 */
async function generateBare(specAbs: string, strict = false): Promise<GenOutcome> {
  if (!strict) return genSpec(specAbs, "conf", relative(ROOT, join(specAbs, "../../out")));
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: specAbs, name: "conf" },
    { root: ROOT, out: relative(ROOT, join(specAbs, "../../out")), strict: true },
    diags,
  );
  return { cat, diags };
}

/** Without strict mode, the operation that needs the refused reference is left out, saying why; nothing else. */
/** A second path for `specWith`, so a spec whose `/items` is left out still has a tool (else it is refused: TW148). */
const HEALTH = `  /health:
    get:
      operationId: health
      responses: { "200": { description: ok } }
`;

function leftOut(outcome: GenOutcome, why: RegExp): void {
  expect(errors(outcome)).toEqual([]);
  const skips = outcome.diags.items.filter((d) => d.code === "TW139");
  expect(skips.map((d) => d.message)).toEqual([expect.stringMatching(why)]);
}

function expectRefused(outcome: GenOutcome, code: string, where: RegExp): void {
  expect(outcome.cat).toBeUndefined();
  const found = errors(outcome).filter((d) => d.code === code);
  expect(found.length, everything(outcome)).toBeGreaterThan(0);
  // Located: the file and the line of the `$ref`.
  expect(formatDiagnostic(found[0]!)).toMatch(where);
  expect(everything(outcome)).not.toContain(CANARY);
}

describe("$ref targets are confined to the spec's folder", () => {
  it.each([
    ["a relative path climbing out", (_outside: string) => "../outside/leak.yaml#/Leak"],
    ["an absolute path", (outside: string) => `${outside}#/Leak`],
    ["a file: URL", (outside: string) => `${pathToFileURL(outside).href}#/Leak`],
    ["a percent-encoded climb", (_outside: string) => "..%2Foutside%2Fleak.yaml#/Leak"],
  ])("refuses %s (TW191, located), reading nothing", async (_label, ref) => {
    const { spec } = layout("conf-ref", (outside) => specWith(ref(outside)), { "spec/.keep": "" });
    expectRefused(await generateBare(spec), "TW191", /openapi\.yaml:13:\d+.*outside the folders/);
  });

  it("refuses a symlink inside the folder that points outside it", async () => {
    const { dir, outside, spec } = layout("conf-link", () => specWith("./linked.yaml#/Leak"), {
      "spec/.keep": "",
    });
    symlinkSync(outside, join(dir, "spec/linked.yaml"));
    expectRefused(await generateBare(spec), "TW191", /openapi\.yaml:13:\d+/);
  });

  it("refuses a symlinked folder inside the spec's folder that points outside it", async () => {
    const { dir, spec } = layout("conf-dirlink", () => specWith("./shared/leak.yaml#/Leak"), {
      "spec/.keep": "",
    });
    symlinkSync(join(dir, "outside"), join(dir, "spec/shared"));
    expectRefused(await generateBare(spec), "TW191", /openapi\.yaml:13:\d+/);
  });

  it("refuses references outside the folder wherever they sit (examples, links, extensions)", async () => {
    const extra = `      parameters:
        - name: q
          in: query
          schema: { type: string }
          examples:
            one: { $ref: "../outside/leak.yaml#/Leak" }
      x-extra: { $ref: "../outside/leak.yaml#/Leak" }
`;
    const { spec } = layout("conf-anywhere", () => specWith("#/components/schemas/Ok", extra), {
      "spec/.keep": "",
    });
    writeFileSync(
      spec,
      `${specWith("#/components/schemas/Ok", extra)}components:\n  schemas:\n    Ok: { type: object }\n`,
    );
    const outcome = await generateBare(spec);
    expectRefused(outcome, "TW191", /openapi\.yaml:\d+:\d+/);
    expect(errors(outcome).filter((d) => d.code === "TW191")).toHaveLength(2);
  });

  it("still follows references inside the folder, also through a symlink that stays inside", async () => {
    const { dir, spec } = layout("conf-inside", () => specWith("./schemas/item.yaml#/Item"), {
      "spec/schemas/item.yaml": "Item: { type: object, properties: { id: { type: string } } }\n",
    });
    symlinkSync(join(dir, "spec/schemas/item.yaml"), join(dir, "spec/alias.yaml"));
    writeFileSync(spec, specWith("./alias.yaml#/Item"));
    const outcome = await generateBare(spec);
    expect(errors(outcome), everything(outcome)).toEqual([]);
    expect(outcome.cat?.files.get("catalog.json")).toContain('"id"');
  });

  it("a manifest can name more folders (ref_folders), and only those", async () => {
    const dir = writeTree("conf-folders", {
      "shared/item.yaml": "Item: { type: object, properties: { sku: { type: string } } }\n",
      "outside/leak.yaml": OUTSIDE_SCHEMA,
      "cat/openapi.yaml": specWith("../shared/item.yaml#/Item"),
      "cat/tools.yaml":
        "catalog: conf\nsources:\n  api: { openapi: ./openapi.yaml, ref_folders: [../shared] }\nselect: [{ all: true }]\n",
    });
    const ok = await genManifest(join(dir, "cat/tools.yaml"), relative(ROOT, join(dir, "out")));
    expect(errors(ok), everything(ok)).toEqual([]);
    expect(ok.cat?.files.get("catalog.json")).toContain('"sku"');

    writeFileSync(join(dir, "cat/openapi.yaml"), specWith("../outside/leak.yaml#/Leak"));
    const refused = await genManifest(join(dir, "cat/tools.yaml"), relative(ROOT, join(dir, "out")));
    expectRefused(refused, "TW191", /openapi\.yaml:13:\d+.*\(.*shared/);
  });

  it("a parameter $ref outside the folder, in a path item's own file, leaves its operation out (never sent without it)", async () => {
    // Mojaloop's split specs (@mojaloop/api-snippets) write each path item in paths/<name>.yaml, its parameters
    // `$ref: ../../components/parameters/X.yaml`. The path item's file was scanned when it was read, the refusal
    // raised there and dropped with that read; the operation then became a tool without the header or path
    // parameter, saying nothing (a path variable was adopted as an undeclared string, TW137).
    const param = "name: FSPIOP-Source\nin: header\nrequired: true\nschema: { type: string }\n";
    const { spec } = layout(
      "conf-item-file",
      () =>
        `openapi: 3.0.3\ninfo: { title: Conf, version: "1" }\nservers: [{ url: https://conf.example.com }]\npaths:\n  /accounts:\n    $ref: paths/accounts.yaml\n${HEALTH}`,
      {
        "outside/source.yaml": param,
        "spec/paths/accounts.yaml":
          'get:\n  operationId: listAccounts\n  parameters:\n    - $ref: "../../outside/source.yaml"\n  responses: { "200": { description: ok } }\n',
      },
    );
    const outcome = await generateBare(spec);
    leftOut(outcome, /^GET \/accounts is left out: \$ref target .*source\.yaml is outside the folders/);
    const skip = outcome.diags.items.find((d) => d.code === "TW139");
    expect(formatDiagnostic(skip!)).toMatch(/paths\/accounts\.yaml:4:\d+/);
    const tools = JSON.parse(outcome.cat?.files.get("catalog.json") ?? "{}").tools as { name: string }[];
    expect(tools.map((t) => t.name)).toEqual(["health"]);
    // The request/response types' bundler meets the refused target again: it leaves it out, reported once above.
    const diags = new Diagnostics();
    const typed = await generateCatalog(
      { kind: "spec", spec, name: "conf" },
      { root: ROOT, out: relative(ROOT, join(spec, "../../out-types")), types: true },
      diags,
    );
    leftOut({ cat: typed, diags }, /^GET \/accounts is left out: \$ref target .*source\.yaml is outside/);
    expect([...(typed?.files.keys() ?? [])]).toContain("api.openapi.gen.ts");
    expect(everything({ cat: typed, diags })).not.toContain(CANARY);
  });

  it("a handler tool's schema in the manifest is confined to the manifest's folder", async () => {
    const dir = writeTree("conf-handler", {
      "outside/leak.yaml": OUTSIDE_SCHEMA,
      "cat/h.ts": "export default async () => ({ ok: true });\n",
      "cat/tools.yaml": `catalog: conf
tools:
  conf_do:
    handler: ./h.ts
    safety: read
    description: Does a thing.
    input: { type: object, properties: { x: { $ref: "../outside/leak.yaml#/Leak" } } }
`,
    });
    const outcome = await genManifest(join(dir, "cat/tools.yaml"), relative(ROOT, join(dir, "out")));
    expectRefused(outcome, "TW191", /tools\.yaml/);
  });
});

describe("only regular files of bounded size are read", () => {
  it.each([
    ["/dev/zero", "/dev/zero"],
    ["/dev/stdin", "/dev/stdin"],
    ["/dev/urandom", "/dev/urandom"],
  ])("a $ref to %s is refused at once", async (_label, target) => {
    const { spec } = layout("conf-dev", () => specWith(target), { "spec/.keep": "" });
    const outcome = await generateBare(spec);
    expect(outcome.cat).toBeUndefined();
    // Outside the folder by its real path (TW191), or, where it has none (/dev/stdin on a pipe), not a file (TW190).
    expect(
      errors(outcome).some((d) => d.code === "TW191" || d.code === "TW190"),
      everything(outcome),
    ).toBe(true);
  });

  it("a $ref to a FIFO or a folder inside the spec's folder is refused (TW190), without blocking", async () => {
    const { dir, spec } = layout("conf-fifo", () => specWith("./pipe.yaml#/X"), { "spec/sub/x.yaml": "" });
    execFileSync("mkfifo", [join(dir, "spec/pipe.yaml")]);
    const outcome = await generateBare(spec);
    expect(outcome.cat).toBeUndefined();
    expect(formatDiagnostic(errors(outcome).find((d) => d.code === "TW190")!)).toMatch(
      /openapi\.yaml:13:\d+.*pipe\.yaml: not a regular file/,
    );
    writeFileSync(spec, specWith("./sub#/X"));
    const folder = await generateBare(spec);
    expect(errors(folder).map((d) => d.code)).toContain("TW190");
  });

  it("a referenced file over the size cap is refused (TW190), located", async () => {
    const { dir, spec } = layout("conf-big", () => specWith("./big.yaml#/X", HEALTH), { "spec/.keep": "" });
    const fd = openSync(join(dir, "spec/big.yaml"), "w");
    // Sparse: no disk space or write time, but stat and read see the full size.
    execFileSync("truncate", ["-s", String(MAX_INPUT_FILE_BYTES + 1), join(dir, "spec/big.yaml")]);
    closeSync(fd);
    leftOut(await generateBare(spec), /larger than the 128 MiB limit/);
    const outcome = await generateBare(spec, true);
    expect(outcome.cat).toBeUndefined();
    expect(formatDiagnostic(errors(outcome).find((d) => d.code === "TW190")!)).toMatch(
      /openapi\.yaml:13:\d+.*larger than the 128 MiB limit/,
    );
  });

  it("a bare spec, a manifest's spec, SDL or resource file that is a device is refused, not read", async () => {
    const bare = await genSpec("/dev/zero", "conf", "test/.tmp/conf-dev-out");
    expect(errors(bare).map((d) => d.code)).toEqual(["TW190"]);
    const dir = writeTree("conf-devsrc", {
      "gql/tools.yaml": "catalog: conf\nsources:\n  api: { graphql: /dev/zero }\nselect: [{ all: true }]\n",
      "res/tools.yaml":
        "catalog: conf\nresources:\n  - { uri: 'conf://x', name: x, description: X., file: /dev/zero }\n",
    });
    const gql = await genManifest(join(dir, "gql/tools.yaml"), relative(ROOT, join(dir, "out")));
    expect(
      errors(gql).map((d) => d.code),
      everything(gql),
    ).toContain("TW190");
    // A resource file outside the manifest's folder is refused before it is opened (TW196, test/security/catalog-files).
    const res = await genManifest(join(dir, "res/tools.yaml"), relative(ROOT, join(dir, "out")));
    expect(
      errors(res).map((d) => d.code),
      everything(res),
    ).toContain("TW196");
  });
});

describe("generate never touches the network", () => {
  let server: Server;
  let url: string;
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "application/yaml" });
      res.end(`X: { type: object, description: ${CANARY} }\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // The server is contacted by nothing, in any test of this group.
    expect(hits).toEqual([]);
  });

  it("externalValue and remote example $refs are not fetched: warned (located), left out", async () => {
    const extra = `      parameters:
        - name: q
          in: query
          schema: { type: string }
          examples:
            ext: { externalValue: "${url}/param-ext.json" }
            ref: { $ref: "${url}/param-ref.yaml#/X" }
      requestBody:
        content:
          application/json:
            schema: { type: object }
            examples:
              ext: { externalValue: "${url}/body-ext.json" }
              ref: { $ref: "${url}/body-ref.yaml#/X" }
`;
    const dir = writeTree("conf-net", { "spec/openapi.yaml": "" });
    const spec = join(dir, "spec/openapi.yaml");
    writeFileSync(
      spec,
      `${specWith("#/components/schemas/Ok", extra)}components:\n  schemas:\n    Ok: { type: object }\n  examples:\n    shared: { externalValue: "${url}/component-ext.json" }\n`,
    );
    const outcome = await generateBare(spec);
    expect(errors(outcome), everything(outcome)).toEqual([]);
    const warned = outcome.diags.items.filter((d) => d.code === "TW192").map(formatDiagnostic);
    expect(warned).toHaveLength(5);
    for (const w of warned) expect(w).toMatch(/openapi\.yaml:\d+:\d+.* is not fetched/);
    expect(hits).toEqual([]);
    expect(everything(outcome)).not.toContain(CANARY);
  });

  it("a remote $ref where toolwright needs it is an error (TW130); one it does not need is left out", async () => {
    const dir = writeTree("conf-net2", { "spec/openapi.yaml": specWith(`${url}/schema.yaml#/X`, HEALTH) });
    leftOut(await generateBare(join(dir, "spec/openapi.yaml")), /remote \$ref .* is refused/);
    const needed = await generateBare(join(dir, "spec/openapi.yaml"), true);
    expect(errors(needed).map((d) => d.code)).toContain("TW130");
    writeFileSync(
      join(dir, "spec/openapi.yaml"),
      `${specWith("#/components/schemas/Ok", `      x-remote: { $ref: "${url}/ext.yaml#/X" }\n      callbacks:\n        cb: { $ref: "${url}/cb.yaml#/X" }\n`)}components:\n  schemas:\n    Ok: { type: object }\n`,
    );
    const unneeded = await generateBare(join(dir, "spec/openapi.yaml"));
    expect(errors(unneeded), everything(unneeded)).toEqual([]);
    // A bare catalog has no hand-written handlers, so no request/response types are generated: nothing follows
    // these references at all (the types' bundler, which would, reports them as TW192 where a catalog has handlers).
    const warned = unneeded.diags.items.filter((d) => d.code === "TW192").map(formatDiagnostic);
    expect(warned).toEqual([]);
    expect(hits).toEqual([]);
    expect(everything(unneeded)).not.toContain(CANARY);
  });

  it("the request/response types of a catalog with handlers fetch nothing either; what they leave out is warned", async () => {
    const spec = `${specWith("#/components/schemas/Ok", `      x-remote: { $ref: "${url}/ext.yaml#/X" }\n      callbacks:\n        cb: { $ref: "${url}/cb.yaml#/X" }\n`)}components:\n  schemas:\n    Ok: { type: object }\n    Local: { $ref: "./local.yaml#/Local" }\n`;
    const dir = writeTree("conf-net-types", {
      "cat/openapi.yaml": spec,
      "cat/local.yaml": "Local: { type: object, properties: { sku: { type: string } } }\n",
      "cat/h.ts": "export default async () => ({ data: { ok: true } });\n",
      "cat/tools.yaml": `catalog: conf
sources:
  api: { openapi: ./openapi.yaml }
select: [{ all: true }]
tools:
  conf_do: { handler: ./h.ts, safety: read, description: Does a thing., input: { type: object } }
`,
    });
    const outcome = await genManifest(join(dir, "cat/tools.yaml"), relative(ROOT, join(dir, "out")));
    expect(errors(outcome), everything(outcome)).toEqual([]);
    const types = outcome.cat?.files.get("api.openapi.gen.ts") ?? "";
    // The local file is bundled in (through the guard); the remote ones are left out and named, located.
    expect(types).toContain("sku");
    const warned = outcome.diags.items.filter((d) => d.code === "TW192").map(formatDiagnostic);
    expect(warned).toEqual([
      expect.stringMatching(/openapi\.yaml:14:\d+ .*ext\.yaml#\/X" is not fetched/),
      expect.stringMatching(/openapi\.yaml:16:\d+ .*cb\.yaml#\/X" is not fetched/),
    ]);
    expect(hits).toEqual([]);
    expect(everything(outcome)).not.toContain(CANARY);
  });

  it("a Swagger 2.0 spec with remote references fetches nothing", async () => {
    const dir = writeTree("conf-net3", {
      "spec/swagger.yaml": `swagger: "2.0"
info: { title: S, version: "1" }
host: s.example.com
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200": { description: ok, schema: { $ref: "${url}/s2.yaml#/X" } }
  /b:
    get:
      operationId: getB
      responses: { "200": { description: ok } }
`,
    });
    leftOut(await generateBare(join(dir, "spec/swagger.yaml")), /remote \$ref .* is refused/);
    const outcome = await generateBare(join(dir, "spec/swagger.yaml"), true);
    expect(errors(outcome).map((d) => d.code)).toContain("TW130");
    expect(hits).toEqual([]);
  });
});
