import type { CustomHandler } from "toolwright/catalog";

const progress: CustomHandler<Record<string, never>> = async (_args, ctx) => {
  for (const step of [0, 50, 100]) {
    await ctx.progress(step, 100);
    if (step < 100) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { data: "Progress test completed" };
};

export default progress;
