import type { GraphQLFieldResolver } from "graphql";
import { apiError } from "./errors.js";
import type { GraphqlContext } from "./graphql.js";
import type {
  AddonRec,
  AppRec,
  AppUserRec,
  DeploymentRec,
  JobRec,
  JobRunRec,
  OperationRec,
  StackRec,
  UserGroupRec,
} from "./model.js";
import { connection } from "./paging.js";
import type { Store } from "./store.js";
import { injectedNames } from "./store.js";

type Resolver = GraphQLFieldResolver<any, GraphqlContext, any>;
type Args = Record<string, any>;

const DAY = 86_400_000;

function byCreated<T extends { createdAt: number }>(
  items: Iterable<T>,
  direction: "ASC" | "DESC" = "ASC",
): T[] {
  const sign = direction === "ASC" ? 1 : -1;
  return [...items].sort((a, b) => sign * (a.createdAt - b.createdAt));
}

function matchString(value: string, filter: Args): boolean {
  if (filter.eq != null) return value === filter.eq;
  if (filter.contains != null) return value.includes(filter.contains);
  if (filter.startsWith != null) return value.startsWith(filter.startsWith);
  if (filter.in != null) return (filter.in as string[]).includes(value);
  return true;
}

/** `AppFilter` is recursive: siblings AND together, `and`/`or`/`not` nest. */
function matchApp(app: AppRec, f: Args): boolean {
  if (f.and && !(f.and as Args[]).every((x) => matchApp(app, x))) return false;
  if (f.or && !(f.or as Args[]).some((x) => matchApp(app, x))) return false;
  if (f.not && matchApp(app, f.not)) return false;
  if (f.name && !matchString(app.name, f.name)) return false;
  if (f.stackId != null && app.stackId !== f.stackId) return false;
  if (f.status != null && app.status !== f.status) return false;
  if (f.framework != null && app.framework !== f.framework) return false;
  if (f.visibility != null && app.visibility !== f.visibility) return false;
  return true;
}

function findNode(store: Store, id: string): unknown {
  if (id === store.workspace.id) return store.workspace;
  return (
    store.stacks.get(id) ??
    store.apps.get(id) ??
    store.addons.get(id) ??
    store.jobs.get(id) ??
    store.jobRuns.get(id) ??
    store.deployments.get(id) ??
    store.engine.get(id) ??
    store.groups.get(id) ??
    store.users.get(id) ??
    null
  );
}

const opOf = (store: Store, id: string): OperationRec => store.operation(id);

function latestDeployment(store: Store, appId: string): DeploymentRec | null {
  return store.deploymentsOf(appId)[0] ?? null;
}

