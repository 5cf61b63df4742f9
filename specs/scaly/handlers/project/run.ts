import { createHash } from "node:crypto";
import type { HandlerContext } from "toolwright/catalog";
import type { ToolTypes } from "../../../../generated/scaly/catalog.gen.js";
import { CONFIG_PATH, ConfigFileError, readConfig } from "./config-file.js";
import { canonical, computePlan } from "./diff.js";
import { LiveStateError, readLiveState } from "./live.js";
import type { LiveState, Plan, ProjectConfig } from "./model.js";

/**
 * One planning pass: the file, live state, the plan, and its hash. The hash covers the file's content, the
 * workspace id and revision (which moves on every control-plane change) and the plan itself, so scaly_apply can
 * prove statelessly, on any replica, that nothing moved since the plan it was given: it plans again and compares.
 */

export const PLAN_FORMAT = "scaly-plan/1";

export interface PlanRun {
  config: ProjectConfig;
  live: LiveState;
  plan: Plan;
  hash: string;
}

export type PlanFailure = { message: string; code: string; details?: unknown };

export async function planOnce(ctx: HandlerContext<ToolTypes>): Promise<PlanRun | PlanFailure> {
  let config: ProjectConfig;
  try {
    config = await readConfig(ctx.cwd);
  } catch (error) {
    if (error instanceof ConfigFileError)
      return {
        message: error.message,
        code: error.code,
        ...(error.problems.length > 0 ? { details: { problems: error.problems } } : {}),
      };
    throw error;
  }
  let live: LiveState;
  try {
    live = await readLiveState(ctx);
  } catch (error) {
    if (error instanceof LiveStateError) return { message: error.message, code: error.code };
    throw error;
  }
  const plan = computePlan(config, live);
  if (plan.problems.length > 0) {
    return {
      message: `${CONFIG_PATH} cannot be planned: ${plan.problems[0]}${plan.problems.length > 1 ? ` (and ${plan.problems.length - 1} more)` : ""}`,
      code: "config_invalid",
      details: { problems: plan.problems },
    };
  }
  return { config, live, plan, hash: planHash(config, live, plan) };
}

export function planHash(config: ProjectConfig, live: LiveState, plan: Plan): string {
  const { problems: _problems, ...parts } = plan;
  const bound = {
    format: PLAN_FORMAT,
    workspace: { id: live.workspace.id, revision: live.workspace.revision },
    config,
    plan: parts,
  };
  return createHash("sha256").update(canonical(bound)).digest("hex");
}

export function isFailure(result: PlanRun | PlanFailure): result is PlanFailure {
  return "code" in result && "message" in result && !("plan" in result);
}

export function summaryOf(plan: Plan): Record<string, number> {
  const summary: Record<string, number> = { actions: plan.actions.length };
  for (const a of plan.actions) summary[a.action] = (summary[a.action] ?? 0) + 1;
  summary.needs_value = plan.needs_value.reduce((n, e) => n + e.names.length, 0);
  summary.unsupported = plan.unsupported.length;
  summary.unmanaged = Object.values(plan.unmanaged).reduce((n, list) => n + list.length, 0);
  return summary;
}
