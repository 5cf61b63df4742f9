#!/usr/bin/env node
// The package.json `npm pack` puts in toolwright's tarball: the clone's, less what only a clone uses. Its
// `prepare` (the build) and `postinstall` (which unlinks node_modules/.bin/node, the Node 22 binary a
// devDependency links) are install scripts: in a user's install npm ran the postinstall, npm 11 warned about both
// ("install scripts not yet covered by allowScripts") and pnpm 12 failed the install ("Ignored build scripts:
// toolwright"). The tarball's package.json has no scripts, devDependencies or allowScripts.
//   node scripts/pack-manifest.mjs strip     (prepack, after the build) keeps the clone's file aside, writes the stripped one
//   node scripts/pack-manifest.mjs restore   (postpack) puts the clone's file back
// Both keep the file's modification time (bin/toolwright.mjs compares it with the build's). A pack stopped between
// the two leaves the copy aside: the next strip, restore or build (scripts/build.mjs) puts it back first.
// `npm publish` in the clone is refused (prepublishOnly): npm sends the registry the package.json it reads after
// postpack, the clone's; publish the tarball instead (`npm pack`, then `npm publish toolwright-<version>.tgz`).
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MANIFEST = join(ROOT, "package.json");
/** Where the clone's package.json waits while the stripped one is packed (build/ is git-ignored and not packed). */
export const ASIDE = join(ROOT, "build/package.json.clone");
/** Fields only a clone uses. */
const CLONE_ONLY = ["scripts", "devDependencies", "allowScripts"];

/** Puts the clone's package.json back if a pack left it aside. */
export function restoreManifest() {
  if (!existsSync(ASIDE)) return;
  const { atime, mtime } = statSync(ASIDE);
  renameSync(ASIDE, MANIFEST);
  utimesSync(MANIFEST, atime, mtime);
}

function stripManifest() {
  restoreManifest();
  const text = readFileSync(MANIFEST, "utf8");
  const { atime, mtime } = statSync(MANIFEST);
  const pkg = JSON.parse(text);
  for (const field of CLONE_ONLY) delete pkg[field];
  mkdirSync(dirname(ASIDE), { recursive: true });
  writeFileSync(ASIDE, text);
  utimesSync(ASIDE, atime, mtime);
  writeFileSync(MANIFEST, `${JSON.stringify(pkg, null, 2)}\n`);
  utimesSync(MANIFEST, atime, mtime);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  if (mode === "strip") stripManifest();
  else if (mode === "restore") restoreManifest();
  else if (mode === "refuse-publish") {
    process.stderr.write(
      "toolwright: publish the packed tarball, not the clone: npm pack, then npm publish toolwright-<version>.tgz " +
        "(npm would send the registry the clone's package.json, scripts and all; docs/packaging.md)\n",
    );
    process.exit(1);
  } else {
    process.stderr.write("usage: node scripts/pack-manifest.mjs strip|restore|refuse-publish\n");
    process.exit(2);
  }
}
