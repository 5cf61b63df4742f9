/**
 * A catalog's generated files by path, whose text may be made only when something reads it: catalog.json is laid
 * out as bytes (`asciiJsonBytes`), which are what generate compares and writes, so its 7.5 MB text (GitHub REST)
 * is made from them only for a caller that reads `files.get("catalog.json")` (`init`, tests) or iterates the
 * entries. `keys()` and `has()` make nothing.
 */
export class GeneratedFiles extends Map<string, string> {
  private readonly lazy = new Map<string, () => string>();

  /** A file whose text `make` gives, made on first read and then kept. */
  setLazy(path: string, make: () => string): this {
    super.set(path, "");
    this.lazy.set(path, make);
    return this;
  }

  /** Whether the file's text exists (false: a lazy file nothing has read yet). */
  isMade(path: string): boolean {
    return super.has(path) && !this.lazy.has(path);
  }

  override set(path: string, text: string): this {
    // The constructor calls `set` before the field above exists.
    this.lazy?.delete(path);
    return super.set(path, text);
  }

  override delete(path: string): boolean {
    this.lazy.delete(path);
    return super.delete(path);
  }

  override clear(): void {
    this.lazy.clear();
    super.clear();
  }

  override get(path: string): string | undefined {
    const make = this.lazy.get(path);
    if (make !== undefined) {
      this.lazy.delete(path);
      super.set(path, make());
    }
    return super.get(path);
  }

  override *entries(): MapIterator<[string, string]> {
    for (const path of super.keys()) yield [path, this.get(path) as string];
  }

  override *values(): MapIterator<string> {
    for (const path of super.keys()) yield this.get(path) as string;
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  override forEach(
    visit: (text: string, path: string, map: Map<string, string>) => void,
    self?: unknown,
  ): void {
    for (const [path, text] of this.entries()) visit.call(self, text, path, this);
  }
}
