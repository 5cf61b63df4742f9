import type { CustomHandler } from "toolwright/catalog";

const echo: CustomHandler<{ text: string }> = async (args) => ({
  data: { text: args.text, length: args.text.length },
});

export default echo;
