/**
 * @peculiar/x509 resolves its algorithm providers through tsyringe, which refuses to load without a Reflect
 * metadata polyfill. No polyfill is installed, and tsyringe only needs these three functions for classes
 * without constructor parameters, so a WeakMap-backed stand-in is enough. Import before @peculiar/x509.
 */
const store = new WeakMap<object, Map<unknown, unknown>>();
const R = Reflect as unknown as Record<string, unknown>;

if (typeof R.getMetadata !== "function") {
  R.defineMetadata = (key: unknown, value: unknown, target: object) => {
    let m = store.get(target);
    if (!m) {
      m = new Map();
      store.set(target, m);
    }
    m.set(key, value);
  };
  R.getOwnMetadata = (key: unknown, target: object) => store.get(target)?.get(key);
  R.getMetadata = (key: unknown, target: object) => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) {
      const m = store.get(o);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
}
