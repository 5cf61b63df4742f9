import { ruleGroups } from "./live.js";
import {
  ACTION_ORDER,
  type Action,
  type AddonLinkConfig,
  type AppConfig,
  type AuthConfig,
  type FieldChange,
  injectedNames,
  type LiveApp,
  type LiveState,
  type Plan,
  type ProjectConfig,
  type StackConfig,
} from "./model.js";

/**
 * The plan: what it takes to make live state match the file, as a pure function of the two (so apply can
 * recompute it on any replica and compare hashes). Only creation, stack updates, links and auth are applied;
 * every other difference is reported as unsupported, and live resources the file does not name are unmanaged
 * and left alone. On an existing resource only the fields the file writes are compared; a created one takes
 * the API's defaults for the rest.
 */

const DEFAULT_PROVIDER = "SCALY_SSO";
const DEFAULT_TTL = 720;
const DEFAULT_BRANCH = "main";

export function computePlan(config: ProjectConfig, live: LiveState): Plan {
  const plan: Plan = {
    actions: [],
    needs_value: [],
    unsupported: [],
    unmanaged: { stacks: [], addons: [], apps: [], user_groups: [], links: [] },
    problems: [],
  };
  if (config.workspace !== undefined && config.workspace !== live.workspace.slug) {
    plan.problems.push(
      `the file targets workspace "${config.workspace}", but the API key belongs to "${live.workspace.slug}"`,
    );
    return plan;
  }
  for (const list of live.truncated)
    plan.problems.push(`the workspace has more than 100 ${list}; plan cannot compare them all`);

  const stacks = config.stacks ?? {};
  const addons = config.addons ?? {};
  const apps = config.apps ?? {};
  const groups = config.user_groups ?? {};
  const stackKnown = (name: string) => name in stacks || live.stacks.has(name);
  const groupKnown = (name: string) => name in groups || live.groups.has(name);
  const stackNameOf = (id: string) => [...live.stacks.values()].find((s) => s.id === id)?.name ?? id;

  for (const [name, g] of Object.entries(groups)) {
    const current = live.groups.get(name);
    if (!current) {
      plan.actions.push({
        action: "create_user_group",
        target: name,
        params: { name, ...(g.description !== undefined ? { description: g.description } : {}) },
      });
    } else if (g.description !== undefined && g.description !== (current.description ?? undefined)) {
      plan.unsupported.push({
        resource: `user group ${name}`,
        field: "description",
        live: current.description,
        wanted: g.description,
        reason: "user groups cannot be changed through MCP after creation",
      });
    }
  }

  for (const [name, s] of Object.entries(stacks)) planStack(plan, name, s, live);

  for (const [name, a] of Object.entries(addons)) {
    if (!stackKnown(a.stack)) {
      plan.problems.push(`addons.${name}.stack: no stack named "${a.stack}" in the file or live`);
      continue;
    }
    const current = live.addons.get(name);
    if (!current) {
      plan.actions.push(
        a.kind === "DATABASE"
          ? {
              action: "create_database",
              target: name,
              params: {
                name,
                stack: a.stack,
                ...(a.version !== undefined ? { version: a.version } : {}),
                ...(a.storage_gb !== undefined ? { storageGb: a.storage_gb } : {}),
              },
            }
          : {
              action: "create_storage",
              target: name,
              params: {
                name,
                stack: a.stack,
                ...(a.public_read !== undefined ? { publicRead: a.public_read } : {}),
              },
            },
      );
      continue;
    }
    const differs = (field: string, liveValue: unknown, wanted: unknown, reason: string) => {
      if (wanted !== undefined && wanted !== liveValue)
        plan.unsupported.push({ resource: `add-on ${name}`, field, live: liveValue, wanted, reason });
    };
    const fixed = "add-ons cannot be changed through MCP (resize or settings: use the dashboard)";
    differs("kind", current.kind, a.kind, fixed);
    differs("stack", stackNameOf(current.stackId), a.stack, fixed);
    if (a.kind === "DATABASE" && current.kind === "DATABASE") {
      differs("version", current.version, a.version, fixed);
      differs("storage_gb", current.storageGb, a.storage_gb, fixed);
    }
    if (a.kind === "STORAGE" && current.kind === "STORAGE")
      differs("public_read", current.publicRead, a.public_read, fixed);
  }

  const links: Action[] = [];
  const auths: Action[] = [];
  for (const [name, app] of Object.entries(apps)) {
    if (!stackKnown(app.stack)) {
      plan.problems.push(`apps.${name}.stack: no stack named "${app.stack}" in the file or live`);
      continue;
    }
    const current = live.apps.get(name);
    if (!current) plan.actions.push(createApp(name, app));
    else compareApp(plan, name, app, current, stackNameOf(current.stackId));
    const injected = planLinks(plan, links, name, app, current, config, live);
    planEnv(plan, name, app, current, injected);
    if (app.auth) planAuth(plan, auths, name, app.auth, current, groupKnown);
  }
  plan.actions.push(...links, ...auths);

  for (const name of live.stacks.keys()) if (!(name in stacks)) plan.unmanaged.stacks.push(name);
  for (const name of live.addons.keys()) if (!(name in addons)) plan.unmanaged.addons.push(name);
  for (const name of live.apps.keys()) if (!(name in apps)) plan.unmanaged.apps.push(name);
  for (const name of live.groups.keys()) if (!(name in groups)) plan.unmanaged.user_groups.push(name);

  plan.actions.sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action));
  checkNewNames(plan);
  return plan;
}

