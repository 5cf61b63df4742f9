import type { NamedMiddleware } from "../chain.js";
import { noteApplied, refuse } from "./decision.js";
import type { Lock } from "./settings.js";

/**
 * Tenant and partner lock: with the env set, the tool's tenant (partner) argument may only name that tenant; a
 * call that names none acts in it (the argument is filled, so the upstream never falls back to the token's home
 * tenant). The other tenant's id is not repeated in the refusal.
 */

interface Locked {
  lock: Lock;
  what: "tenant" | "partner";
}

export function tenantLockStep(tenant: Lock | undefined, partner: Lock | undefined): NamedMiddleware {
  return {
    name: "tenant-lock",
    async run(ctx, next) {
      const checks: Array<[string | undefined, Locked | undefined]> = [
        [ctx.tool.policy.tenantArg, tenant && { lock: tenant, what: "tenant" }],
        [ctx.tool.policy.partnerArg, partner && { lock: partner, what: "partner" }],
      ];
      for (const [arg, locked] of checks) {
        if (arg === undefined || locked === undefined) continue;
        const { lock, what } = locked;
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
