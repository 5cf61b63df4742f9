import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, type GraphQLScalarType, graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Masking vs upstream ERROR answers. Masking reduced a failure's data, but the text the upstream wrote in its
 * error (a 422's `message` echoing the submitted `ssn`, a 500's `detail` quoting a stored card number, a 403's
 * `required_scope`, graphql-js's "Variable "$input" got invalid value "..."" coercion error) went into the error
 * message the model reads, unmasked. With masking in effect for a tool, that text is withheld (the status, the
 * upstream's code and toolwright's own words stay); GraphQL partial data stays masked as data. A real upstream on
 * 127.0.0.1 (REST and graphql-js), the catalog served over stdio to a real MCP client; the canaries reach no
 * result, audit line or stderr.
 */

const SSN = "123-45-6789";
const CARD = "4111111111111111";
const STORED = "stored-canary-7f3e";

const SPEC = `openapi: 3.0.3
info: { title: Customers, version: "1" }
paths:
  /customers:
    post:
      operationId: createCustomer
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: { type: string }
                ssn: { type: string }
                card: { type: object, properties: { number: { type: string } } }
      responses:
        "201":
          description: created
          content: { application/json: { schema: { $ref: "#/components/schemas/Customer" } } }
  /customers/{id}:
    get:
      operationId: getCustomer
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200":
          description: one
          content: { application/json: { schema: { $ref: "#/components/schemas/Customer" } } }
  /env:
    get:
      operationId: getEnv
      responses:
        "200":
          description: the app's variables
          content:
            application/json:
              schema: { type: object, properties: { vars: { type: object, additionalProperties: { type: string } } } }
  /status:
    get:
      operationId: getStatus
      responses:
        "200":
          description: status
          content: { application/json: { schema: { type: object, properties: { ok: { type: boolean } } } } }
components:
  schemas:
    Customer:
      type: object
      properties:
        id: { type: string }
        name: { type: string }
        ssn: { type: string }
        card: { type: object, properties: { number: { type: string } } }
`;

const MANIFEST = `catalog: cust
env:
  CUST_URL: { type: url, description: "CUST_URL." }
  CUST_MASK: { type: boolean, default: "true", description: "CUST_MASK." }
  CUST_AUDIT_FILE: { description: "CUST_AUDIT_FILE." }
policy:
  mask_values: { env: CUST_MASK }
  audit: { file_env: CUST_AUDIT_FILE }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: CUST_URL } }
select: [{ all: true }]
tools:
  create_customer: { from: createCustomer, masked: [ssn, card.number] }
  get_customer: { from: getCustomer, masked: [ssn, card.number] }
  get_env: { from: getEnv, names_only: vars }
`;

const SDL = `
scalar SSN
type Customer { id: ID! name: String ssn: SSN note: String }
input CustomerInput { name: String! ssn: SSN }
type Query { customer(id: ID!): Customer }
type Mutation { createCustomer(input: CustomerInput!): Customer }
`;

const GQL_MANIFEST = `catalog: gcust
env:
  GCUST_URL: { type: url, description: "GCUST_URL." }
  GCUST_MASK: { type: boolean, default: "true", description: "GCUST_MASK." }
policy:
  mask_values: { env: GCUST_MASK }
sources:
  gql: { graphql: ./schema.graphql, base_url: { env: GCUST_URL }, mutations: listed }
select: [{ source: gql, all: true }]
tools:
  create_customer: { from: Mutation.createCustomer, masked: [ssn] }
  get_customer: { from: Query.customer, masked: [ssn] }
`;

/** What the REST upstream answers next (one entry per call). */
let answer: (path: string) => { status: number; type: string; body: string };
let rest: RecordingServer;
let gqlUpstream: RecordingServer;
let served: Served;
let bare: Served;
let gql: Served;
let auditFile: string;
let catalogDir: string;

beforeAll(async () => {
  const src = writeTree("masked-errors", {
    "cust/openapi.yaml": SPEC,
    "cust/tools.yaml": MANIFEST,
    "gcust/schema.graphql": SDL,
    "gcust/tools.yaml": GQL_MANIFEST,
  });
  const { dir } = await genToDisk(join(src, "cust/tools.yaml"), join(src, "out"));
  catalogDir = dir;
  const gdir = (await genToDisk(join(src, "gcust/tools.yaml"), join(src, "gout"))).dir;
  rest = await startRecordingServer((req, res) => {
    const a = answer(req.path);
    res.writeHead(a.status, { "content-type": a.type });
    res.end(a.body);
  });
  const schema = buildSchema(SDL);
  // graphql-js quotes the value it could not coerce in its error message, as every graphql-js server does.
  (schema.getType("SSN") as GraphQLScalarType).parseValue = () => {
    throw new TypeError("not a valid SSN");
  };
  gqlUpstream = await startRecordingServer(async (req, res) => {
    const body = JSON.parse(req.body.toString());
    const result = await graphql({
      schema,
      source: body.query,
      rootValue: {
        customer: () => ({
          id: "c1",
          name: "Ada",
          ssn: SSN,
          note: () => new Error(`lookup of ${STORED} failed`),
        }),
      },
      variableValues: body.variables,
      operationName: body.operationName,
    });
    sendJson(res, 200, result);
  });
  auditFile = join(tmpDir("masked-errors-audit"), "audit.jsonl");
  served = await serveOverStdio(dir, { CUST_URL: rest.url, CUST_AUDIT_FILE: auditFile });
  // The same catalog with its own masking off, narrowed by the run-time switch alone.
  bare = await serveOverStdio(dir, { CUST_URL: rest.url, CUST_MASK: "false" }, {}, ["--mask", "ssn,number"]);
  gql = await serveOverStdio(gdir, { GCUST_URL: `${gqlUpstream.url}/graphql` });
});

afterAll(async () => {
  await Promise.all([served?.close(), bare?.close(), gql?.close()]);
  await Promise.all([rest?.close(), gqlUpstream?.close()]);
});

type Result = { isError?: boolean; content?: Array<{ text?: string }>; structuredContent?: unknown };

async function call(on: Served, name: string, args: Record<string, unknown>): Promise<Result> {
  return (await on.client.callTool({ name, arguments: args })) as Result;
}

const json = (status: number, body: unknown) => () => ({
  status,
  type: "application/json",
  body: JSON.stringify(body),
});

const ERRORS: Array<[string, string, Record<string, unknown>, () => ReturnType<typeof answer>, string]> = [
  [
    "a 422 whose message echoes the submitted ssn",
    "create_customer",
    { name: "Ada", ssn: SSN, card: { number: CARD } },
    json(422, { message: `ssn ${SSN} is already registered`, errors: [{ field: "ssn", value: SSN }] }),
    "upstream answered HTTP 422 Unprocessable Entity",
  ],
  [
    "a 422 in FastAPI's shape echoing the card number",
    "create_customer",
    { name: "Ada", card: { number: CARD } },
    json(422, { detail: [{ loc: ["body", "card", "number"], msg: `card ${CARD} was declined` }] }),
    "upstream answered HTTP 422 Unprocessable Entity",
  ],
  [
    "a 500 whose error.message quotes a stored value",
    "get_customer",
    { id: "c1" },
    json(500, { error: { message: `decrypt failed for ${STORED}`, code: "DECRYPT_FAILED" } }),
    "upstream answered HTTP 500 Internal Server Error",
  ],
  [
    "a 403 whose required_scope is a stored value",
    "get_customer",
    { id: "c1" },
    json(403, { error: { required_scope: STORED } }),
    "the token lacks scope (the upstream's message is withheld while masking is on) (upstream 403)",
  ],
  [
    "a problem+json 409 whose title quotes the ssn",
    "create_customer",
    { name: "Ada", ssn: SSN },
    () => ({
      status: 409,
      type: "application/problem+json",
      body: JSON.stringify({ title: `duplicate ${SSN}` }),
    }),
    "upstream answered HTTP 409 Conflict",
  ],
];

describe("an upstream error's own words are withheld where masking applies", () => {
  it.each(ERRORS)(
    "%s: the status stays, the echoed value does not",
    async (_label, tool, args, make, status) => {
      answer = make;
      const result = await call(served, tool, args);
      expect(result.isError, JSON.stringify(result)).toBe(true);
      const text = JSON.stringify(result);
      for (const canary of [SSN, CARD, STORED]) expect(text).not.toContain(canary);
      expect(result.content?.[0]?.text).toContain(status);
      expect(result.content?.[0]?.text).toContain("the upstream's message is withheld while masking is on");
    },
  );

  it("a text or HTML error page is never quoted", async () => {
    answer = () => ({ status: 500, type: "text/html", body: `<h1>Error</h1><pre>ssn=${SSN}</pre>` });
    const result = await call(served, "get_customer", { id: "c1" });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain(SSN);
  });

  it("with the catalog's masking off, the upstream's words are shown as they were", async () => {
    const open = await serveOverStdio(catalogDir, {
      CUST_URL: rest.url,
      CUST_MASK: "false",
    });
    try {
      answer = json(422, { message: `ssn ${SSN} is already registered` });
      const result = await call(open, "create_customer", { name: "Ada", ssn: SSN });
      expect(result.content?.[0]?.text).toContain(`ssn ${SSN} is already registered`);
    } finally {
      await open.close();
    }
  });

  it("neither the audit file nor stderr holds a canary", async () => {
    const audit = readFileSync(auditFile, "utf8");
    // stderr read whole, once the server has exited: before, a line it wrote may not have been read yet.
    const stderr = await served.stderrAtExit();
    expect(audit.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(ERRORS.length);
    for (const canary of [SSN, CARD, STORED]) {
      expect(audit).not.toContain(canary);
      expect(stderr).not.toContain(canary);
    }
  });
});

describe("names-only reads withhold an upstream error's words, masking on or off", () => {
  it("a 500 quoting a variable's value", async () => {
    const open = await serveOverStdio(catalogDir, { CUST_URL: rest.url, CUST_MASK: "false" });
    try {
      answer = json(500, { message: `variable DB_HOST holds ${STORED}, which is not a host` });
      const result = await call(open, "get_env", {});
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result)).not.toContain(STORED);
      expect(result.content?.[0]?.text).toContain(
        "upstream answered HTTP 500 Internal Server Error: (the upstream's message is withheld since the tool shows names only)",
      );
    } finally {
      await open.close();
    }
  });
});

