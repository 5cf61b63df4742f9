import { writeFileSync } from "node:fs";
import swagger from "@fastify/swagger";
import Fastify from "fastify";

for (const mode of ["openapi", "swagger"]) {
  const app = Fastify();
  await app.register(
    swagger,
    mode === "openapi"
      ? {
          openapi: {
            openapi: "3.0.3",
            info: { title: "fastify", version: "1" },
            servers: [{ url: "http://127.0.0.1:1" }],
          },
        }
      : { swagger: { info: { title: "fastify2", version: "1" }, host: "127.0.0.1:1", schemes: ["http"] } },
  );
  app.addSchema({
    $id: "Item",
    type: "object",
    properties: { id: { type: "integer" }, name: { type: "string" }, note: { type: ["string", "null"] } },
    required: ["id"],
  });
  app.get(
    "/items/:id",
    {
      schema: {
        params: { type: "object", properties: { id: { type: "integer" } } },
        querystring: {
          type: "object",
          properties: { q: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
          required: ["q"],
        },
        headers: { type: "object", properties: { "x-api-version": { type: "string" } } },
        response: {
          200: { $ref: "Item#" },
          "4xx": { type: "object", properties: { message: { type: "string" } } },
        },
      },
    },
    async () => ({}),
  );
  app.post(
    "/items",
    {
      schema: {
        body: { $ref: "Item#" },
        response: {
          201: { description: "created", $ref: "Item#" },
          default: { type: "object", properties: { error: { type: "string" } } },
        },
      },
    },
    async () => ({}),
  );
  app.get("/files/*", { schema: { response: { "2xx": { type: "string" } } } }, async () => "");
  app.get(
    "/opt/:a?",
    {
      schema: {
        response: { 200: { type: "object", nullable: true, properties: { a: { type: "string" } } } },
      },
    },
    async () => ({}),
  );
  await app.ready();
  writeFileSync(
    mode === "openapi" ? "fastify30.json" : "fastify2.json",
    JSON.stringify(app.swagger(), null, 2),
  );
}
