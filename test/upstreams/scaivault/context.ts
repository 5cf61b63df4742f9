import type { AuditNote } from "./audit.js";
import type { OperationSpec } from "./spec.js";
import type { Principal, Store, TenantState } from "./state.js";

/** Everything a handler needs: the validated request, who sent it, and the tenant it acts in. */
export interface Ctx {
  op: OperationSpec;
  /** Path parameters, percent-decoded (a multi-segment value joined with `/`). */
  params: Record<string, string>;
  /** Query parameters typed per the spec, with the spec's defaults filled in. */
  query: Record<string, any>;
  /** JSON body with the spec's defaults filled in (undefined when none was sent). */
  body: any;
  principal: Principal;
  tenant: TenantState;
  store: Store;
  now: number;
  requestId: string;
  audit: AuditNote;
}

export interface Reply {
  status: number;
  body: unknown;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const created = (body: unknown): Reply => ({ status: 201, body });
