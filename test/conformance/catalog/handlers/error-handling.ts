import type { CustomHandler } from "toolwright/catalog";

/** A failure the way every refusal and upstream error reaches a client: an isError result with a message. */
const errorHandling: CustomHandler<Record<string, never>> = async () => ({
  data: null,
  error: { message: "This tool intentionally returns an error for testing", code: "test_error" },
});

export default errorHandling;
