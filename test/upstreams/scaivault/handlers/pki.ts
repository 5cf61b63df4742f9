import { type Ctx, created, type Handler, ok } from "../context.js";
import { conflict, notFound, unprocessable } from "../errors.js";
import {
  type CaMaterial,
  createRootCa as createRootCaMaterial,
  fingerprint,
  issueLeaf,
  type Leaf,
} from "../pki-core.js";
import type { CaRec, CertRec, TenantState } from "../state.js";
import { compact, durationSeconds, iso, MINUTE, newId, paginate } from "../util.js";
import { x509 } from "../x509.js";

export function makeCaRec(
  id: string,
  m: CaMaterial,
  o: { commonName: string; keyAlgorithm: string; maxPathLength?: number; createdAt: string },
): CaRec {
  return {
    view: compact({
      id,
      common_name: o.commonName,
      subject: m.cert.subject,
      type: "root",
      key_algorithm: o.keyAlgorithm,
      serial: m.serial,
      not_before: m.cert.notBefore.toISOString(),
      not_after: m.cert.notAfter.toISOString(),
      max_path_length: o.maxPathLength,
      certificate: m.pem,
      fingerprint_sha256: fingerprint(m.cert),
      created_at: o.createdAt,
    }),
    privateKey: m.privateKey,
    signingAlgorithm: m.signingAlgorithm,
    pem: m.pem,
  };
}

export function caMaterial(rec: CaRec): CaMaterial {
  return {
    cert: new x509.X509Certificate(rec.pem),
    pem: rec.pem,
    privateKey: rec.privateKey,
    signingAlgorithm: rec.signingAlgorithm,
    serial: rec.view.serial,
  };
}

export function makeCertRec(
  id: string,
  caId: string,
  leaf: Leaf,
  o: {
    commonName: string;
    altNames: string[];
    ipSans: string[];
    usage: string;
    keyAlgorithm: string;
    createdAt: string;
  },
): CertRec {
  return {
    view: compact({
      id,
      ca_id: caId,
      serial: leaf.serial,
      common_name: o.commonName,
      alt_names: o.altNames,
      ip_sans: o.ipSans.length > 0 ? o.ipSans : undefined,
      subject: leaf.cert.subject,
      issuer: leaf.cert.issuer,
      usage: o.usage,
      key_algorithm: o.keyAlgorithm,
      not_before: leaf.cert.notBefore.toISOString(),
      not_after: leaf.cert.notAfter.toISOString(),
      certificate: leaf.pem,
      fingerprint_sha256: fingerprint(leaf.cert),
      created_at: o.createdAt,
    }),
  };
}

function caView(tenant: TenantState, rec: CaRec, now: number) {
  const issued = [...tenant.certificates.values()].filter((c) => c.view.ca_id === rec.view.id).length;
  return {
    ...rec.view,
    issued_count: issued,
    status: Date.parse(rec.view.not_after) <= now ? "expired" : "active",
  };
}

export function certStatus(view: Record<string, any>, now: number): "valid" | "expired" | "revoked" {
  if (view.revoked_at) return "revoked";
  return Date.parse(view.not_after) <= now ? "expired" : "valid";
}

const certView = (rec: CertRec, now: number): Record<string, any> => ({
  ...rec.view,
  status: certStatus(rec.view, now),
});

function caOf(ctx: Ctx, id: string): CaRec {
  const ca = ctx.tenant.cas.get(id);
  if (!ca) throw notFound(`Certificate authority '${id}'`);
  return ca;
}

function certOf(ctx: Ctx): CertRec {
  const id = ctx.params.certificate_id!;
  ctx.audit.resource = id;
  const cert = ctx.tenant.certificates.get(id);
  if (!cert) throw notFound(`Certificate '${id}'`);
  return cert;
}

export const listCas: Handler = (ctx) =>
  ok(
    paginate(
      [...ctx.tenant.cas.values()].map((ca) => caView(ctx.tenant, ca, ctx.now)),
      ctx.query,
    ),
  );