describe("serve --mask NAMES withholds an upstream error's words for tools that carry a named field", () => {
  it("a 422 echoing the submitted ssn (the tool's input and output have ssn)", async () => {
    answer = json(422, { message: `value ${SSN} is already registered` });
    const result = await call(bare, "create_customer", { name: "Ada", ssn: SSN });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain(SSN);
    expect(result.content?.[0]?.text).toContain("the upstream's message is withheld while --mask");
  });

  it("a tool with no named field keeps the upstream's message unless it mentions a named field", async () => {
    answer = json(503, { message: "maintenance, try again later" });
    const plain = await call(bare, "get_status", {});
    expect(plain.content?.[0]?.text).toContain("maintenance, try again later");
    answer = json(500, { message: `card number ${CARD} failed` });
    const mentions = await call(bare, "get_status", {});
    expect(JSON.stringify(mentions)).not.toContain(CARD);
  });
});

describe("GraphQL: error messages and extensions of a masked tool", () => {
  it("graphql-js's coercion error quoting the ssn is withheld, in the message and in details", async () => {
    const result = await call(gql, "create_customer", { input: { name: "Ada", ssn: SSN } });
    expect(result.isError, JSON.stringify(result)).toBe(true);
    expect(JSON.stringify(result)).not.toContain(SSN);
    expect(result.content?.[0]?.text).toContain("1 GraphQL error");
    expect(result.content?.[0]?.text).toContain("the upstream's message is withheld while masking is on");
  });

  it("partial data keeps its masked field masked and the failed field's message withheld", async () => {
    const result = await call(gql, "get_customer", { id: "c1" });
    const text = JSON.stringify(result);
    expect(result.isError, text).toBe(true);
    expect(text).not.toContain(SSN);
    expect(text).not.toContain(STORED);
    expect(result.content?.[0]?.text).toContain("partial result");
    expect(result.content?.[0]?.text).toContain("(at customer.note)");
  });
});

