import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../codegen/diagnostics.js";
import { genSpec, writeTree } from "../helpers/generate.js";

/**
 * A Swagger 2.0 spec is converted to 3.0 before it is read, so diagnostics name pointers into the converted
 * document; each is mapped back to where the 2.0 original writes the same thing. Pointers with no 2.0 spelling
 * (`#/servers`, `requestBody`, a parameter's `schema`, `content` by media type, `components/requestBodies`) were
 * located at an ancestor (the document's first line for `#/servers`), and a parameter after a body or formData
 * parameter at its neighbour (the conversion takes those out of the list, so every later index moved).
 *
 * Each fixture line a diagnostic belongs on carries a comment `# @<mark>`; every diagnostic naming `<text>` must be
 * located on the line marked `<mark>`.
 */
const spec = `swagger: "2.0"
info: { title: Loc, version: "1" }
schemes: [https]
basePath: /v2
x-ms-parameterized-host:
  hostTemplate: "{account}.blob.example.com"
  parameters:
    - name: account # @account
      in: path
      required: true
      type: string
parameters:
  SharedBody:
    name: body
    in: body
    schema:
      type: object
      properties:
        s: { type: string, pattern: "[s-" } # @shared-body
  SharedQuery:
    name: sq # @shared-query
    in: query
    type: string
    pattern: "[sq-"
responses:
  Shared:
    description: shared
    schema:
      type: object
      properties:
        sr: { type: string, pattern: "[sr-" } # @shared-response
paths:
  /p:
    parameters:
      - name: pb
        in: body
        schema: { type: string }
      - name: pq # @path-query
        in: query
        type: string
        pattern: "[pq-"
    put:
      operationId: putP
      responses: { "200": { $ref: "#/responses/Shared" } }
  /a:
    post:
      operationId: postA
      parameters:
        - name: body
          in: body
          schema:
            type: object
            properties:
              x: { type: string, pattern: "[x-" } # @body-property
        - name: q # @query
          in: query
          type: string
          pattern: "[q-"
        - name: e
          in: query
          type: integer
          enum: [a, b] # @enum
        - $ref: "#/parameters/SharedQuery"
      responses:
        "200":
          description: ok
          schema:
            type: object
            properties:
              r: { type: string, pattern: "[r-" } # @response
  /f:
    post:
      operationId: postF
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - name: h
          in: header
          type: string
        - name: f # @form-field
          in: formData
          type: string
          pattern: "[f-"
        - name: g
          in: formData
          type: array
          items: { type: string, pattern: "[g-" } # @form-items
        - name: fq # @form-query
          in: query
          type: string
          pattern: "[fq-"
      responses: { "200": { description: ok } }
  /s:
    put:
      operationId: putS
      parameters:
        - $ref: "#/parameters/SharedBody"
      responses: { "200": { description: ok } }
`;

/** What each diagnostic names, and the mark of the line it belongs on. */
const expected: [text: string, mark: string][] = [
  ["{account} with no default", "account"],
  ['"[s-"', "shared-body"],
  ['"[sq-"', "shared-query"],
  ['"[sr-"', "shared-response"],
  ['"[pq-"', "path-query"],
  ['"[x-"', "body-property"],
  ['"[q-"', "query"],
  ['enum values "a", "b" are not of the schema\'s type', "enum"],
  ['"[r-"', "response"],
  ['"[f-"', "form-field"],
  ['"[g-"', "form-items"],
  ['"[fq-"', "form-query"],
];

function lineOf(text: string, mark: string): number {
  const index = text.split("\n").findIndex((line) => line.endsWith(`# @${mark}`));
  expect(index, mark).toBeGreaterThanOrEqual(0);
  return index + 1;
}

async function diagnose(text: string): Promise<Diagnostic[]> {
  const dir = writeTree("swagger2-locations", { "swagger.yaml": text });
  const { diags } = await genSpec(join(dir, "swagger.yaml"), "loc", "test/.tmp/swagger2-locations-out");
  return diags.items;
}

describe("diagnostics about a Swagger 2.0 spec", () => {
  it("are located where the 2.0 document writes what they name", async () => {
    const items = await diagnose(spec);
    const located = expected.map(([text]) => {
      const found = items.filter((d) => d.message.includes(text));
      return { text, lines: found.map((d) => d.source?.line) };
    });
    expect(located).toEqual(expected.map(([text, mark]) => ({ text, lines: [lineOf(spec, mark)] })));
    // None is left at the document's first line (an ancestor standing in for a pointer 2.0 has no spelling for).
    expect(items.filter((d) => d.source?.line === 1).map((d) => d.message)).toEqual([]);
  });
});
