import { describe, expect, it } from "vitest";
import { conciseSchema, restatesName } from "../../src/publish/describe.js";
import { project, UNBOUNDED } from "../../src/publish/project.js";

// Concise schemas leave out a property's description when it only restates the property's name (GitHub REST:
// `secret_name` "The name of the secret." on 53 tools, `hook_id` "The unique identifier of the hook.", ...);
// a description that says anything more is kept (first sentence, as before).

describe("restatesName", () => {
  it.each([
    ["secret_name", "The name of the secret.", true],
    ["hook_id", "The unique identifier of the hook.", true],
    ["ruleset_id", "The ID of the ruleset.", true],
    ["package_version_id", "Unique identifier of the package version.", true],
    ["subject_digest", "Subject Digest", true],
    ["resource_type", "The type of resource.", true],
    ["reviewIds", "The IDs of the reviews.", true],
    ["repository_id", "The unique identifier of the repository.", true],
    ["repo", "The repository.", true],
    // Anything more than the name is kept.
    ["owner", "The account owner of the repository.", false],
    ["org", "The organization name.", false],
    ["page", "The page number of the results to fetch.", false],
    ["per_page", "The number of results per page (max 100).", false],
    ["repo", "The name of the repository without the `.git` extension.", false],
    ["name", "", false],
    ["name", "...", false],
  ])("%s: %j -> %s", (name, text, expected) => {
    expect(restatesName(name, text)).toBe(expected);
  });
});

describe("concise schemas leave out descriptions that restate the property's name", () => {
  const schema = {
    type: "object",
    properties: {
      hook_id: { type: "integer", description: "The unique identifier of the hook." },
      owner: {
        type: "string",
        description: "The account owner of the repository. The name is not case sensitive.",
      },
      config: {
        type: "object",
        description: "Key/value pairs to provide settings for this webhook.",
        properties: { content_type: { type: "string", description: "The content type." } },
      },
      // `description` as a property name is a schema like any other.
      description: { type: "string", description: "The description." },
    },
    required: ["hook_id"],
  };

  it("drops them at every depth, keeps (the first sentence of) the others and never touches values", () => {
    expect(conciseSchema(schema)).toEqual({
      type: "object",
      properties: {
        hook_id: { type: "integer" },
        owner: { type: "string", description: "The account owner of the repository." },
        config: {
          type: "object",
          description: "Key/value pairs to provide settings for this webhook.",
          properties: { content_type: { type: "string" } },
        },
        description: { type: "string" },
      },
      required: ["hook_id"],
    });
    // The input is shared (the catalog's table): never modified.
    expect(schema.properties.hook_id.description).toBe("The unique identifier of the hook.");
  });

  it("full descriptions keep them as written", () => {
    expect(project(schema, {}, UNBOUNDED).schema).toEqual(schema);
    expect(project(schema, {}, { ...UNBOUNDED, concise: true }).schema.properties).toMatchObject({
      hook_id: { type: "integer" },
    });
  });
});
