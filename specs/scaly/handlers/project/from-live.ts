import type {
  AddonConfig,
  AddonLinkConfig,
  AppConfig,
  AuthConfig,
  LiveApp,
  LiveState,
  ProjectConfig,
  StackConfig,
} from "./model.js";

/**
 * Live state written as `.scaly/config.yaml` (scaly_pull): every stack, add-on, app and user group by name, env
 * names the user set (add-on and platform names come by themselves, and values never appear), and each app's
 * auth. Planning the result against the same live state finds nothing to do.
 */

export interface Pulled {
  config: ProjectConfig;
  /** Live state the file cannot express: scaly_pull refuses to write a file that would leave it out. */
  warnings: string[];
}

/**
 * Names the file format accepts (scaly://resources-schema): any name a live resource can have, including ones
 * older than today's creation rules (the seeded stack `ml`). Only control characters or more than 100 characters
 * cannot be written.
 */
export const FILE_NAME = /^[^\u0000-\u001f]{1,100}$/;
const NAME = FILE_NAME;
const GROUP_NAME = FILE_NAME;

export function configFromLive(state: LiveState): Pulled {
  const warnings: string[] = [];
  const live = expressible(state, warnings);
  const stackName = new Map([...live.stacks.values()].map((s) => [s.id, s.name]));
  const config: ProjectConfig = { version: 1, workspace: live.workspace.slug };

  if (live.groups.size > 0) {
    config.user_groups = Object.fromEntries(
      [...live.groups.values()].map((g) => [
        g.name,
        g.description !== null ? { description: g.description } : {},
      ]),
    );
  }
  if (live.stacks.size > 0) {
    config.stacks = Object.fromEntries(
      [...live.stacks.values()].map((s) => {
        const stack: StackConfig = {
          ...(s.description !== null ? { description: s.description } : {}),
          region: s.region,
          instance_size: s.instanceSize,
          min_instances: s.minInstances,
          max_instances: s.maxInstances,
          ...(Object.keys(s.tags).length > 0 ? { tags: { ...s.tags } } : {}),
        };
        return [s.name, stack];
      }),
    );
  }
  if (live.addons.size > 0) {
    config.addons = Object.fromEntries(
      [...live.addons.values()].map((a) => {
        const stack = stackName.get(a.stackId) ?? a.stackId;
        const addon: AddonConfig =
          a.kind === "DATABASE"
            ? {
                kind: "DATABASE",
                stack,
                engine: "POSTGRES",
                ...(a.version !== undefined ? { version: a.version } : {}),
                ...(a.storageGb !== undefined ? { storage_gb: a.storageGb } : {}),
              }
            : {
                kind: "STORAGE",
                stack,
                ...(a.publicRead !== undefined ? { public_read: a.publicRead } : {}),
              };
        return [a.name, addon];
      }),
    );
  }
  if (live.apps.size > 0) {
    config.apps = Object.fromEntries(
      [...live.apps.values()].map((a) => [a.name, appOf(a, stackName.get(a.stackId) ?? a.stackId, warnings)]),
    );
  }
  return { config, warnings };
}

/**
 * Live state minus what the file cannot name, each noted in `warnings` (scaly_pull then writes nothing and says
 * what it could not write), and everything that refers to it by that name.
 */
function expressible(live: LiveState, warnings: string[]): LiveState {
  const skip = (what: string, name: string, why: string) =>
    warnings.push(`${what} ${JSON.stringify(name)} cannot be written: ${why}`);
  const stacks = new Map(
    [...live.stacks].filter(
      ([name]) =>
        NAME.test(name) ||
        !skip(
          "stack",
          name,
          "its name does not fit the file format (1-100 characters, no control characters)",
        ),
    ),
  );
  const stackIds = new Set([...stacks.values()].map((s) => s.id));
  const onKept = (what: string, name: string, stackId: string) =>
    stackIds.has(stackId) || !skip(what, name, "it is on a stack left out");
  const addons = new Map(
    [...live.addons].filter(
      ([name, a]) =>
        (NAME.test(name) || !skip("add-on", name, "its name does not fit the file format")) &&
        onKept("add-on", name, a.stackId),
    ),
  );
  const apps = new Map(
    [...live.apps]
      .filter(
        ([name, a]) =>
          (NAME.test(name) || !skip("app", name, "its name does not fit the file format")) &&
          onKept("app", name, a.stackId),
      )
      .map(([name, a]) => {
        const links = a.links.filter(
          (l) => addons.has(l.addonName) || !skip(`link ${name} ->`, l.addonName, "that add-on is left out"),
        );
        return [name, { ...a, links }];
      }),
  );
  const groups = new Map(
    [...live.groups].filter(
      ([name]) => GROUP_NAME.test(name) || !skip("user group", name, "its name does not fit the file format"),
    ),
  );
  return { ...live, stacks, addons, apps, groups };
}

function appOf(a: LiveApp, stack: string, warnings: string[]): AppConfig {
  const addons: AddonLinkConfig[] = a.links.map((l) =>
    l.envPrefix ? { name: l.addonName, env_prefix: l.envPrefix } : l.addonName,
  );
  const env = a.env
    .filter((v) => v.source === "USER")
    .map((v) => v.name)
    .sort();
  const app: AppConfig = {
    stack,
    framework: a.framework,
    runtime: a.runtime,
    ...(a.repository ? { repository: { url: a.repository.url, branch: a.repository.branch } } : {}),
    ...(a.buildCommand !== null ? { build_command: a.buildCommand } : {}),
    ...(a.startCommand !== null ? { start_command: a.startCommand } : {}),
    port: a.port,
    health_check_path: a.healthCheckPath,
    ...(addons.length > 0 ? { addons } : {}),
    ...(env.length > 0 ? { env } : {}),
  };
  const auth = authOf(a, warnings);
  if (auth) app.auth = auth;
  return app;
}

function authOf(a: LiveApp, warnings: string[]): AuthConfig | undefined {
  const live = a.auth;
  if (!live) return undefined;
  if (live.visibility === "PUBLIC") {
    return { visibility: "PUBLIC", provider: live.provider, session_ttl_minutes: live.sessionTtlMinutes };
  }
  if (live.allowedGroups.length === 0 && !live.rule) {
    warnings.push(
      `app ${JSON.stringify(a.name)} cannot be written: it is PRIVATE with no allowed group or rule, which the file format cannot say (give it a group or rule with scaly_configure_auth, or make it PUBLIC)`,
    );
    return undefined;
  }
  return {
    visibility: "PRIVATE",
    provider: live.provider,
    ...(live.allowedGroups.length > 0 ? { allowed_groups: [...live.allowedGroups] } : {}),
    ...(live.rule ? { rule: live.rule } : {}),
    session_ttl_minutes: live.sessionTtlMinutes,
  };
}
