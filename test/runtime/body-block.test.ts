import { describe, expect, it } from "vitest";
import type { ToolOutcome } from "../../src/catalog.js";
import { readBody } from "../../src/executors/response.js";
import { MASK } from "../../src/policy/mask-all.js";
import { withBodyBlock } from "../../src/runtime/result.js";

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
    const png = binary(Buffer.from("89504e470d0a1a0a", "hex"), "image/PNG; q=1");
    expect(withBodyBlock(png, "c1")).toEqual({
      data: { contentType: "image/PNG; q=1", size: 8 },
      status: 200,
      binary: true,
      content: [{ type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" }],
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
    const signatures: Array<[string, Buffer]> = [
      ["image/png", Buffer.from("89504e470d0a1a0a0000000d", "hex")],
      ["image/jpeg", Buffer.from("ffd8ffe000104a46", "hex")],
      ["image/gif", Buffer.from("GIF89a\x01\x00")],
      ["image/gif", Buffer.from("GIF87a\x01\x00")],
      ["image/webp", Buffer.from("RIFF\x24\x00\x00\x00WEBPVP8 ")],
    ];
    const typed = signatures.flatMap(([type, bytes]) =>
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
        "the upstream's image/png body is 9.3 MB as base64, more than a content block carries (9 MB: its message must stay within the 10 MB clients read)",
      code: "response_too_large",
    });
    expect([shown.data, shown.content, shown.binary]).toEqual([undefined, undefined, undefined]);
  });

  it("a note on bytes where the spec declares JSON says what the result holds: the block, replaced bytes, or none", () => {
    const head =
      "the upstream answered image/png (8 bytes), not the application/json (its 200 response) the output schema describes";
    const noted = (outcome: ToolOutcome): ToolOutcome => ({
      ...outcome,
      drift: ["(root)"],
      unstructured: true,
      notes: [
        "kept as it is",
        `${head}: its bytes are in the content block after this text, and structuredContent is empty`,
      ],
    });
    const png = noted(binary(Buffer.from("89504e470d0a1a0a", "hex"), "image/png"));
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
