import { apiError } from "./errors.js";
import { newId, shortSha } from "./ids.js";
import type {
  AddonRec,
  AppRec,
  AppUserRec,
  AuthProvider,
  DeploymentRec,
  EnvVarRec,
  FailureRec,
  InstanceSize,
  JobRec,
  JobRunRec,
  LinkRec,
  LogRec,
  OperationRec,
  StackRec,
  StoredObject,
  Tag,
  UserGroupRec,
  Visibility,
  WorkspaceRec,
} from "./model.js";
import { OperationEngine } from "./operations.js";

export const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1"];
export const DATABASE_ENV = ["DATABASE_URL"];
export const STORAGE_ENV = [
  "STORAGE_BUCKET",
  "STORAGE_ENDPOINT",
  "STORAGE_ACCESS_KEY_ID",
  "STORAGE_SECRET_ACCESS_KEY",
];
const SLUG = /^[a-z][a-z0-9-]{2,39}$/;
const GROUP_NAME = /^[a-z][a-z0-9-]{1,39}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const ENV_PREFIX = /^[A-Z][A-Z0-9_]*[A-Z0-9]$|^[A-Z]$/;
const RUNTIMES: Record<string, string> = {
  NEXTJS: "node20",
  EXPRESS: "node20",
  FASTAPI: "python3.12",
  DJANGO: "python3.12",
  FLASK: "python3.12",
  RAILS: "ruby3.3",
  STATIC: "static",
  DOCKER: "docker",
  OTHER: "docker",
};

export interface StackInput {
  name: string;
  description?: string | null;
  region?: string | null;
  instanceSize?: InstanceSize | null;
  minInstances?: number | null;
  maxInstances?: number | null;
  tags?: Tag[] | null;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/**
 * The Scaly workspace: every record, the operation engine, logs and buckets. Control-plane rules (validation,
 * conflicts, effects of mutations) live here, independent of GraphQL, so the data plane shares the same state.
 */
export class Store {
  readonly engine: OperationEngine;
  workspace!: WorkspaceRec;
  readonly stacks = new Map<string, StackRec>();
  readonly apps = new Map<string, AppRec>();
  readonly addons = new Map<string, AddonRec>();
  links: LinkRec[] = [];
  readonly jobs = new Map<string, JobRec>();
  readonly jobRuns = new Map<string, JobRunRec>();
  readonly deployments = new Map<string, DeploymentRec>();
  readonly users = new Map<string, AppUserRec>();
  readonly groups = new Map<string, UserGroupRec>();
  readonly logs: LogRec[] = [];
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  private logSeq = 0;

  constructor(
    stepMs: number,
    readonly requestedBy = "api-key:reference",
  ) {
    this.engine = new OperationEngine(stepMs);
  }

  tick(now = Date.now()): void {
    this.engine.tick(now);
  }

