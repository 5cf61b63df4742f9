export { type CatalogSize, listedTools, measureCatalog } from "./measure.js";
export { PROFILES, type Profile, type SchemaTransform, type TransformContext } from "./profiles.js";
export { type Bounds, type Projection, project, UNBOUNDED } from "./project.js";
export {
  createPublisher,
  DIALECT,
  type PublishedTool,
  type Publisher,
  type PublishOptions,
} from "./publisher.js";
export {
  AUTO_CONCISE_TOKENS,
  DEFAULT_PUBLISH,
  DESCRIPTION_CHOICES,
  DESCRIPTION_MODES,
  OUTPUT_MODES,
  publishSettings,
} from "./settings.js";
