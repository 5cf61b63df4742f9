import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { filesUnder } from "../helpers/files.js";
import { errorsOf, genSpec } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * A server URL template with credentials in its userinfo (`https://{user}:{pw}@host`, as internal APIs' specs write):
 * the runtime never sends userinfo (the default URL is written without it), but the base URL variable's
 * description listed every variable's default, the password's included, into catalog.json, CATALOG.md and
 * `--help`. A credential belongs in no generated file.
 */
const spec = (url: string, vars: string) => `openapi: 3.0.3
info: { title: Creds, version: "1" }
servers:
  - url: ${url}
    variables:
${vars}
paths:
  /a:
    get: { operationId: a, responses: { "200": { description: ok } } }
`;

describe("server variables in a URL's credentials", () => {
  for (const [label, url, vars, secrets, shown] of [
    [
      "user and password",
      "https://{user}:{pw}@{host}/api",
      "      user: { default: admin-canary-7f3a }\n      pw: { default: pw-canary-91c2, enum: [pw-canary-91c2, other-canary-22d1] }\n      host: { default: creds.example.com }",
      ["admin-canary-7f3a", "pw-canary-91c2", "other-canary-22d1"],
      ['{host}: default "creds.example.com"'],
    ],
    [
      "a token alone",
      "https://{token}@creds.example.com/{ver}",
      "      token: { default: tok-canary-5be0 }\n      ver: { default: v2 }",
      ["tok-canary-5be0"],
      ['{ver}: default "v2"'],
    ],
  ] as const) {
    it(`${label}: the defaults reach no generated file; the other variables are still listed`, async () => {
      const dir = tmpDir("server-credentials");
      writeFileSync(join(dir, "openapi.yaml"), spec(url, vars));
      const { cat, diags } = await genSpec(
        join(dir, "openapi.yaml"),
        "creds",
        `${dir.slice(ROOT.length + 1)}/out`,
      );
      expect(errorsOf(diags)).toEqual([]);
      if (!cat) throw new Error("no catalog");
      writeCatalog(ROOT, cat);
      const out = join(ROOT, cat.dir);
      for (const file of filesUnder(out)) {
        const text = readFileSync(file, "utf8");
        for (const s of secrets) expect(text.includes(s), `${file} holds ${s}`).toBe(false);
      }
      const doc = JSON.parse(readFileSync(join(out, "catalog.json"), "utf8")) as {
        env: { type: string; description: string; default?: string }[];
      };
      const base = doc.env.find((e) => e.type === "url");
      for (const s of shown) expect(base?.description).toContain(s);
      expect(base?.description).toMatch(/part of the URL's credentials, never sent/);
      expect(base?.default).not.toMatch(/@/);
    });
  }
});