export const getCa: Handler = (ctx) => {
  ctx.audit.resource = ctx.params.ca_id;
  return ok(caView(ctx.tenant, caOf(ctx, ctx.params.ca_id!), ctx.now));
};

export const createRootCa: Handler = async (ctx) => {
  const b = ctx.body;
  for (const ca of ctx.tenant.cas.values()) {
    if (ca.view.common_name === b.common_name)
      throw conflict("already_exists", `A CA named '${b.common_name}' exists.`);
  }
  const keyAlgorithm = b.key_algorithm ?? "ec-p256";
  const material = await createRootCaMaterial({
    commonName: b.common_name,
    organization: b.organization,
    organizationalUnit: b.organizational_unit,
    country: b.country,
    keyAlgorithm,
    notBefore: new Date(ctx.now - MINUTE),
    notAfter: new Date(ctx.now + durationSeconds(b.ttl ?? "3650d") * 1000),
    maxPathLength: b.max_path_length,
  });
  const rec = makeCaRec(newId("ca"), material, {
    commonName: b.common_name,
    keyAlgorithm,
    maxPathLength: b.max_path_length,
    createdAt: iso(ctx.now),
  });
  ctx.tenant.cas.set(rec.view.id, rec);
  ctx.audit.resource = rec.view.id;
  return created(caView(ctx.tenant, rec, ctx.now));
};

export const listCertificates: Handler = (ctx) => {
  const items = [...ctx.tenant.certificates.values()]
    .map((c) => certView(c, ctx.now))
    .filter(
      (c) =>
        (ctx.query.ca_id === undefined || c.ca_id === ctx.query.ca_id) &&
        (ctx.query.status === undefined || c.status === ctx.query.status),
    )
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  return ok(paginate(items, ctx.query));
};

export const getCertificate: Handler = (ctx) => ok(certView(certOf(ctx), ctx.now));

export const issueCertificate: Handler = async (ctx) => {
  const b = ctx.body;
  const ca = ctx.tenant.cas.get(b.ca_id);
  if (!ca) throw unprocessable("unknown_reference", `ca_id '${b.ca_id}' does not exist.`);
  const caNotAfter = Date.parse(ca.view.not_after);
  if (caNotAfter <= ctx.now) throw unprocessable("ca_expired", `CA '${b.ca_id}' has expired.`);
  const keyAlgorithm = b.key_algorithm ?? "ec-p256";
  const usage = b.usage ?? "server";
  const altNames: string[] = b.alt_names ?? [];
  const ipSans: string[] = b.ip_sans ?? [];
  const leaf = await issueLeaf(caMaterial(ca), {
    commonName: b.common_name,
    altNames,
    ipSans,
    usage,
    keyAlgorithm,
    notBefore: new Date(ctx.now - MINUTE),
    // A certificate never outlives its CA.
    notAfter: new Date(Math.min(ctx.now + durationSeconds(b.ttl ?? "90d") * 1000, caNotAfter)),
  });
  const rec = makeCertRec(newId("cert"), ca.view.id, leaf, {
    commonName: b.common_name,
    altNames,
    ipSans,
    usage,
    keyAlgorithm,
    createdAt: iso(ctx.now),
  });
  ctx.tenant.certificates.set(rec.view.id, rec);
  ctx.audit.resource = rec.view.id;
  return created({
    ...certView(rec, ctx.now),
    chain: [ca.pem],
    private_key: leaf.privateKeyPem,
    private_key_type: "pkcs8",
  });
};

export const revokeCertificate: Handler = (ctx) => {
  const cert = certOf(ctx);
  if (cert.view.revoked_at)
    throw conflict("already_revoked", `Certificate '${cert.view.id}' is already revoked.`);
  cert.view.revoked_at = iso(ctx.now);
  cert.view.revocation_reason = ctx.body?.reason ?? "unspecified";
  return ok(certView(cert, ctx.now));
};

