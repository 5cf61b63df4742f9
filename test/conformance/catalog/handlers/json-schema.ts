import type { CustomHandler } from "toolwright/catalog";

interface Args {
  name?: string;
  address?: { street?: string; city?: string };
}

const jsonSchema: CustomHandler<Args> = async (args) => ({ data: { received: args } });

export default jsonSchema;
