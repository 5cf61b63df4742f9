import { registerHooks } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * A catalog folder can sit anywhere (`toolwright generate --out /tmp/x`), where its compiled handlers' imports of
 * `zod` and `toolwright/*` resolve to nothing. For modules inside such a folder only, and only when normal
 * resolution fails for those specifiers, they are resolved again as if imported from toolwright itself. Other
 * packages a handler imports resolve from the catalog folder as usual (install them there, or `toolwright pack`).
 * Synchronous, in-thread hooks (`module.registerHooks`): no loader thread, nothing to pay for other imports.
 */

const BORROWED = /^(?:zod|toolwright)(?:\/|$)/;
const hooked = new Set<string>();

export function borrowPackagesFor(catalogDir: string, packageRoot: string): void {
  const folder = pathToFileURL(join(catalogDir, "/")).href;
  if (hooked.has(folder)) return;
  hooked.add(folder);
  const anchor = pathToFileURL(join(packageRoot, "package.json")).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        // Node's code, or under Yarn Plug'n'Play its resolver's ("... tried to access zod, but it isn't declared
        // in your dependencies"), which a project that does not depend on zod itself gets.
        const code = (error as { code?: string }).code;
        const missing = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
        if (!missing || !BORROWED.test(specifier) || !context.parentURL?.startsWith(folder)) throw error;
        return nextResolve(specifier, { ...context, parentURL: anchor });
      }
    },
  });
}
