import { ApiError } from "./errors.js";
import type { Principal, Store, TenantState } from "./state.js";

const REALM = 'Bearer realm="scaivault"';

function bearer(authorization: string | undefined): string | undefined {
  const m = /^Bearer +([^\s]+) *$/i.exec(authorization ?? "");
  return m?.[1];
}

/** The principal behind the request's bearer token: a static token, or a service account's API key. */
export function authenticate(store: Store, authorization: string | undefined, now: number): Principal {
  const token = bearer(authorization);
  if (!token) {
    throw new ApiError(
      401,
      "invalid_token",
      "A bearer token is required.",
      {},
      { "WWW-Authenticate": REALM },
    );
  }
  const invalid = () =>
    new ApiError(
      401,
      "invalid_token",
      "The bearer token is not valid.",
      {},
      {
        "WWW-Authenticate": `${REALM}, error="invalid_token"`,
      },
    );
  const principal = store.tokens.get(token);
  if (principal) return principal;
  for (const tenant of store.tenants.values()) {
    for (const rec of tenant.apiKeys.values()) {
      if (rec.key !== token) continue;
      const account = tenant.serviceAccounts.get(rec.view.service_account_id);
      if (!account || account.disabled) throw invalid();
      if (rec.view.expires_at && Date.parse(rec.view.expires_at) <= now) throw invalid();
      rec.view.last_used_at = new Date(now).toISOString();
      account.last_used_at = rec.view.last_used_at;
      const accountScopes = new Set<string>(account.scopes);
      return {
        subject: account.subject,
        actorType: "service_account",
        homeTenant: tenant.id,
        scopes: new Set((rec.view.scopes as string[]).filter((s) => accountScopes.has(s))),
        bypassPolicies: false,
      };
    }
  }
  throw invalid();
}

/**
 * The tenant a request acts in. A token acts in its home tenant; naming another is only allowed for a
 * partner token over a tenant its partner manages. Returns the tenant the refusal should be audited in too.
 */
export function resolveTenant(
  store: Store,
  principal: Principal,
  tenantHeader: string | undefined,
  partnerHeader: string | undefined,
): TenantState {
  if (partnerHeader !== undefined && partnerHeader !== principal.partner) {
    throw new ApiError(403, "partner_forbidden", `This token may not act for partner '${partnerHeader}'.`);
  }
  const id = tenantHeader ?? principal.homeTenant;
  if (!id) {
    throw new ApiError(400, "tenant_required", "Partner tokens must name a tenant with X-ScaiVault-Tenant.");
  }
  const managed = principal.partner ? (store.partners.get(principal.partner) ?? []) : [];
  if (id !== principal.homeTenant && !managed.includes(id)) {
    throw new ApiError(403, "tenant_forbidden", `This token may not act in tenant '${id}'.`);
  }
  const tenant = store.tenants.get(id);
  if (!tenant) throw new ApiError(403, "tenant_forbidden", `This token may not act in tenant '${id}'.`);
  return tenant;
}

export function requireScope(principal: Principal, scope: string): void {
  if (principal.scopes.has(scope)) return;
  throw new ApiError(
    403,
    "insufficient_scope",
    `This operation requires the scope '${scope}'.`,
    { required_scope: scope },
    { "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${scope}"` },
  );
}
