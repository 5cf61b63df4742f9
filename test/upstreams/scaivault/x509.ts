/** @peculiar/x509, ready to use on Node 20: the Reflect stand-in loaded first and Node's WebCrypto as provider. */
import "./reflect-shim.js";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as any);

export { x509 };
