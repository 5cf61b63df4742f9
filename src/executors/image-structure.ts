/**
 * Whether a body is, by its structure, the image its signature says: a model API refuses an image block whose
 * bytes it cannot decode ("Could not process image") and the host replays that block on every later turn, so a
 * signature followed by an HTML error page, or a file cut short after its header, is not an image. Each walk reads
 * the format's own framing (chunk and segment lengths, block terminators) once, front to back: linear in the body,
 * no decompression. Data after a complete image (a trailer some encoders and CDNs append) is accepted, as decoders
 * do: the image itself ends where its format says.
 */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, offset: number, expected: readonly number[] | string): boolean {
  if (bytes.byteLength < offset + expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const want = typeof expected === "string" ? expected.charCodeAt(i) : expected[i];
    if (bytes[offset + i] !== want) return false;
  }
  return true;
}

function u32be(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

function u32le(bytes: Uint8Array, at: number): number {
  return bytes[at]! + (bytes[at + 1]! << 8) + (bytes[at + 2]! << 16) + ((bytes[at + 3]! << 24) >>> 0);
}

/** PNG: IHDR first (13 bytes), then chunks whose lengths walk to IEND, with an IDAT on the way. */
function isPng(bytes: Uint8Array): boolean {
  let at = PNG_SIGNATURE.length;
  let chunks = 0;
  let data = false;
  while (at + 12 <= bytes.byteLength) {
    const length = u32be(bytes, at);
    if (length > 0x7fffffff || at + 12 + length > bytes.byteLength) return false;
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (chunks === 0 && (type !== "IHDR" || length !== 13)) return false;
    if (type === "IDAT") data = true;
    if (type === "IEND") return data;
    chunks++;
    at += 12 + length;
  }
  return false;
}

/** The end of a run of GIF data sub-blocks starting at `at` (past its zero terminator), or -1 when cut short. */
function gifSubBlocks(bytes: Uint8Array, at: number): number {
  let i = at;
  while (i < bytes.byteLength) {
    const size = bytes[i]!;
    if (size === 0) return i + 1;
    i += 1 + size;
  }
  return -1;
}

/** GIF: screen descriptor, colour tables, extensions and images block by block until the 0x3B trailer. */
function isGif(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 13) return false;
  const table = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  let at = 13 + table(bytes[10]!);
  let images = 0;
  while (at < bytes.byteLength) {
    const introducer = bytes[at]!;
    if (introducer === 0x3b) return images > 0;
    if (introducer === 0x21) {
      if (at + 2 > bytes.byteLength) return false;
      at = gifSubBlocks(bytes, at + 2);
    } else if (introducer === 0x2c) {
      if (at + 11 > bytes.byteLength) return false;
      // Image descriptor (10 bytes), local colour table, LZW minimum code size, then the image data.
      at = gifSubBlocks(bytes, at + 10 + table(bytes[at + 9]!) + 1);
      images++;
    } else return false;
    if (at < 0) return false;
  }
  return false;
}

/** The end of a JPEG scan's entropy-coded data at `at`: the next marker other than a restart or a stuffed 0xFF00. */
function jpegScanEnd(bytes: Uint8Array, at: number): number {
  for (let i = at; i + 1 < bytes.byteLength; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1]!;
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return i;
  }
  return -1;
}

/** JPEG: SOI, marker segments by their lengths (scans by their data) until EOI, with a frame and a scan on the way. */
function isJpeg(bytes: Uint8Array): boolean {
  let at = 2;
  let frame = false;
  let scan = false;
  while (at + 1 < bytes.byteLength) {
    if (bytes[at] !== 0xff) return false;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9) return frame && scan;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0x00 || marker === 0xd8 || at + 4 > bytes.byteLength) return false;
    const length = (bytes[at + 2]! << 8) + bytes[at + 3]!;
    if (length < 2 || at + 2 + length > bytes.byteLength) return false;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      frame = true;
    at += 2 + length;
    if (marker === 0xda) {
      scan = true;
      at = jpegScanEnd(bytes, at);
      if (at < 0) return false;
    }
  }
  return false;
}

/** WebP: the RIFF size within the body, its chunks (padded to even) filling it exactly, a VP8/VP8L/VP8X first. */
function isWebp(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 20) return false;
  const end = 8 + u32le(bytes, 4);
  if (end > bytes.byteLength || end < 20) return false;
  if (!["VP8 ", "VP8L", "VP8X"].some((first) => startsWith(bytes, 12, first))) return false;
  let at = 12;
  while (at + 8 <= end) {
    const size = u32le(bytes, at + 4);
    at += 8 + size + (size % 2);
  }
  return at === end;
}

/**
 * The model image type `bytes` (a whole body) are, by signature and structure, whatever a header says: PNG, JPEG,
 * GIF or WebP; undefined for anything else, including such a signature followed by something that is not the rest
 * of that image.
 */
export function imageTypeOf(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, 0, PNG_SIGNATURE)) return isPng(bytes) ? "image/png" : undefined;
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return isJpeg(bytes) ? "image/jpeg" : undefined;
  if (startsWith(bytes, 0, "GIF87a") || startsWith(bytes, 0, "GIF89a"))
    return isGif(bytes) ? "image/gif" : undefined;
  if (startsWith(bytes, 0, "RIFF") && startsWith(bytes, 8, "WEBP"))
    return isWebp(bytes) ? "image/webp" : undefined;
  return undefined;
}
