import { apiError } from "./errors.js";

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/** Offset cursors, opaque to clients (base64url of `o:<index>`). */
const encode = (index: number) => Buffer.from(`o:${index}`).toString("base64url");

function decode(cursor: string): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match?.[1])
    throw apiError("BAD_USER_INPUT", "Invalid cursor; pass pageInfo.endCursor unchanged", { field: "after" });
  return Number(match[1]);
}

export function connection<T>(items: readonly T[], args: PageArgs, max = 100): Connection<T> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw apiError("BAD_USER_INPUT", `first must be 1-${max}`, { field: "first" });
  }
  const start = args.after ? decode(args.after) + 1 : 0;
  const page = items.slice(start, start + first);
  const edges = page.map((node, i) => ({ cursor: encode(start + i), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: items.length,
  };
}
