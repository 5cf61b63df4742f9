import { type CaMaterial, createRootCa, issueLeaf, type Leaf } from "../upstreams/scaivault/pki-core.js";

/** A day's validity starting an hour ago, so clocks a little apart still accept it. */
function validity() {
  return { notBefore: new Date(Date.now() - 3_600_000), notAfter: new Date(Date.now() + 86_400_000) };
}

/** A CA of the test's own (no system store knows it), made now. */
export function testCa(commonName: string): Promise<CaMaterial> {
  return createRootCa({ commonName, keyAlgorithm: "ec-p256", ...validity() });
}

/** A CA of the test's own and a server certificate it signed for 127.0.0.1 and localhost. */
export async function loopbackCertificate(caName: string): Promise<{ ca: CaMaterial; leaf: Leaf }> {
  const ca = await testCa(caName);
  const leaf = await issueLeaf(ca, {
    commonName: "127.0.0.1",
    altNames: ["localhost"],
    ipSans: ["127.0.0.1"],
    usage: "server",
    keyAlgorithm: "ec-p256",
    ...validity(),
  });
  return { ca, leaf };
}
