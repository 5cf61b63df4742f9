import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
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
 * Type-checks generated catalogs in memory, as if they were written at their target folders (so `zod` resolves
 * from the project; `toolwright/catalog` is this toolwright's own contract). Nothing touches the disk.
 */
export function verifyCatalogs(root: string, catalogs: GeneratedCatalog[]): VerifyProblem[] {
  const project = new Project({
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      types: nodeTypes(root),
      verbatimModuleSyntax: true,
      paths: { "toolwright/catalog": [contractTypes()] },
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
