// A stdio "server" that does no work: it answers initialize and tools/list with messages captured from a real
// server (REPLAY_FILE: line 1 the initialize result, line 2 the tools/list result, as JSON text) and refuses every
// other request. Started next to the SDK floor, what its cold start costs beyond the floor's page is the client's
// own work on the listing it receives (reading, parsing and validating it): a part of every server's figure that no
// server can remove without sending something else.
import { readFileSync } from "node:fs";

const [init, page] = readFileSync(process.env.REPLAY_FILE ?? "", "utf8").split("\n");
const initialize = JSON.parse(init ?? "");
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
    const message = JSON.parse(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
    if (message.id === undefined) continue;
    const id = JSON.stringify(message.id);
    if (message.method === "initialize") {
      const result = { ...initialize, protocolVersion: message.params?.protocolVersion };
      process.stdout.write(`{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(result)}}\n`);
    } else if (message.method === "tools/list") {
      process.stdout.write(`{"jsonrpc":"2.0","id":${id},"result":${page}}\n`);
    } else {
      process.stdout.write(`{"jsonrpc":"2.0","id":${id},"error":{"code":-32601,"message":"not replayed"}}\n`);
    }
  }
});
