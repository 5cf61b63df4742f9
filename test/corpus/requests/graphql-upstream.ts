/**
 * A real graphql-js server executing a schema with answers made from the schema's own types: every scalar (custom
 * ones in the spelling real servers write them), enums, lists of two, interfaces and unions resolved to each of
 * their possible types in turn, and, by mode, nullable fields below the root returning null or failing (GraphQL
 * errors next to partial data). It records what it received, what it validated and the data it answered.
 */
import type {
  GraphQLOutputType,
  GraphQLResolveInfo,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLType,
} from "graphql";
import { graphqlJs } from "../../../codegen/load/graphql.js";
import { type Received, startRecordingServer } from "../../helpers/recording-server.js";
import { graphqlHttp } from "../../upstreams/scaly/graphql-lib.js";

type Json = Record<string, unknown>;

/** full: every field answered; nulls: some nullable fields below the root null; errors: some of them fail. */
export type AnswerMode = "full" | "nulls" | "errors";

export interface Exchange {
  query: string;
  variables: Json;
  operationName?: string;
  /** Validation errors of the document (must be none). */
  invalid: string[];
  /** The HTTP status answered. */
  status?: number;
  /** The result the server answered. */
  answer: { data?: Json | null; errors?: { message: string; path?: unknown[] }[] };
}

export interface GraphqlUpstream {
  url: string;
  exchanges: Exchange[];
  mode: AnswerMode;
  /** Moves the choice of possible types and enum values, so calls in turn reach each. */
  salt: number;
  close(): Promise<void>;
}

/** A small stable hash of a text. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const DATE_TIME = /date.?time|timestamp|instant|^timestamptz$/i;

/** A custom scalar's value in the spelling the servers defining that name write it, else by turns any JSON. */
function customScalar(t: GraphQLScalarType, n: number): unknown {
  const name = t.name;
  const spec = (t.specifiedByURL ?? "").toLowerCase();
  if (DATE_TIME.test(name) || spec.includes("date-time")) return "2024-01-02T03:04:05Z";
  if (/^(iso8601|local)?date$/i.test(name) || name === "AWSDate") return "2024-01-02";
  if (/time(tz)?$/i.test(name)) return "03:04:05Z";
  if (/^(aws)?(url|uri|html)$/i.test(name)) return "https://example.com/a?b=c";
  if (/uuid|guid/i.test(name)) return "123e4567-e89b-42d3-a456-426614174000";
  if (/email/i.test(name)) return "a@example.com";
  if (/^(awsjson|jsonstring)$/i.test(name)) return '{"a":[1,"x",null]}';
  if (/^jsonobject$/i.test(name)) return { a: 1, b: { c: [true] } };
  if (/json|generic/i.test(name)) return [{ a: [1, "x", null] }, "text", 3.5, true][n % 4];
  if (/^(bigint|biginteger|long|int64|unsignedint64)$/i.test(name)) return n % 2 ? "9007199254740993" : 42;
  if (/decimal|numeric|bigfloat/i.test(name)) return n % 2 ? "12.50" : 12.5;
  if (/^(awstimestamp|smallint)$/i.test(name)) return 1700;
  if (name === "float8") return 2.5;
  return ["text-value", 17, { k: ["v", 2] }, true, ["a", 1]][n % 5];
}

function scalarValue(t: GraphQLScalarType, n: number): unknown {
  switch (t.name) {
    case "Int":
      return 7 + (n % 5);
    case "Float":
      return 2.5;
    case "String":
      return `s${n % 100} a/b?"c"`;
    case "Boolean":
      return n % 2 === 0;
    case "ID":
      return `id-${n % 1000}`;
    default:
      return customScalar(t, n);
  }
}

const TYPE_KEY = "__sweepType";