/** The API's rules for names of new resources (live ones may be older and keep theirs). */
const NEW_NAME = /^[a-z][a-z0-9-]{2,39}$/;
const NEW_GROUP_NAME = /^[a-z][a-z0-9-]{1,39}$/;

/** A create the API would refuse for its name is a problem of the file, found before anything is applied. */
function checkNewNames(plan: Plan): void {
  for (const a of plan.actions) {
    if (!a.action.startsWith("create_")) continue;
    const group = a.action === "create_user_group";
    if ((group ? NEW_GROUP_NAME : NEW_NAME).test(a.target)) continue;
    const what = a.action.slice("create_".length).replace("_", " ");
    plan.problems.push(
      `${JSON.stringify(a.target)}: a new ${what} needs a name of ${group ? "2" : "3"}-40 lower-case letters, digits or dashes, starting with a letter (the API's rule; existing resources keep older names)`,
    );
  }
}

function planStack(plan: Plan, name: string, s: StackConfig, live: LiveState): void {
  const current = live.stacks.get(name);
  const tags = s.tags ? Object.entries(s.tags).map(([key, value]) => ({ key, value })) : undefined;
  if (!current) {
    plan.actions.push({
      action: "create_stack",
      target: name,
      params: {
        name,
        ...(s.description !== undefined ? { description: s.description } : {}),
        ...(s.region !== undefined ? { region: s.region } : {}),
        ...(s.instance_size !== undefined ? { instanceSize: s.instance_size } : {}),
        ...(s.min_instances !== undefined ? { minInstances: s.min_instances } : {}),
        ...(s.max_instances !== undefined ? { maxInstances: s.max_instances } : {}),
        ...(tags ? { tags } : {}),
      },
    });
    return;
  }
  if (s.region !== undefined && s.region !== current.region) {
    plan.unsupported.push({
      resource: `stack ${name}`,
      field: "region",
      live: current.region,
      wanted: s.region,
      reason: "a stack's region cannot change after creation",
    });
  }
  const changes: FieldChange[] = [];
  const compare = (field: string, from: unknown, to: unknown) => {
    if (to !== undefined && JSON.stringify(to) !== JSON.stringify(from)) changes.push({ field, from, to });
  };
  compare("description", current.description, s.description);
  compare("instanceSize", current.instanceSize, s.instance_size);
  compare("minInstances", current.minInstances, s.min_instances);
  compare("maxInstances", current.maxInstances, s.max_instances);
  if (s.tags !== undefined && !sameTags(current.tags, s.tags)) {
    changes.push({
      field: "tags",
      from: Object.entries(current.tags).map(([key, value]) => ({ key, value })),
      to: tags,
    });
  }
  if (changes.length === 0) return;
  plan.actions.push({
    action: "update_stack",
    target: name,
    params: { id: current.id, ...Object.fromEntries(changes.map((c) => [c.field, c.to])) },
    changes,
  });
}

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const sort = (t: Record<string, string>) =>
    JSON.stringify(Object.entries(t).sort(([x], [y]) => (x < y ? -1 : 1)));
  return sort(a) === sort(b);
}

function createApp(name: string, app: AppConfig): Action {
  return {
    action: "create_app",
    target: name,
    params: {
      name,
      stack: app.stack,
      framework: app.framework,
      ...(app.runtime !== undefined ? { runtime: app.runtime } : {}),
      ...(app.repository !== undefined
        ? { repository: { url: app.repository.url, branch: app.repository.branch ?? DEFAULT_BRANCH } }
        : {}),
      ...(app.build_command !== undefined ? { buildCommand: app.build_command } : {}),
      ...(app.start_command !== undefined ? { startCommand: app.start_command } : {}),
      ...(app.port !== undefined ? { port: app.port } : {}),
      ...(app.health_check_path !== undefined ? { healthCheckPath: app.health_check_path } : {}),
    },
  };
}

