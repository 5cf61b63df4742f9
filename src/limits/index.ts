import type { CatalogDocument } from "../catalog.js";
import { insertBefore, type NamedMiddleware } from "../chain.js";
import type { Config } from "../config/config.js";
import type { StateStore } from "../state/index.js";
import { concurrencyStep } from "./concurrency.js";
import { rateLimitStep } from "./rate-limit.js";

export { counterNamespace } from "./rate-limit.js";

import { hasRateLimits, resolveLimits } from "./settings.js";

/**
 * The limits of one catalog as chain steps: `rate-limit` before `confirmation` (a refused call spends no token and
 * sends nothing), `concurrency` last, right around the executor (a slot is held only while the upstream works).
 */
export interface Limits {
  /** Whether any rate limit is in force (the state store is then needed). */
  readonly counting: boolean;
  wrap(chain: readonly NamedMiddleware[]): NamedMiddleware[];
}

/** `namespace`: where its counters live in the store (`counterNamespace`; default the catalog's name). */
export function createLimits(
  doc: CatalogDocument,
  config: Config,
  store: () => StateStore,
  namespace: string = doc.catalog,
): Limits {
  const settings = resolveLimits(doc, config);
  const counting = hasRateLimits(settings);
  const timeouts = new Map(doc.sources.map((source) => [source.id, source.timeoutMs]));
  return {
    counting,
    wrap(chain) {
      let out = [...chain];
      if (counting) out = insertBefore(out, "confirmation", rateLimitStep(settings, store(), namespace));
      if (settings.concurrency.size > 0) {
        out.push(concurrencyStep(settings.concurrency, (source) => timeouts.get(source) ?? 30_000));
      }
      return out;
    },
  };
}

export { RATE_LIMITED } from "./rate-limit.js";
export { hasRateLimits, resolveLimits } from "./settings.js";
