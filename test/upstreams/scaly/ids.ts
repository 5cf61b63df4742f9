import { randomBytes } from "node:crypto";

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

export function shortSha(): string {
  return randomBytes(4).toString("hex").slice(0, 7);
}