function compareApp(plan: Plan, name: string, app: AppConfig, live: LiveApp, liveStack: string): void {
  const reason = "app settings other than auth, env and links cannot be changed through MCP after creation";
  const differs = (field: string, liveValue: unknown, wanted: unknown) => {
    if (wanted !== undefined && JSON.stringify(wanted) !== JSON.stringify(liveValue))
      plan.unsupported.push({ resource: `app ${name}`, field, live: liveValue, wanted, reason });
  };
  differs("stack", liveStack, app.stack);
  differs("framework", live.framework, app.framework);
  differs("runtime", live.runtime, app.runtime);
  if (app.repository !== undefined) {
    differs("repository", live.repository, {
      url: app.repository.url,
      branch: app.repository.branch ?? DEFAULT_BRANCH,
    });
  }
  differs("build_command", live.buildCommand, app.build_command);
  differs("start_command", live.startCommand, app.start_command);
  differs("port", live.port, app.port);
  differs("health_check_path", live.healthCheckPath, app.health_check_path);
}

function linkOf(entry: AddonLinkConfig): { name: string; prefix: string | null } {
  return typeof entry === "string"
    ? { name: entry, prefix: null }
    : { name: entry.name, prefix: entry.env_prefix ?? null };
}

/** Link actions for one app; returns the env names its new links will inject. */
function planLinks(
  plan: Plan,
  links: Action[],
  appName: string,
  app: AppConfig,
  live: LiveApp | undefined,
  config: ProjectConfig,
  state: LiveState,
): string[] {
  const injected: string[] = [];
  const taken = new Set((live?.env ?? []).map((v) => v.name));
  const listed = new Set<string>();
  for (const entry of app.addons ?? []) {
    const { name, prefix } = linkOf(entry);
    listed.add(name);
    const kind = config.addons?.[name]?.kind ?? state.addons.get(name)?.kind;
    if (!kind) {
      plan.problems.push(`apps.${appName}.addons: no add-on named "${name}" in the file or live`);
      continue;
    }
    const existing = live?.links.find((l) => l.addonName === name);
    if (existing) {
      if (existing.envPrefix !== prefix) {
        plan.unsupported.push({
          resource: `app ${appName}`,
          field: `addons.${name}.env_prefix`,
          live: existing.envPrefix,
          wanted: prefix,
          reason: "links cannot be removed or changed through MCP",
        });
      }
      continue;
    }
    const names = injectedNames(kind, prefix);
    const clash = names.filter((n) => taken.has(n));
    if (clash.length > 0) {
      plan.problems.push(
        `apps.${appName}.addons: linking "${name}" would inject ${clash.join(", ")}, which the app already has; give the link an env_prefix`,
      );
      continue;
    }
    for (const n of names) taken.add(n);
    injected.push(...names);
    links.push({
      action: "link_addon",
      target: `${appName} -> ${name}`,
      params: { app: appName, addon: name, ...(prefix !== null ? { envPrefix: prefix } : {}) },
    });
  }
  for (const l of live?.links ?? []) {
    if (!listed.has(l.addonName)) plan.unmanaged.links.push(`${appName} -> ${l.addonName}`);
  }
  return injected;
}

function planEnv(
  plan: Plan,
  appName: string,
  app: AppConfig,
  live: LiveApp | undefined,
  injected: string[],
): void {
  const have = new Set([...(live?.env ?? []).map((v) => v.name), ...injected, "PORT"]);
  const missing = (app.env ?? []).filter((name) => !have.has(name));
  if (missing.length > 0) plan.needs_value.push({ app: appName, names: missing });
}

function planAuth(
  plan: Plan,
  auths: Action[],
  appName: string,
  auth: AuthConfig,
  live: LiveApp | undefined,
  groupKnown: (name: string) => boolean,
): void {
  const unknown = [...(auth.allowed_groups ?? []), ...ruleGroups(auth.rule)].filter((g) => !groupKnown(g));
  if (unknown.length > 0) {
    plan.problems.push(
      `apps.${appName}.auth: no user group named ${[...new Set(unknown)].map((g) => `"${g}"`).join(", ")} in the file or live`,
    );
    return;
  }
  const wanted = {
    visibility: auth.visibility,
    provider: auth.provider ?? DEFAULT_PROVIDER,
    allowedGroups: [...new Set(auth.allowed_groups ?? [])].sort(),
    rule: auth.rule ?? null,
    sessionTtlMinutes: auth.session_ttl_minutes ?? DEFAULT_TTL,
  };
  if (live?.auth && canonical(live.auth) === canonical(wanted)) return;
  const changes: FieldChange[] = [];
  if (live?.auth) {
    for (const field of Object.keys(wanted) as (keyof typeof wanted)[]) {
      if (canonical(live.auth[field]) !== canonical(wanted[field]))
        changes.push({ field, from: live.auth[field], to: wanted[field] });
    }
  }
  auths.push({
    action: "configure_auth",
    target: appName,
    params: { app: appName, ...wanted },
    ...(changes.length > 0 ? { changes } : {}),
  });
}

/** JSON with object keys sorted, so equal values always serialise (and hash) the same. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}
