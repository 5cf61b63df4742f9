import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A bearer token that is a JWT, echoed back in pieces: a token-debug endpoint (a `/whoami`, an introspection
 * answer, an error page) that decodes the token and shows its header and payload as JSON beside its signature, or
 * lists its three parts. Header and payload are readable by anyone who holds the token; the signature is what
 * makes it usable: with it the model can put the token back together (the header and payload re-encode to the
 * same base64url). It is withheld wherever it appears, in either base64 alphabet; the header and payload stay.
 */

const SPEC = `openapi: 3.0.3
info: { title: Jwt, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer, bearerFormat: JWT }
security: [{ bearer: [] }]
paths:
  /whoami:
    get:
      operationId: whoami
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /parts:
    get:
      operationId: parts
      responses:
        "200": { description: ok, content: { text/plain: { schema: { type: string } } } }
`;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const HEADER = { alg: "RS256", typ: "JWT", kid: "k1" };
const PAYLOAD = { sub: "svc-toolwright", aud: "api", exp: 4102444800 };
/** An RS256-sized signature whose base64url has both `-` and `_` (its standard spelling differs). */
const SIGNATURE = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 97 + 251) % 256)).toString(
  "base64url",
);
const JWT = `${b64url(HEADER)}.${b64url(PAYLOAD)}.${SIGNATURE}`;
const standard = (text: string) => text.replaceAll("-", "+").replaceAll("_", "/");

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  upstream = await startRecordingServer((req, res) => {
    const token = String(req.headers.authorization).slice("Bearer ".length);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString());
    if (req.path === "/whoami")
      return sendJson(res, 200, { header: decode(header), payload: decode(payload), signature });
    res.writeHead(200, { "content-type": "text/plain" });
    return res.end(`header: ${header}\npayload: ${payload}\nsignature (base64): ${standard(signature)}\n`);
  });
  const tree = writeTree("jwt-credentials", { "openapi.yaml": SPEC });
  const out = join(tree, "catalog");
  const { cat, diags } = await genSpec(join(tree, "openapi.yaml"), "jwt", out.slice(ROOT.length + 1));
  expect(errorsOf(diags)).toEqual([]);
  writeCatalog(ROOT, cat!);
  served = await serveOverStdio(out, { JWT_BASE_URL: upstream.url, JWT_TOKEN: JWT });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("a JWT an upstream echoes in pieces", () => {
  it("a decoded token beside its signature: the signature is withheld, header and payload stay", async () => {
    const result = await served.client.callTool({ name: "whoami", arguments: {} });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(upstream.received.at(-1)?.headers.authorization).toBe(`Bearer ${JWT}`);
    expect(result.structuredContent).toEqual({ header: HEADER, payload: PAYLOAD, signature: "[redacted]" });
    expect(JSON.stringify(result)).not.toContain(SIGNATURE);
  });

  it("its parts on lines of their own, the signature in the standard base64 alphabet: withheld", async () => {
    const result = await served.client.callTool({ name: "parts", arguments: {} });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const text = JSON.stringify(result);
    expect(text).toContain(`header: ${b64url(HEADER)}`);
    expect(text).toContain("signature (base64): [redacted]");
    expect(text).not.toContain(standard(SIGNATURE));
    expect(text).not.toContain(SIGNATURE);
  });
});