  private changed(): void {
    this.workspace.revision += 1;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lookups
  // -------------------------------------------------------------------------------------------------------------

  stack(id: string): StackRec {
    const stack = this.stacks.get(id);
    if (!stack) throw apiError("NOT_FOUND", `Stack ${id} not found`, { id });
    return stack;
  }

  app(id: string): AppRec {
    const app = this.apps.get(id);
    if (!app) throw apiError("NOT_FOUND", `App ${id} not found`, { id });
    return app;
  }

  addon(id: string): AddonRec {
    const addon = this.addons.get(id);
    if (!addon) throw apiError("NOT_FOUND", `Add-on ${id} not found`, { id });
    return addon;
  }

  group(id: string): UserGroupRec {
    const group = this.groups.get(id);
    if (!group) throw apiError("NOT_FOUND", `User group ${id} not found`, { id });
    return group;
  }

  operation(id: string): OperationRec {
    const op = this.engine.get(id);
    if (!op) throw new Error(`operation ${id} missing`);
    return op;
  }

  appsOnStack(stackId: string): AppRec[] {
    return [...this.apps.values()].filter((a) => a.stackId === stackId);
  }

  addonsOfApp(appId: string): AddonRec[] {
    return this.links.filter((l) => l.appId === appId).flatMap((l) => this.addons.get(l.addonId) ?? []);
  }

  appsOfAddon(addonId: string): AppRec[] {
    return this.links.filter((l) => l.addonId === addonId).flatMap((l) => this.apps.get(l.appId) ?? []);
  }

  /** The add-on the data plane uses for an app: its first linked add-on of that kind. */
  linkedAddon(appId: string, kind: AddonRec["kind"]): AddonRec | undefined {
    return this.addonsOfApp(appId).find((a) => a.kind === kind);
  }

  deploymentsOf(appId: string): DeploymentRec[] {
    return [...this.deployments.values()].filter((d) => d.appId === appId).sort(newestFirst);
  }

  userByEmail(email: string): AppUserRec | undefined {
    const wanted = email.toLowerCase();
    return [...this.users.values()].find((u) => u.email.toLowerCase() === wanted);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Stacks
  // -------------------------------------------------------------------------------------------------------------

  createStack(input: StackInput & { dryRun?: boolean | null }) {
    if (!SLUG.test(input.name)) {
      throw apiError("BAD_USER_INPUT", "Stack name must be 3-40 lower-case letters, digits or dashes", {
        field: "name",
      });
    }
    if ([...this.stacks.values()].some((s) => s.name === input.name)) {
      throw apiError("CONFLICT", `A stack named ${input.name} already exists`, { field: "name" });
    }
    if (this.stacks.size >= this.workspace.limits.maxStacks) {
      throw apiError(
        "FAILED_PRECONDITION",
        `Workspace limit of ${this.workspace.limits.maxStacks} stacks reached`,
      );
    }
    const region = input.region ?? this.workspace.region;
    if (!REGIONS.includes(region)) {
      throw apiError("BAD_USER_INPUT", `Unknown region ${region}; one of ${REGIONS.join(", ")}`, {
        field: "region",
      });
    }
    const minInstances = input.minInstances ?? 1;
    const maxInstances = input.maxInstances ?? 1;
    checkScaling(minInstances, maxInstances);
    const now = Date.now();
    const stack: StackRec = {
      __typename: "Stack",
      id: newId("stk"),
      name: input.name,
      description: input.description ?? null,
      region,
      status: "PROVISIONING",
      instanceSize: input.instanceSize ?? "SMALL",
      minInstances,
      maxInstances,
      tags: input.tags ?? [],
      createdAt: now,
      updatedAt: now,
    };
    const changes: FieldChange[] = (
      ["name", "description", "region", "instanceSize", "minInstances", "maxInstances", "tags"] as const
    ).map((field) => ({ field, from: null, to: stack[field] }));
    if (input.dryRun) return { stack: null, operation: null, dryRun: true, changes };
    this.stacks.set(stack.id, stack);
    this.changed();
    const operation = this.engine.start({
      kind: "CREATE_STACK",
      targetId: stack.id,
      phases: [
        `Allocating ${stack.minInstances} ${stack.instanceSize} instance(s) in ${stack.region}`,
        "Configuring network and load balancer",
        "Registering stack",
      ],
      finish: () => {
        // A stack deleted while provisioning stays DELETING.
        if (stack.status === "PROVISIONING") stack.status = "ACTIVE";
        stack.updatedAt = Date.now();
        return { status: "SUCCEEDED", message: `Stack ${stack.name} is active` };
      },
    });
    return { stack, operation, dryRun: false, changes };
  }

  updateStack(id: string, patch: StackInput | Partial<StackInput>, dryRun: boolean) {
    const stack = this.stack(id);
    if (stack.status === "DELETING") throw apiError("FAILED_PRECONDITION", `Stack ${id} is being deleted`);
    if (patch.name != null && patch.name !== stack.name) {
      if (!SLUG.test(patch.name))
        throw apiError("BAD_USER_INPUT", "Invalid stack name", { field: "patch.name" });
      if ([...this.stacks.values()].some((s) => s.name === patch.name)) {
        throw apiError("CONFLICT", `A stack named ${patch.name} already exists`, { field: "patch.name" });
      }
    }
    checkScaling(patch.minInstances ?? stack.minInstances, patch.maxInstances ?? stack.maxInstances);
    const changes: FieldChange[] = [];
    for (const field of [
      "name",
      "description",
      "instanceSize",
      "minInstances",
      "maxInstances",
      "tags",
    ] as const) {
      const to = patch[field];
      if (to === undefined || to === null) continue;
      if (JSON.stringify(to) !== JSON.stringify(stack[field]))
        changes.push({ field, from: stack[field], to });
    }
    if (dryRun || changes.length === 0) return { stack, operation: null, dryRun, changes };
    for (const change of changes) Object.assign(stack, { [change.field]: change.to });
    stack.status = "UPDATING";
    stack.updatedAt = Date.now();
    this.changed();
    const operation = this.engine.start({
      kind: "UPDATE_STACK",
      targetId: stack.id,
      phases: [`Applying ${changes.map((c) => c.field).join(", ")}`, "Rolling instances", "Verifying"],
      finish: () => {
        if (stack.status === "UPDATING") stack.status = "ACTIVE";
        stack.updatedAt = Date.now();
        return { status: "SUCCEEDED", message: `Stack ${stack.name} updated` };
      },
    });
    return { stack, operation, dryRun: false, changes };
  }

  deleteStack(id: string, dryRun: boolean) {
    const stack = this.stack(id);
    if (stack.status === "DELETING") throw apiError("CONFLICT", `Stack ${id} is already being deleted`);
    const apps = this.appsOnStack(id);
    const addons = [...this.addons.values()].filter((a) => a.stackId === id);
    if (apps.length > 0 || addons.length > 0) {
      const names = [...apps.map((a) => `app ${a.name}`), ...addons.map((a) => `add-on ${a.name}`)];
      throw apiError("FAILED_PRECONDITION", `Stack ${stack.name} still hosts ${names.join(", ")}`, {
        appIds: apps.map((a) => a.id),
        addonIds: addons.map((a) => a.id),
      });
    }
    if (dryRun) return { deletedStackId: id, stack, operation: null, dryRun: true };
    stack.status = "DELETING";
    stack.updatedAt = Date.now();
    this.changed();
    const operation = this.engine.start({
      kind: "DELETE_STACK",
      targetId: stack.id,
      phases: ["Draining instances", "Releasing network", "Removing stack"],
      finish: () => {
        this.stacks.delete(stack.id);
        return { status: "SUCCEEDED", message: `Stack ${stack.name} deleted` };
      },
    });
    return { deletedStackId: id, stack, operation, dryRun: false };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Apps, env, auth
  // -------------------------------------------------------------------------------------------------------------

  createApp(input: {
    stackId: string;
    name: string;
    framework: string;
    runtime?: string | null;
    repository?: { url: string; branch?: string | null } | null;
    repo?: string | null;
    buildCommand?: string | null;
    startCommand?: string | null;
    port?: number | null;
    healthCheckPath?: string | null;
    visibility?: Visibility | null;
  }) {
    const stack = this.stack(input.stackId);
    if (stack.status === "DELETING")
      throw apiError("FAILED_PRECONDITION", `Stack ${stack.id} is being deleted`);
    if (!SLUG.test(input.name)) {
      throw apiError("BAD_USER_INPUT", "App name must be 3-40 lower-case letters, digits or dashes", {
        field: "name",
      });
    }
    if ([...this.apps.values()].some((a) => a.name === input.name)) {
      throw apiError("CONFLICT", `An app named ${input.name} already exists`, { field: "name" });
    }
    if (this.apps.size >= this.workspace.limits.maxApps) {
      throw apiError(
        "FAILED_PRECONDITION",
        `Workspace limit of ${this.workspace.limits.maxApps} apps reached`,
      );
    }
    const port = input.port ?? 8080;
    if (port < 1 || port > 65535) throw apiError("BAD_USER_INPUT", "port must be 1-65535", { field: "port" });
    const now = Date.now();
    const repository = input.repository
      ? { url: input.repository.url, branch: input.repository.branch ?? "main" }
      : input.repo
        ? { url: input.repo, branch: "main" }
        : null;
    const app: AppRec = {
      __typename: "App",
      id: newId("app"),
      name: input.name,
      stackId: stack.id,
      framework: input.framework,
      runtime: input.runtime ?? RUNTIMES[input.framework] ?? "docker",
      status: "CREATED",
      visibility: input.visibility ?? "PUBLIC",
      url: null,
      repository,
      buildCommand: input.buildCommand ?? null,
      startCommand: input.startCommand ?? null,
      port,
      healthCheckPath: input.healthCheckPath ?? "/",
      auth: {
        visibility: input.visibility ?? "PUBLIC",
        provider: "SCALY_SSO",
        allowedGroupIds: [],
        rule: null,
        sessionTtlMinutes: 720,
        updatedAt: now,
      },
      env: new Map([["PORT", platformVar("PORT", String(port), now)]]),
      requiredEnv: [],
      createdAt: now,
      updatedAt: now,
    };
    this.apps.set(app.id, app);
    this.changed();
    const operation = this.engine.start({
      kind: "CREATE_APP",
      targetId: app.id,
      phases: [`Creating service ${app.name} on stack ${stack.name}`, "Configuring routing"],
      finish: () => ({
        status: "SUCCEEDED",
        message: `App ${app.name} created; restart its service to deploy it`,
      }),
    });
    return { app, operation };
  }

  setEnvVars(input: {
    appId: string;
    variables?: Array<{ name: string; value: string }> | null;
    unset?: string[] | null;
    restart?: boolean | null;
  }) {
    const app = this.app(input.appId);
    const variables = input.variables ?? [];
    const unset = input.unset ?? [];
    const seen = new Set<string>();
    for (const { name, value } of variables) {
      if (!ENV_NAME.test(name) || name.startsWith("SCALY_")) {
        const rule = "upper-case letters, digits, underscores; not SCALY_*";
        throw apiError("BAD_USER_INPUT", `Invalid env var name ${name}: ${rule}`, { field: "variables" });
      }
      if (seen.has(name)) throw apiError("BAD_USER_INPUT", `${name} is listed twice`, { field: "variables" });
      seen.add(name);
      if (value.length > 32_768) throw apiError("BAD_USER_INPUT", `Value of ${name} exceeds 32 KiB`);
    }
    for (const name of [...seen, ...unset]) {
      const existing = app.env.get(name);
      if (existing && existing.source !== "USER") {
        const owner = existing.source === "ADDON" ? `add-on ${existing.addonId}` : "the platform";
        throw apiError("FAILED_PRECONDITION", `${name} is managed by ${owner} and cannot be changed`, {
          name,
        });
      }
      if (unset.includes(name) && seen.has(name)) {
        throw apiError("BAD_USER_INPUT", `${name} is both set and unset`, { name });
      }
    }
    const now = Date.now();
    for (const { name, value } of variables) {
      app.env.set(name, { name, value, source: "USER", addonId: null, updatedAt: now });
    }
    const unsetNames = unset.filter((name) => app.env.delete(name));
    app.updatedAt = now;
    this.changed();
    const deployment = input.restart ? this.startDeployment(app, "CONFIG_CHANGE", "Env vars changed") : null;
    return {
      app,
      names: [...app.env.keys()].sort(),
      setNames: [...seen],
      unsetNames,
      deployment,
    };
  }

  configureAuth(input: {
    appId: string;
    visibility: Visibility;
    provider?: AuthProvider | null;
    allowedGroupIds?: string[] | null;
    rule?: unknown;
    sessionTtlMinutes?: number | null;
  }) {
    const app = this.app(input.appId);
    const groupIds = input.allowedGroupIds ?? [];
    for (const id of groupIds) this.group(id);
    for (const id of ruleGroups(input.rule)) this.group(id);
    if (input.visibility === "PUBLIC" && (groupIds.length > 0 || input.rule)) {
      throw apiError("BAD_USER_INPUT", "allowedGroupIds and rule apply to PRIVATE apps only");
    }
    if (input.visibility === "PRIVATE" && groupIds.length === 0 && !input.rule) {
      throw apiError(
        "BAD_USER_INPUT",
        "A PRIVATE app needs allowedGroupIds or a rule, or nobody can sign in",
      );
    }
    const ttl = input.sessionTtlMinutes ?? 720;
    if (ttl < 5 || ttl > 43_200) throw apiError("BAD_USER_INPUT", "sessionTtlMinutes must be 5-43200");
    const now = Date.now();
    app.visibility = input.visibility;
    app.auth = {
      visibility: input.visibility,
      provider: input.provider ?? "SCALY_SSO",
      allowedGroupIds: [...new Set(groupIds)],
      rule: input.rule ?? null,
      sessionTtlMinutes: ttl,
      updatedAt: now,
    };
    app.updatedAt = now;
    this.changed();
    return { app, auth: app.auth };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Add-ons
  // -------------------------------------------------------------------------------------------------------------

  createAddon(
    kind: AddonRec["kind"],
    input: {
      stackId: string;
      name: string;
      version?: string | null;
      storageGb?: number | null;
      publicRead?: boolean | null;
      linkAppIds?: string[] | null;
    },
  ) {
    const stack = this.stack(input.stackId);
    if (stack.status === "DELETING")
      throw apiError("FAILED_PRECONDITION", `Stack ${stack.id} is being deleted`);
    if (!SLUG.test(input.name)) throw apiError("BAD_USER_INPUT", "Invalid add-on name", { field: "name" });
    if ([...this.addons.values()].some((a) => a.name === input.name)) {
      throw apiError("CONFLICT", `An add-on named ${input.name} already exists`, { field: "name" });
    }
    if (this.addons.size >= this.workspace.limits.maxAddons) {
      throw apiError(
        "FAILED_PRECONDITION",
        `Workspace limit of ${this.workspace.limits.maxAddons} add-ons reached`,
      );
    }
    const linkApps = (input.linkAppIds ?? []).map((id) => this.app(id));
    const now = Date.now();
    const addon: AddonRec =
      kind === "DATABASE"
        ? {
            __typename: "DatabaseAddon",
            id: newId("add"),
            name: input.name,
            kind,
            status: "PROVISIONING",
            stackId: stack.id,
            createdAt: now,
            engine: "POSTGRES",
            version: checkVersion(input.version ?? "16"),
            storageGb: checkStorage(input.storageGb ?? 10),
          }
        : {
            __typename: "StorageAddon",
            id: newId("add"),
            name: input.name,
            kind,
            status: "PROVISIONING",
            stackId: stack.id,
            createdAt: now,
            bucketName: `${this.workspace.slug}-${input.name}-${newId("b").slice(2, 6)}`,
            publicRead: input.publicRead ?? false,
          };
    for (const app of linkApps) this.checkLinkable(app, addon, null);
    this.addons.set(addon.id, addon);
    for (const app of linkApps) this.link(app, addon, null);
    this.changed();
    const what = kind === "DATABASE" ? `Postgres ${addon.version}, ${addon.storageGb} GB` : "bucket";
    const operation = this.engine.start({
      kind: kind === "DATABASE" ? "CREATE_DATABASE" : "CREATE_STORAGE",
      targetId: addon.id,
      phases: [
        `Provisioning ${what} on stack ${stack.name}`,
        "Creating credentials",
        "Checking connectivity",
      ],
      finish: () => {
        addon.status = "AVAILABLE";
        return { status: "SUCCEEDED", message: `Add-on ${addon.name} is available` };
      },
    });
    return { addon, operation };
  }

  linkAddon(input: { appId: string; addonId: string; envPrefix?: string | null }) {
    const app = this.app(input.appId);
    const addon = this.addon(input.addonId);
    const prefix = input.envPrefix ?? null;
    if (prefix !== null && !ENV_PREFIX.test(prefix)) {
      throw apiError("BAD_USER_INPUT", "envPrefix must be upper-case letters, digits, underscores", {
        field: "envPrefix",
      });
    }
    this.checkLinkable(app, addon, prefix);
    const names = this.link(app, addon, prefix);
    this.changed();
    const operation = this.engine.start({
      kind: "LINK_ADDON",
      targetId: app.id,
      phases: [`Granting ${app.name} access to ${addon.name}`, `Injecting ${names.join(", ")}`],
      finish: () => ({
        status: "SUCCEEDED",
        message: `Linked ${addon.name} to ${app.name}; deploy to apply`,
      }),
    });
    return { app, addon, envVarNames: names, operation };
  }

  private checkLinkable(app: AppRec, addon: AddonRec, prefix: string | null): void {
    if (this.links.some((l) => l.appId === app.id && l.addonId === addon.id)) {
      throw apiError("CONFLICT", `Add-on ${addon.name} is already linked to ${app.name}`);
    }
    for (const name of injectedNames(addon, prefix)) {
      if (app.env.has(name)) {
        throw apiError("CONFLICT", `${app.name} already has ${name}; link with an envPrefix`, { name });
      }
    }
  }

  link(app: AppRec, addon: AddonRec, prefix: string | null, now = Date.now()): string[] {
    this.links.push({ appId: app.id, addonId: addon.id, envPrefix: prefix, linkedAt: now });
    const names = injectedNames(addon, prefix);
    for (const name of names) {
      app.env.set(name, {
        name,
        value: secretValue(addon, name),
        source: "ADDON",
        addonId: addon.id,
        updatedAt: now,
      });
    }
    return names;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Deployments and jobs
  // -------------------------------------------------------------------------------------------------------------

  restartStackServices(stackId: string, appIds: string[]) {
    const stack = this.stack(stackId);
    const onStack = this.appsOnStack(stackId);
    for (const id of appIds) {
      const app = this.app(id);
      if (app.stackId !== stackId) {
        throw apiError("BAD_USER_INPUT", `App ${id} runs on stack ${app.stackId}, not ${stackId}`);
      }
    }
    const targets = appIds.length > 0 ? onStack.filter((a) => appIds.includes(a.id)) : onStack;
    if (targets.length === 0) throw apiError("FAILED_PRECONDITION", `Stack ${stack.name} runs no apps`);
    for (const app of targets) this.checkDeployable(app);
    const parentId = newId("op");
    const deployments = targets.map((app) =>
      this.startDeployment(app, "RESTART", `Restart of stack ${stack.name}`, { parentId }),
    );
    const operation = this.engine.start({
      id: parentId,
      kind: "RESTART_SERVICES",
      targetId: stack.id,
      phases: [
        `Restarting ${targets.map((a) => a.name).join(", ")}`,
        "Waiting for new instances",
        "Health checks",
      ],
      finish: () => {
        const failed = deployments.filter((d) => this.operation(d.id).status === "FAILED");
        if (failed.length === 0)
          return { status: "SUCCEEDED", message: `Restarted ${targets.length} service(s)` };
        const message = `${failed.length} of ${targets.length} service(s) failed: ${failed.map((d) => d.id).join(", ")}`;
        return { status: "FAILED", message, error: { code: "RESTART_FAILED", message } };
      },
    });
    return { stack, operation, deployments };
  }

  retryDeployment(deploymentId: string) {
    const previous = this.deployments.get(deploymentId);
    if (!previous) throw apiError("NOT_FOUND", `Deployment ${deploymentId} not found`, { id: deploymentId });
    const status = this.operation(previous.id).status;
    if (status !== "FAILED" && status !== "CANCELLED") {
      throw apiError(
        "FAILED_PRECONDITION",
        `Deployment ${deploymentId} is ${status}; only FAILED or CANCELLED retry`,
      );
    }
    const app = this.app(previous.appId);
    this.checkDeployable(app);
    const deployment = this.startDeployment(app, "RETRY", `Retry of ${previous.id}`, {
      retryOfId: previous.id,
    });
    return { deployment, operation: this.operation(deployment.id) };
  }

  private checkDeployable(app: AppRec): void {
    const stack = this.stack(app.stackId);
    if (stack.status === "PROVISIONING" || stack.status === "DELETING") {
      throw apiError(
        "FAILED_PRECONDITION",
        `Stack ${stack.name} is ${stack.status}; wait for its operation`,
        {
          stackId: stack.id,
        },
      );
    }
  }

  startDeployment(
    app: AppRec,
    trigger: DeploymentRec["trigger"],
    message: string | null,
    opts: { parentId?: string; retryOfId?: string } = {},
  ): DeploymentRec {
    const stack = this.stack(app.stackId);
    const missing = app.requiredEnv.filter((name) => !app.env.has(name));
    const sha = shortSha();
    const deployment: DeploymentRec = {
      __typename: "Deployment",
      id: newId("dep"),
      appId: app.id,
      stackId: stack.id,
      trigger,
      commitSha: app.repository ? sha : null,
      message,
      requestedBy: this.requestedBy,
      retryOfId: opts.retryOfId ?? null,
      plannedFailure: missing.length > 0 ? crashFailure(app, missing) : null,
      createdAt: Date.now(),
    };
    this.deployments.set(deployment.id, deployment);
    const log = (at: number, source: LogRec["source"], level: LogRec["level"], text: string) =>
      this.log({ appId: app.id, timestamp: at, source, level, message: text, deploymentId: deployment.id });
    this.engine.start({
      id: deployment.id,
      kind: "DEPLOY_APP",
      targetId: deployment.id,
      parentId: opts.parentId ?? null,
      phases: [
        `Building ${app.name}${deployment.commitSha ? ` at ${deployment.commitSha}` : ""}`,
        `Starting ${stack.minInstances} instance(s) on stack ${stack.name}`,
        `Health check on ${app.healthCheckPath}`,
      ],
      onPhase: (i, at) => {
        if (i === 0) {
          app.status = "DEPLOYING";
          log(at, "build", "info", `Building image with ${app.runtime} buildpack`);
        } else if (i === 1) {
          log(
            at,
            "build",
            "info",
            `Image built: registry.scalyapps.io/${this.workspace.slug}/${app.name}:${sha}`,
          );
          log(at, "deploy", "info", `Starting ${stack.minInstances} ${stack.instanceSize} instance(s)`);
        } else {
          log(at, "deploy", "info", `Waiting for ${app.healthCheckPath} on port ${app.port}`);
        }
      },
      finish: (at) => {
        const failure = deployment.plannedFailure;
        if (failure) {
          for (const line of failure.logExcerpt) log(at, "app", "error", line);
          log(at, "deploy", "error", failure.message);
          const hadRelease = this.deploymentsOf(app.id).some(
            (d) => this.operation(d.id).status === "SUCCEEDED",
          );
          if (hadRelease) log(at, "deploy", "warn", "Rolled back: the previous release keeps serving");
          app.status = "FAILED";
          return {
            status: "FAILED",
            message: failure.message,
            error: { code: failure.code, message: failure.message },
          };
        }
        log(at, "deploy", "info", `Health check passed on ${app.healthCheckPath}`);
        log(at, "app", "info", `Listening on 0.0.0.0:${app.port}`);
        app.status = "RUNNING";
        app.url ??= `https://${app.name}-${this.workspace.slug}.scalyapps.io`;
        return { status: "SUCCEEDED", message: `Deployment of ${app.name} succeeded` };
      },
    });
    return deployment;
  }

  runJob(jobId: string, args: string[], timeoutSeconds?: number | null) {
    const job = this.jobs.get(jobId);
    if (!job) throw apiError("NOT_FOUND", `Job ${jobId} not found`, { id: jobId });
    if (!job.enabled) throw apiError("FAILED_PRECONDITION", `Job ${job.name} is disabled`);
    const timeout = timeoutSeconds ?? job.timeoutSeconds;
    if (timeout < 1 || timeout > 86_400) throw apiError("BAD_USER_INPUT", "timeoutSeconds must be 1-86400");
    const app = this.app(job.appId);
    const missing = app.requiredEnv.filter((name) => !app.env.has(name));
    const run: JobRunRec = {
      __typename: "JobRun",
      id: newId("run"),
      jobId: job.id,
      args,
      trigger: "API",
      operationId: "",
      exitCode: null,
      createdAt: Date.now(),
    };
    const command = [job.command, ...args].join(" ");
    const log = (at: number, level: LogRec["level"], text: string) =>
      this.log({ appId: app.id, timestamp: at, source: "job", level, message: text, jobRunId: run.id });
    const operation = this.engine.start({
      kind: "RUN_JOB",
      targetId: run.id,
      phases: [`Starting ${job.name}: ${command}`, "Running"],
      onPhase: (i, at) => log(at, "info", i === 0 ? `$ ${command}` : `[${job.name}] working...`),
      finish: (at) => {
        if (missing.length > 0) {
          const failure = crashFailure(app, missing);
          for (const line of failure.logExcerpt) log(at, "error", line);
          run.exitCode = 1;
          return {
            status: "FAILED",
            message: `Job ${job.name} exited with code 1`,
            error: { code: "EXIT_1", message: failure.message },
          };
        }
        log(at, "info", `[${job.name}] done`);
        run.exitCode = 0;
        return { status: "SUCCEEDED", message: `Job ${job.name} exited with code 0` };
      },
    });
    run.operationId = operation.id;
    this.jobRuns.set(run.id, run);
    return { run, operation };
  }

  // -------------------------------------------------------------------------------------------------------------
  // App users and groups
  // -------------------------------------------------------------------------------------------------------------

  createUserGroup(name: string, description?: string | null) {
    if (!GROUP_NAME.test(name)) {
      throw apiError("BAD_USER_INPUT", "Group name must be 2-40 lower-case letters, digits or dashes", {
        field: "name",
      });
    }
    if ([...this.groups.values()].some((g) => g.name === name)) {
      throw apiError("CONFLICT", `A user group named ${name} already exists`, { field: "name" });
    }
    const group: UserGroupRec = {
      __typename: "UserGroup",
      id: newId("grp"),
      name,
      description: description ?? null,
      memberIds: [],
      createdAt: Date.now(),
    };
    this.groups.set(group.id, group);
    this.changed();
    return { group };
  }

  deleteUserGroup(id: string) {
    this.group(id);
    this.groups.delete(id);
    const affectedAppIds: string[] = [];
    for (const app of this.apps.values()) {
      if (app.auth.allowedGroupIds.includes(id)) {
        app.auth.allowedGroupIds = app.auth.allowedGroupIds.filter((g) => g !== id);
        affectedAppIds.push(app.id);
      }
    }
    this.changed();
    return { deletedUserGroupId: id, affectedAppIds };
  }

  inviteUsers(groupId: string, emails: string[]) {
    const group = this.group(groupId);
    const invited: AppUserRec[] = [];
    const existing: AppUserRec[] = [];
    for (const email of new Set(emails.map((e) => e.toLowerCase()))) {
      let user = this.userByEmail(email);
      if (user) existing.push(user);
      else {
        user = {
          __typename: "AppUser",
          id: newId("usr"),
          email,
          name: null,
          status: "INVITED",
          invitedAt: Date.now(),
          lastSignInAt: null,
        };
        this.users.set(user.id, user);
        invited.push(user);
      }
      if (!group.memberIds.includes(user.id)) group.memberIds.push(user.id);
    }
    this.changed();
    return { group, invited, existing };
  }

  resolveUsers(refs: Array<{ id?: string | null; email?: string | null }>): AppUserRec[] {
    return refs.map((ref) => {
      const user = ref.id ? this.users.get(ref.id) : ref.email ? this.userByEmail(ref.email) : undefined;
      if (!user) {
        const who = ref.id ?? ref.email ?? "?";
        throw apiError(
          "NOT_FOUND",
          `App user ${who} not found; invite them first with inviteUserGroupUsers`,
          {
            user: who,
          },
        );
      }
      return user;
    });
  }

  addUsersToGroup(groupId: string, refs: Array<{ id?: string | null; email?: string | null }>) {
    const group = this.group(groupId);
    for (const user of this.resolveUsers(refs))
      if (!group.memberIds.includes(user.id)) group.memberIds.push(user.id);
    this.changed();
    return { group };
  }

  removeUsersFromGroup(groupId: string, refs: Array<{ id?: string | null; email?: string | null }>) {
    const group = this.group(groupId);
    const ids = new Set(this.resolveUsers(refs).map((u) => u.id));
    group.memberIds = group.memberIds.filter((id) => !ids.has(id));
    this.changed();
    return { group };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Logs
  // -------------------------------------------------------------------------------------------------------------

  log(entry: Omit<LogRec, "id">): void {
    this.logSeq += 1;
    this.logs.push({ id: `log_${this.logSeq.toString(36).padStart(6, "0")}`, ...entry });
  }
}

function newestFirst(a: { createdAt: number }, b: { createdAt: number }): number {
  return b.createdAt - a.createdAt;
}

function checkScaling(min: number, max: number): void {
  if (min < 1 || max > 20 || min > max) {
    throw apiError("BAD_USER_INPUT", "Need 1 <= minInstances <= maxInstances <= 20", {
      field: "minInstances",
    });
  }
}

function checkVersion(version: string): string {
  if (!["14", "15", "16"].includes(version))
    throw apiError("BAD_USER_INPUT", "Postgres version must be 14, 15 or 16");
  return version;
}

function checkStorage(gb: number): number {
  if (gb < 1 || gb > 1024) throw apiError("BAD_USER_INPUT", "storageGb must be 1-1024");
  return gb;
}

export function injectedNames(addon: AddonRec, prefix: string | null): string[] {
  const base = addon.kind === "DATABASE" ? DATABASE_ENV : STORAGE_ENV;
  return base.map((name) => (prefix ? `${prefix}_${name}` : name));
}

function secretValue(addon: AddonRec, name: string): string {
  const secret = newId("s").slice(2);
  if (name.endsWith("DATABASE_URL"))
    return `postgres://app:${secret}@${addon.id}.db.scalyapps.internal:5432/app`;
  if (name.endsWith("STORAGE_BUCKET")) return addon.bucketName ?? addon.name;
  if (name.endsWith("STORAGE_ENDPOINT")) return "https://storage.scalyapps.io";
  return secret;
}

export function platformVar(name: string, value: string, now: number): EnvVarRec {
  return { name, value, source: "PLATFORM", addonId: null, updatedAt: now };
}

function ruleGroups(rule: unknown): string[] {
  if (!rule || typeof rule !== "object") return [];
  const r = rule as Record<string, unknown>;
  const nested = [r.allOf, r.anyOf].flatMap((list) => (Array.isArray(list) ? list : []));
  return [
    ...(typeof r.group === "string" ? [r.group] : []),
    ...nested.flatMap(ruleGroups),
    ...ruleGroups(r.not),
  ];
}

/** How an app with unset required env fails: the crash its runtime would print, then the health check. */
export function crashFailure(app: AppRec, missing: string[]): FailureRec {
  const logExcerpt = app.crashLog
    ? ["Traceback (most recent call last):", app.crashLog, "[ERROR] Worker failed to boot."]
    : [`Error: required environment variable ${missing[0]} is not set`];
  return {
    code: "HEALTH_CHECK_FAILED",
    message: `Container exited with code 1 before passing the health check on ${app.healthCheckPath}`,
    hint: `Set ${missing.join(", ")} with setEnvVars (scaly_set_env), then deploy again.`,
    logExcerpt,
  };
}
