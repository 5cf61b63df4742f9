import type { GraphQLError } from "graphql";
import { graphqlJs } from "./graphql-lib.js";

/** The `extensions.code` values the control plane uses (listed in the schema's top description). */
export type ErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "CONFLICT"
  | "FAILED_PRECONDITION"
  | "UNAVAILABLE"
  | "INTERNAL";

export function apiError(code: ErrorCode, message: string, details?: Record<string, unknown>): GraphQLError {
  return new graphqlJs.GraphQLError(message, { extensions: { code, ...details } });
}

/** A data-plane failure: becomes `{ error: { code, message, details } }` with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
