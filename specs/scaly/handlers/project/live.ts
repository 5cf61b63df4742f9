import type { HandlerContext } from "toolwright/catalog";
import type { ToolTypes } from "../../../../generated/scaly/catalog.gen.js";
import type { AccessRuleConfig, ApiRule, LiveAddon, LiveApp, LiveAuth, LiveState } from "./model.js";

/**
 * Live state for plan, apply and pull: one GraphQL request (the internal tool scaly_project_state), so every
 * part of it comes from the same moment, including the workspace revision the plan hash is bound to.
 */

export class LiveStateError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "LiveStateError";
  }
}

export async function readLiveState(ctx: HandlerContext<ToolTypes>): Promise<LiveState> {
  const read = await ctx.call("scaly_project_state", {});
  if (!read.ok) {
    throw new LiveStateError(
      `reading live state failed: ${read.error?.message ?? "unknown error"}`,
      read.error?.code ?? "error",
    );
  }
  return normalize(read.data);
}

type Snapshot = ToolTypes["scaly_project_state"]["output"];

export function normalize(s: Snapshot): LiveState {
  const truncated: string[] = [];
  if (s.stacks.pageInfo.hasNextPage) truncated.push("stacks");
  if (s.addons.pageInfo.hasNextPage) truncated.push("addons");
  if (s.apps.pageInfo.hasNextPage) truncated.push("apps");
  if (s.userGroups.pageInfo.hasNextPage) truncated.push("user groups");

  const groups = new Map(s.userGroups.nodes.map((g) => [g.name, { ...g }]));
  const groupName = new Map(s.userGroups.nodes.map((g) => [g.id, g.name]));
  const stacks = new Map(
    s.stacks.nodes.map((st) => [
      st.name,
      {
        id: st.id,
        name: st.name,
        description: st.description,
        region: st.region,
        status: st.status,
        instanceSize: st.instanceSize,
        minInstances: st.minInstances,
        maxInstances: st.maxInstances,
        tags: Object.fromEntries(st.tags.map((t) => [t.key, t.value])),
      },
    ]),
  );
  const addons = new Map<string, LiveAddon>(
    s.addons.nodes.map((a) => {
      const base = { id: a.id, name: a.name, kind: a.kind, stackId: a.stackId };
      return [
        a.name,
        a.__typename === "DatabaseAddon"
          ? { ...base, version: a.version, storageGb: a.storageGb }
          : { ...base, publicRead: a.publicRead },
      ];
    }),
  );
  const apps = new Map<string, LiveApp>(
    s.apps.nodes.map((a) => [
      a.name,
      {
        id: a.id,
        name: a.name,
        stackId: a.stackId,
        framework: a.framework,
        runtime: a.runtime,
        repository: a.repository,
        buildCommand: a.buildCommand,
        startCommand: a.startCommand,
        port: a.port,
        healthCheckPath: a.healthCheckPath,
        env: a.envVars.map((v) => ({ name: v.name, source: v.source })),
        links: a.addonLinks.map((l) => ({
          addonId: l.addon.id,
          addonName: l.addon.name,
          envPrefix: l.envPrefix,
        })),
        auth: authOf(a.auth, groupName),
      },
    ]),
  );
  return {
    workspace: {
      id: s.workspace.id,
      slug: s.workspace.slug,
      region: s.workspace.region,
      revision: s.workspace.revision,
    },
    stacks,
    addons,
    apps,
    groups,
    truncated,
  };
}

function authOf(
  auth: Snapshot["apps"]["nodes"][number]["auth"],
  groupName: Map<string, string>,
): LiveAuth | null {
  let rule: AccessRuleConfig | null = null;
  if (auth.rule) {
    try {
      rule = ruleFromApi(JSON.parse(auth.rule) as ApiRule, groupName);
    } catch {
      rule = null;
    }
  }
  return {
    visibility: auth.visibility,
    provider: auth.provider,
    allowedGroups: auth.allowedGroups.map((g) => g.name).sort(),
    rule,
    sessionTtlMinutes: auth.sessionTtlMinutes,
  };
}

/** API rule (group ids, camelCase) -> the file's form (group names, snake_case); unknown ids stay ids. */
export function ruleFromApi(rule: ApiRule, groupName: Map<string, string>): AccessRuleConfig {
  if (rule.group !== undefined) return { group: groupName.get(rule.group) ?? rule.group };
  if (rule.email !== undefined) return { email: rule.email };
  if (rule.emailDomain !== undefined) return { email_domain: rule.emailDomain };
  if (rule.allOf) return { all_of: rule.allOf.map((r) => ruleFromApi(r, groupName)) };
  if (rule.anyOf) return { any_of: rule.anyOf.map((r) => ruleFromApi(r, groupName)) };
  if (rule.not) return { not: ruleFromApi(rule.not, groupName) };
  return {};
}

/** The file's rule -> the API's, with group names resolved to ids (`undefined` for a name with no id yet). */
export function ruleToApi(rule: AccessRuleConfig, groupId: (name: string) => string | undefined): ApiRule {
  if (rule.group !== undefined) return { group: groupId(rule.group) ?? rule.group };
  if (rule.email !== undefined) return { email: rule.email };
  if (rule.email_domain !== undefined) return { emailDomain: rule.email_domain };
  if (rule.all_of) return { allOf: rule.all_of.map((r) => ruleToApi(r, groupId)) };
  if (rule.any_of) return { anyOf: rule.any_of.map((r) => ruleToApi(r, groupId)) };
  if (rule.not) return { not: ruleToApi(rule.not, groupId) };
  return {};
}

/** Group names a rule mentions. */
export function ruleGroups(rule: AccessRuleConfig | undefined | null): string[] {
  if (!rule) return [];
  return [
    ...(rule.group !== undefined ? [rule.group] : []),
    ...[...(rule.all_of ?? []), ...(rule.any_of ?? [])].flatMap(ruleGroups),
    ...ruleGroups(rule.not),
  ];
}
