// Baseline over HTTP: the one-tool SDK server of sdk-floor.mjs served statelessly over Streamable HTTP by the
// SDK's own handler on a loopback port (printed on stdout as `listening <url>`), as plain as Node's http server
// allows: the request body is read whole and handed to the handler, its response streamed back.
import { createServer } from "node:http";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

const upstream = `${process.env.FLOOR_UPSTREAM}${process.env.FLOOR_PREFIX ?? "/v1/items/"}`;
const headers = JSON.parse(process.env.FLOOR_HEADERS ?? "{}");
const handler = createMcpHandler(
  () => {
    const server = new McpServer({ name: "floor", version: "1.0.0" });
    server.registerTool("get_item", { inputSchema: z.object({ id: z.string() }) }, async ({ id }) => {
      const res = await fetch(`${upstream}${id.split("/").map(encodeURIComponent).join("/")}`, { headers });
      return { content: [{ type: "text", text: await res.text() }] };
    });
    return server;
  },
  { legacy: "stateless" },
);

const http = createServer({ keepAliveTimeout: 65_000 }, async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
    ...(body && req.method !== "GET" && req.method !== "HEAD" ? { body } : {}),
  });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void res.end();
  for await (const chunk of response.body) res.write(chunk);
  res.end();
});
http.listen(0, "127.0.0.1", () => console.log(`listening http://127.0.0.1:${http.address().port}/mcp`));
