import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { argumentFingerprint, argumentShape, canonicalJson } from "../../src/policy/canonical.js";
import { ConfirmationTokens, callerDigest, deriveKey } from "../../src/policy/confirm-token.js";

const key = deriveKey("app", "confirmation", "a-shared-secret-of-length");
const args = { path: "integrations/old", tenant: "acme" };
const me = callerDigest(undefined);

function tokens(now = () => 1_800_000_000_000, k = key) {
  return new ConfirmationTokens({ key: k, ttlSeconds: 300, now });
}

describe("canonical arguments", () => {
  it("sorts keys at every level and drops undefined", async () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
  it("a fingerprint is keyed, ignores the token and key order, and changes with any value", async () => {
    const k = randomBytes(32);
    const f = argumentFingerprint(k, { a: 1, b: "x" });
    expect(f).toMatch(/^[0-9a-f]{16}$/);
    expect(argumentFingerprint(k, { b: "x", a: 1, confirmation_token: "tw1.x.y" })).toBe(f);
    expect(argumentFingerprint(k, { a: 1, b: "y" })).not.toBe(f);
    expect(argumentFingerprint(randomBytes(32), { a: 1, b: "x" })).not.toBe(f);
  });
  it("a shape keeps an argument declared as __proto__ (own key, nothing polluted)", () => {
    const shape = argumentShape(
      JSON.parse('{"__proto__":"v","constructor":{"a":1},"x":1}'),
      new Set(["__proto__", "constructor"]),
    );
    expect(JSON.stringify(shape)).toBe(
      '{"__proto__":"string","constructor":"object(1)","(undeclared)":"1 key"}',
    );
    expect(Object.getPrototypeOf(shape)).toBe(Object.prototype);
  });
  it("a shape shows declared names and kinds, counts undeclared keys, never values", async () => {
    const shape = argumentShape(
      {
        path: "p",
        data: { k: "secret-value" },
        n: 2,
        tags: ["a"],
        "evil\nkey": "x",
        confirmation_token: "t",
      },
      new Set(["path", "data", "n", "tags"]),
    );
    expect(shape).toEqual({
      data: "object(1)",
      n: "integer",
      path: "string",
      tags: "array(1)",
      "(undeclared)": "1 key",
    });
    expect(JSON.stringify(shape)).not.toContain("secret-value");
  });
});

describe("confirmation tokens", () => {
  it("a token works once, for its tool and its arguments in any key order", async () => {
    const t = tokens();
    const { token, expiresAt } = t.issue("preview", "app_delete", args, me);
    expect(token).toMatch(/^tw1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(expiresAt).toBe(1_800_000_300_000);
    expect(
      await t.verify(token, "preview", "app_delete", { tenant: "acme", path: "integrations/old" }, me),
    ).toEqual({
      ok: true,
    });
    expect(await t.verify(token, "preview", "app_delete", args, me)).toEqual({ ok: false, reason: "reused" });
  });

  it("the token argument itself is not part of what it binds", async () => {
    const t = tokens();
    const { token } = t.issue("preview", "app_delete", args, me);
    expect(
      (await t.verify(token, "preview", "app_delete", { ...args, confirmation_token: token }, me)).ok,
    ).toBe(true);
  });

  it.each([
    ["another tool", "app_delete_other", args, "tool"],
    ["other arguments", "app_delete", { ...args, path: "integrations/other" }, "arguments"],
    ["an extra argument", "app_delete", { ...args, force: true }, "arguments"],
    ["a missing argument", "app_delete", { path: args.path }, "arguments"],
  ])("refuses %s", async (_label, name, other, reason) => {
    const t = tokens();
    const { token } = t.issue("preview", "app_delete", args, me);
    expect(await t.verify(token, "preview", name, other as Record<string, unknown>, me)).toEqual({
      ok: false,
      reason,
    });
  });

  it("a token is bound to the principal that asked for it", async () => {
    const alice = { kind: "jwt" as const, issuer: "https://id.example", subject: "alice", clientId: "agent" };
    const others = [
      undefined,
      { kind: "static-key" as const },
      { ...alice, subject: "bob" },
      { ...alice, clientId: "other-agent" },
      { ...alice, issuer: "https://other-id.example" },
    ];
    for (const other of others) {
      const t = tokens();
      const { token } = t.issue("preview", "app_delete", args, callerDigest(alice));
      expect(await t.verify(token, "preview", "app_delete", args, callerDigest(other))).toEqual({
        ok: false,
        reason: "caller",
      });
      // A refused attempt does not spend it: the owner still can.
      expect(await t.verify(token, "preview", "app_delete", args, callerDigest({ ...alice }))).toEqual({
        ok: true,
      });
    }
  });

  it("refuses an expired token", async () => {
    let now = 1_800_000_000_000;
    const t = tokens(() => now);
    const { token } = t.issue("preview", "app_delete", args, me);
    now += 300_000;
    expect(await t.verify(token, "preview", "app_delete", args, me)).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("refuses a token of the other kind (an elicitation state is not a confirmation token)", async () => {
    const t = tokens();
    const { token } = t.issue("elicit", "app_delete", args, me);
    expect(await t.verify(token, "preview", "app_delete", args, me)).toEqual({ ok: false, reason: "kind" });
  });

  it.each([
    ["empty", ""],
    ["no prefix", "abc.def"],
    ["one part", "tw1.abc"],
    ["three parts", "tw1.a.b.c"],
    ["huge", `tw1.${"a".repeat(2000)}.b`],
    ["true", "true"],
  ])("refuses a malformed token (%s)", async (_label, token) => {
    expect(await tokens().verify(token, "preview", "app_delete", args, me)).toEqual({
      ok: false,
      reason: "malformed",
    });
  });

  it("refuses a forged or tampered token", async () => {
    const t = tokens();
    const { token } = t.issue("preview", "app_delete", args, me);
    const [, body, sig] = token.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, t: "app_other" })).toString("base64url");
    expect(await t.verify(`tw1.${forged}.${sig}`, "preview", "app_other", args, me)).toEqual({
      ok: false,
      reason: "signature",
    });
    const flipped = `${sig!.slice(0, -1)}${sig!.endsWith("A") ? "B" : "A"}`;
    expect((await t.verify(`tw1.${body}.${flipped}`, "preview", "app_delete", args, me)).ok).toBe(false);
  });

  it("another process verifies with the shared key, not with its own random one", async () => {
    const issued = tokens().issue("preview", "app_delete", args, me).token;
    expect(await tokens().verify(issued, "preview", "app_delete", args, me)).toEqual({ ok: true });
    expect(
      await tokens(undefined, randomBytes(32)).verify(issued, "preview", "app_delete", args, me),
    ).toEqual({
      ok: false,
      reason: "signature",
    });
  });
});
