import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { GraphqlBinding } from "../../src/catalog.js";
import { ROOT } from "../helpers/paths.js";
import { resultProblems, sweepGraphqlCatalog, variableProblems } from "./requests/graphql.js";
import { generatedFrom, SWEPT_SCHEMAS } from "./requests/graphql-schemas.js";
import type { Exchange } from "./requests/graphql-upstream.js";

/**
 * The GraphQL request sweep, bounded (`node --import tsx test/corpus/requests/graphql-run.ts` runs it over every
 * schema and more tools): real schemas from npm and a schema of our own (`requests/edge.graphql`), each generated
 * bare and served in front of graphql-http executing that schema with answers made from its types (every scalar,
 * enums, lists, each possible type of an interface or union, nulls, errors next to partial data). Tools are called
 * through the SDK client with arguments made from their published input schemas. No call may show a document
 * the server refuses, variables other than the arguments, or a result other than what the server answered (ajv
 * 2020 and the client's validator accept it; partial data is kept next to the errors).
 */

describe("corpus: GraphQL catalogs served in front of graphql-js executing their schema", () => {
  it.each(SWEPT_SCHEMAS)(
    "$name: sampled tools, in turns full, with nulls and with errors",
    async ({ name, file }) => {
      const { dir, schema, errors } = await generatedFrom(name, file());
      expect(errors).toEqual([]);
      const count = await sweepGraphqlCatalog(name, schema, dir, 12);
      expect(count.problems).toEqual([]);
      expect(count.refusals).toEqual([]);
      expect(count.checked).toBe(count.calls);
    },
    600_000,
  );

  it("edge.graphql: every tool in every mode", async () => {
    const file = join(ROOT, "test/corpus/requests/edge.graphql");
    const { dir, schema, errors } = await generatedFrom("edge", file);
    expect(errors).toEqual([]);
    const count = await sweepGraphqlCatalog("edge", schema, dir, 100, true);
    expect(count.problems).toEqual([]);
    // Deep's recursion is published as an object without its fields (it recurses there), so the value maker's
    // `next: {}` lacks the required `level`: refused before sending, saying so.
    expect(count.refusals.map((r) => r.split(": ").slice(0, 3).join(": "))).toEqual(
      ["owner", "set_owner"].flatMap((t) => Array(3).fill(`edge: ${t}: invalid arguments`)),
    );
    expect(count).toMatchObject({ calls: 63, checked: 57, partial: 7 });
  }, 600_000);
});

describe("the GraphQL sweep's checks, on exchanges known to be wrong", () => {
  const binding: GraphqlBinding = {
    kind: "graphql",
    source: "s",
    operationType: "query",
    operationName: "Pet",
    document: "",
    variables: [
      { name: "petId", arg: "pet_id" },
      { name: "n", arg: "n" },
    ],
    field: "pet",
  };
  const exchange = (variables: Exchange["variables"], answer: Exchange["answer"] = {}): Exchange => ({
    query: "query Pet($petId: ID!, $n: Float) { pet(id: $petId, n: $n) { id tags } }",
    variables,
    invalid: [],
    answer,
  });
  const text = (...texts: string[]) => texts.map((t) => ({ type: "text", text: t }));
  const tool = {
    outputSchema: { type: "object", properties: { id: { type: "string" } }, additionalProperties: false },
  };
  const ajv = new Ajv2020({ strict: false });

  it("variables renamed, coerced, added or left out", () => {
    expect(variableProblems(binding, { pet_id: "7", n: 2 }, exchange({ petId: 7, x: 1 }))).toEqual([
      "variable x is not declared by the document",
      'variable petId: sent 7, argument "7"',
      "variable n: sent undefined, argument 2",
      "variable x: sent 1, argument undefined",
    ]);
    expect(variableProblems(binding, { pet_id: "7", n: 2 }, exchange({ petId: "7", n: 2 }))).toEqual([]);
  });

  it("results other than the data answered, refused by the output schema, or partial data lost", () => {
    const answered = exchange({}, { data: { pet: { id: "p1", tags: ["a"] } } });
    const shown = { content: text('{"id":"p1","tags":["a"]}'), structuredContent: { id: "p1", tags: ["a"] } };
    expect(resultProblems(tool, binding, false, shown, answered, ajv)).toEqual([
      expect.stringMatching(/^ajv 2020 refuses the result: data must NOT have additional properties/),
    ]);
    expect(resultProblems({}, binding, false, { content: text('{"id":"p1"}') }, answered, ajv)).toEqual([
      'the text is not the data answered: {"id":"p1"}',
    ]);
    const partial = exchange(
      {},
      {
        data: { pet: { id: "p1", tags: null } },
        errors: [{ message: "sweep: tags failed here", path: ["pet", "tags"] }],
      },
    );
    expect(
      resultProblems(
        {},
        binding,
        false,
        { isError: true, content: text("partial result: 1 GraphQL error: x") },
        partial,
        ajv,
      ),
    ).toEqual([
      "partial data not kept: undefined",
      "error not named with its path: sweep: tags failed here at .pet.tags",
    ]);
    expect(
      resultProblems({}, binding, false, { content: text('{"id":"p1","tags":null}') }, partial, ajv),
    ).toEqual([
      "GraphQL errors were answered but the result is no error",
      'partial data not said: {"id":"p1","tags":null}',
      "partial data not kept: undefined",
      "error not named with its path: sweep: tags failed here at .pet.tags",
    ]);
  });
});
