import { describe, expect, it } from "vitest";
import { graphqlJs } from "../../codegen/load/graphql.js";
import { derivedRules } from "../../codegen/normalize/graphql/operation.js";

/**
 * The rules a derived document is validated by (`derivedRules`): fewer than graphql-js's, but each mistake a
 * selection deriver could make is still refused, with the message every rule would give.
 */

const SCHEMA = `
type Query { pet(id: ID!): Pet  search(term: String!, first: Int): [Pet!]! }
union Pet = Cat | Dog
type Cat { id: ID! color: Color! name: String! owner: Owner }
type Dog { id: ID! color: Size! name: String }
type Owner { id: ID! pets(first: Int!): [Pet!]! }
enum Color { RED GREEN }
enum Size { S M L }
`;

const MISTAKES: Record<string, string> = {
  "fields that fragments merge with clashing types":
    "query Q($id: ID!) { pet(id: $id) { ... on Cat { color } ... on Dog { color } } }",
  "an unknown field": "query Q($id: ID!) { pet(id: $id) { ... on Cat { age } } }",
  "a leaf with a selection": "query Q($id: ID!) { pet(id: $id) { ... on Cat { name { x } } } }",
  "an object without one": "query Q($id: ID!) { pet(id: $id) { ... on Cat { owner } } }",
  "a required argument left out":
    "query Q($id: ID!) { pet(id: $id) { ... on Cat { owner { pets { __typename } } } } }",
  "an unknown argument": "query Q($id: ID!) { pet(id: $id, kind: 1) { __typename } }",
  "a fragment on a type that is not possible": "query Q($id: ID!) { pet(id: $id) { ... on Owner { id } } }",
  "a page size of the wrong type": 'query Q($t: String!) { search(term: $t, first: "ten") { __typename } }',
};

describe("derived documents' validation rules", () => {
  const g = graphqlJs();
  const schema = g.buildSchema(SCHEMA);
  it.each(Object.entries(MISTAKES))("refuses %s, as every rule does", (_, text) => {
    const doc = g.parse(text);
    const all = g.validate(schema, doc).map((e) => e.message);
    expect(all.length).toBeGreaterThan(0);
    expect(g.validate(schema, doc, derivedRules()).map((e) => e.message)).toEqual(all);
  });
  it("accepts what the deriver writes", () => {
    const doc = g.parse(
      "query Q($id: ID!) { pet(id: $id) { __typename ... on Cat { id color name owner { id } } ... on Dog { id dogColor: color dogName: name } } }",
    );
    expect(g.validate(schema, doc)).toEqual([]);
    expect(g.validate(schema, doc, derivedRules())).toEqual([]);
  });
});
