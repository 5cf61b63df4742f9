import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/config.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { genToDisk, writeTree } from "../helpers/generate.js";

/**
 * What a person confirms for a GraphQL mutation. The question and the preview's `would` said `mutation Sync`, the
 * operation's name: a manifest's document naming its operation anything (`Sync`) while it deletes a project
 * (`gone: deleteProject(id: $id)`) was confirmed as "mutation Sync". They now show the document the call sends,
 * on one line, with its variables as the arguments beside it; nothing runs before the answer.
 */

const SCHEMA = `
schema { query: Query mutation: Mutation }
type Project { id: ID! name: String! }
type Query { project(id: ID!): Project }
type Mutation {
  createProject(name: String!): Project!
  deleteProject(id: ID!): Boolean!
}
`;

const DOCUMENT =
  "mutation Sync($name: String!, $id: ID!) { made: createProject(name: $name) { id } gone: deleteProject(id: $id) }";

const MANIFEST = `catalog: gq
sources:
  api:
    graphql: ./schema.graphql
    base_url: { default: "http://gq.test/graphql" }
tools:
  sync_projects:
    document: ${JSON.stringify(DOCUMENT)}
`;

let catalog: LoadedCatalog;
const sent: string[] = [];
const fakeFetch = (async (_input: unknown, init?: RequestInit) => {
  sent.push(String(init?.body));
  const data = { made: { id: "p2" }, gone: true };
  return new Response(JSON.stringify({ data }), { headers: { "content-type": "application/json" } });
}) as typeof fetch;

beforeAll(async () => {
  const src = writeTree("confirm-graphql", { "cat/schema.graphql": SCHEMA, "cat/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  catalog = await loadCatalog(dir);
});

/** A legacy connection; with `ask`, the client declares elicitation and answers with it. */
async function connect(ask?: (params: Record<string, unknown>) => Record<string, unknown>) {
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, {}), {
    fetch: fakeFetch,
    policy: { audit: false },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  const client = new Client(
    { name: "confirm-graphql", version: "1.0.0" },
    { capabilities: ask ? { elicitation: {} } : {} },
  );
  if (ask) client.setRequestHandler("elicitation/create", async (request) => ask(request.params) as never);
  await client.connect(clientSide);
  return client;
}

const text = (result: { content?: unknown }) =>
  (result.content as Array<{ text?: string }>).map((c) => c.text).join("\n");
const args = { name: "fresh", id: "p1" };

describe("confirming a GraphQL mutation", () => {
  it("the question shows the document the call sends and its variables; decline sends nothing", async () => {
    expect(catalog.doc.tools.find((t) => t.name === "sync_projects")?.policy.confirm).toBe("required");
    const asked: Record<string, unknown>[] = [];
    const client = await connect((params) => {
      asked.push(params);
      return { action: "decline" };
    });
    const result = await client.callTool({ name: "sync_projects", arguments: args });
    expect(text(result)).toContain("not confirmed: the user declined");
    expect(asked).toHaveLength(1);
    const message = String(asked[0]!.message);
    // Before: "Confirm Sync projects (sync_projects): mutation Sync. Arguments: ..." (no deleteProject anywhere).
    expect(message).toContain("gone: deleteProject(id: $id)");
    expect(message).toContain("made: createProject(name: $name)");
    expect(message).toContain('id: "p1"');
    expect(message).toContain('name: "fresh"');
    expect(sent).toEqual([]);
  });

  it("the preview's would is the document on one line; its token runs that document once", async () => {
    const client = await connect();
    const result = await client.callTool({ name: "sync_projects", arguments: args });
    expect(result.isError).toBe(true);
    const preview = JSON.parse(text(result).replace(/ \(correlation id [0-9a-f]+\)$/, ""));
    expect(preview.would).toMatch(/^mutation Sync\(\$name: String!, \$id: ID!\) \{ made: createProject/);
    expect(preview.would).toContain("gone: deleteProject(id: $id)");
    expect(preview.would).not.toMatch(/\n/);
    expect(sent).toEqual([]);
    const again = await client.callTool({
      name: "sync_projects",
      arguments: { ...args, confirmation_token: preview.confirmation_token },
    });
    expect(again.isError, text(again)).toBeFalsy();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!).variables).toEqual(args);
  });
});
