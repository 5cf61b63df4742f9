import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * graphql-js through `require`, always. graphql ships CJS (`main`) and ESM (`module`) builds without an exports
 * map: Node's ESM loader picks the CJS one, Vite/vitest the ESM one, while graphql-http always loads the CJS one.
 * Two copies mean "Cannot use GraphQLSchema from another module or realm", so every graphql value here comes from
 * the same CJS instance graphql-http uses, under Node and vitest alike.
 */
export const graphqlJs: typeof import("graphql") = require("graphql");
export const graphqlHttp: typeof import("graphql-http") = require("graphql-http");
