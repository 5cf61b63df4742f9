import type { CustomHandler } from "toolwright/catalog";

const templateData: CustomHandler<{ id: string }> = async (args) => ({
  data: { id: args.id, templateTest: true, data: `Data for ID: ${args.id}` },
});

export default templateData;
