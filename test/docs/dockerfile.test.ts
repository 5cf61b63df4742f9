import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/paths.js";

// Images cannot be built here, so the Dockerfile and the compose file of docs/operations.md are held to their
// promises by parsing them: the final stage runs as a non-root user, writes only its declared state volume (so a
// read-only root filesystem works), checks its health on /healthz, serves HTTP on all interfaces, and the compose
// file runs several replicas sharing one Redis behind a load balancer, read-only.

const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const instructions = dockerfile.getInstructions();
const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf("FROM");
const final = instructions.slice(lastFrom);
const args = (i: Instruction) => i.getArgumentsContent() ?? "";
const of = (keyword: string) => final.filter((i) => i.getKeyword() === keyword);

it("the final stage runs as a non-root user, set before the command", () => {
  const users = of("USER");
  expect(users.length).toBeGreaterThan(0);
  const user = args(users.at(-1)!).trim();
  expect(user).not.toMatch(/^(root|0)(:|$)/);
  const userAt = final.indexOf(users.at(-1)!);
  expect(final.indexOf(of("ENTRYPOINT")[0]!)).toBeGreaterThan(userAt);
  expect(final.slice(userAt).filter((i) => i.getKeyword() === "USER")).toHaveLength(1);
});

it("writes only its state volume: the embedded store lives there, and the folder belongs to the user", () => {
  const volume = args(of("VOLUME")[0]!);
  expect(volume).toContain("/var/lib/toolwright");
  const env = of("ENV").map(args).join(" ");
  expect(env).toMatch(/TOOLWRIGHT_STATE=sqlite:\/var\/lib\/toolwright\//);
  expect(of("RUN").map(args).join(" ")).toMatch(/chown node:node \/var\/lib\/toolwright/);
});

it("checks its health on /healthz and serves HTTP on all interfaces, in exec form", () => {
  const check = of("HEALTHCHECK");
  expect(check).toHaveLength(1);
  const flags = (check[0] as unknown as { getFlags(): Array<{ getName(): string }> }).getFlags();
  expect(flags.map((flag) => flag.getName())).toEqual(
    expect.arrayContaining(["interval", "timeout", "retries"]),
  );
  expect(args(check[0]!)).toContain("/healthz");
  expect(of("ENV").map(args).join(" ")).toMatch(/TOOLWRIGHT_HTTP=true[\s\S]*TOOLWRIGHT_HOST=0\.0\.0\.0/);
  expect(args(of("ENTRYPOINT")[0]!).trim()).toMatch(
    /^\[\s*"node",\s*"dist\/toolwright\.js",\s*"serve"\s*\]$/,
  );
  expect(of("EXPOSE").map(args)).toContain("8765");
});

it("the compose file runs several read-only replicas sharing Redis behind a load balancer", () => {
  const doc = readFileSync(join(ROOT, "docs/operations.md"), "utf8");
  const block = /## Containers[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(block).toBeDefined();
  const compose = parse(block!);
  const app = compose.services.toolwright;
  expect(app.deploy.replicas).toBeGreaterThanOrEqual(2);
  expect(app.read_only).toBe(true);
  expect(app.tmpfs).toContain("/tmp");
  expect(app.environment.TOOLWRIGHT_STATE).toMatch(/^redis:\/\/redis:6379/);
  expect(app.environment.SCAIVAULT_CONFIRM_SECRET).toBeDefined();
  expect(compose.services.redis.image).toMatch(/^redis:/);
  expect(compose.services.balancer.ports.length).toBeGreaterThan(0);
  expect(compose.configs.nginx.content).toContain("proxy_pass http://toolwright");
});
