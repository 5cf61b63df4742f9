/** zod issues as `path: message` lines a model can act on. */

interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  keys?: string[];
}

export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

export function formatIssues(issues: readonly IssueLike[], max = 10): string {
  const lines = issues.slice(0, max).map((issue) => {
    const message =
      issue.code === "unrecognized_keys" && issue.keys
        ? `unknown propert${issue.keys.length === 1 ? "y" : "ies"} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
        : issue.message;
    return `${issuePath(issue.path)}: ${message}`;
  });
  if (issues.length > max) lines.push(`(${issues.length - max} more)`);
  return lines.join("; ");
}