describe("serve --mask NAMES: a body the names cannot address (base64 or text) of a tool that carries a named field", () => {
  it.each([
    ["application/x-json (sent to the model as base64)", "application/x-json"],
    ["application/octet-stream", "application/octet-stream"],
    ["text/plain without the field's name", "text/plain"],
  ])("%s: masked whole", async (_label, type) => {
    const body = type === "text/plain" ? SSN : JSON.stringify({ id: "c1", ssn: SSN });
    answer = () => ({ status: 200, type, body });
    const result = await call(bare, "get_customer", { id: "c1" });
    const text = JSON.stringify(result);
    expect(text).not.toContain(SSN);
    expect(text).not.toContain(Buffer.from(body).toString("base64").slice(0, 24));
  });

  it("a base64 body of a tool with no named field is masked when its bytes mention one", async () => {
    const body = JSON.stringify({ ok: true, card: { number: CARD } });
    answer = () => ({ status: 200, type: "application/octet-stream", body });
    const result = await call(bare, "get_status", {});
    expect(JSON.stringify(result)).not.toContain(Buffer.from(body).toString("base64").slice(0, 24));
    answer = () => ({ status: 200, type: "application/octet-stream", body: "plain bytes" });
    const plain = await call(bare, "get_status", {});
    expect(JSON.stringify(plain)).toContain(Buffer.from("plain bytes").toString("base64"));
  });
});
