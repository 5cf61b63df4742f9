import type { CustomHandler } from "toolwright/catalog";

const simpleText: CustomHandler<Record<string, never>> = async () => ({
  data: "This is a simple text response for testing.",
});

export default simpleText;
