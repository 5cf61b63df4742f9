import { PACKAGE_ROOT } from "./chunk-ZE2OXDKH.js";
import "./chunk-WSFCRVEQ.js";

// codegen/verify.ts
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Project, ts } from "ts-morph";

function contractTypes() {
  const source = join(PACKAGE_ROOT, "src/catalog.ts");
  return existsSync(source) ? source : join(PACKAGE_ROOT, "dist/catalog.d.ts");
}
function verifyCatalogs(root, catalogs) {
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
    return { file, ...(d.getLineNumber() ? { line: d.getLineNumber() } : {}), message };
  });
}

export { verifyCatalogs };
