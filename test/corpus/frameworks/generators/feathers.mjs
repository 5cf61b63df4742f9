// @feathersjs/feathers 5.0 with @feathersjs/koa 5.0 and feathers-swagger 3.0 (OpenAPI 3), schemas from
// @feathersjs/typebox 5.0: writes feathers30.json (app.docs, what feathers-swagger serves at /swagger.json).
import { writeFileSync } from "node:fs";
import { feathers } from "@feathersjs/feathers";
import { bodyParser, koa, rest } from "@feathersjs/koa";
import { querySyntax, Type } from "@feathersjs/typebox";
import swagger from "feathers-swagger";

const messageSchema = Type.Object(
  {
    id: Type.Number(),
    text: Type.String(),
    status: Type.Union([Type.Literal("sent"), Type.Literal("read")]),
    createdAt: Type.String({ format: "date-time" }),
    replyTo: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    attachments: Type.Array(Type.Object({ name: Type.String(), size: Type.Integer() })),
  },
  { $id: "Message", additionalProperties: false },
);
const messageDataSchema = Type.Pick(messageSchema, ["text", "replyTo", "attachments"], {
  $id: "MessageData",
});
const messagePatchSchema = Type.Partial(messageSchema, { $id: "MessagePatch" });
const messageQuerySchema = Type.Intersect(
  [
    querySyntax(Type.Pick(messageSchema, ["id", "text", "status", "createdAt"])),
    Type.Object({}, { additionalProperties: false }),
  ],
  { additionalProperties: false, $id: "MessageQuery" },
);
const messageListSchema = Type.Object(
  {
    total: Type.Integer(),
    limit: Type.Integer(),
    skip: Type.Integer(),
    data: Type.Array(Type.Ref(messageSchema)),
  },
  { $id: "MessageList" },
);
class Messages {
  async find() {
    return { total: 0, limit: 10, skip: 0, data: [] };
  }
  async get(id) {
    return { id };
  }
  async create(data) {
    return data;
  }
  async patch(id, data) {
    return { id, ...data };
  }
  async update(id, data) {
    return { id, ...data };
  }
  async remove(id) {
    return { id };
  }
}
const app = koa(feathers());
app.use(bodyParser());
app.configure(rest());
app.configure(
  swagger({
    specs: {
      info: { title: "Feathers chat", version: "1.0.0" },
      servers: [{ url: "http://127.0.0.1:1" }],
      components: { securitySchemes: { BearerAuth: { type: "http", scheme: "bearer" } } },
      security: [{ BearerAuth: [] }],
    },
  }),
);
const messages = new Messages();
messages.docs = swagger.createSwaggerServiceOptions({
  schemas: { messageDataSchema, messagePatchSchema, messageQuerySchema, messageSchema, messageListSchema },
  docs: { description: "Chat messages", securities: ["all"] },
});
app.use("messages", messages, { methods: ["find", "get", "create", "patch", "update", "remove"] });
app.use("users/:userId/messages", new Messages(), { methods: ["find", "get"] });
writeFileSync("feathers30.json", JSON.stringify(app.docs, null, 2));
