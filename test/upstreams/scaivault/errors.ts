/** An error answer of the API: status, `error.code`, message, and optional extra fields of the Error schema. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { required_scope?: string; details?: ErrorDetail[] } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface ErrorDetail {
  in: "path" | "query" | "header" | "body";
  name?: string;
  pointer?: string;
  message: string;
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} does not exist.`);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
export const unprocessable = (code: string, message: string) => new ApiError(422, code, message);
