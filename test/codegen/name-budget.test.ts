import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../codegen/audit/report.js";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

// The name budget (issue 11 item 6): hosts put `mcp__<server>__` before a tool's name and refuse names over 64
// characters in all. Default names are shortened to leave room for that prefix, deterministically, and listed;
// declared names over the budget are warned about (errors when the manifest sets the budget itself); audit flags
// names that would not fit a given prefix.

const OPS = {
  short: "repos/get",
  // 49 characters as snake case: fits 64, not 64 - "mcp__hostnames__".length = 48.
  fifty: "actions/list-self-hosted-runners-for-organization",
  // Two long ids that share their first 48 characters: both are cut and must stay distinct.
  twinA: "code-scanning/list-alerts-for-enterprise-and-organization-by-tool-name",
  twinB: "code-scanning/list-alerts-for-enterprise-and-organization-by-tool-guid",
};

function spec(): string {
  const paths = Object.entries(OPS).map(
    ([key, id]) =>
      `  /${key}:\n    get:\n      operationId: ${id}\n      responses:\n        "200": { description: ok, content: { application/json: { schema: { type: object } } } }\n`,
  );
  return `openapi: 3.0.3\ninfo: { title: Hosts, version: "1" }\nservers: [{ url: "https://api.example.com" }]\npaths:\n${paths.join("")}`;
}

async function generate(name: string, manifestExtra = "") {
  const dir = writeTree(name, {
    "openapi.yaml": spec(),
    "tools.yaml": `catalog: hostnames\nsources:\n  api: { openapi: ./openapi.yaml }\nselect: [{ all: true }]\n${manifestExtra}`,
  });
  const outcome = await genManifest(join(dir, "tools.yaml"), relative(ROOT, join(dir, "out")));
  const names: string[] = outcome.cat
    ? JSON.parse(outcome.cat.files.get("catalog.json") ?? "{}").tools.map((t: { name: string }) => t.name)
    : [];
  return { ...outcome, names, diagnostics: outcome.diags.items.map(formatDiagnostic) };
}

describe("name budget", () => {
  it("by default leaves room for mcp__<catalog>__: long default names are cut, unique, stable and listed", async () => {
    const first = await generate("names-default");
    expect(first.diags.hasErrors, first.diagnostics.join("\n")).toBe(false);
    const budget = 64 - "mcp__hostnames__".length;
    expect(first.names).toHaveLength(4);
    for (const name of first.names) expect(name.length, name).toBeLessThanOrEqual(budget);
    expect(new Set(first.names).size).toBe(4);
    expect(first.names).toContain("repos_get");
    expect(first.cat?.stats.shortened).toBe(3);
    const md = first.cat?.files.get("CATALOG.md") ?? "";
    expect(md).toContain("## Shortened names");
    expect(md).toContain("`actions_list_self_hosted_runners_for_organization`");
    expect(md).toContain("`code_scanning_list_alerts_for_enterprise_and_organization_by_tool_name`");
    // Deterministic: the same inputs give the same names and bytes.
    const again = await generate("names-default-again");
    expect(again.names).toEqual(first.names);
    const section = (text: string) => text.slice(text.indexOf("## Shortened names"));
    expect(section(again.cat?.files.get("CATALOG.md") ?? "")).toBe(section(md));
    // A tool without a summary is titled from its whole name, not from the cut one's hash: the twins' titles were
    // "Code scanning list alerts for enterprise and organization b <hash>" (gRPC-gateway's operationIds,
    // ABitOfEverythingService_CreateBody, became "A bit of everything service agag"). Their names stay distinct.
    const titles = (
      JSON.parse(first.cat?.files.get("catalog.json") ?? "{}").tools as { title: string }[]
    ).map((t) => t.title);
    expect(titles).toEqual([
      "Repos get",
      "Actions list self hosted runners for organization",
      "Code scanning list alerts for enterprise and organization by tool name",
      "Code scanning list alerts for enterprise and organization by tool guid",
    ]);
  });

  it("naming.max_length: 64 keeps names up to 64 (hosts that add no prefix)", async () => {
    const out = await generate("names-64", "naming: { max_length: 64 }\n");
    expect(out.diags.hasErrors, out.diagnostics.join("\n")).toBe(false);
    expect(out.names).toContain("actions_list_self_hosted_runners_for_organization");
    expect(out.cat?.stats.shortened).toBe(2);
    for (const name of out.names) expect(name.length).toBeLessThanOrEqual(64);
  });

  it("a declared name over the default budget is a located warning; over an explicit budget, an error", async () => {
    const declared =
      "tools:\n  hostnames_list_every_self_hosted_runner_of_the_org:\n    from: actions/list-self-hosted-runners-for-organization\n";
    const warned = await generate("names-declared", declared);
    expect(warned.diags.hasErrors, warned.diagnostics.join("\n")).toBe(false);
    expect(warned.names).toContain("hostnames_list_every_self_hosted_runner_of_the_org");
    expect(warned.diagnostics).toContainEqual(
      expect.stringMatching(/tools\.yaml:\d+:\d+ .*warning TW121: .*mcp__hostnames__.*passes 64/),
    );
    const refused = await generate("names-declared-explicit", `naming: { max_length: 40 }\n${declared}`);
    expect(refused.cat).toBeUndefined();
    expect(refused.diagnostics).toContainEqual(
      expect.stringMatching(/tools\.yaml:\d+:\d+ .*error TW121: .*budget 40/),
    );
  });

  it("audit flags names that would not fit a host's prefix (default mcp__<catalog>__, or those given)", async () => {
    const docOf = (out: Awaited<ReturnType<typeof generate>>) =>
      JSON.parse(out.cat?.files.get("catalog.json") ?? "{}");
    const flagged = (report: ReturnType<typeof buildReport>) =>
      report.findings.filter((f) => f.kind === "name-too-long-for-host").map((f) => f.tool);
    const wide = docOf(await generate("names-audit-64", "naming: { max_length: 64 }\n"));
    const byDefault = buildReport(wide).findings.filter((f) => f.kind === "name-too-long-for-host");
    expect(byDefault).toHaveLength(3);
    expect(byDefault[0]?.message).toMatch(
      /\(49 characters\) passes 64 with the host prefix "mcp__hostnames__"/,
    );
    expect(flagged(buildReport(wide, { namePrefixes: [] }))).toEqual([]);
    const fitted = docOf(await generate("names-audit-default"));
    expect(flagged(buildReport(fitted))).toEqual([]);
    expect(flagged(buildReport(fitted, { namePrefixes: ["mcp__my_company_hosts_server__"] }))).toHaveLength(
      3,
    );
  });
});
