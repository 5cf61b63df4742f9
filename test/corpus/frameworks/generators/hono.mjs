import { writeFileSync } from "node:fs";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";

const app = new OpenAPIHono();
const Book = z
  .object({
    id: z.number().int(),
    title: z.string(),
    author: z.string().nullable(),
    genre: z.enum(["sf", "crime"]).optional(),
  })
  .openapi("Book");
app.openapi(
  createRoute({
    method: "get",
    path: "/books/{id}",
    request: {
      params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }),
      query: z.object({ fields: z.string().optional() }),
    },
    responses: {
      200: { content: { "application/json": { schema: Book } }, description: "a book" },
      404: { description: "nf" },
    },
  }),
  (c) => c.json({}),
);
app.openapi(
  createRoute({
    method: "post",
    path: "/books/{id}/cover",
    request: {
      params: z.object({ id: z.string() }),
      body: {
        content: {
          "multipart/form-data": {
            schema: z.object({
              cover: z.instanceof(File).openapi({ type: "string", format: "binary" }),
              caption: z.string().optional(),
            }),
          },
        },
      },
    },
    responses: { 204: { description: "ok" } },
  }),
  (c) => c.body(null, 204),
);
app.openapi(
  createRoute({
    method: "post",
    path: "/login",
    request: {
      body: {
        content: {
          "application/x-www-form-urlencoded": {
            schema: z.object({ username: z.string(), password: z.string() }),
          },
        },
      },
    },
    responses: {
      200: {
        content: { "application/json": { schema: z.object({ token: z.string() }) } },
        description: "ok",
      },
    },
  }),
  (c) => c.json({ token: "" }),
);
writeFileSync(
  "hono30.json",
  JSON.stringify(
    app.getOpenAPIDocument({
      openapi: "3.0.0",
      info: { title: "hono", version: "1" },
      servers: [{ url: "http://127.0.0.1:1" }],
    }),
    null,
    2,
  ),
);
writeFileSync(
  "hono31.json",
  JSON.stringify(
    app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "hono", version: "1" },
      servers: [{ url: "http://127.0.0.1:1" }],
    }),
    null,
    2,
  ),
);
