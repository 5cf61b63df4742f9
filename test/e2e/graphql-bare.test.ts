import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { buildSchema, graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { childEnv } from "../helpers/child-env.js";
import { writeTree } from "../helpers/generate.js";
import { BIN, callConfirmed, type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A bare GraphQL catalog (`generate --graphql FOLDER`, no manifest) from a schema split over several SDL files,
 * served by `toolwright serve` over stdio in front of a real GraphQL server (graphql-js behind node:http on
 * 127.0.0.1) that requires a bearer token. The test asserts what the upstream received: the document, the
 * variables (custom scalars as the schema's wire format), the credentials; and that a destructive mutation is
 * confirmed before anything is sent.
 */
const FILES = {
  "schema/scalars.graphql": `
"An ISO 8601 date and time."
scalar DateTime
scalar Decimal
scalar BigInt
scalar Long
scalar JSON
enum OrderStatus { OPEN SHIPPED CANCELLED }
`,
  "schema/types.graphql": `
interface Node { id: ID! }
type Order implements Node {
  id: ID!
  status: OrderStatus!
  placedAt: DateTime!
  total: Decimal!
  weightGrams: BigInt
  legacyCode: String @deprecated(reason: "use id")
}
type Customer implements Node { id: ID! name: String! }
union SearchResult = Order | Customer
input OrderFilter { status: OrderStatus, placedAfter: DateTime, minTotal: Decimal, tags: [String!] }
input OrderInput { customerId: ID!, total: Decimal!, weightGrams: BigInt, meta: JSON }
`,
  "schema/query.graphql": `
type Query {
  node(id: ID!): Node
  search(text: String!, first: Int = 10): [SearchResult!]!
  orders(filter: OrderFilter): [Order!]!
  shipment(trackingId: Long!, legs: [Long!]): String
}
`,
  "schema/mutation.graphql": `
type Mutation {
  placeOrder(input: OrderInput!): Order!
  deleteOrder(id: ID!): Boolean!
}
`,
};
const TOKEN = "s3cr3t-bearer-7f1c";
const ORDER = {
  __typename: "Order",
  id: "o1",
  status: "OPEN",
  placedAt: "2026-01-02T03:04:05Z",
  total: "12.50",
  weightGrams: "9007199254740993",
};

let dir: string;
let catalog: string;
let upstream: RecordingServer;
let served: Served;

interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

const requests = () => upstream.received.map((r) => JSON.parse(r.body.toString()) as GraphqlRequest);

beforeAll(async () => {
  dir = writeTree("graphql-bare", FILES);
  const schema = buildSchema(Object.values(FILES).join("\n"));
  const rootValue = {
    node: ({ id }: { id: string }) =>
      id === "c1" ? { __typename: "Customer", id, name: "Ada" } : { ...ORDER, id },
    search: () => [ORDER, { __typename: "Customer", id: "c1", name: "Ada" }],
    orders: () => [ORDER],
    placeOrder: ({ input }: { input: { total: unknown } }) => ({ ...ORDER, total: input.total }),
    deleteOrder: () => true,
    shipment: () => "in transit",
  };
  upstream = await startRecordingServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return sendJson(res, 401, { message: "token required" });
    const body = JSON.parse(req.body.toString()) as GraphqlRequest;
    const result = await graphql({
      schema,
      source: body.query,
      rootValue,
      ...(body.variables ? { variableValues: body.variables } : {}),
      ...(body.operationName ? { operationName: body.operationName } : {}),
    });
    sendJson(res, 200, result);
  });
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "schema"), name: "shop", graphql: [join(dir, "schema")] },
    { root: ROOT, out: relative(ROOT, join(tmpDir("graphql-bare-out"), "shop")) },
    diags,
  );
  expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  catalog = join(ROOT, cat.dir);
  served = await serveOverStdio(catalog, { SHOP_URL: `${upstream.url}/graphql`, SHOP_TOKEN: TOKEN });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("a bare GraphQL catalog from split SDL, served in front of a real GraphQL server", () => {
  it("lists every root field; reads are read-only, deleteOrder is destructive", async () => {
    const { tools } = await served.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      "delete_order",
      "node",
      "orders",
      "place_order",
      "search",
      "shipment",
    ]);
    expect(byName.get("orders")?.annotations).toMatchObject({ readOnlyHint: true });
    // `readOnlyHint: false` is the spec's default and left out (src/publish/annotations.ts).
    expect(byName.get("delete_order")?.annotations).toEqual({ destructiveHint: true, openWorldHint: true });
    expect(byName.get("place_order")?.annotations).toMatchObject({ destructiveHint: false });
  });

  it("an input object with an enum and custom scalars arrives as the schema's wire format, with the token", async () => {
    const filter = { status: "SHIPPED", placedAfter: "2026-01-01T00:00:00Z", minTotal: "10.00", tags: ["a"] };
    const result = await served.client.callTool({ name: "orders", arguments: { filter } });
    expect(result.isError ?? false).toBe(false);
    const got = upstream.received.at(-1);
    expect(got?.path).toBe("/graphql");
    expect(got?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const sent = requests().at(-1);
    expect(sent?.query).toMatch(/query \w+\(\$filter: OrderFilter\)/);
    expect(sent?.variables).toEqual({ filter });
    // Deprecated fields are left out of derived selections.
    expect(sent?.query).not.toContain("legacyCode");
    expect(textJson(result)).toEqual([
      { id: "o1", status: "OPEN", placedAt: ORDER.placedAt, total: "12.50", weightGrams: ORDER.weightGrams },
    ]);
  });

  it("scalars are checked before sending: an enum outside its values and an Int past 32 bits never reach the upstream", async () => {
    const before = upstream.received.length;
    const badEnum = await served.client.callTool({
      name: "orders",
      arguments: { filter: { status: "LOST" } },
    });
    expect(badEnum.isError).toBe(true);
    const bigInt = await served.client.callTool({ name: "search", arguments: { text: "x", first: 2 ** 31 } });
    expect(bigInt.isError).toBe(true);
    expect(upstream.received.length).toBe(before);
    // Decimal and BigInt take an exact string or a JSON number; JSON takes any value: all sent as given.
    const input = {
      customerId: "c1",
      total: 7.25,
      weightGrams: "9007199254740993",
      meta: { gift: true, n: [1] },
    };
    const { result, previewed } = await callConfirmed(served.client, "place_order", { input });
    expect(previewed).toBe(false);
    expect(result.isError ?? false).toBe(false);
    expect(requests().at(-1)?.variables).toEqual({ input });
  });

  it("a Long argument given as digits is sent in the variables as that JSON number, exactly", async () => {
    const result = await served.client.callTool({
      name: "shipment",
      arguments: { trackingId: "1790000000000000001", legs: [3, "9007199254740993"] },
    });
    expect(result.isError ?? false).toBe(false);
    const body = upstream.received.at(-1)?.body.toString() ?? "";
    expect(body).toContain('"variables":{"trackingId":1790000000000000001,"legs":[3,9007199254740993]}');
    expect(requests().at(-1)?.query).toMatch(/\(\$trackingId: Long!, \$legs: \[Long!\]\)/);
  });

  it("an interface or union result comes back with each member's own fields", async () => {
    const search = await served.client.callTool({ name: "search", arguments: { text: "ada" } });
    expect(search.isError ?? false).toBe(false);
    expect(requests().at(-1)?.query).toMatch(/\.\.\. on Order \{[^}]*total/);
    const items = textJson(search) as Record<string, unknown>[];
    expect(items[0]).toMatchObject({ __typename: "Order", id: "o1", total: "12.50" });
    expect(items[1]).toMatchObject({ __typename: "Customer", id: "c1", name: "Ada" });
    const node = await served.client.callTool({ name: "node", arguments: { id: "c1" } });
    expect(textJson(node)).toMatchObject({ __typename: "Customer", name: "Ada" });
  });

  it("the destructive mutation is previewed first and sent only once confirmed", async () => {
    const before = upstream.received.length;
    const first = await served.client.callTool({ name: "delete_order", arguments: { id: "o9" } });
    expect(first.isError).toBe(true);
    expect(textJson(first)).toMatchObject({ confirmation_required: true });
    expect(upstream.received.length).toBe(before);
    const { result, previewed } = await callConfirmed(served.client, "delete_order", { id: "o9" });
    expect(previewed).toBe(true);
    expect(result.isError ?? false).toBe(false);
    const sent = requests().at(-1);
    expect(sent?.query).toMatch(/^mutation \w+\(\$id: ID!\) \{\s*deleteOrder\(id: \$id\)/);
    expect(sent?.variables).toEqual({ id: "o9" });
    expect(upstream.received.length).toBe(before + 1);
  });

  it("the token never reaches the server's output (stderr read whole, once the server has exited)", async () => {
    expect(await served.stderrAtExit()).not.toContain(TOKEN);
  });
});

