/**
 * multipart/form-data bodies (RFC 7578), written here rather than by fetch's FormData: FormData can give a part a
 * media type only by making it a file, so a JSON part (an object argument, OpenAPI's default for one) went out as
 * `name="meta"; filename="blob"`, and a server's form parser (busboy and multer, Starlette, PHP) filed it under
 * uploads, not fields. A part here has a filename only when it is a file argument.
 */

/** One part: a field, or a file when it has a `filename`. */
export interface FormPart {
  name: string;
  /** Text is sent with its line breaks as CRLF (as FormData sent text fields); bytes are sent as they are. */
  value: string | Uint8Array;
  filename?: string;
  /** The part's `Content-Type` (already checked to be one media type); absent: text/plain, RFC 7578's default. */
  contentType?: string;
}

/** A name or filename in a `Content-Disposition` parameter: quote and line breaks escaped as FormData did. */
function dispositionValue(text: string): string {
  return text.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");
}

/** The body's bytes and its `Content-Type` (with the boundary, 128 random bits: no part can contain it by chance). */
export function encodeMultipart(parts: readonly FormPart[]): { body: Uint8Array; contentType: string } {
  // Web Crypto's global, not an import of node:crypto: a catalog's start loads no crypto until a call needs it
  // (test/cli/startup-imports.test.ts), and this module is imported with every HTTP executor.
  const boundary = `----toolwright-${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${dispositionValue(part.name)}"`;
    if (part.filename !== undefined) head += `; filename="${dispositionValue(part.filename)}"`;
    head += "\r\n";
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`));
    chunks.push(
      typeof part.value === "string"
        ? Buffer.from(part.value.replace(/\r\n|\r|\n/g, "\r\n"))
        : Buffer.from(part.value.buffer, part.value.byteOffset, part.value.byteLength),
    );
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(chunks);
  return {
    body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
