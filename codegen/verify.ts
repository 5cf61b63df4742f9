import { resolve } from "node:path";
import { Project, ts } from "ts-morph";
import type { GeneratedCatalog } from "./index.js";

export interface VerifyProblem {
  file: string;
  line?: number;
  message: string;
}

/**
 * Type-checks generated catalogs in memory, as if they were written at their target folders (so `zod` and
 * `toolwright/catalog` resolve from the project). Nothing touches the disk.
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
      types: ["node"],
      verbatimModuleSyntax: true,
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
