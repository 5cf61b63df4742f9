import type { CustomHandler, HandlerCallResult, HandlerContext } from "toolwright/catalog";
import type { ToolTypes } from "../../../generated/scaly/catalog.gen.js";
import { ruleToApi } from "./project/live.js";
import type { AccessRuleConfig, Action, LiveState } from "./project/model.js";
import { isFailure, planOnce } from "./project/run.js";

/**
 * scaly_apply: plans again, and only when the new plan hashes to the plan_hash the user approved does it make any
 * change (so a moved workspace revision or an edited file changes nothing, on any replica, with no stored plan).
 * Each action is an ordinary tool call through the catalog (policy and audit apply to every write); stacks are
 * waited for before anything is placed on them; other operations are returned for the agent to wait on.
 */

type Args = ToolTypes["scaly_apply"]["input"];
type Output = ToolTypes["scaly_apply"]["output"];
type Ctx = HandlerContext<ToolTypes>;
type Applied = Output["applied"][number];
type Operation = Output["operations"][number];

/** How long apply waits for a stack in all, and per wait call (progress goes out between them). */
const STACK_WAIT_S = 900;
const STACK_WAIT_STEP_S = 20;

class StepFailed extends Error {
  constructor(
    readonly action: Action,
    readonly error: { message: string; code?: string },
  ) {
    super(error.message);
  }
}

const apply: CustomHandler<Args, ToolTypes> = async (args, ctx) => {
  if (args.auto_approve !== true) {
    return {
      data: null,
      error: {
        message:
          "scaly_apply changes live infrastructure: show the scaly_plan result to the user, and call again with auto_approve: true once they approve it. Nothing was changed.",
        code: "approval_required",
      },
    };
  }
  const run = await planOnce(ctx);
  if (isFailure(run)) return { data: null, error: run };
  if (run.hash !== args.plan_hash) {
    return {
      data: null,
      error: {
        message: `the plan is stale: .scaly/config.yaml or live state changed since that plan (the workspace is now at revision ${run.live.workspace.revision}). Nothing was changed; run scaly_plan again and review the new plan.`,
        code: "plan_stale",
      },
    };
  }

  const applied: Applied[] = [];
  const operations: Operation[] = [];
  const ids = idMaps(run.live);
  const pendingStacks: { op: string; target: string }[] = [];
  const actions = run.plan.actions;
  try {
    for (const [i, action] of actions.entries()) {
      if (action.action !== "create_stack" && action.action !== "update_stack" && pendingStacks.length > 0) {
        await waitForStacks(ctx, pendingStacks.splice(0), action, { done: i, total: actions.length });
      }
      await ctx.progress(i, actions.length, `${action.action} ${action.target}`);
      const done = await runAction(ctx, action, ids);
      applied.push(done.applied);
      if (done.operation) operations.push(done.operation);
      if (done.operation && (action.action === "create_stack" || action.action === "update_stack"))
        pendingStacks.push({ op: done.operation.id, target: action.target });
    }
    if (pendingStacks.length > 0)
      await waitForStacks(ctx, pendingStacks.splice(0), undefined, {
        done: actions.length,
        total: actions.length,
      });
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    return {
      data: {
        plan_hash: args.plan_hash,
        applied,
        operations,
        failed: { action: error.action.action, target: error.action.target, error: error.error },
        next: "Stopped at the failed action (the ones before it are done). Fix the cause, then scaly_plan again to see what remains.",
      },
      error: {
        message: `${error.action.action} ${error.action.target} failed: ${error.error.message}; ${applied.length} of ${actions.length} action(s) were applied before it`,
        code: "apply_failed",
      },
    };
  }
  await ctx.progress(actions.length, actions.length, "applied");
  for (const op of operations) {
    if (op.kind === "CREATE_STACK" || op.kind === "UPDATE_STACK") op.status = "SUCCEEDED";
  }
  const waiting = operations.filter((op) => op.status !== "SUCCEEDED").length;
  return {
    data: {
      plan_hash: args.plan_hash,
      applied,
      operations,
      needs_value: run.plan.needs_value,
      next:
        actions.length === 0
          ? "Nothing to apply: live state already matches the file."
          : `${waiting > 0 ? `Wait for the ${waiting} operation(s) still running (scaly_wait_operation), then deploy` : "Deploy"} the apps (scaly_deploy_app)${run.plan.needs_value.length > 0 ? " after setting the env values listed in needs_value (scaly_set_env; secrets in the dashboard)" : ""}; deploys are never implicit.`,
    },
  };
};

interface IdMaps {
  groups: Map<string, string>;
  stacks: Map<string, string>;
  addons: Map<string, string>;
  apps: Map<string, string>;
}

function idMaps(live: LiveState): IdMaps {
  const byName = <T extends { id: string }>(m: Map<string, T>) => new Map([...m].map(([n, v]) => [n, v.id]));
  return {
    groups: byName(live.groups),
    stacks: byName(live.stacks),
    addons: byName(live.addons),
    apps: byName(live.apps),
  };
}

function need(map: Map<string, string>, name: unknown, what: string, action: Action): string {
  const id = map.get(String(name));
  if (!id) throw new StepFailed(action, { message: `no ${what} named ${String(name)}`, code: "not_found" });
  return id;
}

function ok<T>(action: Action, result: HandlerCallResult<T>): T {
  if (!result.ok) throw new StepFailed(action, result.error ?? { message: "the call failed", code: "error" });
  return result.data;
}

function opOf(op: { id: string; kind: string; status: string } | null | undefined, target: string) {
  return op ? { id: op.id, kind: op.kind, status: op.status, target } : undefined;
}

