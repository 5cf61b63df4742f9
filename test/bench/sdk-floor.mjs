// Baseline: the smallest useful SDK server (one tool), as a plain JS file. Every toolwright figure is read
// against this one measured in the same run. Its tool GETs FLOOR_UPSTREAM + FLOOR_PREFIX (default /v1/items/) +
// the id (segments percent-encoded) with FLOOR_HEADERS (JSON), and returns the body as text.
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const upstream = `${process.env.FLOOR_UPSTREAM}${process.env.FLOOR_PREFIX ?? "/v1/items/"}`;
const headers = JSON.parse(process.env.FLOOR_HEADERS ?? "{}");
serveStdio(() => {
  const server = new McpServer({ name: "floor", version: "1.0.0" });
  server.registerTool("get_item", { inputSchema: z.object({ id: z.string() }) }, async ({ id }) => {
    const res = await fetch(`${upstream}${id.split("/").map(encodeURIComponent).join("/")}`, { headers });
    return { content: [{ type: "text", text: await res.text() }] };
  });
  return server;
});
