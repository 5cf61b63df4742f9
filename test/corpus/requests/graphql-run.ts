/**
 * `node --import tsx test/corpus/requests/graphql-run.ts [perCatalog] [names...]`: the GraphQL request sweep over
 * every schema of `graphql-schemas.ts` (or those named), more tools than the test takes. Prints the counts and
 * every problem; with REQUESTS_REFUSALS set, why calls were refused before sending.
 */
import { basename, resolve } from "node:path";
import { sweepGraphqlCatalog } from "./graphql.js";
import { generatedFrom, SWEPT_SCHEMAS } from "./graphql-schemas.js";

const [per = "40", ...names] = process.argv.slice(2);
const files = names
  .filter((n) => n.includes("/"))
  .map((f) => ({ name: basename(f).replace(/\..*/, ""), file: () => resolve(f) }));
const chosen = SWEPT_SCHEMAS.filter((x) => names.length === 0 || names.includes(x.name));
for (const s of [...chosen, ...files]) {
  const { dir, schema, errors } = await generatedFrom(s.name, s.file());
  if (errors.length > 0) {
    process.stdout.write(`${s.name}: generate failed: ${errors.slice(0, 3).join("; ")}\n`);
    continue;
  }
  const c = await sweepGraphqlCatalog(s.name, schema, dir, Number(per), Boolean(process.env.EVERY_MODE));
  const { problems, refusals, ...counts } = c;
  process.stdout.write(`${s.name}: ${JSON.stringify(counts)}\n`);
  if (process.env.REQUESTS_REFUSALS) process.stdout.write(`${refusals.join("\n")}\n`);
  process.stdout.write(problems.map((p) => `  ${p}\n`).join(""));
}
