#!/usr/bin/env node
// toolwright-demo <catalog>: a reference upstream on 127.0.0.1 with sample data, and the generated MCP server
// for <catalog> over stdio in front of it (see test/upstreams/demo.ts). Like bin/toolwright.mjs, tsx compiles
// the TypeScript sources on the fly, so there is no build step.
import { register } from "tsx/esm/api";

register();

let code;
try {
  const { runDemo } = await import(new URL("../test/upstreams/demo.ts", import.meta.url).href);
  code = await runDemo(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `toolwright-demo: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  code = 1;
}
// Exit explicitly: the upstream's idle keep-alive sockets must not hold the process once the server is gone.
process.exit(code);
