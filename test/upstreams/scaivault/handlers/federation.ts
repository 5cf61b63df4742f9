import { type Ctx, created, type Handler, ok } from "../context.js";
import { ApiError, conflict, notFound, unprocessable } from "../errors.js";
import type { BackendRec, SecretRec } from "../state.js";
import { compact, iso, newId, paginate, underPrefix } from "../util.js";
import { current, storedValue } from "./secrets.js";

/** Which config fields each store type needs. */
const REQUIRED_CONFIG: Record<string, string[]> = {
  "hashicorp-vault": ["address"],
  "aws-secrets-manager": ["region"],
  "azure-key-vault": ["vault_url"],
  "gcp-secret-manager": ["project_id"],
};

function backendOf(ctx: Ctx): BackendRec {
  const id = ctx.params.backend_id!;
  ctx.audit.resource = id;
  const backend = ctx.tenant.backends.get(id);
  if (!backend) throw notFound(`Federation backend '${id}'`);
  return backend;
}

const unavailable = (b: BackendRec) =>
  new ApiError(502, "backend_unavailable", `Federation backend '${b.view.id}' did not answer.`);

export const listFederationBackends: Handler = (ctx) =>
  ok(
    paginate(
      [...ctx.tenant.backends.values()].map((b) => b.view),
      ctx.query,
    ),
  );

export const getFederationBackend: Handler = (ctx) => ok(backendOf(ctx).view);

export const createFederationBackend: Handler = (ctx) => {
  const b = ctx.body;
  for (const existing of ctx.tenant.backends.values()) {
    if (existing.view.name === b.name)
      throw conflict("already_exists", `A backend named '${b.name}' exists.`);
  }
  const missing = (REQUIRED_CONFIG[b.type] ?? []).filter((k) => b.config[k] === undefined);
  if (missing.length > 0) {
    throw unprocessable("invalid_config", `A ${b.type} backend needs config.${missing.join(", config.")}.`);
  }
  const view = compact({
    id: newId("fed"),
    name: b.name,
    type: b.type,
    mode: b.mode ?? "proxy",
    mount_prefix: b.mount_prefix ?? `federated/${b.name}/`,
    config: b.config,
    sync_interval: b.sync_interval,
    status: "unknown",
    created_at: iso(ctx.now),
  });
  ctx.tenant.backends.set(view.id, { view, credentials: b.credentials, remote: new Map(), reachable: true });
  ctx.audit.resource = view.id;
  return created(view);
};

export const testFederationBackend: Handler = (ctx) => {
  const backend = backendOf(ctx);
  const at = iso(ctx.now);
  backend.view.last_tested_at = at;
  backend.view.status = backend.reachable ? "healthy" : "unreachable";
  return ok(
    backend.reachable
      ? {
          backend_id: backend.view.id,
          ok: true,
          latency_ms: 20 + (backend.view.name.length % 7) * 9,
          checked_at: at,
        }
      : {
          backend_id: backend.view.id,
          ok: false,
          message: "Connection timed out after 5000 ms.",
          checked_at: at,
        },
  );
};

export const syncFederationBackend: Handler = (ctx) => {
  const backend = backendOf(ctx);
  if (!backend.reachable) throw unavailable(backend);
  const dryRun: boolean = ctx.body?.dry_run ?? false;
  const mount: string = backend.view.mount_prefix.replace(/\/?$/, "/");
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const paths: string[] = [];
  const at = iso(ctx.now);
  for (const [remotePath, entry] of [...backend.remote].sort(([a], [b]) => a.localeCompare(b))) {
    if (!underPrefix(remotePath, ctx.body?.prefix)) continue;
    const path = `${mount}${remotePath}`;
    const value = storedValue(entry.value, entry.data);
    const existing = ctx.tenant.secrets.get(path);
    if (existing && current(existing).value === value) {
      counts.unchanged++;
      continue;
    }
    counts[existing ? "updated" : "created"]++;
    paths.push(path);
    if (dryRun) continue;
    const rec: SecretRec = existing ?? {
      path,
      tags: ["federated", backend.view.name],
      description: `Synchronised from ${backend.view.name}`,
      created_at: at,
      created_by: ctx.principal.subject,
      versions: [],
    };
    rec.versions.push(
      compact({
        version: (existing ? current(existing).version : 0) + 1,
        value,
        data: entry.data,
        created_at: at,
        created_by: ctx.principal.subject,
        rotation: false,
      }),
    );
    ctx.tenant.secrets.set(path, rec);
  }
  if (!dryRun) backend.view.last_synced_at = at;
  return ok({
    backend_id: backend.view.id,
    dry_run: dryRun,
    ...counts,
    paths,
    started_at: at,
    finished_at: iso(ctx.now),
  });
};

export const proxyRead: Handler = (ctx) => {
  const backend = backendOf(ctx);
  const path = ctx.params.path!;
  ctx.audit.resource = `${backend.view.id}:${path}`;
  if (!backend.reachable) throw unavailable(backend);
  const entry = backend.remote.get(path);
  if (!entry) throw notFound(`Secret '${path}' in backend '${backend.view.id}'`);
  return ok(
    compact({
      backend_id: backend.view.id,
      path,
      value: storedValue(entry.value, entry.data),
      data: entry.data,
      remote_version: entry.version,
      fetched_at: iso(ctx.now),
    }),
  );
};
