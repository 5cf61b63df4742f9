import type { CustomHandler } from "toolwright/catalog";
import type { ToolTypes } from "../../../generated/scaly/catalog.gen.js";
import { CONFIG_PATH } from "./project/config-file.js";
import { isFailure, planOnce, summaryOf } from "./project/run.js";

/** scaly_plan: reads .scaly/config.yaml and live state, and says what scaly_apply would do, with plan_hash. */

type Args = ToolTypes["scaly_plan"]["input"];

const plan: CustomHandler<Args, ToolTypes> = async (_args, ctx) => {
  const run = await planOnce(ctx);
  if (isFailure(run)) return { data: null, error: run };
  const { plan: p, live, hash } = run;
  const todo = p.actions.length;
  const next =
    todo === 0
      ? p.needs_value.length > 0
        ? "Nothing to apply. Some env names need values: set them with scaly_set_env (secrets in the dashboard)."
        : "Nothing to apply: live state matches the file."
      : `Show these ${todo} action(s) to the user. Once they approve, call scaly_apply with this plan_hash and auto_approve: true.`;
  return {
    data: {
      plan_hash: hash,
      config_path: CONFIG_PATH,
      workspace: { slug: live.workspace.slug, revision: live.workspace.revision },
      actions: p.actions,
      needs_value: p.needs_value,
      unsupported: p.unsupported,
      unmanaged: p.unmanaged,
      summary: summaryOf(p),
      next,
    },
  };
};

export default plan;
