import type { CustomHandler } from "toolwright/catalog";
import type { ToolTypes } from "../../../generated/scaly/catalog.gen.js";

/**
 * scaly_diagnose_app: the app, its recent failed deployments, the latest failure in full (with the log excerpt
 * only scaly_get_deployment returns) and recent error logs, combined into findings and next steps. Every read
 * goes through the catalog's tools, so policy and audit see each of them; logs need a session token, and without
 * one the diagnosis still comes back, saying how to get logs.
 */

type Args = ToolTypes["scaly_diagnose_app"]["input"];
type Output = ToolTypes["scaly_diagnose_app"]["output"];

const FAILED_SHOWN = 5;
const LOG_WINDOW = "24h";
const LOG_LINES = 30;

const diagnoseApp: CustomHandler<Args, ToolTypes> = async (args, ctx) => {
  const app = await ctx.call("scaly_get_app", { id: args.app_id });
  if (!app.ok)
    return { data: null, error: app.error ?? { message: "reading the app failed", code: "error" } };
  const a = app.data;

  const failedList = await ctx.call("scaly_list_deployments", {
    first: FAILED_SHOWN,
    filter: { appId: a.id, status: ["FAILED"] },
  });
  const failed = failedList.ok ? failedList.data.deployments : [];
  const newestFailed = failed[0];
  const full = newestFailed ? await ctx.call("scaly_get_deployment", { id: newestFailed.id }) : undefined;

  const latest = a.latestDeployment ?? null;
  const latestFailed = latest?.status === "FAILED";
  const healthy = a.status === "RUNNING" && !latestFailed;

  const out: Output = {
    app: {
      id: a.id,
      name: a.name,
      status: a.status,
      url: a.url ?? null,
      stack: { id: a.stack.id, name: a.stack.name, status: a.stack.status },
      envNames: a.envVars.map((v) => v.name).sort(),
    },
    healthy,
    latestDeployment: latest ? { id: latest.id, status: latest.status, createdAt: latest.createdAt } : null,
    failedDeployments: failed.map((d) => ({
      id: d.id,
      createdAt: d.createdAt,
      code: d.failure?.code ?? null,
      message: d.failure?.message ?? null,
    })),
    failure: null,
    errorLogs: { available: false },
    findings: [],
    next: [],
  };
  if (full?.ok && full.data.failure) {
    out.failure = {
      deploymentId: full.data.id,
      code: full.data.failure.code,
      message: full.data.failure.message,
      hint: full.data.failure.hint ?? null,
      logExcerpt: full.data.failure.logExcerpt,
    };
  }

  const logs = await ctx.call("scaly_get_logs", {
    app_id: a.id,
    level: "error",
    since: LOG_WINDOW,
    limit: LOG_LINES,
  });
  if (logs.ok) {
    out.errorLogs = {
      available: true,
      entries: logs.data.entries.map((e) => ({
        timestamp: e.timestamp,
        source: e.source,
        message: e.message,
        ...(e.deploymentId ? { deploymentId: e.deploymentId } : {}),
      })),
    };
  } else {
    out.errorLogs = {
      available: false,
      reason:
        logs.error?.code === "missing_credentials"
          ? "no session token: run `scaly auth login` (npx -y @occam-scaly/scaly-cli auth login) or set SCALY_OIDC_TOKEN to include error logs"
          : `logs could not be read: ${logs.error?.message ?? "unknown error"}`,
    };
  }

  describe(out, a.stack.status);
  return { data: out };
};

function describe(out: Output, stackStatus: string): void {
  const { app, failure } = out;
  const latest = out.latestDeployment;
  out.findings.push(
    `App ${app.name} is ${app.status}${latest ? `; its latest deployment ${latest.id} is ${latest.status}` : "; it was never deployed"}.`,
  );
  if (stackStatus !== "ACTIVE") out.findings.push(`Its stack ${app.stack?.name} is ${stackStatus}.`);
  if (failure) {
    out.findings.push(`Deployment ${failure.deploymentId} failed with ${failure.code}: ${failure.message}`);
    if (failure.hint) out.findings.push(`Hint: ${failure.hint}`);
    if (latest && latest.status !== "FAILED" && latest.id !== failure.deploymentId) {
      out.findings.push(`A later deployment (${latest.id}) is ${latest.status}.`);
    }
  }
  if (out.errorLogs.available) {
    const n = out.errorLogs.entries?.length ?? 0;
    out.findings.push(
      n === 0 ? "No error log lines in the last 24 hours." : `${n} error log line(s) in the last 24 hours.`,
    );
  }
  if (out.healthy) {
    out.next.push("Nothing to fix: the app is running and its latest deployment did not fail.");
    return;
  }
  if (failure) {
    out.next.push(
      failure.hint
        ? `Apply the hint: ${failure.hint}`
        : "Read the log excerpt and error logs, and fix the cause (env var, port, health check path, crash on start).",
      `Then scaly_retry_deployment with deploymentId ${failure.deploymentId}, and scaly_wait_operation until it is SUCCEEDED.`,
    );
  } else if (app.status === "CREATED") {
    out.next.push("Deploy it: scaly_deploy_app, then scaly_wait_operation.");
  } else {
    out.next.push("Check scaly_get_logs (source app) and scaly_get_deployment for the latest deployment.");
  }
}

export default diagnoseApp;