describe("bare GraphQL credentials", () => {
  it("a token file is re-read at each call; without a token, requests go without credentials", async () => {
    const file = join(dir, "token.txt");
    writeFileSync(file, "wrong-token\n", { mode: 0o600 });
    const viaFile = await serveOverStdio(catalog, {
      SHOP_URL: `${upstream.url}/graphql`,
      SHOP_TOKEN_FILE: file,
    });
    try {
      const refused = await viaFile.client.callTool({ name: "orders", arguments: {} });
      expect(refused.isError).toBe(true);
      expect(upstream.received.at(-1)?.headers.authorization).toBe("Bearer wrong-token");
      writeFileSync(file, `${TOKEN}\n`);
      const ok = await viaFile.client.callTool({ name: "orders", arguments: {} });
      expect(ok.isError ?? false).toBe(false);
      expect(upstream.received.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    } finally {
      await viaFile.close();
    }
    const anonymous = await serveOverStdio(catalog, { SHOP_URL: `${upstream.url}/graphql` });
    try {
      const result = await anonymous.client.callTool({ name: "orders", arguments: {} });
      expect(result.isError).toBe(true);
      expect(upstream.received.at(-1)?.headers.authorization).toBeUndefined();
    } finally {
      await anonymous.close();
    }
  });

  it("serve --help, --print-config and audit name the variables, never the token", async () => {
    const run = promisify(execFile);
    const env = childEnv({ SHOP_URL: upstream.url, SHOP_TOKEN: TOKEN });
    const help = await run(process.execPath, [BIN, "serve", catalog, "--help"], { cwd: ROOT, env });
    expect(help.stdout).toMatch(/api \/ token\s+Bearer token from SHOP_TOKEN/);
    expect(help.stdout).toContain("SHOP_TOKEN_FILE");
    const printed = await run(process.execPath, [BIN, "serve", catalog, "--print-config", "claude"], {
      cwd: ROOT,
      env,
    });
    expect(printed.stdout).toContain(`"SHOP_TOKEN": "\${SHOP_TOKEN}"`);
    const audit = await run(process.execPath, [BIN, "audit", catalog], { cwd: ROOT, env });
    expect(audit.stdout).toContain("bearer token from SHOP_TOKEN");
    for (const out of [help, printed, audit]) expect(out.stdout + out.stderr).not.toContain(TOKEN);
    expect(JSON.parse(readFileSync(join(catalog, "catalog.json"), "utf8")).sources[0].security).toEqual([
      ["token"],
      [],
    ]);
  });
});
