// Baseline: the smallest useful SDK server (one tool), as a plain JS file. Every toolwright figure is read
// against this one measured in the same run.
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const upstream = process.env.FLOOR_UPSTREAM;
serveStdio(() => {
  const server = new McpServer({ name: "floor", version: "1.0.0" });
  server.registerTool("get_item", { inputSchema: z.object({ id: z.string() }) }, async ({ id }) => {
    const res = await fetch(`${upstream}/v1/items/${encodeURIComponent(id)}`);
    return { content: [{ type: "text", text: await res.text() }] };
  });
  return server;
});
