import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Which arguments go together, where a tool's input schema cannot say it (test/e2e/specs/argument-rules.yaml): a
 * flattened body's `oneOf`/`anyOf` of required members is no part of the published root (model providers refuse
 * combinators there), so before, the model was not told "at least one of state, assignees" and made calls the
 * upstream refuses. Now one short sentence after the description says it, in full and concise descriptions alike,
 * in the arguments' names; so do `dependentRequired`, `not: {required: [...]}` and `minProperties`/`maxProperties`
 * on such a body. Read as a real MCP client lists the tools.
 */
const SPEC = join(ROOT, "test/e2e/specs/argument-rules.yaml");
const env = (url: string) => ({ RULES_BASE_URL: url });
const full = servedSpec(SPEC, "rules", "argument-rules-full", env);
const concise = servedSpec(SPEC, "rules", "argument-rules-concise", env, undefined, undefined, {
  descriptions: "concise",
});

/** Each listed tool's description, by name, as the client received it. */
async function described(fx: typeof full): Promise<Record<string, string | undefined>> {
  const { tools } = await fx.client().listTools();
  return Object.fromEntries(tools.map((t) => [t.name, t.description]));
}

describe("argument rules the input schema cannot state", () => {
  it("end the full description, in the arguments' names, once each", async () => {
    const d = await described(full);
    expect(d.update_alert?.endsWith("\n\nGive at least one of: state, assignees.")).toBe(true);
    // The alternative naming a member the body does not declare (`url`) is no call's to make: left out.
    expect(d.add_item).toBe("Add item\n\nGive exactly one of: id; owner and repo.");
    // The body's `state` is argument `body_state` (the path parameter holds `state`).
    expect(d.rerun).toBe("Rerun\n\nGive at least one of: body_state, reason.");
    expect(d.plain).toBe("Plain");
  });

  it("say a required-together rule, a never-together rule and a count of the body's arguments, once each", async () => {
    const d = await described(full);
    expect(d.open_window).toBe(
      "Opens a maintenance window.\n\nIf you give start, also give end. Do not give tag and sha together.",
    );
    // The count is of the body's arguments (`id` is a path parameter).
    expect(d.update_account).toBe("Update account\n\nGive at least one of: description, disabled.");
    expect(d.choose).toBe("Choose\n\nGive at most one of: left, right.");
    const c = await described(concise);
    expect(c.open_window).toBe(
      "Opens a maintenance window. If you give start, also give end. Do not give tag and sha together.",
    );
  });

  it("fit within the cap on descriptions with the text they follow, which is cut to leave them room", async () => {
    const d = (await described(full)).move_card ?? "";
    // 1,800 characters: hosts cap descriptions near 2 KB (docs/manifest.md); the rule at the end is never the part cut.
    expect(d.length).toBeLessThanOrEqual(1800);
    expect(d).toMatch(/^Moves the card .*…\n\nGive at least one of: column, position\.$/s);
    expect(full.doc().tools.find((t) => t.name === "move_card")?.notes).toContain(
      "description cut to 1759 characters (hosts cap long descriptions; its argument rules follow it)",
    );
  });

  it("end the concise description too, never cut with it", async () => {
    const d = await described(concise);
    const alert = d.update_alert ?? "";
    expect(alert).toMatch(
      /^Updates the status of a single alert: .*… Give at least one of: state, assignees\.$/,
    );
    expect(alert).not.toContain("second paragraph");
    // A text without a full stop of its own gets one before the rule.
    expect(d.add_item).toBe("Add item. Give exactly one of: id; owner and repo.");
    expect(d.plain).toBe("Plain");
  });

  it("are shown to reviewers in CATALOG.md after the tool's arguments", () => {
    const md = readFileSync(join(full.dir(), "CATALOG.md"), "utf8");
    const section = md.slice(
      md.indexOf("### open_window"),
      md.indexOf("\n### ", md.indexOf("### open_window") + 1),
    );
    expect(section).toContain(
      "\nTold to the model: If you give start, also give end. Do not give tag and sha together.\n",
    );
    expect(md.slice(md.indexOf("### plain"))).not.toContain("Told to the model");
  });

  it("are written in catalog.json beside the notes for reviewers", () => {
    const rules = Object.fromEntries(full.doc().tools.map((t) => [t.name, t.argumentRules]));
    expect(rules).toEqual({
      update_alert: ["Give at least one of: state, assignees."],
      add_item: ["Give exactly one of: id; owner and repo."],
      rerun: ["Give at least one of: body_state, reason."],
      open_window: ["If you give start, also give end.", "Do not give tag and sha together."],
      update_account: ["Give at least one of: description, disabled."],
      choose: ["Give at most one of: left, right."],
      move_card: ["Give at least one of: column, position."],
      plain: undefined,
    });
  });
});

describe("argument rules in discovery mode (serve --discovery)", () => {
  // The same catalogs served with find_tools / describe_tool / call_tool instead of their tools.
  let fullDiscovery: Served | undefined;
  let conciseDiscovery: Served | undefined;
  beforeAll(async () => {
    [fullDiscovery, conciseDiscovery] = await Promise.all(
      [full, concise].map((fx) => serveOverStdio(fx.dir(), env(fx.upstream().url), {}, ["--discovery"])),
    );
  });
  afterAll(async () => {
    await Promise.all([fullDiscovery?.close(), conciseDiscovery?.close()]);
  });

  it("describe_tool gives the description tools/list gives, rules and all", async () => {
    for (const [served, fx] of [
      [fullDiscovery, full],
      [conciseDiscovery, concise],
    ] as const) {
      const listed = await described(fx);
      for (const name of ["update_alert", "open_window", "rerun", "plain"]) {
        const r = await served!.client.callTool({ name: "describe_tool", arguments: { name } });
        expect(r.isError).toBeFalsy();
        expect(textJson(r).description).toBe(listed[name]);
      }
    }
  });

  it("find_tools says each match's rules beside its first sentence, as tools/list would", async () => {
    for (const served of [fullDiscovery, conciseDiscovery]) {
      const r = await served!.client.callTool({
        name: "find_tools",
        arguments: { query: "maintenance window alert plain", limit: 50 },
      });
      expect(r.isError).toBeFalsy();
      const matches = (r.structuredContent as { matches: Record<string, unknown>[] }).matches;
      const byName = Object.fromEntries(matches.map((m) => [m.name, m]));
      expect(byName.open_window).toMatchObject({
        summary: "Opens a maintenance window.",
        argumentRules: ["If you give start, also give end.", "Do not give tag and sha together."],
      });
      expect(byName.update_alert?.argumentRules).toEqual(["Give at least one of: state, assignees."]);
      expect(byName.plain).toBeDefined();
      expect(byName.plain).not.toHaveProperty("argumentRules");
      // The text block says the same as the structured result.
      expect(textJson(r).matches).toEqual(matches);
    }
  });
});
