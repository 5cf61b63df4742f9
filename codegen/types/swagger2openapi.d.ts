declare module "swagger2openapi" {
  interface ConvertOptions {
    patch?: boolean;
    warnOnly?: boolean;
    resolve?: boolean;
    /** Copy an object found in two places (a YAML alias) instead of refusing the document. */
    anchors?: boolean;
  }
  const s2o: {
    convertObj(swagger: unknown, options: ConvertOptions): Promise<{ openapi: Record<string, unknown> }>;
  };
  export default s2o;
}
