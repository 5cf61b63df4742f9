import type { CustomHandler } from "toolwright/catalog";

/** Lets a test hold a call in flight (graceful shutdown, timeouts); honours cancellation like a real handler. */
const slow: CustomHandler<{ ms: number }> = async (args, ctx) => {
  const started = Date.now();
  // Tells a test the call has reached the handler (it then sends SIGTERM, or waits for a timeout).
  await ctx.progress(0, args.ms, "waiting");
  const cancelled = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), args.ms);
    ctx.signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
  return { data: { waitedMs: Date.now() - started, cancelled } };
};

export default slow;
