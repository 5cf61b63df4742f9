import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve, sep } from "node:path";
import { Project, ts } from "ts-morph";
import { PACKAGE_ROOT } from "../src/load/package.js";
import type { GeneratedCatalog } from "./index.js";

export interface VerifyProblem {
  file: string;
  line?: number;
  message: string;
}

/** The contract this toolwright generates against: its TypeScript source, or the declarations of a build. */
function contractTypes(): string {
  const source = join(PACKAGE_ROOT, "src/catalog.ts");
  return existsSync(source) ? source : join(PACKAGE_ROOT, "dist/catalog.d.ts");
}

/**
 * Node's types when the project has them (`@types/node`): a user's repository without them still verifies, and
 * a handler that uses Node's modules then gets a located "cannot find module" instead of a global failure.
 */
function nodeTypes(root: string): string[] {
  try {
    createRequire(resolve(root, "package.json")).resolve("@types/node/package.json");
    return ["node"];
  } catch {
    return [];
  }
}

/**
 * `zod` as the generated code and handlers get it at run time: the project's own when it resolves from there,
 * otherwise toolwright's (src/load/resolve-hooks.ts lends it). A project whose package manager does not hoist
 * toolwright's dependencies (pnpm, Yarn) has no `zod` of its own; without this, every catalog failed --verify
 * there with "Cannot find module 'zod'" in its schemas.gen.ts, while it generated and served.
 */
function borrowedZod(dirs: readonly string[], options: ts.CompilerOptions): Record<string, string[]> {
  const resolved = (from: string) =>
    ts.resolveModuleName("zod", join(from, "index.ts"), options, ts.sys).resolvedModule?.resolvedFileName;
  // Each catalog's own folder, not the project's: `--out /tmp/x` (outside any project) gets toolwright's zod at
  // run time, and failed --verify with "Cannot find module 'zod'" while it generated and served.
  if (dirs.every((dir) => resolved(dir) !== undefined)) return {};
  // Where Node finds toolwright's zod, then its declarations as TypeScript finds them from beside that
  // node_modules: under Yarn PnP toolwright sits in a zip of its own, where no node_modules walk finds zod.
  let main: string;
  try {
    main = createRequire(join(PACKAGE_ROOT, "package.json")).resolve("zod");
  } catch {
    return {};
  }
  const at = main.lastIndexOf(`${sep}node_modules${sep}zod${sep}`);
  const own = at < 0 ? undefined : resolved(main.slice(0, at));
  return own === undefined ? {} : { zod: [own] };
}

/**
 * Type-checks generated catalogs in memory, as if they were written at their target folders (so `zod` resolves
 * from the project, or else as the runtime lends it; `toolwright/catalog` is this toolwright's own contract).
 * Nothing touches the disk.
 */
export function verifyCatalogs(root: string, catalogs: GeneratedCatalog[]): VerifyProblem[] {
  const resolution = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const project = new Project({
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      ...resolution,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      types: nodeTypes(root),
      verbatimModuleSyntax: true,
      paths: {
        "toolwright/catalog": [contractTypes()],
        ...borrowedZod(
          catalogs.map((cat) => resolve(root, cat.dir)),
          resolution,
        ),
      },
    },
    skipAddingFilesFromTsConfig: true,
  });
  for (const cat of catalogs) {
    for (const [path, text] of cat.files) {
      if (path.endsWith(".ts"))
        project.createSourceFile(resolve(root, cat.dir, path), text, { overwrite: true });
    }
  }
  return project.getPreEmitDiagnostics().map((d) => {
    const file = d.getSourceFile()?.getFilePath() ?? "";
    const message = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, "\n");
    return { file, ...(d.getLineNumber() ? { line: d.getLineNumber() as number } : {}), message };
  });
}