function envVarList(app: AppRec) {
  // Values never leave the store: copy only the metadata.
  return [...app.env.values()]
    .map(({ name, source, addonId, updatedAt }) => ({ name, source, addonId, updatedAt }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function appsAllowing(store: Store, group: UserGroupRec): AppRec[] {
  return [...store.apps.values()].filter(
    (a) =>
      a.auth.allowedGroupIds.includes(group.id) ||
      JSON.stringify(a.auth.rule ?? null).includes(`"${group.id}"`),
  );
}

function statusOverview(store: Store) {
  const now = Date.now();
  const deployments = [...store.deployments.values()];
  const statusOf = (d: DeploymentRec) => opOf(store, d.id).status;
  const running = byCreated(
    deployments.filter((d) => ["PENDING", "RUNNING"].includes(statusOf(d))),
    "DESC",
  );
  const failed = byCreated(
    deployments.filter((d) => statusOf(d) === "FAILED" && d.createdAt > now - DAY),
    "DESC",
  );
  const apps = [...store.apps.values()];
  const active = [...store.engine.operations.values()].filter((op) => store.engine.isActive(op));
  return {
    workspace: store.workspace,
    health: apps.some((a) => a.status === "FAILED") || failed.length > 0 ? "DEGRADED" : "OK",
    counts: {
      stacks: store.stacks.size,
      apps: apps.length,
      addons: store.addons.size,
      jobs: store.jobs.size,
      runningDeployments: running.length,
      failedDeployments24h: failed.length,
    },
    stacks: byCreated(store.stacks.values()).map((s) => ({
      id: s.id,
      name: s.name,
      region: s.region,
      status: s.status,
      apps: store.appsOnStack(s.id).map((a) => {
        const latest = latestDeployment(store, a.id);
        return {
          id: a.id,
          name: a.name,
          status: a.status,
          url: a.url,
          latestDeploymentId: latest?.id ?? null,
          latestDeploymentStatus: latest ? statusOf(latest) : null,
        };
      }),
    })),
    runningDeployments: running,
    recentFailedDeployments: failed,
    activeOperations: byCreated(active, "DESC"),
    generatedAt: now,
  };
}

const Query: Record<string, Resolver> = {
  workspace: (_s, _a, { store }) => store.workspace,
  status: (_s, _a, { store }) => statusOverview(store),
  apps: (_s, args: Args, { store }) => {
    const filtered = [...store.apps.values()].filter((a) => (args.filter ? matchApp(a, args.filter) : true));
    const order = args.orderBy ?? { field: "NAME", direction: "ASC" };
    const sign = order.direction === "DESC" ? -1 : 1;
    const key = (a: AppRec) =>
      order.field === "CREATED_AT" ? a.createdAt : order.field === "UPDATED_AT" ? a.updatedAt : a.name;
    filtered.sort((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return connection(filtered, args);
  },
  app: (_s, { id }: Args, { store }) => store.apps.get(id) ?? null,
  stacks: (_s, args: Args, { store }) =>
    connection(
      byCreated(store.stacks.values()).filter((s) => !args.status || s.status === args.status),
      args,
    ),
  stack: (_s, { id }: Args, { store }) => store.stacks.get(id) ?? null,
  addons: (_s, args: Args, { store }) => {
    const f = args.filter ?? {};
    const linked = f.appId ? new Set(store.addonsOfApp(f.appId).map((a) => a.id)) : null;
    const items = byCreated(store.addons.values()).filter(
      (a) =>
        (!f.kind || a.kind === f.kind) &&
        (!f.stackId || a.stackId === f.stackId) &&
        (!linked || linked.has(a.id)),
    );
    return connection(items, args);
  },
  addon: (_s, { id }: Args, { store }) => store.addons.get(id) ?? null,
  jobs: (_s, args: Args, { store }) =>
    connection(
      byCreated(store.jobs.values()).filter((j) => !args.appId || j.appId === args.appId),
      args,
    ),
  job: (_s, { id }: Args, { store }) => store.jobs.get(id) ?? null,
  jobRun: (_s, { id }: Args, { store }) => store.jobRuns.get(id) ?? null,
  deployments: (_s, args: Args, { store }) => {
    const f = args.filter ?? {};
    const items = byCreated(store.deployments.values(), "DESC").filter(
      (d) =>
        (!f.appId || d.appId === f.appId) &&
        (!f.stackId || d.stackId === f.stackId) &&
        (!f.status || (f.status as string[]).includes(opOf(store, d.id).status)) &&
        (f.since == null || d.createdAt >= f.since),
    );
    return connection(items, args);
  },
  deployment: (_s, { id }: Args, { store }) => store.deployments.get(id) ?? null,
  operation: (_s, { id }: Args, { store }) => store.engine.get(id) ?? null,
  operationEvents: (_s, args: Args, { store }) => {
    const op = store.engine.get(args.operationId);
    if (!op) throw apiError("NOT_FOUND", `Operation ${args.operationId} not found`, { id: args.operationId });
    return connection(
      op.events.filter((e) => args.since == null || e.at >= args.since),
      args,
      500,
    );
  },
  envVars: (_s, { appId }: Args, { store }) => envVarList(store.app(appId)),
  userGroups: (_s, args: Args, { store }) => connection(byCreated(store.groups.values()), args),
  userGroup: (_s, { id }: Args, { store }) => store.groups.get(id) ?? null,
  appUsers: (_s, args: Args, { store }) => {
    const q = typeof args.search === "string" ? args.search.toLowerCase() : null;
    const items = [...store.users.values()]
      .filter((u) => !q || u.email.toLowerCase().includes(q) || (u.name ?? "").toLowerCase().includes(q))
      .sort((a, b) => a.email.localeCompare(b.email));
    return connection(items, args);
  },
  node: (_s, { id }: Args, { store }) => findNode(store, id),
};

const Mutation: Record<string, Resolver> = {
  createStack: (_s, { input }: Args, { store }) => store.createStack(input),
  updateStack: (_s, { input }: Args, { store }) =>
    store.updateStack(input.id, input.patch, input.dryRun === true),
  deleteStack: (_s, { input }: Args, { store }) => store.deleteStack(input.id, input.dryRun === true),
  createApp: (_s, { input }: Args, { store }) => store.createApp(input),
  createDatabase: (_s, { input }: Args, { store }) => store.createAddon("DATABASE", input),
  createStorage: (_s, { input }: Args, { store }) => store.createAddon("STORAGE", input),
  linkAddon: (_s, { input }: Args, { store }) => store.linkAddon(input),
  configureAuth: (_s, { input }: Args, { store }) => store.configureAuth(input),
  setEnvVars: (_s, { input }: Args, { store }) => store.setEnvVars(input),
  restartStackServices: (_s, { input }: Args, { store }) =>
    store.restartStackServices(input.stackId, input.appIds ?? []),
  retryDeployment: (_s, { input }: Args, { store }) => store.retryDeployment(input.deploymentId),
  runJob: (_s, { input }: Args, { store }) =>
    store.runJob(input.jobId, input.args ?? [], input.timeoutSeconds),
  createUserGroup: (_s, { input }: Args, { store }) => store.createUserGroup(input.name, input.description),
  deleteUserGroup: (_s, { input }: Args, { store }) => store.deleteUserGroup(input.id),
  inviteUserGroupUsers: (_s, { input }: Args, { store }) => store.inviteUsers(input.groupId, input.emails),
  addUsersToGroup: (_s, { input }: Args, { store }) => store.addUsersToGroup(input.groupId, input.users),
  removeUsersFromGroup: (_s, { input }: Args, { store }) =>
    store.removeUsersFromGroup(input.groupId, input.users),
};

const addonFields: Record<string, Resolver> = {
  linkedApps: (a: AddonRec, _args, { store }) => store.appsOfAddon(a.id),
  envVarNames: (a: AddonRec) => injectedNames(a, null),
};

export const controlPlaneResolvers: Record<string, Record<string, Resolver>> = {
  Query,
  Mutation,
  Stack: {
    size: (s: StackRec) => s.instanceSize.toLowerCase(),
    apps: (s: StackRec, args: Args, { store }) => connection(byCreated(store.appsOnStack(s.id)), args),
    addons: (s: StackRec, _a, { store }) =>
      byCreated(store.addons.values()).filter((a) => a.stackId === s.id),
    usage: (s: StackRec, { window }: Args) => {
      if (s.metricsUnavailable) {
        throw apiError(
          "UNAVAILABLE",
          `Usage metrics for stack ${s.name} are still being backfilled; retry later`,
        );
      }
      const base = s.instanceSize.length * 7;
      return { window, cpuPercent: base + 3.5, memoryPercent: base + 12.25, instances: s.minInstances };
    },
  },
  App: {
    stack: (a: AppRec, _args, { store }) => store.stack(a.stackId),
    domain: (a: AppRec) => (a.url ? new URL(a.url).host : null),
    envVars: (a: AppRec) => envVarList(a),
    addons: (a: AppRec, _args, { store }) => store.addonsOfApp(a.id),
    addonLinks: (a: AppRec, _args, { store }) =>
      store.links
        .filter((l) => l.appId === a.id)
        .flatMap((l) => {
          const addon = store.addons.get(l.addonId);
          return addon
            ? [
                {
                  addon,
                  envPrefix: l.envPrefix,
                  envVarNames: injectedNames(addon, l.envPrefix),
                  linkedAt: l.linkedAt,
                },
              ]
            : [];
        }),
    jobs: (a: AppRec, _args, { store }) => byCreated(store.jobs.values()).filter((j) => j.appId === a.id),
    latestDeployment: (a: AppRec, _args, { store }) => latestDeployment(store, a.id),
    deployments: (a: AppRec, args: Args, { store }) =>
      connection(
        store.deploymentsOf(a.id).filter((d) => !args.status || opOf(store, d.id).status === args.status),
        args,
      ),
  },
  AppAuthConfig: {
    allowedGroups: (auth: AppRec["auth"], _args, { store }) =>
      auth.allowedGroupIds.flatMap((id) => store.groups.get(id) ?? []),
    rule: (auth: AppRec["auth"]) => (auth.rule == null ? null : auth.rule),
  },
  DatabaseAddon: {
    ...addonFields,
    usedMb: (a: AddonRec) => Math.round((a.id.length * 3.7 + 40) * 100) / 100,
  },
  StorageAddon: {
    ...addonFields,
    objectCount: (a: AddonRec, _args, { store }) => store.buckets.get(a.id)?.size ?? 0,
    sizeBytes: (a: AddonRec, _args, { store }) =>
      [...(store.buckets.get(a.id)?.values() ?? [])].reduce((sum, o) => sum + o.bytes.length, 0),
  },
  Job: {
    app: (j: JobRec, _args, { store }) => store.app(j.appId),
    lastRun: (j: JobRec, _args, { store }) =>
      byCreated(store.jobRuns.values(), "DESC").find((r) => r.jobId === j.id) ?? null,
    runs: (j: JobRec, args: Args, { store }) =>
      connection(
        byCreated(store.jobRuns.values(), "DESC").filter((r) => r.jobId === j.id),
        args,
      ),
  },
  JobRun: {
    job: (r: JobRunRec, _args, { store }) => store.jobs.get(r.jobId),
    status: (r: JobRunRec, _args, { store }) => opOf(store, r.operationId).status,
    startedAt: (r: JobRunRec, _args, { store }) => opOf(store, r.operationId).startedAt,
    finishedAt: (r: JobRunRec, _args, { store }) => opOf(store, r.operationId).finishedAt,
  },
  Deployment: {
    app: (d: DeploymentRec, _args, { store }) => store.app(d.appId),
    status: (d: DeploymentRec, _args, { store }) => opOf(store, d.id).status,
    state: (d: DeploymentRec, _args, { store }) => opOf(store, d.id).status.toLowerCase(),
    operationId: (d: DeploymentRec) => d.id,
    operation: (d: DeploymentRec, _args, { store }) => opOf(store, d.id),
    retryOf: (d: DeploymentRec, _args, { store }) =>
      d.retryOfId ? store.deployments.get(d.retryOfId) : null,
    failure: (d: DeploymentRec, _args, { store }) =>
      opOf(store, d.id).status === "FAILED" ? d.plannedFailure : null,
    startedAt: (d: DeploymentRec, _args, { store }) => opOf(store, d.id).startedAt,
    finishedAt: (d: DeploymentRec, _args, { store }) => opOf(store, d.id).finishedAt,
  },
  Operation: {
    target: (op: OperationRec, _args, { store }) => {
      const target = findNode(store, op.targetId) as { __typename?: string } | null;
      const allowed = ["Stack", "App", "DatabaseAddon", "StorageAddon", "Deployment", "JobRun"];
      return target && allowed.includes(target.__typename ?? "") ? target : null;
    },
    events: (op: OperationRec, args: Args) => connection(op.events, args, 500),
  },
  AppUser: {
    groups: (u: AppUserRec, _args, { store }) =>
      byCreated(store.groups.values()).filter((g) => g.memberIds.includes(u.id)),
  },
  UserGroup: {
    memberCount: (g: UserGroupRec) => g.memberIds.length,
    members: (g: UserGroupRec, args: Args, { store }) =>
      connection(
        g.memberIds.flatMap((id) => store.users.get(id) ?? []),
        args,
      ),
    apps: (g: UserGroupRec, _args, { store }) => appsAllowing(store, g),
  },
};
