import { describe, expect, it } from "vitest";
import { composeDescription, MAX_DESCRIPTION } from "../../codegen/bind/tool-common.js";

/** A tool's description from the spec's summary and description: everything they say, nothing twice. */
describe("composeDescription", () => {
  it.each([
    // Azure, DocuSign, GitHub: the summary is the description's first sentence (with or without its full stop).
    [
      "Gets a list of SAP HANA instances in the specified subscription and the resource group.",
      "Gets a list of SAP HANA instances in the specified subscription and the resource group. The operations returns various properties.",
      "Gets a list of SAP HANA instances in the specified subscription and the resource group. The operations returns various properties.",
    ],
    [
      "List custom images for an organization",
      "List custom images for an organization.\n\nOAuth tokens need the `manage_runners:org` scope.",
      "List custom images for an organization.\n\nOAuth tokens need the `manage_runners:org` scope.",
    ],
    [
      "Deletes a chunked upload.",
      "Deletes a chunked upload that has been committed.",
      "Deletes a chunked upload that has been committed.",
    ],
    // Said elsewhere in the description (GitHub's token section quotes the summary): both are kept.
    [
      "List tasks for repository",
      '> [!NOTE]\n> In preview.\n\n**Fine-grained access tokens for "List tasks for repository"**',
      'List tasks for repository\n\n> [!NOTE]\n> In preview.\n\n**Fine-grained access tokens for "List tasks for repository"**',
    ],
    // A description the summary already says, or the same words spaced otherwise, is not repeated.
    ["Lists pets.  Paged by 20.", "Lists pets.", "Lists pets.  Paged by 20."],
    ["Lists   the pets", "Lists the\npets.", "Lists   the pets"],
    ["Lists pets", "Returns every pet.", "Lists pets\n\nReturns every pet."],
  ])("%j + %j", (summary, description, expected) => {
    expect(composeDescription([summary, description], [])).toBe(expected);
  });

  it("cuts at the cap without leaving half of a surrogate pair", () => {
    const notes: string[] = [];
    const text = composeDescription([`${"a".repeat(MAX_DESCRIPTION - 2)}\u{1F600}tail`], notes);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(text.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    expect(notes).toEqual([expect.stringContaining("description cut")]);
  });
});