function answerOf(type: GraphQLType, n: number, salt: number, nullItems: boolean): unknown {
  const g = graphqlJs();
  if (g.isNonNullType(type)) return answerOf(type.ofType, n, salt, nullItems);
  if (g.isListType(type)) {
    // Nullable items: in nulls mode the second is null, as a server writes an item it could not resolve.
    const item = type.ofType;
    return [0, 1].map((i) =>
      i === 1 && nullItems && !g.isNonNullType(item)
        ? null
        : answerOf(item, hash(`${n}/${i}`), salt + i, nullItems),
    );
  }
  if (g.isScalarType(type)) return scalarValue(type, n);
  if (g.isEnumType(type)) {
    const values = type.getValues();
    return values[(n + salt) % values.length]?.value;
  }
  if (g.isAbstractType(type)) {
    // An abstract type resolves to one of its possible types (typeResolverFor), chosen by the salt and the place,
    // so calls in turn reach each.
    return { [TYPE_KEY]: salt };
  }
  return {};
}

function pathKey(info: GraphQLResolveInfo): { key: string; depth: number } {
  const parts: string[] = [];
  for (let p: GraphQLResolveInfo["path"] | undefined = info.path; p; p = p.prev) parts.push(String(p.key));
  return { key: parts.reverse().join("."), depth: parts.filter((x) => !/^\d+$/.test(x)).length };
}

function resolverFor(up: GraphqlUpstream) {
  return (_source: unknown, _args: unknown, _ctx: unknown, info: GraphQLResolveInfo): unknown => {
    const { key, depth } = pathKey(info);
    const h = hash(key);
    if (depth > 1 && !graphqlJs().isNonNullType(info.returnType)) {
      if (up.mode === "nulls" && h % 3 === 0) return null;
      if (up.mode === "errors" && h % 4 === 0) throw new Error(`sweep: ${info.fieldName} failed here`);
    }
    return answerOf(info.returnType as GraphQLOutputType, h, up.salt, up.mode === "nulls");
  };
}

function typeResolverFor(schema: GraphQLSchema) {
  return (value: unknown, _ctx: unknown, info: GraphQLResolveInfo, abstract: unknown): string | undefined => {
    const possible = schema.getPossibleTypes(abstract as Parameters<GraphQLSchema["getPossibleTypes"]>[0]);
    const salt = (value as Json | null)?.[TYPE_KEY];
    const n = typeof salt === "number" ? salt : 0;
    return possible[(n + hash(pathKey(info).key)) % Math.max(1, possible.length)]?.name;
  };
}

/**
 * Starts graphql-http's handler (GraphQL over HTTP: `application/graphql-response+json`, a 400 for a document
 * that does not validate) on 127.0.0.1, `POST /graphql`, executing with the resolvers above.
 */
export async function startGraphqlUpstream(schema: GraphQLSchema): Promise<GraphqlUpstream> {
  const g = graphqlJs();
  const exchanges: Exchange[] = [];
  const up: GraphqlUpstream = { url: "", exchanges, mode: "full", salt: 0, close: async () => {} };
  const fieldResolver = resolverFor(up);
  const typeResolver = typeResolverFor(schema);
  let current: Exchange | undefined;
  const handler = graphqlHttp.createHandler<Received>({
    schema,
    validate: (...args: Parameters<typeof g.validate>) => {
      const errors = g.validate(...args);
      if (current) current.invalid = errors.map((e) => e.message);
      return errors;
    },
    execute: (args) => g.execute({ ...args, fieldResolver, typeResolver }),
  });
  const server = await startRecordingServer(async (req, res) => {
    const body = JSON.parse(req.body.toString() || "{}") as Json;
    const exchange: Exchange = {
      query: String(body.query ?? ""),
      variables: (body.variables ?? {}) as Json,
      ...(typeof body.operationName === "string" ? { operationName: body.operationName } : {}),
      invalid: [],
      answer: {},
    };
    exchanges.push(exchange);
    current = exchange;
    const [answer, init] = await handler({
      url: req.url,
      method: req.method,
      headers: { get: (k: string) => (req.headers[k.toLowerCase()] as string | undefined) ?? null },
      body: () => Promise.resolve(body),
      raw: req,
      context: undefined,
    });
    current = undefined;
    exchange.status = init.status;
    exchange.answer = JSON.parse(answer ?? "{}") as Exchange["answer"];
    res.writeHead(init.status, init.headers as Record<string, string>).end(answer);
  });
  up.url = `${server.url}/graphql`;
  up.close = server.close;
  return up;
}
