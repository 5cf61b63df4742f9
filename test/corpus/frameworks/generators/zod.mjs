import { writeFileSync } from "node:fs";
import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV3,
  OpenApiGeneratorV31,
} from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

extendZodWithOpenApi(z);
const reg = new OpenAPIRegistry();
const User = reg.register(
  "User",
  z.object({
    id: z.string().uuid(),
    name: z.string().min(1),
    age: z.number().int().nullable().optional(),
    role: z.enum(["admin", "user"]),
    tags: z.array(z.string()).default([]),
    meta: z.record(z.string(), z.string()),
    kind: z.union([z.literal("a"), z.literal("b")]),
    contact: z.discriminatedUnion("type", [
      z.object({ type: z.literal("email"), email: z.string().email() }),
      z.object({ type: z.literal("phone"), phone: z.string() }),
    ]),
  }),
);
const Err = reg.register("Error", z.object({ message: z.string() }));
reg.registerPath({
  method: "get",
  path: "/users/{id}",
  request: {
    params: z.object({ id: z.string().uuid() }),
    query: z.object({
      expand: z.array(z.enum(["a", "b"])).optional(),
      "page[size]": z.coerce.number().optional(),
    }),
    headers: z.object({ "x-trace": z.string().optional() }),
  },
  responses: {
    200: { description: "ok", content: { "application/json": { schema: User } } },
    404: { description: "nf", content: { "application/json": { schema: Err } } },
  },
});
reg.registerPath({
  method: "post",
  path: "/users",
  request: { body: { content: { "application/json": { schema: User.omit({ id: true }) } } } },
  responses: {
    201: { description: "created", content: { "application/json": { schema: User } } },
    "4XX": { description: "bad", content: { "application/json": { schema: Err } } },
  },
});
reg.registerPath({
  method: "get",
  path: "/users",
  request: {
    query: z.object({
      limit: z.number().int().min(1).max(100).default(10),
      nullableQ: z.string().nullable().optional(),
    }),
  },
  responses: { 200: { description: "list", content: { "application/json": { schema: z.array(User) } } } },
});
const cfg = {
  openapi: "3.0.0",
  info: { title: "zod api", version: "1" },
  servers: [{ url: "http://127.0.0.1:1" }],
};
writeFileSync(
  "zod30.json",
  JSON.stringify(new OpenApiGeneratorV3(reg.definitions).generateDocument(cfg), null, 2),
);
writeFileSync(
  "zod31.json",
  JSON.stringify(
    new OpenApiGeneratorV31(reg.definitions).generateDocument({ ...cfg, openapi: "3.1.0" }),
    null,
    2,
  ),
);
