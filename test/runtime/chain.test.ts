import { describe, expect, it } from "vitest";
import type { CatalogTool, ToolOutcome } from "../../src/catalog.js";
import {
  type CallContext,
  compose,
  failure,
  insertBefore,
  type NamedMiddleware,
  upstreamRequestSent,
  whileUpstreamAnswers,
} from "../../src/chain.js";
import { compileTemplate, matchTemplate } from "../../src/mcp/uri-template.js";

const ctx = { tool: { name: "t" } as CatalogTool, args: {}, notes: new Map() } as unknown as CallContext;

function step(name: string, log: string[]): NamedMiddleware {
  return {
    name,
    async run(_ctx, next) {
      log.push(`${name}>`);
      const out = await next();
      log.push(`<${name}`);
      return out;
    },
  };
}

describe("compose", () => {
  it("runs middleware in order around the terminal", async () => {
    const log: string[] = [];
    const run = compose([step("a", log), step("b", log)], async () => {
      log.push("exec");
      return { data: 1 };
    });
    expect(await run(ctx)).toEqual({ data: 1 });
    expect(log).toEqual(["a>", "b>", "exec", "<b", "<a"]);
  });

  it("a refusal short-circuits: later steps and the executor never run", async () => {
    let executed = false;
    const refuse: NamedMiddleware = { name: "deny", run: async () => failure("refused by deny", "refused") };
    const run = compose([refuse], async (): Promise<ToolOutcome> => {
      executed = true;
      return { data: null };
    });
    expect((await run(ctx)).error).toEqual({ message: "refused by deny", code: "refused" });
    expect(executed).toBe(false);
  });

  it("calling next() twice is an error", async () => {
    const twice: NamedMiddleware = {
      name: "twice",
      run: async (_c, next) => {
        await next();
        return next();
      },
    };
    await expect(compose([twice], async () => ({ data: null }))(ctx)).rejects.toThrow(
      /called next\(\) twice/,
    );
  });

  it("a step idle for a tool is left out of that tool's chain, decided once per tool", async () => {
    const ran: string[] = [];
    const asked: string[] = [];
    const quiet: NamedMiddleware = {
      name: "quiet",
      idle: (t) => {
        asked.push(t.name);
        return t.name === "q";
      },
      async run(c, next) {
        ran.push(c.tool.name);
        return next();
      },
    };
    const log: string[] = [];
    const run = compose([step("a", log), quiet, step("b", log)], async () => ({ data: 1 }));
    const forTool = (name: string) => ({ ...ctx, tool: { name } as CatalogTool }) as CallContext;
    const q = forTool("q");
    const other = forTool("other");
    for (const c of [q, other, q, other, q]) expect(await run(c)).toEqual({ data: 1 });
    expect(ran).toEqual(["other", "other"]);
    expect(asked).toEqual(["q", "other"]);
    expect(log).toEqual(Array(5).fill(["a>", "b>", "<b", "<a"]).flat());
  });

  it("insertBefore places a step by name, or at the end", () => {
    const log: string[] = [];
    const chain = [step("parse-args", log), step("validate-output", log)];
    expect(insertBefore(chain, "validate-output", step("mask", log)).map((s) => s.name)).toEqual([
      "parse-args",
      "mask",
      "validate-output",
    ]);
    expect(insertBefore(chain, "missing", step("audit", log)).map((s) => s.name)).toEqual([
      "parse-args",
      "validate-output",
      "audit",
    ]);
  });
});

describe("work left for the upstream's wait", () => {
  const ticked = () => new Promise<void>((resolve) => process.nextTick(resolve));

  it("runs once on the tick queue after a request is sent; the middleware's own call is then a no-op", async () => {
    const ran: string[] = [];
    const finish = whileUpstreamAnswers(() => ran.push("a"));
    upstreamRequestSent();
    expect(ran).toEqual([]); // not inside the executor's own synchronous code
    await ticked();
    expect(ran).toEqual(["a"]);
    // The middleware gets what the work returned then (push's new length), without running it again.
    expect(finish()).toBe(1);
    upstreamRequestSent();
    await ticked();
    expect(ran).toEqual(["a"]);
  });

  it("without a request sent, the middleware's call runs it, and a later request does not run it again", async () => {
    const ran: string[] = [];
    const finish = whileUpstreamAnswers(() => ran.push("refused call"));
    expect(finish()).toBe(1);
    expect(ran).toEqual(["refused call"]);
    finish();
    upstreamRequestSent();
    await ticked();
    expect(ran).toEqual(["refused call"]);
  });

  it("runs every waiting call's work on any request (concurrent calls), and a throw drops only that work", async () => {
    const ran: string[] = [];
    const first = whileUpstreamAnswers(() => ran.push("first"));
    const broken = whileUpstreamAnswers(() => {
      throw new Error("boom");
    });
    const second = whileUpstreamAnswers(() => ran.push("second"));
    upstreamRequestSent();
    await ticked();
    expect(ran).toEqual(["first", "second"]);
    expect([first(), broken(), second()]).toEqual([1, undefined, 2]);
    expect(ran).toEqual(["first", "second"]);
  });
});

describe("resource templates", () => {
  it.each([
    [
      "vault://secrets/{tenant}/{path}",
      "vault://secrets/acme/team/db/password",
      { tenant: "acme", path: "team/db/password" },
    ],
    ["vault://secrets/{tenant}/{path}", "vault://secrets/acme", null],
    ["x://{a}/{b}/end", "x://1/2/end", { a: "1", b: "2" }],
    ["x://{a}/{b}/end", "x://1/2/3/end", { a: "1", b: "2/3" }],
    ["x://{a}/mid/{b}", "x://1/2/mid/3", null],
    ["x://{+path}/raw", "x://a/b/raw", { path: "a/b" }],
    ["x://docs.v1/{id}", "x://docsXv1/7", null],
  ])("%s matches %s", (template, uri, expected) => {
    const values = matchTemplate(compileTemplate(template), uri);
    if (expected === null) {
      expect(values).toBeUndefined();
      return;
    }
    expect({ ...values }).toEqual(expected);
  });
});
