// Import rules for `npm run deps` (part of `npm test`): no import cycles anywhere in src/ or codegen/; the
// runtime never imports the generator; and each runtime folder imports only what its README's "May import:"
// line names, so the direction stated in docs/architecture.md cannot drift from the code.
const { readdirSync, readFileSync, existsSync } = require("node:fs");
const { join } = require("node:path");

const folders = readdirSync(join(__dirname, "src"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const layerRules = folders.map((folder) => {
  const readme = join(__dirname, "src", folder, "README.md");
  if (!existsSync(readme))
    throw new Error(`src/${folder}/README.md is missing: say what the folder owns and may import`);
  const line = readFileSync(readme, "utf8").match(/^May import: *(.*)$/m);
  if (!line) throw new Error(`src/${folder}/README.md has no "May import:" line`);
  const allowed = line[1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "" && s !== "nothing");
  const targets = [`src/${folder}/`, ...allowed.map((a) => `src/${a}`)].map((t) =>
    t.endsWith("/") ? `^${t.replace(/[.]/g, "\\.")}` : `^${t.replace(/[.]/g, "\\.")}$`,
  );
  return {
    name: `src-${folder}-layer`,
    comment: `src/${folder}/ may import only: ${allowed.join(", ") || "nothing"} (src/${folder}/README.md)`,
    severity: "error",
    from: { path: `^src/${folder}/` },
    to: { path: "^src/", pathNot: targets },
  };
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import cycle: move what both sides need down into a module of its own.",
      severity: "error",
      from: { path: "^(src|codegen)/" },
      to: { circular: true },
    },
    {
      name: "runtime-not-generator",
      comment: "The runtime (src/) never imports the generator (codegen/).",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^codegen/" },
    },
    {
      name: "contract-imports-nothing",
      comment: "src/catalog.ts is the contract generated code imports: it depends on nothing of the runtime.",
      severity: "error",
      from: { path: "^src/catalog\\.ts$" },
      to: { path: "^src/", pathNot: "^src/catalog\\.ts$" },
    },
    {
      name: "chain-imports-contract-only",
      comment: "src/chain.ts (the middleware model) depends on the contract only.",
      severity: "error",
      from: { path: "^src/chain\\.ts$" },
      to: { path: "^src/", pathNot: "^src/(catalog|chain)\\.ts$" },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|generated|test|specs)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mts", ".js", ".mjs"] },
  },
};
