import { createHash, randomBytes, webcrypto } from "node:crypto";
import { x509 } from "./x509.js";

const subtle = webcrypto.subtle;

interface Algorithm {
  generate: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;
  signing: Record<string, unknown>;
}

export const KEY_ALGORITHMS: Record<string, Algorithm> = {
  "ec-p256": {
    generate: { name: "ECDSA", namedCurve: "P-256" },
    signing: { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" },
  },
  "ec-p384": {
    generate: { name: "ECDSA", namedCurve: "P-384" },
    signing: { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" },
  },
  ...Object.fromEntries(
    [2048, 3072, 4096].map((bits) => [
      `rsa-${bits}`,
      {
        generate: {
          name: "RSASSA-PKCS1-v1_5",
          modulusLength: bits,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: "SHA-256",
        },
        signing: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      },
    ]),
  ),
};

async function keyPair(algorithm: string): Promise<webcrypto.CryptoKeyPair> {
  const alg = KEY_ALGORITHMS[algorithm]!;
  return (await subtle.generateKey(alg.generate, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

/**
 * A positive serial of 16 random bytes, lower-case hex. Its first byte is 0x01-0x7f: positive, and never 0x00, which
 * DER's minimal INTEGER encoding would drop (the certificate's serial then read 15 bytes, not the 16 recorded: one
 * issue in 128 disagreed with its own certificate).
 */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return bytes.toString("hex");
}

export function fingerprint(cert: x509.X509Certificate): string {
  return createHash("sha256").update(new Uint8Array(cert.rawData)).digest("hex");
}

export interface CaMaterial {
  cert: x509.X509Certificate;
  pem: string;
  privateKey: webcrypto.CryptoKey;
  signingAlgorithm: Record<string, unknown>;
  serial: string;
}

export interface RootCaOptions {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
  keyAlgorithm: string;
  notBefore: Date;
  notAfter: Date;
  maxPathLength?: number;
}

function name(parts: [string, string | undefined][]): Record<string, string[]>[] {
  return parts.filter(([, v]) => v !== undefined).map(([k, v]) => ({ [k]: [v!] }));
}

export async function createRootCa(o: RootCaOptions): Promise<CaMaterial> {
  const keys = await keyPair(o.keyAlgorithm);
  const signingAlgorithm = KEY_ALGORITHMS[o.keyAlgorithm]!.signing;
  const sn = serial();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: sn,
    name: name([
      ["CN", o.commonName],
      ["O", o.organization],
      ["OU", o.organizationalUnit],
      ["C", o.country],
    ]),
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    keys: keys,
    signingAlgorithm: signingAlgorithm as any,
    extensions: [
      new x509.BasicConstraintsExtension(true, o.maxPathLength, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, pem: cert.toString("pem"), privateKey: keys.privateKey, signingAlgorithm, serial: sn };
}

export interface LeafOptions {
  commonName: string;
  altNames: string[];
  ipSans: string[];
  usage: "server" | "client" | "server_and_client";
  keyAlgorithm: string;
  notBefore: Date;
  notAfter: Date;
}

export interface Leaf {
  cert: x509.X509Certificate;
  pem: string;
  privateKeyPem: string;
  serial: string;
}

const USAGES: Record<LeafOptions["usage"], string[]> = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  server_and_client: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
};

/** Generates a key pair and a certificate for it signed by the CA. */
export async function issueLeaf(ca: CaMaterial, o: LeafOptions): Promise<Leaf> {
  const keys = await keyPair(o.keyAlgorithm);
  const sn = serial();
  const sans = [
    ...o.altNames.map((value) => ({ type: "dns" as const, value })),
    ...o.ipSans.map((value) => ({ type: "ip" as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: sn,
    subject: name([["CN", o.commonName]]),
    issuer: ca.cert.subject,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: ca.signingAlgorithm as any,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(USAGES[o.usage]),
      ...(sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await subtle.exportKey("pkcs8", keys.privateKey);
  return {
    cert,
    pem: cert.toString("pem"),
    privateKeyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
    serial: sn,
  };
}
