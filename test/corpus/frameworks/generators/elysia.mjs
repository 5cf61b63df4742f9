// elysia 1.4 + @elysiajs/openapi 1.4 on Node 24 (no server: app.handle answers the spec route): writes elysia31.json.
import { writeFileSync } from "node:fs";
import { openapi } from "@elysiajs/openapi";
import { Elysia, t } from "elysia";

const Tag = t.Object({ key: t.String(), value: t.String() });
const Pet = t.Object(
  {
    id: t.Integer(),
    name: t.String({ minLength: 1 }),
    kind: t.UnionEnum(["dog", "cat", "fish"]),
    nickname: t.Nullable(t.String()),
    tags: t.Array(Tag),
    born: t.Date(),
    owner: t.Union([
      t.Object({ type: t.Literal("person"), email: t.String({ format: "email" }) }),
      t.Object({ type: t.Literal("shop"), shopId: t.Integer() }),
    ]),
    weight: t.Optional(t.Numeric()),
  },
  { $id: "Pet" },
);
const app = new Elysia()
  .use(
    openapi({
      documentation: {
        info: { title: "Elysia pets", version: "1.0.0" },
        servers: [{ url: "http://127.0.0.1:1" }],
        components: {
          securitySchemes: {
            bearer: { type: "http", scheme: "bearer" },
            cookieAuth: { type: "apiKey", in: "cookie", name: "sid" },
          },
        },
        security: [{ bearer: [] }],
      },
    }),
  )
  .model({ pet: Pet })
  .get("/pets", () => [], {
    query: t.Object({
      page: t.Optional(t.Numeric({ minimum: 1 })),
      kind: t.Optional(t.UnionEnum(["dog", "cat", "fish"])),
      tags: t.Optional(t.Array(t.String())),
      since: t.Optional(t.Date()),
      active: t.Optional(t.BooleanString()),
    }),
    headers: t.Object({ "x-request-id": t.Optional(t.String()) }),
    response: t.Array(Pet),
  })
  .get("/pets/:id", () => ({}), { params: t.Object({ id: t.Numeric() }), response: "pet" })
  .post("/pets", ({ body }) => body, {
    body: t.Omit(Pet, ["id"]),
    response: { 200: "pet", 400: t.Object({ message: t.String() }) },
  })
  .put("/pets/:id", ({ body }) => body, { params: t.Object({ id: t.Numeric() }), body: "pet" })
  .delete("/pets/:id", () => ({}), { params: t.Object({ id: t.Numeric() }) })
  .post("/pets/:id/photo", () => ({}), {
    params: t.Object({ id: t.Numeric() }),
    body: t.Object({
      photo: t.File({ type: "image" }),
      extra: t.Optional(t.Files()),
      caption: t.Optional(t.String()),
    }),
  })
  .get("/files/*", () => "")
  .get("/me", () => ({}), { cookie: t.Cookie({ sid: t.String() }) })
  .post("/login", () => ({}), {
    body: t.Object({ user: t.String(), password: t.String() }),
    parse: "urlencoded",
  });
const res = await app.handle(new Request("http://localhost/openapi/json"));
writeFileSync("elysia31.json", JSON.stringify(await res.json(), null, 2));
