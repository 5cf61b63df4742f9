import { describe, expect, it } from "vitest";
import { paginate } from "../../src/mcp/paginate.js";
import { DEFAULT_PAGE_SIZE, PAGE_BYTES } from "../../src/mcp/server.js";

// Pages: large by default, so clients that read only the first page still see every tool of an ordinary catalog;
// bounded by bytes too, so no page passes what clients accept in one message.

const tools = (n: number, bytes = 100) =>
  Array.from({ length: n }, (_, i) => ({ name: `tool_${i}`, description: "x".repeat(bytes) }));

function all<T>(items: readonly T[], limits: Parameters<typeof paginate>[2]) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = paginate(items, cursor, limits, "tools");
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
}

describe("page size", () => {
  it("by default one page holds a catalog the size of GitHub's REST API (1,223 tools)", () => {
    const page = paginate(tools(1223), undefined, { entries: DEFAULT_PAGE_SIZE, bytes: PAGE_BYTES }, "tools");
    expect(page.items).toHaveLength(1223);
    expect(page.nextCursor).toBeUndefined();
  });

  it("a page ends before its JSON passes the byte bound; following cursors yields every item once", () => {
    const items = tools(50, 1000);
    const pages = all(items, { entries: 2000, bytes: 10_000 });
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(JSON.stringify(page).length).toBeLessThanOrEqual(10_000 + page.length);
    expect(pages.flat()).toEqual(items);
  });

  it("an item larger than the bound still gets a page of its own", () => {
    const items = tools(3, 5000);
    expect(all(items, { entries: 10, bytes: 1000 }).map((page) => page.length)).toEqual([1, 1, 1]);
  });

  it("the entry count bounds a page", () => {
    expect(all(tools(10), { entries: 4, bytes: PAGE_BYTES }).map((page) => page.length)).toEqual([4, 4, 2]);
    expect(all(tools(10), 3).map((page) => page.length)).toEqual([3, 3, 3, 1]);
  });

  it("refuses a cursor of another list", () => {
    const { nextCursor } = paginate(tools(10), undefined, 4, "tools");
    expect(() => paginate(tools(10), nextCursor, 4, "prompts")).toThrow(/invalid cursor/);
  });
});
