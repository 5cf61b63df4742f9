/**
 * Records held by the Scaly reference upstream. Field names follow the GraphQL schema where they overlap, so
 * the default field resolver serves most of them; `__typename` lets graphql-js resolve interfaces and unions.
 * Times are epoch milliseconds; the `AWSDateTime` scalar turns them into ISO strings.
 */

export type OperationStatus = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
export type OperationKind =
  | "DEPLOY_APP"
  | "RESTART_SERVICES"
  | "RUN_JOB"
  | "CREATE_STACK"
  | "UPDATE_STACK"
  | "DELETE_STACK"
  | "CREATE_APP"
  | "CREATE_DATABASE"
  | "CREATE_STORAGE"
  | "LINK_ADDON";
export type StackStatus = "PROVISIONING" | "ACTIVE" | "UPDATING" | "DELETING" | "FAILED";
export type InstanceSize = "NANO" | "SMALL" | "MEDIUM" | "LARGE" | "XLARGE";
export type AppStatus = "CREATED" | "DEPLOYING" | "RUNNING" | "FAILED" | "STOPPED";
export type Visibility = "PUBLIC" | "PRIVATE";
export type AuthProvider = "SCALY_SSO" | "EMAIL_MAGIC_LINK" | "GOOGLE";
export type EnvSource = "USER" | "ADDON" | "PLATFORM";
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogSource = "app" | "build" | "deploy" | "job" | "router";

export interface Tag {
  key: string;
  value: string;
}

export interface WorkspaceRec {
  __typename: "Workspace";
  id: string;
  name: string;
  slug: string;
  plan: "FREE" | "TEAM" | "BUSINESS";
  region: string;
  revision: number;
  limits: { maxStacks: number; maxApps: number; maxAddons: number };
  createdAt: number;
}

export interface StackRec {
  __typename: "Stack";
  id: string;
  name: string;
  description: string | null;
  region: string;
  status: StackStatus;
  instanceSize: InstanceSize;
  minInstances: number;
  maxInstances: number;
  tags: Tag[];
  /** Usage metrics answer UNAVAILABLE for this stack: lets clients see a partial-data GraphQL response. */
  metricsUnavailable?: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface EnvVarRec {
  name: string;
  /** Stored so the upstream behaves like a real one; no resolver ever returns it. */
  value: string;
  source: EnvSource;
  addonId: string | null;
  updatedAt: number;
}

export interface AuthRec {
  visibility: Visibility;
  provider: AuthProvider;
  allowedGroupIds: string[];
  rule: unknown;
  sessionTtlMinutes: number;
  updatedAt: number;
}

export interface AppRec {
  __typename: "App";
  id: string;
  name: string;
  stackId: string;
  framework: string;
  runtime: string;
  status: AppStatus;
  visibility: Visibility;
  url: string | null;
  repository: { url: string; branch: string } | null;
  buildCommand: string | null;
  startCommand: string | null;
  port: number;
  healthCheckPath: string;
  auth: AuthRec;
  env: Map<string, EnvVarRec>;
  /** Deployments and job runs fail while one of these env vars is unset (the seeded broken app). */
  requiredEnv: string[];
  /** The crash line a failing start writes to the app log. */
  crashLog?: string;
  createdAt: number;
  updatedAt: number;
}

export interface AddonRec {
  __typename: "DatabaseAddon" | "StorageAddon";
  id: string;
  name: string;
  kind: "DATABASE" | "STORAGE";
  status: "PROVISIONING" | "AVAILABLE" | "FAILED";
  stackId: string;
  createdAt: number;
  engine?: "POSTGRES";
  version?: string;
  storageGb?: number;
  bucketName?: string;
  publicRead?: boolean;
}

export interface LinkRec {
  appId: string;
  addonId: string;
  envPrefix: string | null;
  linkedAt: number;
}

export interface JobRec {
  __typename: "Job";
  id: string;
  name: string;
  appId: string;
  command: string;
  schedule: string | null;
  timeoutSeconds: number;
  enabled: boolean;
  createdAt: number;
}

export interface JobRunRec {
  __typename: "JobRun";
  id: string;
  jobId: string;
  args: string[];
  trigger: "MANUAL" | "SCHEDULE" | "API";
  operationId: string;
  exitCode: number | null;
  createdAt: number;
}

export interface FailureRec {
  code: string;
  message: string;
  hint: string | null;
  logExcerpt: string[];
}

export interface DeploymentRec {
  __typename: "Deployment";
  id: string;
  appId: string;
  stackId: string;
  trigger: "MANUAL" | "RESTART" | "RETRY" | "CONFIG_CHANGE" | "GIT_PUSH";
  commitSha: string | null;
  message: string | null;
  requestedBy: string;
  retryOfId: string | null;
  /** Decided when the deployment is created (config is snapshotted then); exposed only once it FAILED. */
  plannedFailure: FailureRec | null;
  createdAt: number;
}

export interface OperationEventRec {
  id: string;
  operationId: string;
  at: number;
  level: "INFO" | "WARN" | "ERROR";
  status: OperationStatus;
  progress: number;
  message: string;
  data: unknown;
}

/** A scheduled change of an operation; applied lazily by `Store.tick` once its time has come. */
export interface StepRec {
  at: number;
  seq: number;
  run: (op: OperationRec, at: number) => void;
}

export interface OperationRec {
  __typename: "Operation";
  id: string;
  kind: OperationKind;
  status: OperationStatus;
  progress: number;
  message: string | null;
  targetId: string;
  parentId: string | null;
  error: { code: string; message: string } | null;
  events: OperationEventRec[];
  steps: StepRec[];
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

export interface AppUserRec {
  __typename: "AppUser";
  id: string;
  email: string;
  name: string | null;
  status: "INVITED" | "ACTIVE" | "DISABLED";
  invitedAt: number;
  lastSignInAt: number | null;
}

export interface UserGroupRec {
  __typename: "UserGroup";
  id: string;
  name: string;
  description: string | null;
  memberIds: string[];
  createdAt: number;
}

export interface LogRec {
  id: string;
  appId: string;
  timestamp: number;
  level: LogLevel;
  source: LogSource;
  message: string;
  deploymentId?: string;
  jobRunId?: string;
  instance?: string;
}

export interface StoredObject {
  bytes: Buffer;
  contentType: string;
  etag: string;
  lastModified: number;
}

export const TERMINAL: ReadonlySet<OperationStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
