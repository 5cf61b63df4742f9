import {
  CONCISE_TOOL_CHARS,
  conciseSchema,
  conciseText,
  project,
  SizeCache,
  UNBOUNDED,
} from "./chunk-YVYBC7VZ.js";

// src/publish/settings.ts
var DEFAULT_PUBLISH = {
  depth: 2,
  bytes: 8 * 1024,
  outputBytes: 1024,
  output: "compact",
  descriptions: "full",
};
var OUTPUT_MODES = ["full", "compact", "none"];
var DESCRIPTION_MODES = ["full", "concise"];
function publishSettings(doc, overrides = {}) {
  return { ...DEFAULT_PUBLISH, ...doc.publish, ...overrides };
}
var DEFAULT_PAGE_SIZE = 2e3;
var PAGE_BYTES = 9 * 1024 * 1024;

// src/publish/profiles.ts
var PROFILES = {
  default: { summary: "JSON Schema 2020-12 with $defs, as bounded by the catalog", transforms: [] },
};
function profileNamed(name) {
  const profile = PROFILES[name];
  if (!profile) {
    throw new Error(
      `unknown schema profile ${JSON.stringify(name)} (have: ${Object.keys(PROFILES).join(", ")})`,
    );
  }
  return profile;
}

// src/publish/publisher.ts
var DIALECT = "https://json-schema.org/draft/2020-12/schema";
function createPublisher(doc, options = {}) {
  const settings = publishSettings(doc, options.overrides);
  const table = doc.schemas ?? {};
  const sizes = new SizeCache(table);
  const transforms = [
    ...profileNamed(options.profile ?? "default").transforms,
    ...(options.transforms ?? []),
  ];
  const inputBounds = { depth: settings.depth, bytes: settings.bytes, keepLevel: 1 };
  const outputBounds =
    settings.output === "full"
      ? UNBOUNDED
      : { depth: settings.depth, bytes: settings.outputBytes, keepLevel: -1 };
  const concise = settings.descriptions === "concise";
  const inputs = /* @__PURE__ */ new Map();
  const outputs = /* @__PURE__ */ new Map();
  const descriptions = /* @__PURE__ */ new Map();
  const build = (tool, side, root, bounds) => {
    let schema = { $schema: DIALECT, ...project(root, table, bounds, sizes).schema };
    if (concise) schema = conciseSchema(schema);
    for (const transform of transforms) schema = transform(schema, { tool, side });
    return schema;
  };
  const structured = (tool) => tool.outputSchema !== void 0 && settings.output !== "none";
  const publisher = {
    settings,
    input(tool) {
      let schema = inputs.get(tool.name);
      if (!schema) {
        schema = build(tool, "input", tool.inputSchema, inputBounds);
        inputs.set(tool.name, schema);
      }
      return schema;
    },
    output(tool) {
      if (!structured(tool)) return void 0;
      if (!outputs.has(tool.name)) {
        outputs.set(tool.name, build(tool, "output", tool.outputSchema, outputBounds));
      }
      return outputs.get(tool.name);
    },
    structured,
    description(tool) {
      if (!concise) return tool.description;
      let text = descriptions.get(tool.name);
      if (text === void 0) {
        text = conciseText(tool.description, CONCISE_TOOL_CHARS);
        descriptions.set(tool.name, text);
      }
      return text;
    },
    entry(tool, name = tool.name) {
      const entry = {
        name,
        title: tool.title,
        description: publisher.description(tool),
        inputSchema: publisher.input(tool),
        annotations: tool.annotations,
      };
      const output = publisher.output(tool);
      if (output) entry.outputSchema = output;
      return entry;
    },
  };
  return publisher;
}

export {
  createPublisher,
  DEFAULT_PAGE_SIZE,
  DEFAULT_PUBLISH,
  DESCRIPTION_MODES,
  DIALECT,
  OUTPUT_MODES,
  PAGE_BYTES,
};
