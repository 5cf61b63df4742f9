import { createHash, randomBytes } from "node:crypto";
import { type Ctx, created, type Handler, ok } from "../context.js";
import { conflict, notFound, unprocessable } from "../errors.js";
import { issueLeaf } from "../pki-core.js";
import { compact, DAY, iso, MINUTE, newId, paginate } from "../util.js";
import { caMaterial } from "./pki.js";

const LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
const b64url = (buf: Buffer) => buf.toString("base64url");

export function makeChallenge(identifier: string, type: "dns-01" | "http-01", thumbprint: string) {
  const token = b64url(randomBytes(32));
  const keyAuthorization = `${token}.${thumbprint}`;
  const base = { id: newId("chl"), type, status: "pending", token };
  if (type === "dns-01") {
    return {
      ...base,
      record_name: `_acme-challenge.${identifier.replace(/^\*\./, "")}`,
      record_value: b64url(createHash("sha256").update(keyAuthorization).digest()),
    };
  }
  return { ...base, http_path: `/.well-known/acme-challenge/${token}`, key_authorization: keyAuthorization };
}

export function makeOrder(accountId: string, identifiers: string[], type: "dns-01" | "http-01", now: number) {
  const thumbprint = b64url(randomBytes(32));
  return {
    id: newId("ord"),
    account_id: accountId,
    status: "pending",
    identifiers,
    authorizations: identifiers.map((identifier) => ({
      identifier,
      status: "pending",
      challenges: [makeChallenge(identifier, type, thumbprint)],
    })),
    expires_at: iso(now + 7 * DAY),
    created_at: iso(now),
  };
}

function orderOf(ctx: Ctx): Record<string, any> {
  const id = ctx.params.order_id!;
  ctx.audit.resource = id;
  const order = ctx.tenant.acmeOrders.get(id);
  if (!order) throw notFound(`ACME order '${id}'`);
  return order;
}

export const listAcmeAccounts: Handler = (ctx) =>
  ok(paginate([...ctx.tenant.acmeAccounts.values()], ctx.query));

export const createAcmeAccount: Handler = (ctx) => {
  const b = ctx.body;
  const directory: string = b.directory_url ?? LETS_ENCRYPT;
  const id = newId("acct");
  const account = {
    id,
    directory_url: directory,
    contact: b.contact,
    status: "valid",
    account_url: `${new URL(directory).origin}/acme/acct/${randomBytes(5).readUInt32BE()}`,
    external_account_binding: Boolean(b.external_account_binding),
    created_at: iso(ctx.now),
  };
  ctx.tenant.acmeAccounts.set(id, account);
  ctx.audit.resource = id;
  return created(account);
};

export const listAcmeOrders: Handler = (ctx) => {
  const items = [...ctx.tenant.acmeOrders.values()]
    .filter((o) => ctx.query.account_id === undefined || o.account_id === ctx.query.account_id)
    .filter((o) => ctx.query.status === undefined || o.status === ctx.query.status)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  return ok(paginate(items, ctx.query));
};

export const createAcmeOrder: Handler = (ctx) => {
  const b = ctx.body;
  const account = ctx.tenant.acmeAccounts.get(b.account_id);
  if (account?.status !== "valid") {
    throw unprocessable("unknown_reference", `account_id '${b.account_id}' is not a valid ACME account.`);
  }
  const type = b.challenge_type ?? "dns-01";
  if (type === "http-01" && (b.identifiers as string[]).some((i) => i.startsWith("*."))) {
    throw unprocessable("wildcard_requires_dns", "Wildcard names can only be validated with dns-01.");
  }
  const order = makeOrder(account.id, b.identifiers, type, ctx.now);
  ctx.tenant.acmeOrders.set(order.id, order);
  ctx.audit.resource = order.id;
  return created(order);
};

export const completeAcmeChallenge: Handler = (ctx) => {
  const order = orderOf(ctx);
  const challengeId = ctx.params.challenge_id!;
  const authz = (order.authorizations as any[]).find((a) =>
    a.challenges.some((c: any) => c.id === challengeId),
  );
  if (!authz) throw notFound(`Challenge '${challengeId}' of order '${order.id}'`);
  if (order.status !== "pending" && order.status !== "ready") {
    throw conflict("invalid_state", `Order '${order.id}' is ${order.status}; its challenges are closed.`);
  }
  const challenge = authz.challenges.find((c: any) => c.id === challengeId);
  if (challenge.status !== "valid") {
    challenge.status = "valid";
    challenge.validated_at = iso(ctx.now);
  }
  authz.status = "valid";
  if ((order.authorizations as any[]).every((a) => a.status === "valid")) order.status = "ready";
  return ok(order);
};

export const requestCertificate: Handler = async (ctx) => {
  const order = orderOf(ctx);
  if (order.status !== "ready") {
    throw conflict(
      "invalid_state",
      order.status === "valid"
        ? `Order '${order.id}' was already finalised.`
        : `Order '${order.id}' is ${order.status}; complete its challenges first.`,
    );
  }
  const identifiers: string[] = order.identifiers;
  const issuer = ctx.store.acmeIssuer;
  const leaf = await issueLeaf(caMaterial(issuer), {
    commonName: identifiers[0]!,
    altNames: identifiers,
    ipSans: [],
    usage: "server",
    keyAlgorithm: ctx.body?.key_algorithm ?? "ec-p256",
    notBefore: new Date(ctx.now - MINUTE),
    notAfter: new Date(ctx.now + 90 * DAY),
  });
  order.status = "valid";
  order.certificate_serial = leaf.serial;
  return ok(
    compact({
      order_id: order.id,
      status: "valid",
      identifiers,
      serial: leaf.serial,
      not_before: leaf.cert.notBefore.toISOString(),
      not_after: leaf.cert.notAfter.toISOString(),
      certificate: leaf.pem,
      chain: [issuer.pem],
      private_key: leaf.privateKeyPem,
    }),
  );
};
