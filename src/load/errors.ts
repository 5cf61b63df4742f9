/** A problem with the catalog itself (not the environment); the message says what to do. */
export class CatalogLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CatalogLoadError";
  }
}
