// express-zod-api 27.3 (zod 4.3, express 5.3): writes ezapi31.json (its Documentation, OpenAPI 3.1) with the
// default config's input sources plus headers for GET (inputSources: { get: ["query", "params", "headers"] }).
import { writeFileSync } from "node:fs";
import { createConfig, Documentation, defaultEndpointsFactory, ez, Middleware } from "express-zod-api";
import { z } from "zod";

const config = createConfig({
  http: { listen: 0 },
  cors: false,
  upload: true,
  inputSources: { get: ["query", "params", "headers"], delete: ["query", "params"] },
});
const auth = new Middleware({
  security: {
    or: [
      { type: "header", name: "x-api-key" },
      { type: "bearer", format: "JWT" },
    ],
  },
  handler: async () => ({ user: "u" }),
});
const keyed = defaultEndpointsFactory.addMiddleware(auth);
const Tag = z.object({ key: z.string(), value: z.string() });
const Node = z.object({
  name: z.string(),
  get children() {
    return z.array(Node).optional();
  },
});
const Pet = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  kind: z.enum(["dog", "cat", "fish"]),
  size: z.union([z.literal("s"), z.literal("m"), z.literal("l")]).optional(),
  nickname: z.string().nullable(),
  tags: z.array(Tag),
  born: ez.dateOut(),
  owner: z.discriminatedUnion("type", [
    z.object({ type: z.literal("person"), email: z.email() }),
    z.object({ type: z.literal("shop"), shopId: z.number().int() }),
  ]),
  tree: Node.optional(),
});
const pagination = ez.paginated({ style: "offset", maxLimit: 100, defaultLimit: 20, itemSchema: Pet });
const routing = {
  v1: {
    pets: {
      "get /": keyed.build({
        input: pagination.input.extend({
          kind: z.enum(["dog", "cat", "fish"]).optional(),
          tags: z.array(z.string()).optional(),
          since: ez.dateIn().optional(),
          "x-request-id": z.string().optional(),
        }),
        output: pagination.output,
        handler: async () => ({ items: [], total: 0, limit: 20, offset: 0 }),
      }),
      "post /": keyed.build({
        input: Pet.omit({ id: true, born: true }).extend({ born: ez.dateIn() }),
        output: Pet,
        handler: async () => ({}),
      }),
      ":id": {
        "get /": keyed.build({
          input: z.object({ id: z.string().regex(/\d+/).transform(Number), expand: z.boolean().optional() }),
          output: Pet,
          handler: async () => ({}),
        }),
        "patch /": keyed.build({
          input: z.object({
            id: z.string(),
            name: z.string().optional(),
            nickname: z.string().nullable().optional(),
          }),
          output: Pet,
          handler: async () => ({}),
        }),
        "delete /": keyed.build({
          input: z.object({ id: z.string(), hard: z.string().optional() }),
          output: z.object({}),
          handler: async () => ({}),
        }),
        "post /photo": keyed.build({
          input: z.object({ id: z.string(), photo: ez.upload(), caption: z.string().optional() }),
          output: z.object({ size: z.number() }),
          handler: async () => ({ size: 0 }),
        }),
        "post /form": keyed.build({
          input: ez.form({ id: z.string(), note: z.string(), rating: z.string().optional() }),
          output: z.object({}),
          handler: async () => ({}),
        }),
        "post /raw": keyed.build({
          input: ez.raw({ id: z.string() }),
          output: z.object({ length: z.number() }),
          handler: async () => ({ length: 0 }),
        }),
      },
    },
  },
};
const doc = new Documentation({
  routing,
  config,
  title: "ez pets",
  version: "1.0.0",
  serverUrl: "http://127.0.0.1:1",
});
writeFileSync("ezapi31.json", JSON.stringify(JSON.parse(doc.getSpecAsJson()), null, 2));
