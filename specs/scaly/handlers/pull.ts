import type { CustomHandler } from "toolwright/catalog";
import { stringify } from "yaml";
import type { ToolTypes } from "../../../generated/scaly/catalog.gen.js";
import { CONFIG_PATH, checkConfig, configExists, writeConfig } from "./project/config-file.js";
import { configFromLive } from "./project/from-live.js";
import { LiveStateError, readLiveState } from "./project/live.js";

/**
 * scaly_pull: writes `.scaly/config.yaml` from live state. An existing file is replaced only on request, and
 * the result is checked against scaly://resources-schema before anything is written.
 */

type Args = ToolTypes["scaly_pull"]["input"];

const pull: CustomHandler<Args, ToolTypes> = async (args, ctx) => {
  const exists = await configExists(ctx.cwd);
  if (exists && args.overwrite !== true) {
    return {
      data: null,
      error: {
        message: `${CONFIG_PATH} already exists; call scaly_pull with overwrite: true to replace it (its edits are lost), or scaly_plan to compare it with live state`,
        code: "config_exists",
      },
    };
  }
  let live: Awaited<ReturnType<typeof readLiveState>>;
  try {
    live = await readLiveState(ctx);
  } catch (error) {
    if (error instanceof LiveStateError)
      return { data: null, error: { message: error.message, code: error.code } };
    throw error;
  }
  if (live.truncated.length > 0) {
    return {
      data: null,
      error: {
        message: `the workspace has more than 100 ${live.truncated.join(", ")}; pull would leave some out, so nothing was written`,
        code: "too_many_resources",
      },
    };
  }
  const { config, warnings } = configFromLive(live);
  if (warnings.length > 0) {
    // Never a partial file: what it left out would look unmanaged to scaly_plan, or be lost on apply.
    return {
      data: null,
      error: {
        message: `${CONFIG_PATH} was not written: live state has ${warnings.length} thing(s) the file cannot express: ${warnings.join("; ")}`,
        code: "not_expressible",
        details: { cannot_write: warnings },
      },
    };
  }
  const problems = checkConfig(config);
  if (problems.length > 0) {
    return {
      data: null,
      error: {
        message: "live state cannot be written as a valid config file; nothing was written",
        code: "config_invalid",
        details: { problems },
      },
    };
  }
  const header = [
    `# .scaly/config.yaml: written by scaly_pull from workspace ${live.workspace.slug} (revision ${live.workspace.revision}).`,
    "# Format: scaly://resources-schema. Env lists names only: values never go in this file.",
  ].join("\n");
  const yaml = `${header}\n${stringify(config, { lineWidth: 0 })}`;
  await writeConfig(ctx.cwd, yaml);
  const count = (o: object | undefined) => Object.keys(o ?? {}).length;
  return {
    data: {
      path: CONFIG_PATH,
      written: true,
      replaced: exists,
      workspace: live.workspace.slug,
      counts: {
        stacks: count(config.stacks),
        addons: count(config.addons),
        apps: count(config.apps),
        user_groups: count(config.user_groups),
      },
      yaml,
      next: "Edit the file, then scaly_plan to see what scaly_apply would change.",
    },
  };
};

export default pull;
