/**
 * `.scaly/config.yaml` as scaly_plan, scaly_apply and scaly_pull read it (its JSON Schema is
 * specs/scaly/resources-schema.json, served as scaly://resources-schema), and live state as they compare it.
 * Everything in the file is referenced by name; ids only exist on the live side.
 */

export interface StackConfig {
  description?: string;
  region?: string;
  instance_size?: string;
  min_instances?: number;
  max_instances?: number;
  tags?: Record<string, string>;
}

export interface AddonConfig {
  kind: "DATABASE" | "STORAGE";
  stack: string;
  engine?: "POSTGRES";
  version?: string;
  storage_gb?: number;
  public_read?: boolean;
}

export type AddonLinkConfig = string | { name: string; env_prefix?: string };

export interface AccessRuleConfig {
  group?: string;
  email?: string;
  email_domain?: string;
  all_of?: AccessRuleConfig[];
  any_of?: AccessRuleConfig[];
  not?: AccessRuleConfig;
}

export interface AuthConfig {
  visibility: "PUBLIC" | "PRIVATE";
  provider?: string;
  allowed_groups?: string[];
  rule?: AccessRuleConfig;
  session_ttl_minutes?: number;
}

export interface AppConfig {
  stack: string;
  framework: string;
  runtime?: string;
  repository?: { url: string; branch?: string };
  build_command?: string;
  start_command?: string;
  port?: number;
  health_check_path?: string;
  addons?: AddonLinkConfig[];
  env?: string[];
  auth?: AuthConfig;
}

export interface ProjectConfig {
  version: 1;
  workspace?: string;
  stacks?: Record<string, StackConfig>;
  addons?: Record<string, AddonConfig>;
  apps?: Record<string, AppConfig>;
  user_groups?: Record<string, { description?: string }>;
}

/** An access rule as the API takes it (`AccessRuleInput`): group ids, camelCase keys. */
export interface ApiRule {
  group?: string;
  email?: string;
  emailDomain?: string;
  allOf?: ApiRule[];
  anyOf?: ApiRule[];
  not?: ApiRule;
}

export interface LiveStack {
  id: string;
  name: string;
  description: string | null;
  region: string;
  status: string;
  instanceSize: string;
  minInstances: number;
  maxInstances: number;
  tags: Record<string, string>;
}

export interface LiveAddon {
  id: string;
  name: string;
  kind: "DATABASE" | "STORAGE";
  stackId: string;
  version?: string;
  storageGb?: number;
  publicRead?: boolean;
}

export interface LiveLink {
  addonId: string;
  addonName: string;
  envPrefix: string | null;
}

/** Auth in the file's terms: group names, and the rule with names (ids kept where no group matches). */
export interface LiveAuth {
  visibility: "PUBLIC" | "PRIVATE";
  provider: string;
  allowedGroups: string[];
  rule: AccessRuleConfig | null;
  sessionTtlMinutes: number;
}

export interface LiveApp {
  id: string;
  name: string;
  stackId: string;
  framework: string;
  runtime: string;
  repository: { url: string; branch: string } | null;
  buildCommand: string | null;
  startCommand: string | null;
  port: number;
  healthCheckPath: string;
  env: { name: string; source: string }[];
  links: LiveLink[];
  auth: LiveAuth | null;
}

export interface LiveGroup {
  id: string;
  name: string;
  description: string | null;
}

export interface LiveState {
  workspace: { id: string; slug: string; region: string; revision: number };
  stacks: Map<string, LiveStack>;
  addons: Map<string, LiveAddon>;
  apps: Map<string, LiveApp>;
  groups: Map<string, LiveGroup>;
  /** Lists longer than one page (plan would not see every resource). */
  truncated: string[];
}

export type ActionKind =
  | "create_user_group"
  | "create_stack"
  | "update_stack"
  | "create_database"
  | "create_storage"
  | "create_app"
  | "link_addon"
  | "configure_auth";

/** Apply order, as scaly://guides/build-plan states it. */
export const ACTION_ORDER: ActionKind[] = [
  "create_user_group",
  "create_stack",
  "update_stack",
  "create_database",
  "create_storage",
  "create_app",
  "link_addon",
  "configure_auth",
];

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface Action {
  action: ActionKind;
  /** The resource, by name (`app -> addon` for links). */
  target: string;
  /** What it is created or changed with: API field names, resources referenced by name. */
  params: Record<string, unknown>;
  changes?: FieldChange[];
}

export interface Unsupported {
  resource: string;
  field: string;
  live?: unknown;
  wanted?: unknown;
  reason: string;
}

export interface Plan {
  actions: Action[];
  needs_value: { app: string; names: string[] }[];
  unsupported: Unsupported[];
  unmanaged: { stacks: string[]; addons: string[]; apps: string[]; user_groups: string[]; links: string[] };
  /** Problems that stop the plan (unknown references, name collisions); empty when the plan stands. */
  problems: string[];
}

/** Env names an add-on injects into an app it is linked to (prefixed with the link's env prefix). */
export function injectedNames(kind: "DATABASE" | "STORAGE", prefix: string | null | undefined): string[] {
  const base =
    kind === "DATABASE"
      ? ["DATABASE_URL"]
      : ["STORAGE_BUCKET", "STORAGE_ENDPOINT", "STORAGE_ACCESS_KEY_ID", "STORAGE_SECRET_ACCESS_KEY"];
  return base.map((name) => (prefix ? `${prefix}_${name}` : name));
}
