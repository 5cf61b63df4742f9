import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import _addFormats from "ajv-formats";
import { parse } from "yaml";
// Imported, not read from disk at run time: compiled into the catalog, it travels with the handler.
import schema from "../../resources-schema.json" with { type: "json" };
import type { ProjectConfig } from "./model.js";

/**
 * Reading, validating and writing `.scaly/config.yaml` in the server's working directory. Validation uses the
 * very schema the catalog serves as scaly://resources-schema, so what an agent reads there is what is enforced.
 */

export const CONFIG_PATH = ".scaly/config.yaml";

// ajv-formats is CommonJS with a `default` property; under NodeNext the default import is the module object.
const addFormats = ((_addFormats as any).default ?? _addFormats) as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile<ProjectConfig>(schema);

/** A problem with the file; `problems` are short lines an agent can act on. */
export class ConfigFileError extends Error {
  constructor(
    message: string,
    readonly code: "config_missing" | "config_invalid",
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = "ConfigFileError";
  }
}

export function configFile(cwd: string): string {
  return join(cwd, CONFIG_PATH);
}

export async function readConfig(cwd: string): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await readFile(configFile(cwd), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ConfigFileError(
        `${CONFIG_PATH} does not exist in ${cwd}: write one (scaly://guides/build-plan, format scaly://resources-schema) or run scaly_pull`,
        "config_missing",
      );
    }
    throw new ConfigFileError(`${CONFIG_PATH} cannot be read`, "config_missing");
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new ConfigFileError(
      `${CONFIG_PATH} is not valid YAML${line ? ` (line ${line})` : ""}`,
      "config_invalid",
      [(error as Error).message.split("\n")[0] ?? "YAML error"],
    );
  }
  const problems = checkConfig(value);
  if (problems.length > 0) {
    throw new ConfigFileError(
      `${CONFIG_PATH} does not match scaly://resources-schema (${problems.length} problem${problems.length === 1 ? "" : "s"})`,
      "config_invalid",
      problems,
    );
  }
  return value as ProjectConfig;
}

/** Schema problems as `path: message` lines (empty when valid). */
export function checkConfig(value: unknown): string[] {
  if (validate(value)) return [];
  return dedupe((validate.errors ?? []).map(describe));
}

function describe(e: ErrorObject): string {
  const at = e.instancePath === "" ? "(top level)" : e.instancePath.slice(1).replace(/\//g, ".");
  if (e.keyword === "additionalProperties")
    return `${at}: unknown key ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
  if (e.keyword === "enum")
    return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
  return `${at}: ${e.message ?? e.keyword}`;
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)].slice(0, 20);
}

export async function configExists(cwd: string): Promise<boolean> {
  try {
    await readFile(configFile(cwd));
    return true;
  } catch {
    return false;
  }
}

/** Writes the file atomically (a temp file renamed over it), so a reader never sees half a config. */
export async function writeConfig(cwd: string, text: string): Promise<string> {
  const path = configFile(cwd);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, "utf8");
  await rename(temp, path);
  return path;
}