const normSerial = (s: string) => s.toLowerCase().replace(/^0+/, "");

export const validateCertificate: Handler = async (ctx) => {
  const b = ctx.body;
  if (b.certificate === undefined && b.certificate_id === undefined) {
    throw unprocessable("missing_certificate", "Give the certificate as PEM or its certificate_id.");
  }
  let pem: string = b.certificate;
  let certificateId: string | undefined;
  if (b.certificate_id) {
    const rec = ctx.tenant.certificates.get(b.certificate_id);
    if (!rec) throw notFound(`Certificate '${b.certificate_id}'`);
    pem ??= rec.view.certificate;
    certificateId = b.certificate_id;
  }
  const checks = {
    parsed: false,
    issuer_known: false,
    signature: false,
    time_valid: false,
    not_revoked: false,
  };
  const errors: string[] = [];
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(pem);
    checks.parsed = true;
  } catch {
    return ok({ valid: false, checks, errors: ["The certificate is not a parsable X.509 PEM."] });
  }
  if (b.ca_id && !ctx.tenant.cas.has(b.ca_id)) throw notFound(`Certificate authority '${b.ca_id}'`);
  const ca = b.ca_id
    ? ctx.tenant.cas.get(b.ca_id)
    : [...ctx.tenant.cas.values()].find((c) => c.view.subject === cert.issuer);
  const serial = normSerial(cert.serialNumber);
  const issued = [...ctx.tenant.certificates.values()].find(
    (c) => normSerial(c.view.serial) === serial && (!ca || c.view.ca_id === ca.view.id),
  );
  if (ca && ca.view.subject === cert.issuer) {
    checks.issuer_known = true;
    checks.signature = await cert.verify({ publicKey: caMaterial(ca).cert.publicKey, signatureOnly: true });
    if (!checks.signature) errors.push(`The signature does not verify against CA '${ca.view.id}'.`);
  } else {
    errors.push(`The issuer '${cert.issuer}' is not a CA of this tenant.`);
  }
  const at = b.at ? Date.parse(b.at) : ctx.now;
  checks.time_valid = cert.notBefore.getTime() <= at && at < cert.notAfter.getTime();
  if (!checks.time_valid) {
    errors.push(
      at < cert.notBefore.getTime() ? "The certificate is not valid yet." : "The certificate has expired.",
    );
  }
  checks.not_revoked = !issued?.view.revoked_at;
  if (!checks.not_revoked) errors.push(`The certificate was revoked at ${issued!.view.revoked_at}.`);
  certificateId ??= issued?.view.id;
  ctx.audit.resource = certificateId;
  return ok(
    compact({
      valid: Object.values(checks).every(Boolean),
      certificate_id: certificateId,
      ca_id: ca?.view.id,
      serial,
      subject: cert.subject,
      issuer: cert.issuer,
      not_before: cert.notBefore.toISOString(),
      not_after: cert.notAfter.toISOString(),
      checks,
      errors,
    }),
  );
};

export const checkExpiringCerts: Handler = (ctx) => {
  const horizon = ctx.now + durationSeconds(ctx.query.within) * 1000;
  const items = [...ctx.tenant.certificates.values()]
    .map((c) => c.view)
    .filter((v) => certStatus(v, ctx.now) === "valid" && Date.parse(v.not_after) <= horizon)
    .filter((v) => ctx.query.ca_id === undefined || v.ca_id === ctx.query.ca_id)
    .sort((a, b) => Date.parse(a.not_after) - Date.parse(b.not_after))
    .map((v) => ({
      id: v.id,
      ca_id: v.ca_id,
      serial: v.serial,
      common_name: v.common_name,
      alt_names: v.alt_names,
      not_after: v.not_after,
      expires_in_seconds: Math.floor((Date.parse(v.not_after) - ctx.now) / 1000),
    }));
  return ok({ as_of: iso(ctx.now), within: ctx.query.within, ...paginate(items, ctx.query) });
};
