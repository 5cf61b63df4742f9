import { describe, expect, it } from "vitest";
import type { ToolOutcome } from "../../src/catalog.js";
import { readBody } from "../../src/executors/response.js";
import { MASK } from "../../src/policy/mask-all.js";
import { withBodyBlock } from "../../src/runtime/result.js";
import { GIF, jpeg, png, png as pngImage, pngText, WEBP } from "../helpers/images.js";

/**
 * A binary body becomes its content block only as the policies left it: bytes a policy replaced (masking's marker,
 * a withheld credential's marker inside the base64) are no longer base64, so the data stays as it is, in text.
 */

function binary(bytes: Buffer, contentType: string): ToolOutcome {
  const { data, binary } = readBody(bytes, contentType);
  return { data, status: 200, ...(binary ? { binary } : {}) };
}

describe("withBodyBlock", () => {
  it("turns a binary body into an image, audio or resource block, the data keeping its type and size", () => {
    const pixel = png();
    expect(withBodyBlock(binary(pixel, "image/PNG; q=1"), "c1")).toEqual({
      data: { contentType: "image/PNG; q=1", size: pixel.byteLength },
      status: 200,
      binary: true,
      content: [{ type: "image", data: pixel.toString("base64"), mimeType: "image/png" }],
    });
    expect(withBodyBlock(binary(Buffer.from("RIFF"), "audio/mpeg"), "c1").content).toEqual([
      { type: "audio", data: "UklGRg==", mimeType: "audio/mpeg" },
    ]);
    expect(withBodyBlock(binary(Buffer.from([1, 2, 3]), "image/tiff"), "c2").content).toEqual([
      {
        type: "resource",
        resource: { uri: "toolwright://results/c2", mimeType: "image/tiff", blob: "AQID" },
      },
    ]);
  });

  it("an image block only for bytes that are the image: typed as the bytes are, else a resource with a note", () => {
    const images: Array<[string, Buffer]> = [
      ["image/png", png()],
      ["image/jpeg", jpeg()],
      ["image/gif", GIF],
      ["image/gif", Buffer.concat([Buffer.from("GIF87a"), GIF.subarray(6)])],
      ["image/webp", WEBP],
    ];
    const typed = images.flatMap(([type, bytes]) =>
      ["image/png", "image/jpeg", "image/gif", "image/webp"].map((label) => {
        const block = withBodyBlock(binary(bytes, label), "c").content?.[0];
        return block?.type === "image" && block.mimeType === type;
      }),
    );
    expect(typed).toEqual(Array(20).fill(true));
    const notImages = [
      Buffer.from("<html>502</html>"),
      Buffer.from("89504e47", "hex"), // a PNG's first four bytes only
      Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt "),
      Buffer.from("GIF89"),
    ];
    const shown = notImages.map((bytes) => withBodyBlock(binary(bytes, "image/webp; x=1"), "c9"));
    expect(shown.map((s) => [s.content?.[0]?.type, s.notes?.length])).toEqual(Array(4).fill(["resource", 1]));
    expect(shown[0]!.content?.[0]).toEqual({
      type: "resource",
      resource: {
        uri: "toolwright://results/c9",
        mimeType: "application/octet-stream",
        blob: "PGh0bWw+NTAyPC9odG1sPg==",
      },
    });
    expect(shown[0]!.data).toEqual({ contentType: "image/webp; x=1", size: 16 });
    expect(shown[0]!.notes).toEqual([
      "the upstream labelled its body image/webp, but its bytes are not such an image: they are in the content block after this text as application/octet-stream, not as an image a model would be sent",
    ]);
  });

  it("a signature followed by something else, or an image cut short, is no image; trailing data after one is", () => {
    const html = Buffer.from("<html><body>502 Bad Gateway</body></html>");
    const cut = (image: Buffer, keep: number) => image.subarray(0, image.byteLength - keep);
    const riffSize = (image: Buffer, size: number) => {
      const copy = Buffer.from(image);
      copy.writeUInt32LE(size, 4);
      return copy;
    };
    const notImages: Array<[string, Buffer]> = [
      ["png signature + HTML", Buffer.concat([png().subarray(0, 8), html])],
      ["png header + HTML", Buffer.concat([png().subarray(0, 33), html])],
      ["png without IEND", cut(png(), 12)],
      ["png cut in its IDAT", png(64).subarray(0, 50)],
      [
        "png whose first chunk is not IHDR",
        Buffer.concat([png().subarray(0, 8), pngText("a", "b"), png().subarray(8)]),
      ],
      ["png with no IDAT", Buffer.concat([png().subarray(0, 33), png().subarray(-12)])],
      ["jpeg signature + HTML", Buffer.concat([jpeg().subarray(0, 3), html])],
      ["jpeg without EOI", cut(jpeg(), 2)],
      ["jpeg cut in a segment", jpeg().subarray(0, 40)],
      ["gif signature + HTML", Buffer.concat([GIF.subarray(0, 6), html])],
      ["gif without its trailer", cut(GIF, 1)],
      ["gif cut in its image data", cut(GIF, 4)],
      ["webp whose RIFF size passes the body", riffSize(WEBP, 200)],
      ["webp cut short", cut(WEBP, 4)],
      ["webp chunk past the RIFF size", riffSize(WEBP, WEBP.byteLength - 8 - 2)],
    ];
    const shown = notImages.map(([what, bytes]) => {
      const block = withBodyBlock(binary(bytes, "image/png"), "c").content?.[0];
      return [what, block?.type === "resource" ? block.resource.mimeType : block?.type];
    });
    expect(shown).toEqual(notImages.map(([what]) => [what, "application/octet-stream"]));
    // Valid files with data after them (a trailer some encoders and CDNs append) are the image decoders read.
    const trailing = Buffer.from("appended trailer \x00\x01");
    const withTrailer = [png(), jpeg(), GIF, WEBP].map((image) => {
      const block = withBodyBlock(binary(Buffer.concat([image, trailing]), "image/png"), "c").content?.[0];
      return block?.type === "image" && block.mimeType;
    });
    expect(withTrailer).toEqual(["image/png", "image/jpeg", "image/gif", "image/webp"]);
    // A PNG with chunks of its own (text, before its pixels) is one too.
    const texted = withBodyBlock(binary(png(1, [pngText("Comment", "hi")]), "image/png"), "c").content?.[0];
    expect(texted?.type).toBe("image");
  });

  it("a large body is checked as base64 in one pass (3 MiB)", () => {
    const big = binary(Buffer.alloc(3 * 1024 * 1024, 7), "application/zip");
    const shown = withBodyBlock(big, "c3");
    expect(shown.content?.[0]?.type).toBe("resource");
    expect(shown.data).toEqual({ contentType: "application/zip", size: 3 * 1024 * 1024 });
  });

  it("a body whose base64 passes 9 MiB is an error, without its bytes: more than a block carries", () => {
    const shown = withBodyBlock(binary(Buffer.alloc(7 * 1024 * 1024, 1), "image/png"), "c4");
    expect(shown.error).toEqual({
      message:
        "the upstream's image/png body is 9.3 MiB as base64, more than a content block carries (9 MiB: its message must stay within the 10 MiB clients read)",
      code: "response_too_large",
    });
    expect([shown.data, shown.content, shown.binary]).toEqual([undefined, undefined, undefined]);
  });

  it("a note on bytes where the spec declares JSON says what the result holds: the block, replaced bytes, or none", () => {
    const pixel = pngImage();
    const head = `the upstream answered image/png (${pixel.byteLength} bytes), not the application/json (its 200 response) the output schema describes`;
    const noted = (outcome: ToolOutcome): ToolOutcome => ({
      ...outcome,
      drift: ["(root)"],
      unstructured: true,
      notes: [
        "kept as it is",
        `${head}: its bytes are in the content block after this text, and structuredContent is empty`,
      ],
    });
    const png = noted(binary(pixel, "image/png"));
    const shown = withBodyBlock(png, "c");
    expect([shown.notes, shown.content?.map((c) => c.type)]).toEqual([png.notes, ["image"]]);
    const replaced = `${head}: its bytes were replaced (masked, or a credential withheld), so no content block carries them: the text before this note is what is left of them, and structuredContent is empty`;
    for (const content of [MASK, "iVBO[redacted]Rw=="]) {
      const kept = withBodyBlock({ ...png, data: { ...(png.data as object), content } }, "c");
      expect([kept.notes, kept.content]).toEqual([["kept as it is", replaced], undefined]);
    }
    expect(withBodyBlock({ ...png, data: MASK }, "c").notes).toEqual(["kept as it is", replaced]);
    const huge = withBodyBlock(noted(binary(Buffer.alloc(7 * 1024 * 1024, 1), "image/png")), "c");
    expect([huge.error?.code, huge.notes]).toEqual([
      "response_too_large",
      ["kept as it is", `${head}: its bytes were not sent, as the error above says`],
    ]);
  });

  it("leaves masked or withheld bytes, an error, JSON and text as they are", () => {
    const png = binary(Buffer.from("89504e470d0a1a0a", "hex"), "image/png");
    const masked = { ...png, data: { ...(png.data as object), content: MASK } };
    expect(withBodyBlock(masked, "c")).toBe(masked);
    const withheld = { ...png, data: { ...(png.data as object), content: "iVBO[redacted]Rw==" } };
    expect(withBodyBlock(withheld, "c")).toBe(withheld);
    const failed = { ...png, error: { message: "no" } };
    expect(withBodyBlock(failed, "c")).toBe(failed);
    const json = binary(
      Buffer.from('{"content":"AQID","contentType":"image/png","size":3}'),
      "application/json",
    );
    expect(json.binary).toBeUndefined();
    expect(withBodyBlock(json, "c")).toBe(json);
    const text = binary(Buffer.from("<svg/>"), "image/svg+xml");
    expect(withBodyBlock(text, "c")).toBe(text);
  });
});
