import { writeFileSync } from "node:fs";
import swagger from "@fastify/swagger";
import { Type } from "@sinclair/typebox";
import Fastify from "fastify";

// A pet store with TypeBox schemas as @fastify/swagger users write them: string-literal unions (anyOf of const),
// Type.Enum of a TS enum, Type.Union with null, dates, Type.Recursive, a shared $id schema, arrays of objects.
for (const mode of ["openapi", "swagger"]) {
  const app = Fastify();
  await app.register(
    swagger,
    mode === "openapi"
      ? {
          openapi: {
            openapi: "3.0.3",
            info: { title: "typebox", version: "1" },
            servers: [{ url: "http://127.0.0.1:1" }],
            components: {
              securitySchemes: {
                bearer: { type: "http", scheme: "bearer" },
                key: { type: "apiKey", in: "header", name: "x-api-key" },
              },
            },
            security: [{ bearer: [] }],
          },
        }
      : {
          swagger: {
            info: { title: "typebox2", version: "1" },
            host: "127.0.0.1:1",
            schemes: ["http"],
            securityDefinitions: { key: { type: "apiKey", in: "header", name: "x-api-key" } },
            security: [{ key: [] }],
          },
        },
  );
  const Kind = Type.Union([Type.Literal("dog"), Type.Literal("cat"), Type.Literal("fish")]);
  const Size = Type.Enum({ Small: "small", Large: "large" });
  const Level = Type.Enum({ Low: 1, High: 2 });
  const Owner = Type.Object(
    { id: Type.Integer(), name: Type.String(), email: Type.Optional(Type.String({ format: "email" })) },
    { $id: "Owner" },
  );
  app.addSchema(Owner);
  const Category = Type.Recursive(
    (This) => Type.Object({ name: Type.String(), children: Type.Array(This) }),
    { $id: "Category" },
  );
  app.addSchema(Category);
  const Pet = Type.Object(
    {
      id: Type.Integer(),
      name: Type.String({ minLength: 1 }),
      kind: Kind,
      size: Size,
      level: Type.Optional(Level),
      born: Type.String({ format: "date" }),
      updatedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
      nickname: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      tags: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
      owner: Type.Ref(Owner),
      category: Type.Optional(Type.Ref(Category)),
      extra: Type.Record(Type.String(), Type.Number()),
    },
    { $id: "Pet" },
  );
  app.addSchema(Pet);
  const NewPet = Type.Omit(Pet, ["id"]);
  const Err = Type.Object({ statusCode: Type.Integer(), message: Type.String() });
  app.get(
    "/pets",
    {
      schema: {
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          cursor: Type.Optional(Type.String()),
          kind: Type.Optional(Kind),
          sort: Type.Optional(Type.Union([Type.Literal("name"), Type.Literal("-name")])),
          born_after: Type.Optional(Type.String({ format: "date" })),
        }),
        headers: Type.Object({ "x-tenant": Type.String() }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref(Pet)),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          "4xx": Err,
        },
      },
    },
    async () => ({}),
  );
  app.post(
    "/pets",
    { schema: { body: NewPet, response: { 201: Type.Ref(Pet), 400: Err } } },
    async () => ({}),
  );
  app.get(
    "/pets/:petId",
    {
      schema: {
        params: Type.Object({ petId: Type.Integer() }),
        querystring: Type.Object({
          expand: Type.Optional(Type.Array(Type.Union([Type.Literal("owner"), Type.Literal("category")]))),
        }),
        response: { 200: Type.Ref(Pet), 404: Err },
      },
    },
    async () => ({}),
  );
  app.patch(
    "/pets/:petId",
    {
      schema: {
        params: Type.Object({ petId: Type.Integer() }),
        body: Type.Partial(Type.Omit(Pet, ["id", "owner"])),
        response: { 200: Type.Ref(Pet) },
      },
    },
    async () => ({}),
  );
  app.delete(
    "/pets/:petId",
    { schema: { params: Type.Object({ petId: Type.Integer() }), response: { 204: Type.Null() } } },
    async () => null,
  );
  app.put(
    "/categories/:name",
    {
      schema: {
        security: [{ key: [] }],
        params: Type.Object({ name: Type.String() }),
        body: Type.Ref(Category),
        response: { 200: Type.Ref(Category) },
      },
    },
    async () => ({}),
  );
  app.post(
    "/events",
    {
      schema: {
        body: Type.Union([
          Type.Object({ type: Type.Literal("adopted"), petId: Type.Integer(), by: Type.Ref(Owner) }),
          Type.Object({
            type: Type.Literal("lost"),
            petId: Type.Integer(),
            at: Type.String({ format: "date-time" }),
          }),
        ]),
        response: { 202: Type.Object({ accepted: Type.Boolean() }) },
      },
    },
    async () => ({}),
  );
  await app.ready();
  writeFileSync(
    mode === "openapi" ? "typebox30.json" : "typebox2.json",
    JSON.stringify(app.swagger(), null, 2),
  );
}
