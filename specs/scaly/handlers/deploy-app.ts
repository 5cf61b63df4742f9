import type { CustomHandler } from "toolwright/catalog";
import type { ToolTypes } from "../../../generated/scaly/catalog.gen.js";

/**
 * scaly_deploy_app, as the seed describes it: "currently implemented as stack service restart". It reads which
 * stack the app runs on, then restarts only that app's service there (`restartStackServices` with one app id), so
 * it works against any Scaly API that has the restart operation; there is no deploy mutation behind it. Both calls
 * go through the catalog (internal tools), so policy and audit apply to each.
 *
 * The result is the seed's shape: `operation_id` is the deployment's own operation (its id is the deployment id,
 * `dep_...`), which scaly_wait_operation waits for.
 */

type Args = ToolTypes["scaly_deploy_app"]["input"];
type Output = ToolTypes["scaly_deploy_app"]["output"];

const deployApp: CustomHandler<Args, ToolTypes> = async (args, ctx) => {
  const app = await ctx.call("scaly_app_stack", { id: args.app_id });
  if (!app.ok) {
    return {
      data: null,
      ...(app.status !== undefined ? { status: app.status } : {}),
      error: app.error ?? { message: "reading the app failed", code: "error" },
    };
  }
  const restart = await ctx.call("scaly_restart_app_service", {
    stack_id: app.data.stackId,
    app_ids: [app.data.id],
  });
  if (!restart.ok) {
    return {
      data: null,
      ...(restart.status !== undefined ? { status: restart.status } : {}),
      error: restart.error ?? { message: "restarting the app's service failed", code: "error" },
    };
  }
  const deployment = restart.data.deployments.find((d) => d.appId === app.data.id);
  if (!deployment) {
    return {
      data: null,
      error: {
        message: `the restart of stack ${app.data.stackId} started no deployment for ${app.data.id}`,
        code: "upstream_error",
      },
    };
  }
  const out: Output = {
    operation_id: deployment.operationId,
    deployment_id: deployment.id,
    app_id: app.data.id,
    app_name: app.data.name,
    stack_id: app.data.stackId,
    status: deployment.status,
    trigger: "RESTART",
    parent_operation_id: restart.data.operation.id,
    next: `Wait with scaly_wait_operation (operation_id ${deployment.operationId}); do not report success before it SUCCEEDED.`,
  };
  return { data: out };
};

export default deployApp;
