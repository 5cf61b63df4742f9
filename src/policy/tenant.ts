import type { CatalogTool } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import { noteApplied, refuse } from "./decision.js";
import type { Lock } from "./settings.js";

/**
 * Tenant and partner lock: with the env set, the tool's tenant (partner) argument may only name that tenant; a
 * call that names none acts in it (the argument is filled, so the upstream never falls back to the token's home
 * tenant). The other tenant's id is not repeated in the refusal.
 *
 * The lock holds for every argument that names a tenant, not only the one the manifest declares: a second
 * parameter carrying the tenant (`/orgs/{tenant_id}/...` beside an `X-Tenant` header, a `tenantId` query parameter,
 * a body's `target_tenant`, an argument sent under such a wire name) would otherwise reach another tenant past the
 * lock, and so would a tool whose manifest declares no `tenant_arg` at all. Every such value, at any depth of the
 * arguments (each string of an array), must be the locked one; a call naming another is refused before any request.
 */

interface Locked {
  lock: Lock;
  what: "tenant" | "partner";
}

/** Whether a name (`tenant_id`, `tenantId`, `X-Tenant`, `targetTenants`) has the word `what` in it. */
function namesLocked(name: string, what: string): boolean {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .some((word) => {
      const w = word.toLowerCase();
      return w === what || w === `${what}s`;
    });
}

/** Arguments sent under a wire name that names `what` (an argument `org` sent as the header `X-Tenant-ID`). */
function wireNamed(tool: CatalogTool, what: string): Set<string> {
  const out = new Set<string>();
  const binding = tool.binding as { kind?: string; params?: Array<{ arg: string; name: string }> };
  for (const param of binding.params ?? []) if (namesLocked(param.name, what)) out.add(param.arg);
  return out;
}

/** The dot path of the first value naming another tenant than the lock's, or undefined. */
function otherNamed(
  args: Record<string, unknown>,
  locked: Locked,
  declared: string | undefined,
  wire: Set<string>,
) {
  const stack: Array<[unknown, string, boolean]> = [];
  for (const key of Object.keys(args))
    if (key !== declared) stack.push([args[key], key, wire.has(key) || namesLocked(key, locked.what)]);
  while (stack.length > 0) {
    const [value, path, named] = stack.pop()!;
    if (
      named &&
      (typeof value === "string" || typeof value === "number") &&
      String(value) !== locked.lock.value
    )
      return path;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push([value[i], `${path}[${i}]`, named]);
    } else if (value !== null && typeof value === "object")
      for (const key of Object.keys(value))
        stack.push([
          (value as Record<string, unknown>)[key],
          `${path}.${key}`,
          namesLocked(key, locked.what),
        ]);
  }
  return undefined;
}

export function tenantLockStep(tenant: Lock | undefined, partner: Lock | undefined): NamedMiddleware {
  // Each lock set, once: its declared argument per tool, and per tool the arguments sent under a wire name that
  // names it (found on the tool's first call).
  const locks: Array<
    Locked & { argOf(tool: CatalogTool): string | undefined; wires: WeakMap<CatalogTool, Set<string>> }
  > = [];
  if (tenant)
    locks.push({
      lock: tenant,
      what: "tenant",
      argOf: (tool) => tool.policy.tenantArg,
      wires: new WeakMap(),
    });
  if (partner)
    locks.push({
      lock: partner,
      what: "partner",
      argOf: (tool) => tool.policy.partnerArg,
      wires: new WeakMap(),
    });
  return {
    name: "tenant-lock",
    async run(ctx, next) {
      for (const locked of locks) {
        const { lock, what, wires } = locked;
        const arg = locked.argOf(ctx.tool);
        let wire = wires.get(ctx.tool);
        if (!wire) {
          wire = wireNamed(ctx.tool, what);
          wires.set(ctx.tool, wire);
        }
        const other = otherNamed(ctx.args, locked, arg, wire);
        if (other !== undefined) {
          return refuse(
            ctx,
            { policy: `${what}-lock`, rule: lock.env, reason: `another ${what}` },
            `refused by ${lock.env}: this server is locked to ${what} ${lock.value} and '${other}' names another ${what}; leave it unset or name ${lock.value}, or change ${lock.env} to act elsewhere`,
          );
        }
        if (arg === undefined) continue;
        const given = ctx.args[arg];
        if (given === undefined || given === null) {
          ctx.args[arg] = lock.value;
          noteApplied(ctx, `${what}-lock:filled`);
          continue;
        }
        if (given !== lock.value) {
          return refuse(
            ctx,
            { policy: `${what}-lock`, rule: lock.env, reason: `another ${what}` },
            `refused by ${lock.env}: this server is locked to ${what} ${lock.value} and '${arg}' names another ${what}; leave '${arg}' unset to act in ${lock.value}, or change ${lock.env} to act elsewhere`,
          );
        }
      }
      return next();
    },
  };
}
