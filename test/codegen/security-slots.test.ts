import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * A security alternative two of whose schemes need one slot (basic and bearer both as Authorization, an API key
 * named Authorization beside a bearer token) can never be sent: the runtime skips it (872d4bd). Generate says so at the operation: it
 * drops such an alternative with a warning when another remains, and leaves the operation out (TW139, listed in
 * CATALOG.md) when every alternative clashes, instead of publishing a tool whose every call is refused.
 */
const SPEC = `openapi: 3.0.3
info: { title: Slots, version: "1" }
servers: [{ url: https://slots.example.com }]
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    bearer: { type: http, scheme: bearer }
    keyA: { type: apiKey, in: header, name: X-Key }
    keyB: { type: apiKey, in: header, name: authorization }
    cookie: { type: apiKey, in: cookie, name: sid }
paths:
  /never:
    get:
      operationId: never
      security: [{ basic: [], bearer: [] }, { bearer: [], keyB: [] }]
      responses: { "200": { description: ok } }
  /some:
    get:
      operationId: some
      security: [{ basic: [], bearer: [] }, { bearer: [], cookie: [] }]
      responses: { "200": { description: ok } }
  /fine:
    get:
      operationId: fine
      security: [{ basic: [], keyA: [] }]
      responses: { "200": { description: ok } }
`;

