import type { Handler } from "../context.js";
import * as acme from "./acme.js";
import * as audit from "./audit.js";
import * as dynamic from "./dynamic.js";
import * as events from "./events.js";
import * as federation from "./federation.js";
import * as pki from "./pki.js";
import * as policies from "./policies.js";
import * as rotation from "./rotation.js";
import * as secrets from "./secrets.js";
import * as serviceAccounts from "./service-accounts.js";

/**
 * Every exported function of the handler modules, by name. The server looks operations up here by
 * operationId and refuses to start when one of the spec has no handler.
 */
export const HANDLERS: Record<string, Handler> = Object.fromEntries(
  [secrets, policies, rotation, serviceAccounts, pki, acme, dynamic, federation, events, audit].flatMap(
    (mod) =>
      Object.entries(mod).filter((entry): entry is [string, Handler] => typeof entry[1] === "function"),
  ),
);