async function runAction(
  ctx: Ctx,
  action: Action,
  ids: IdMaps,
): Promise<{ applied: Applied; operation?: Operation }> {
  const p = action.params as Record<string, any>;
  const base = { action: action.action, target: action.target };
  switch (action.action) {
    case "create_user_group": {
      const out = ok(
        action,
        await ctx.call("scaly_create_user_group", { name: p.name, description: p.description }),
      );
      ids.groups.set(p.name, out.group.id);
      return { applied: { ...base, id: out.group.id } };
    }
    case "create_stack": {
      const { name, description, region, instanceSize, minInstances, maxInstances, tags } = p;
      const out = ok(
        action,
        await ctx.call("scaly_create_stack", {
          name,
          description,
          region,
          instance_size: instanceSize,
          min_instances: minInstances,
          max_instances: maxInstances,
          tags,
          dry_run: false,
        }),
      );
      if (!out.stack) throw new StepFailed(action, { message: "the API created no stack", code: "error" });
      ids.stacks.set(name, out.stack.id);
      return withOp(base, out.stack.id, opOf(out.operation, action.target));
    }
    case "update_stack": {
      const { id, name, description, instanceSize, minInstances, maxInstances, tags } = p;
      const out = ok(
        action,
        await ctx.call("scaly_update_stack", {
          id,
          name,
          description,
          instance_size: instanceSize,
          min_instances: minInstances,
          max_instances: maxInstances,
          tags,
          dry_run: false,
        }),
      );
      return withOp(base, id, opOf(out.operation, action.target));
    }
    case "create_database": {
      const out = ok(
        action,
        await ctx.call("scaly_create_database", {
          stack_id: need(ids.stacks, p.stack, "stack", action),
          name: p.name,
          version: p.version,
          storage_gb: p.storageGb,
        }),
      );
      ids.addons.set(p.name, out.addon.id);
      return withOp(base, out.addon.id, opOf(out.operation, action.target));
    }
    case "create_storage": {
      const out = ok(
        action,
        await ctx.call("scaly_create_storage", {
          stack_id: need(ids.stacks, p.stack, "stack", action),
          name: p.name,
          public_read: p.publicRead,
        }),
      );
      ids.addons.set(p.name, out.addon.id);
      return withOp(base, out.addon.id, opOf(out.operation, action.target));
    }
    case "create_app": {
      const out = ok(
        action,
        await ctx.call("scaly_create_app", {
          stack_id: need(ids.stacks, p.stack, "stack", action),
          name: p.name,
          framework: p.framework,
          runtime: p.runtime,
          repository: p.repository,
          build_command: p.buildCommand,
          start_command: p.startCommand,
          port: p.port,
          health_check_path: p.healthCheckPath,
        }),
      );
      ids.apps.set(p.name, out.app.id);
      return withOp(base, out.app.id, opOf(out.operation, action.target));
    }
    case "link_addon": {
      const out = ok(
        action,
        await ctx.call("scaly_link_addon", {
          app_id: need(ids.apps, p.app, "app", action),
          addon_id: need(ids.addons, p.addon, "add-on", action),
          env_prefix: p.envPrefix,
        }),
      );
      return withOp(base, out.app.id, opOf(out.operation, action.target));
    }
    case "configure_auth": {
      const groupId = (name: string) => need(ids.groups, name, "user group", action);
      const rule = p.rule as AccessRuleConfig | null;
      const out = ok(
        action,
        await ctx.call("scaly_configure_auth", {
          app_id: need(ids.apps, p.app, "app", action),
          visibility: p.visibility,
          provider: p.provider,
          allowed_group_ids: (p.allowedGroups as string[]).map(groupId),
          ...(rule ? { rule: ruleToApi(rule, groupId) as never } : {}),
          session_ttl_minutes: p.sessionTtlMinutes,
        }),
      );
      return { applied: { ...base, id: out.app.id } };
    }
  }
}

function withOp(base: { action: string; target: string }, id: string, op: Operation | undefined) {
  return {
    applied: { ...base, id, ...(op ? { operationId: op.id } : {}) },
    ...(op ? { operation: op } : {}),
  };
}

/**
 * Stacks must be ACTIVE before add-ons and apps go on them. The wait goes in steps, with a progress notification
 * between them (between the last action's number and the next one's, so progress keeps increasing), so a client
 * that resets its request timeout on progress keeps waiting with us.
 */
async function waitForStacks(
  ctx: Ctx,
  pending: { op: string; target: string }[],
  next: Action | undefined,
  at: { done: number; total: number },
) {
  const deadline = Date.now() + STACK_WAIT_S * 1000;
  let ticks = 0;
  for (const { op, target } of pending) {
    let waited = await ctx.call("scaly_wait_operation", {
      operation_id: op,
      timeout_seconds: STACK_WAIT_STEP_S,
    });
    while (!waited.ok && waited.error?.code === "wait_timeout" && Date.now() < deadline) {
      ticks += 1;
      const state = (waited.data as { operation?: { status?: string; progress?: number } } | null)?.operation;
      await ctx.progress(
        at.done - 1 / (ticks + 1),
        at.total,
        `waiting for stack ${target} (${state?.status ?? "?"} ${state?.progress ?? 0}%)`,
      );
      waited = await ctx.call("scaly_wait_operation", {
        operation_id: op,
        timeout_seconds: STACK_WAIT_STEP_S,
      });
    }
    const status = waited.ok ? waited.data.operation.status : undefined;
    if (status !== "SUCCEEDED") {
      const failedAction: Action = next ?? { action: "create_stack", target, params: {} };
      throw new StepFailed(failedAction, {
        message: `stack ${target}'s operation ${op} did not succeed (${status ?? waited.error?.message ?? "unknown"})`,
        code: waited.error?.code ?? "stack_not_ready",
      });
    }
  }
}

export default apply;
