import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { run } from "../../codegen/cli/generate.js";
import { snapshotOf } from "../helpers/files.js";
import { genToDisk } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * `generate --out DIR` replaces DIR whole, so it may only replace a folder toolwright generated: every file one
 * it writes, a catalog.json of its shape, every generated module from the same generation. Anything else is
 * refused (exit 1) and nothing is written or deleted. Run in-process through the CLI's own entry point.
 */

const SPEC = `openapi: 3.1.0
info: { title: Out, version: "1" }
servers: [{ url: https://out.example.com }]
paths:
  /items:
    get:
      operationId: listItems
      responses: { "200": { description: ok } }
`;

let spec: string;
beforeAll(() => {
  const dir = tmpDir("out-spec");
  spec = join(dir, "openapi.yaml");
  writeFileSync(spec, SPEC);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `toolwright generate --openapi <spec> --out <out>`; returns the exit code and what it printed on stderr. */
async function generateInto(out: string): Promise<{ code: number; stderr: string }> {
  const stderr: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const code = await run(["--openapi", relative(ROOT, spec), "--out", relative(ROOT, out), "--name", "out"]);
  vi.restoreAllMocks();
  return { code, stderr: stderr.join("") };
}

async function generatedFolder(): Promise<string> {
  const out = tmpDir("out-gen");
  const first = await generateInto(out);
  expect(first.code, first.stderr).toBe(0);
  return out;
}

async function expectRefused(out: string, reason: RegExp): Promise<void> {
  const before = snapshotOf(out);
  const { code, stderr } = await generateInto(out);
  expect(code).toBe(1);
  expect(stderr).toMatch(reason);
  expect(stderr).toContain("nothing was written");
  expect(snapshotOf(out)).toEqual(before);
}

describe("generate --out replaces only a catalog toolwright generated", () => {
  it("a folder that merely holds a catalog.json naming toolwright is refused, its .git and sources kept", async () => {
    const out = tmpDir("out-claim");
    writeFileSync(join(out, "catalog.json"), '{"generator":{"name":"toolwright"}}\n');
    mkdirSync(join(out, ".git"));
    writeFileSync(join(out, ".git/HEAD"), "ref: refs/heads/main\n");
    mkdirSync(join(out, "src"));
    writeFileSync(join(out, "src/index.ts"), "export const precious = 1;\n");
    await expectRefused(out, /is not one toolwright generated/);
  });

  it("a catalog.json of the right shape does not vouch for other files beside it", async () => {
    const cases: Array<[string, (out: string) => void, RegExp]> = [
      ["a source file", (o) => writeFileSync(join(o, "index.ts"), "export {};\n"), /index\.ts is not a file/],
      ["a hidden folder", (o) => mkdirSync(join(o, ".git")), /\.git is a hidden file/],
      ["a README", (o) => writeFileSync(join(o, "README.md"), "# mine\n"), /README\.md is not a file/],
      [
        "an asset catalog.json does not name",
        (o) => {
          mkdirSync(join(o, "assets"));
          writeFileSync(join(o, "assets/notes.md"), "mine\n");
        },
        /assets\/notes\.md is not an asset/,
      ],
      [
        "a module of another generation",
        (o) => {
          const file = join(o, "catalog.gen.ts");
          writeFileSync(
            file,
            readFileSync(file, "utf8").replace(/sha256:[0-9a-f]{64}/, `sha256:${"0".repeat(64)}`),
          );
        },
        /catalog\.gen\.ts is not from the same generation/,
      ],
      [
        "a module naming the input hash only past its header (its first 600 characters)",
        (o) => {
          const file = join(o, "schemas.gen.mjs");
          writeFileSync(file, `// ${"\u00e9".repeat(600)}\n${readFileSync(file, "utf8")}`);
        },
        /schemas\.gen\.mjs is not from the same generation/,
      ],
      [
        "a symbolic link",
        (o) => symlinkSync(join(ROOT, "package.json"), join(o, "extra.gen.ts")),
        /extra\.gen\.ts is a symbolic link/,
      ],
      [
        "a catalog.json without an input hash",
        (o) => {
          const file = join(o, "catalog.json");
          const doc = JSON.parse(readFileSync(file, "utf8"));
          delete doc.inputHash;
          writeFileSync(file, JSON.stringify(doc));
        },
        /not one toolwright generated/,
      ],
    ];
    for (const [label, spoil, reason] of cases) {
      const out = await generatedFolder();
      spoil(out);
      await expectRefused(out, reason).catch((e: Error) => {
        throw new Error(`${label}: ${e.message}`);
      });
    }
  });

  it("the output folder itself may not be a symbolic link", async () => {
    const real = await generatedFolder();
    const link = `${tmpDir("out-link")}/gen`;
    symlinkSync(real, link);
    const { code, stderr } = await generateInto(link);
    expect(code).toBe(1);
    expect(stderr).toMatch(/is a symbolic link/);
  });

  it("a catalog it generated is replaced again, assets and handlers included", async () => {
    const out = await generatedFolder();
    const again = await generateInto(out);
    expect(again.code, again.stderr).toBe(0);
    expect(snapshotOf(out)["catalog.json"]).toContain('"generator"');

    const manifest = join(ROOT, "test/fixtures/kitchen-sink/tools.yaml");
    const { dir } = await genToDisk(manifest, tmpDir("out-kitchen"));
    expect(Object.keys(snapshotOf(dir)).filter((f) => f.startsWith("assets/")).length).toBeGreaterThan(1);
    await genToDisk(manifest, join(dir, ".."));
    // writeCatalog itself refuses what generate would refuse.
    writeFileSync(join(dir, "assets/mine.md"), "mine\n");
    await expect(genToDisk(manifest, join(dir, ".."))).rejects.toThrow(/assets\/mine\.md is not an asset/);
  });
});