describe("security alternatives that need one slot twice", () => {
  it("are dropped with a located warning, and an operation with no other is left out", async () => {
    const dir = writeTree("security-slots", { "openapi.yaml": SPEC });
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "slots" },
      { root: ROOT, out: "test/.tmp/security-slots-out" },
      diags,
    );
    expect(cat).toBeDefined();
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as {
      tools: { name: string; binding: { security?: string[][] } }[];
    };
    const security = Object.fromEntries(doc.tools.map((t) => [t.name, t.binding.security]));
    expect(Object.keys(security).sort()).toEqual(["fine", "some"]);
    expect(security.some).toEqual([["bearer", "cookie"]]);
    expect(security.fine).toEqual([["basic", "keyA"]]);
    const warnings = diags.items.filter(
      (d) => d.severity === "warning" && /GET \/(never|some)/.test(d.message),
    );
    expect(warnings.map((d) => [d.code, d.message, d.source?.pointer, d.source?.line])).toEqual([
      [
        "TW139",
        "GET /never is left out: every security alternative needs one slot twice: basic + bearer (basic and bearer both need the Authorization header, which one request carries once); bearer + keyB (bearer and keyB both need the Authorization header, which one request carries once)",
        "#/paths/~1never/get/security",
        15,
      ],
      [
        "TW142",
        "GET /some: security alternative never sent: basic + bearer (basic and bearer both need the Authorization header, which one request carries once)",
        "#/paths/~1some/get/security",
        20,
      ],
    ]);
    expect(cat?.files.get("CATALOG.md")).toContain("GET /never");
  });

  it("is located at the security it comes from: the document's when the operation writes none", async () => {
    const spec = SPEC.replace(
      "paths:\n",
      'security: [{ basic: [], bearer: [] }, { keyA: [] }]\npaths:\n  /inherits:\n    get:\n      responses: { "200": { description: ok } }\n',
    );
    const dir = writeTree("security-slots-root", { "openapi.yaml": spec });
    const diags = new Diagnostics();
    await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "slots" },
      { root: ROOT, out: "test/.tmp/security-slots-root-out" },
      diags,
    );
    const warning = diags.items.find((d) => d.code === "TW142" && d.message.startsWith("GET /inherits"));
    expect(warning?.source).toMatchObject({ pointer: "#/security", line: 11 });
    expect(formatDiagnostic(warning!)).toContain("openapi.yaml:11:");
  });

  it("leaves an operation out at the security it inherits, when that is the only reason (not at the operation)", async () => {
    const spec = SPEC.replace(
      "paths:\n",
      'security: [{ basic: [], bearer: [] }]\npaths:\n  /inherits:\n    get:\n      responses: { "200": { description: ok } }\n',
    );
    const dir = writeTree("security-slots-root-left", { "openapi.yaml": spec });
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "slots" },
      { root: ROOT, out: "test/.tmp/security-slots-root-left-out" },
      diags,
    );
    const left = diags.items.find((d) => d.code === "TW139" && d.message.startsWith("GET /inherits"));
    expect(left?.severity).toBe("warning");
    expect(left?.source).toMatchObject({ pointer: "#/security", line: 11 });
    expect(formatDiagnostic(left!)).toContain("openapi.yaml:11:");
    // CATALOG.md's list of left-out operations points there too.
    expect(cat?.files.get("CATALOG.md")).toMatch(
      /`GET \/inherits` \| `[^`]*openapi\.yaml:11:\d+ \(#\/security\)`/,
    );
  });

  it("says how to read a requirement as any one of its schemes, which a patch can (PagerDuty's SCIM spec)", async () => {
    // PagerDuty's SCIM API ANDs an API key named Authorization with a bearer token in its one requirement.
    const scim = `openapi: 3.0.0
info: { title: SCIM, version: "1" }
servers: [{ url: https://scim.example.com }]
security: [{ apiKey: [], bearerToken: [] }]
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: Authorization }
    bearerToken: { type: http, scheme: bearer }
paths:
  /Users: { get: { operationId: listUsers, responses: { "200": { description: ok } } } }
`;
    const patch = "- { op: replace, path: /security, value: [{ apiKey: [] }, { bearerToken: [] }] }\n";
    const dir = writeTree("security-slots-either", { "openapi.yaml": scim, "either.yaml": patch });
    const diags = new Diagnostics();
    const refused = await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "scim" },
      { root: ROOT, out: "test/.tmp/security-slots-either-out" },
      diags,
    );
    expect(refused).toBeUndefined();
    const left = diags.items.find((d) => d.code === "TW139");
    expect(left?.message).toContain(
      "GET /Users is left out: every security alternative needs one slot twice",
    );
    expect(left?.fix).toBe(
      'If the spec means any one of these schemes rather than all together, list each as its own requirement (security: [{"apiKey": []}, {"bearerToken": []}]) with a patch (--patch FILE, or sources.api.patch in a manifest).',
    );
    const patched = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "scim", patches: [join(dir, "either.yaml")] },
      { root: ROOT, out: "test/.tmp/security-slots-either-out" },
      patched,
    );
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as {
      tools: { name: string; binding: { security?: string[][] } }[];
    };
    expect(doc.tools.map((t) => [t.name, t.binding.security])).toEqual([
      ["list_users", [["apiKey"], ["bearerToken"]]],
    ]);
  });

  it("gives no such advice when a scheme of the requirement has no credentials", async () => {
    const dir = writeTree("security-slots-undefined", {
      "openapi.yaml": SPEC.replace(
        "{ basic: [], bearer: [] }, { bearer: [], keyB: [] }",
        "{ basic: [], nowhere: [] }",
      ),
    });
    const diags = new Diagnostics();
    await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "slots" },
      { root: ROOT, out: "test/.tmp/security-slots-undefined-out" },
      diags,
    );
    const left = diags.items.find((d) => d.code === "TW139" && d.message.startsWith("GET /never"));
    expect(left?.message).toContain('"nowhere" (not defined in the spec)');
    expect(left?.fix).toBeUndefined();
  });

  it("in strict mode, an operation whose every alternative clashes is an error at its security", async () => {
    const dir = writeTree("security-slots-strict", { "openapi.yaml": SPEC });
    const diags = new Diagnostics();
    await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "slots" },
      { root: ROOT, out: "test/.tmp/security-slots-strict-out", strict: true },
      diags,
    );
    const error = diags.items.find((d) => d.code === "TW142" && d.message.startsWith("GET /never"));
    expect(error?.severity).toBe("error");
    expect(error?.source).toMatchObject({ pointer: "#/paths/~1never/get/security", line: 15 });
    expect(error?.fix).toContain(
      'list each as its own requirement (security: [{"basic": []}, {"bearer": []}, {"keyB": []}])',
    );
  });
});
