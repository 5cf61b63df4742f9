import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { APPSYNC } from "../graphql/appsync-schema.js";
import { writeTree } from "../helpers/generate.js";
import { callConfirmed, type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { graphqlHttp, graphqlJs } from "../upstreams/scaly/graphql-lib.js";

/**
 * A schema written for AWS AppSync (AWSDateTime, AWSJSON, AWSDate and @aws_* directives used, never defined), generated
 * bare and served over stdio in front of a GraphQL server of the same schema with AppSync's definitions added (what
 * AppSync itself serves), on 127.0.0.1: the tools' documents validate and execute there, and AppSync's scalars go
 * as AppSync reads them (AWSJSON as JSON text, dates as ISO strings). Before, the schema was refused
 * ("Unknown type AWSDateTime").
 */
const APPSYNC_DEFINITIONS = `
scalar AWSDate
scalar AWSDateTime
scalar AWSEmail
scalar AWSJSON
directive @aws_iam on OBJECT | FIELD_DEFINITION
directive @aws_api_key on OBJECT | FIELD_DEFINITION
directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION
directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
`;

interface Sent {
  query: string;
  variables: Record<string, unknown>;
}

let served: Served;
let sent: Sent[];
let close: () => Promise<void>;

beforeAll(async () => {
  const dir = writeTree("appsync-sdl", { "schema.graphql": APPSYNC });
  const diags = new Diagnostics();
  const spec = `${dir}/schema.graphql`;
  const cat = await generateCatalog(
    { kind: "spec", spec, name: "todos", graphql: [spec] },
    { root: ROOT, out: `${dir.slice(ROOT.length + 1)}/out` },
    diags,
  );
  if (!cat) throw new Error(diags.items.map((d) => d.message).join("\n"));
  writeCatalog(ROOT, cat);
  const todos = new Map<string, Record<string, unknown>>([
    ["t1", { id: "t1", name: "write the test", createdAt: "2026-12-05T04:00:00.000Z", meta: '{"tag":"x"}' }],
  ]);
  const schema = graphqlJs.buildSchema(APPSYNC + APPSYNC_DEFINITIONS);
  const handler = graphqlHttp.createHandler<IncomingMessage>({
    schema,
    rootValue: {
      getTodo: ({ id }: { id: string }) => todos.get(id) ?? null,
      listTodos: () => ({ items: [...todos.values()], nextToken: null }),
      createTodo: (args: { name: string; meta?: string; due?: string }) => {
        const todo = { id: `t${todos.size + 1}`, createdAt: "2026-12-05T05:00:00.000Z", ...args };
        todos.set(todo.id, todo);
        return todo;
      },
      deleteTodo: ({ id }: { id: string }) => {
        const todo = todos.get(id) ?? null;
        todos.delete(id);
        return todo;
      },
    },
  });
  sent = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as Sent;
    sent.push(body);
    const [result, init] = await handler({
      url: req.url ?? "/",
      method: req.method ?? "POST",
      headers: { get: (k: string) => (req.headers[k.toLowerCase()] as string | undefined) ?? null },
      body: () => Promise.resolve(body as unknown as Record<string, unknown>),
      raw: req,
      context: undefined,
    });
    res.writeHead(init.status, init.headers as Record<string, string>).end(result);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  served = await serveOverStdio(`${ROOT}/${cat.dir}`, { TODOS_URL: url }, {}, [], 300_000);
  close = async () => {
    await served.close();
    await new Promise<void>((r) => server.close(() => r()));
  };
});

afterAll(async () => close?.());

describe("an AppSync schema, generated bare and served", () => {
  it("lists its query and mutation tools (no subscription), typed by AppSync's scalars", async () => {
    const { tools } = await served.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["get_todo", "list_todos", "create_todo", "delete_todo"]);
    const create = tools.find((t) => t.name === "create_todo");
    expect(JSON.stringify(create?.inputSchema)).toContain('"format":"date"');
    expect(tools.find((t) => t.name === "delete_todo")?.annotations?.destructiveHint).toBe(true);
  });

  it("reads, creates and deletes through documents AppSync's schema validates and runs", async () => {
    const got = await served.client.callTool({ name: "get_todo", arguments: { id: "t1" } });
    expect(got.isError ?? false).toBe(false);
    expect(textJson(got)).toMatchObject({
      id: "t1",
      createdAt: "2026-12-05T04:00:00.000Z",
      meta: '{"tag":"x"}',
    });
    const listed = await served.client.callTool({
      name: "list_todos",
      arguments: { limit: 10, since: "2026-12-01T00:00:00Z" },
    });
    expect(listed.isError ?? false).toBe(false);
    expect(sent.at(-1)?.variables).toEqual({ limit: 10, since: "2026-12-01T00:00:00Z" });
    const created = await served.client.callTool({
      name: "create_todo",
      arguments: { name: "ship it", meta: '{"priority":1}', due: "2026-12-24" },
    });
    expect(created.isError ?? false).toBe(false);
    // AWSJSON goes as JSON text (a string), as AppSync takes it.
    expect(sent.at(-1)?.variables).toEqual({ name: "ship it", meta: '{"priority":1}', due: "2026-12-24" });
    expect(sent.at(-1)?.query).not.toContain("@aws");
    expect(textJson(created)).toMatchObject({ id: "t2", name: "ship it" });
    const { result: deleted } = await callConfirmed(served.client, "delete_todo", { id: "t2" });
    expect(deleted.isError ?? false).toBe(false);
    expect(textJson(deleted)).toMatchObject({ id: "t2" });
    expect(sent.filter((s) => s.query.startsWith("mutation DeleteTodo")).length).toBe(1);
  });
});
