// Baseline: the smallest useful SDK server (one tool), as a plain JS file. Every toolwright figure is read
// against this one measured in the same run. Its tool GETs FLOOR_UPSTREAM + FLOOR_PREFIX (default /v1/items/) +
// the id (segments percent-encoded) with FLOOR_HEADERS (JSON), and returns the body as text. With
// FLOOR_OUTPUT_SCHEMA (a JSON Schema) the tool publishes it as its output schema and returns the body parsed as
// `structuredContent` beside the text, as a hand-written server of a tool with structured results does.
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const upstream = `${process.env.FLOOR_UPSTREAM}${process.env.FLOOR_PREFIX ?? "/v1/items/"}`;
const headers = JSON.parse(process.env.FLOOR_HEADERS ?? "{}");
const output = process.env.FLOOR_OUTPUT_SCHEMA;
const outputSchema = output ? z.fromJSONSchema(JSON.parse(output)) : undefined;
serveStdio(() => {
  const server = new McpServer({ name: "floor", version: "1.0.0" });
  server.registerTool(
    "get_item",
    { inputSchema: z.object({ id: z.string() }), outputSchema },
    async ({ id }) => {
      const res = await fetch(`${upstream}${id.split("/").map(encodeURIComponent).join("/")}`, { headers });
      const text = await res.text();
      return outputSchema
        ? { content: [{ type: "text", text }], structuredContent: JSON.parse(text) }
        : { content: [{ type: "text", text }] };
    },
  );
  return server;
});
