import { ApiError } from "./errors.js";
import type { Principal, TenantState } from "./state.js";

export interface MatchedRule {
  policy_id: string;
  policy_name: string;
  rule_index: number;
  effect: "allow" | "deny";
  pattern: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
  matched: MatchedRule[];
}

/** `*` matches everything; `+` one segment; a final `/*` one or more further segments. */
export function patternMatches(pattern: string, path: string): boolean {
  if (pattern === "*") return true;
  const pat = pattern.split("/");
  const segs = path.split("/");
  const tail = pat[pat.length - 1] === "*";
  if (tail) pat.pop();
  if (tail ? segs.length <= pat.length : segs.length !== pat.length) return false;
  return pat.every((p, i) => p === "+" || p === segs[i]);
}

/** Evaluates the tenant's access policies: a matching deny wins, then a matching allow, else deny. */
export function evaluate(tenant: TenantState, subject: string, path: string, action: string): Decision {
  const matched: MatchedRule[] = [];
  for (const policy of tenant.accessPolicies.values()) {
    if (!(policy.subjects as string[]).includes(subject)) continue;
    (policy.rules as any[]).forEach((rule, rule_index) => {
      if (!rule.actions.includes(action)) return;
      const pattern = (rule.paths as string[]).find((p) => patternMatches(p, path));
      if (pattern) {
        matched.push({
          policy_id: policy.id,
          policy_name: policy.name,
          rule_index,
          effect: rule.effect,
          pattern,
        });
      }
    });
  }
  const deny = matched.find((m) => m.effect === "deny");
  if (deny) {
    return {
      allowed: false,
      matched,
      reason: `Denied by rule ${deny.rule_index} of policy '${deny.policy_name}'.`,
    };
  }
  const allow = matched.find((m) => m.effect === "allow");
  if (allow) {
    return {
      allowed: true,
      matched,
      reason: `Allowed by rule ${allow.rule_index} of policy '${allow.policy_name}'.`,
    };
  }
  return { allowed: false, matched, reason: `No access policy grants ${subject} '${action}' on ${path}.` };
}

export function mayAccess(tenant: TenantState, principal: Principal, path: string, action: string): boolean {
  return principal.bypassPolicies || evaluate(tenant, principal.subject, path, action).allowed;
}

export function authorizePath(tenant: TenantState, principal: Principal, path: string, action: string): void {
  if (principal.bypassPolicies) return;
  const decision = evaluate(tenant, principal.subject, path, action);
  if (!decision.allowed) {
    throw new ApiError(
      403,
      "access_denied",
      `${principal.subject} may not ${action} '${path}': ${decision.reason}`,
    );
  }
}
