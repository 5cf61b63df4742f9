declare module "swagger2openapi" {
  interface ConvertOptions {
    patch?: boolean;
    warnOnly?: boolean;
    resolve?: boolean;
  }
  const s2o: {
    convertObj(swagger: unknown, options: ConvertOptions): Promise<{ openapi: Record<string, unknown> }>;
  };
  export default s2o;
}
