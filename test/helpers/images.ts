import { crc32, deflateSync } from "node:zlib";

/**
 * Tiny, whole images of the four types the model APIs take, built byte by byte (no image library): what an
 * upstream sends as a picture. Each decodes in a real decoder: the PNG with its CRCs and deflated pixels, the JPEG
 * as a baseline 1x1 grey frame with its own tables, the GIF and WebP as the smallest files their formats allow.
 */

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.byteLength);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A `width` x 1 RGB PNG of red pixels, with `extra` chunks (tEXt, ...) before its IDAT. */
export function png(width = 1, extra: Buffer[] = []): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(3 * width, 0)]);
  for (let x = 0; x < width; x++) row[1 + 3 * x] = 0xff;
  return Buffer.concat([
    Buffer.from("89504e470d0a1a0a", "hex"),
    pngChunk("IHDR", header),
    ...extra,
    pngChunk("IDAT", deflateSync(row)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A PNG text chunk (`tEXt`, keyword and text). */
export function pngText(keyword: string, text: string): Buffer {
  return pngChunk("tEXt", Buffer.from(`${keyword}\0${text}`, "latin1"));
}

/**
 * A 1x1 baseline JPEG (grey): one quantisation table, one-code DC and AC Huffman tables, a scan whose only bits
 * are "DC difference 0, end of block" (0b00, padded with ones).
 */
export function jpeg(): Buffer {
  const segment = (marker: number, body: number[]) => [
    0xff,
    marker,
    (body.length + 2) >> 8,
    (body.length + 2) & 0xff,
    ...body,
  ];
  return Buffer.from([
    0xff,
    0xd8,
    ...segment(0xdb, [0x00, ...Array(64).fill(1)]),
    ...segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, 1, ...Array(15).fill(0), 0x00]),
    ...segment(0xc4, [0x10, 1, ...Array(15).fill(0), 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff,
    0xd9,
  ]);
}

/** A 1x1 transparent GIF89a (the classic web beacon: global colour table, graphic control, one image, trailer). */
export const GIF = Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64");

/** A 1x1 lossless WebP (RIFF, one VP8L chunk). */
export const WEBP = Buffer.from("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==", "base64");
