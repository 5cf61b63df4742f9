// hapi 21 + hapi-swagger 17 + joi 18: writes hapi2.json (Swagger 2.0, what hapi-swagger serves at /swagger.json).
import { writeFileSync } from "node:fs";
import Hapi from "@hapi/hapi";
import Inert from "@hapi/inert";
import Vision from "@hapi/vision";
import HapiSwagger from "hapi-swagger";
import Joi from "joi";

const server = Hapi.server({ host: "127.0.0.1", port: 0 });
await server.register([
  Inert,
  Vision,
  {
    plugin: HapiSwagger,
    options: {
      info: { title: "Hapi orders", version: "1.0.0" },
      host: "127.0.0.1:1",
      schemes: ["http"],
      securityDefinitions: {
        jwt: { type: "apiKey", name: "Authorization", in: "header" },
        apiKey: { type: "apiKey", name: "api_key", in: "query" },
      },
      security: [{ jwt: [] }],
    },
  },
]);
const Address = Joi.object({ street: Joi.string().required(), zip: Joi.string().pattern(/^\d{5}$/) }).label(
  "Address",
);
const Item = Joi.object({
  sku: Joi.string().required(),
  qty: Joi.number().integer().min(1).required(),
  price: Joi.number().precision(2),
}).label("Item");
const Category = Joi.object({
  name: Joi.string().required(),
  children: Joi.array().items(Joi.link("#Category")),
})
  .id("Category")
  .label("Category");
const Order = Joi.object({
  id: Joi.string().guid().required(),
  status: Joi.string().valid("new", "paid", "shipped").required(),
  note: Joi.string().allow(null).allow(""),
  placedAt: Joi.date().iso(),
  items: Joi.array().items(Item).min(1),
  shipTo: Address,
  payment: Joi.alternatives().try(
    Joi.object({ card: Joi.string().creditCard() }).label("Card"),
    Joi.object({ iban: Joi.string() }).label("Iban"),
  ),
  category: Category,
  meta: Joi.object().pattern(Joi.string(), Joi.string()),
}).label("Order");
const Page = Joi.object({ total: Joi.number().integer(), items: Joi.array().items(Order) }).label(
  "OrderPage",
);
const ok = (h) => h.response({ ok: true });
server.route([
  {
    method: "GET",
    path: "/orders",
    options: {
      tags: ["api"],
      description: "List orders",
      validate: {
        query: Joi.object({
          page: Joi.number().integer().min(1).default(1),
          limit: Joi.number().integer().max(100),
          status: Joi.array()
            .items(Joi.string().valid("new", "paid", "shipped"))
            .single(),
          since: Joi.date(),
          q: Joi.string().allow(""),
        }),
        headers: Joi.object({ "x-request-id": Joi.string() }).unknown(),
      },
      response: { schema: Page },
      handler: (_r, h) => ok(h),
    },
  },
  {
    method: "GET",
    path: "/orders/{id}",
    options: {
      tags: ["api"],
      validate: { params: Joi.object({ id: Joi.string().guid().required() }) },
      response: { schema: Order },
      handler: (_r, h) => ok(h),
    },
  },
  {
    method: "POST",
    path: "/orders",
    options: {
      tags: ["api"],
      validate: { payload: Order },
      response: { status: { 201: Order, 400: Joi.object({ message: Joi.string() }).label("Error") } },
      handler: (_r, h) => ok(h),
    },
  },
  {
    method: "PUT",
    path: "/orders/{id}/status",
    options: {
      tags: ["api"],
      validate: {
        params: Joi.object({ id: Joi.string().required() }),
        payload: Joi.object({
          status: Joi.string().valid("new", "paid", "shipped").required(),
          reason: Joi.string().allow(null),
        }),
      },
      handler: (_r, h) => ok(h),
    },
  },
  {
    method: "DELETE",
    path: "/orders/{id}",
    options: {
      tags: ["api"],
      validate: { params: Joi.object({ id: Joi.string().required() }) },
      handler: (_r, h) => ok(h),
    },
  },
  {
    method: "POST",
    path: "/orders/{id}/receipt",
    options: {
      tags: ["api"],
      plugins: { "hapi-swagger": { payloadType: "form" } },
      payload: { output: "stream", parse: true, multipart: true, maxBytes: 1e6 },
      validate: {
        params: Joi.object({ id: Joi.string().required() }),
        payload: Joi.object({
          file: Joi.any().meta({ swaggerType: "file" }).required().description("receipt"),
          caption: Joi.string(),
        }),
      },
      handler: (_r, h) => ok(h),
    },
  },
  {
    method: "GET",
    path: "/files/{path*}",
    options: { tags: ["api"], handler: (_r, h) => ok(h) },
  },
  {
    method: "GET",
    path: "/customers/{cid}/orders/{oid?}",
    options: {
      tags: ["api"],
      validate: { params: Joi.object({ cid: Joi.number().integer(), oid: Joi.string() }) },
      handler: (_r, h) => ok(h),
    },
  },
]);
await server.initialize();
const res = await server.inject({ method: "GET", url: "/swagger.json" });
writeFileSync("hapi2.json", JSON.stringify(JSON.parse(res.payload), null, 2));
await server.stop();
