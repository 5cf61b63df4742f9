import type { ContentBlock, CustomHandler } from "toolwright/catalog";

/**
 * Tools whose results are more than JSON text: a handler returns MCP content blocks (image, audio, embedded
 * resource) next to a short text for the model.
 */

/** A 1x1 red PNG. */
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/** 8 samples of silence, 8 kHz mono 8-bit PCM. */
const WAV = "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";

const image: ContentBlock = { type: "image", data: PNG, mimeType: "image/png" };

export const imageContent: CustomHandler<Record<string, never>> = async () => ({
  data: "A 1x1 red pixel.",
  content: [image],
});

export const audioContent: CustomHandler<Record<string, never>> = async () => ({
  data: "Silence, 1 ms.",
  content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }],
});

export const embeddedResource: CustomHandler<Record<string, never>> = async () => ({
  data: "An embedded resource follows.",
  content: [
    {
      type: "resource",
      resource: {
        uri: "test://embedded-resource",
        mimeType: "text/plain",
        text: "This is an embedded resource content.",
      },
    },
  ],
});

export const mixedContent: CustomHandler<Record<string, never>> = async () => ({
  data: "Multiple content types test:",
  content: [
    image,
    {
      type: "resource",
      resource: {
        uri: "test://mixed-content-resource",
        mimeType: "application/json",
        text: JSON.stringify({ test: "data", value: 123 }),
      },
    },
  ],
});
