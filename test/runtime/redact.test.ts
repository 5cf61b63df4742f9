import { describe, expect, it } from "vitest";
import {
  forgetCredentials,
  holdsCredential,
  MAX_ROTATING_SECRETS,
  redact,
  redactAndTruncate,
  rememberCredential,
  rememberedSecretCount,
  rememberSecret,
  withoutCredentials,
} from "../../src/telemetry/redact.js";

describe("redact: host:port where it is one", () => {
  // Taken for a host and port: a name with a letter in it, an address; clock times, ratios and file positions are not.
  it.each([
    ["listening on localhost:8080 now", "listening on [host] now"],
    ["connect redis:6379 refused", "connect [host] refused"],
    ["connect api.example.com:443 refused", "connect [host] refused"],
    ["connect db-primary.svc:5432", "connect [host]"],
    ["connect 10.0.0.7:5432 refused", "connect [host] refused"],
    ["connect [::1]:8080 refused", "connect [host] refused"],
    ["connect [2001:db8::7]:443 refused", "connect [host] refused"],
    ["connect 2001:db8::7 refused", "connect [host] refused"],
    ["connect fe80::1%eth0 refused", "connect [host] refused"],
    ["connect ::1 refused", "connect [host] refused"],
    ["connect 2001:0db8:0000:0000:0000:ff00:0042:8329 refused", "connect [host] refused"],
    ["connect ::ffff:10.1.2.3 refused", "connect ::ffff:[host] refused"],
    ["host web01:8443, web02:8443", "host [host], [host]"],
  ])("hides %j", (input, output) => {
    expect(redact(input)).toBe(output);
  });

  it.each([
    "at 12:15:37 the call ran over",
    "2026-12-07T12:15:37Z request timed out",
    "2026-12-07T12:15:37.123+01:00 request timed out",
    "at T12:15 and again at 09:30",
    "a 3:10 ratio, then 16:9 and 1:100",
    "tools.yaml:12:5: unknown key",
    "catalog.index.json:3 digest mismatch",
    "std::string and Foo::Bar and a :: b",
    "aa:bb:cc:dd:ee:ff is a MAC",
  ])("keeps %j", (input) => {
    expect(redact(input)).toBe(input);
  });
});

describe("redact", () => {
  it.each([
    ["see https://ops.internal.example/runbook?x=1 now", "see [url] now"],
    ["postgres://admin:pw@db:5432/x failed", "[url] failed"],
    ["Authorization: Bearer abc.def.ghi123", "Authorization: Bearer [redacted]"],
    ["got token=abc123 and api_key: 'k-99'", "got token=[redacted] and api_key: '[redacted]'"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part", "jwt [redacted]"],
    ["mail ops@corp.example now", "mail [email] now"],
    ["connect 10.0.0.7:5432 refused", "connect [host] refused"],
    ["host db-7.internal.corp refused", "host [host] refused"],
    ["host db-primary:5432 refused", "host [host] refused"],
    ["api.example.com said no", "[host] said no"],
    ["key sk_live_51HxQ0abcdef0123456789 leaked", "key [redacted] leaked"],
    ["at /srv/app/lib/db.js:12:5", "at [path]:12:5"],
    ["line one\nline two\r\n", "line one line two"],
    [
      "read of 'infra/db/primary/credentials': No access policy grants it",
      "read of 'infra/db/primary/credentials': No access policy grants it",
    ],
    ["password: hunter22 rejected", "password: [redacted] rejected"],
    ["Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [redacted]"],
    ["token Ghp0123456789abcdef refused", "token [redacted] refused"],
    ["Digest username42 sent", "Digest [redacted] sent"],
    // File names whose last label is an extension, not a top-level domain, stay readable; hosts do not.
    ["catalog.index.json: digest mismatch", "catalog.index.json: digest mismatch"],
    ["schemas.gen.mjs and published.gen.txt are stale", "schemas.gen.mjs and published.gen.txt are stale"],
    ["the token expired", "the token expired"],
    ["db.internal.example refused", "[host] refused"],
    ["files.example.md said no", "[host] said no"],
    ["api.example.json.evil.com said no", "[host] said no"],
    // A private key block whole, its short last line too; one cut off before its END line to the end.
    [
      "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nabcDEF\n-----END RSA PRIVATE KEY----- done",
      "key: [redacted] done",
    ],
    [
      '{"detail": "bad key -----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo\\n-----END OPENSSH PRIVATE KEY-----\\n"}',
      '{"detail": "bad key [redacted]\\n"}',
    ],
    [
      "-----BEGIN ENCRYPTED PRIVATE KEY----- MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI abcdefghij",
      "[redacted]",
    ],
    ["-----BEGIN EC PRIVATE KEY-----\nshortline\n", "[redacted]"],
    // AWS access key ids, long-term and temporary; the word alone stays.
    ["invalid key AKIAIOSFODNN7EXAMPLE for region", "invalid key [redacted] for region"],
    ["AccessKeyId: ASIAY34FZKBOKMUTVV7A expired", "AccessKeyId: [redacted] expired"],
    ["AKIA keys are rotated", "AKIA keys are rotated"],
  ])("%j -> %j", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it("keeps ordinary messages readable", () => {
    expect(redact("secret not found: team/db-password")).toBe("secret not found: team/db-password");
    expect(redact("Validation failed: name must be at most 64 characters (v1.2)")).toBe(
      "Validation failed: name must be at most 64 characters (v1.2)",
    );
  });

  it("replaces remembered secret values wherever they appear", () => {
    rememberSecret("hunter2-canary");
    expect(redact("the password hunter2-canary is wrong")).toBe("the password [redacted] is wrong");
  });

  it("keeps fixed secrets for good and a bounded number of rotating ones (re-read token files, OAuth tokens)", () => {
    rememberSecret("env-secret-canary-fixed");
    const before = rememberedSecretCount();
    for (let i = 0; i < 500; i++) rememberSecret(`rotated-token-${i}-canary`, { rotating: true });
    const after = rememberedSecretCount();
    expect(after.fixed).toBe(before.fixed);
    expect(after.rotating).toBe(MAX_ROTATING_SECRETS);
    expect(redact("env-secret-canary-fixed and rotated-token-499-canary")).toBe("[redacted] and [redacted]");
    // In use again: moved to the newest end, so the next rotations do not push it out.
    rememberSecret("rotated-token-440-canary", { rotating: true });
    for (let i = 500; i < 500 + MAX_ROTATING_SECRETS - 1; i++)
      rememberSecret(`rotated-token-${i}-canary`, { rotating: true });
    expect(redact("x rotated-token-440-canary y")).toBe("x [redacted] y");
    // A rotating value that is also a fixed one stays fixed.
    rememberSecret("env-secret-canary-fixed", { rotating: true });
    for (let i = 0; i < 2 * MAX_ROTATING_SECRETS; i++)
      rememberSecret(`later-${i}-canary`, { rotating: true });
    expect(redact("env-secret-canary-fixed")).toBe("[redacted]");
  });

  it("remembers a credential sent again (every call of a static token) as if it were remembered anew", () => {
    // Other secrets in between (the credential's own rotating entry pushed out), then the credential again: a
    // remembered secret again, which outlives forgetting the credentials.
    rememberCredential("cred-again-canary-a", { rotating: true });
    for (let i = 0; i < MAX_ROTATING_SECRETS; i++)
      rememberSecret(`rotated-between-${i}-canary`, { rotating: true });
    rememberCredential("cred-again-canary-a", { rotating: true });
    forgetCredentials();
    expect(holdsCredential("cred-again-canary-a")).toBe(false);
    expect(redact("x cred-again-canary-a y")).toBe("x [redacted] y");
    // Remembered as rotating, then as fixed: kept for good.
    rememberCredential("cred-again-canary-b", { rotating: true });
    rememberCredential("cred-again-canary-b");
    for (let i = 0; i < MAX_ROTATING_SECRETS; i++)
      rememberSecret(`rotated-after-${i}-canary`, { rotating: true });
    forgetCredentials();
    expect(redact("x cred-again-canary-b y")).toBe("x [redacted] y");
    // Forgotten, then sent again: a credential again.
    rememberCredential("cred-again-canary-b");
    expect(holdsCredential("cred-again-canary-b")).toBe(true);
  });

  it("bounds its work on long input and never leaves half a token", () => {
    // CPU time of this process, not wall time: other processes on a busy machine do not count.
    const before = process.cpuUsage();
    const out = redact(`${"a".repeat(100_000)} tail`);
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(500);
    expect(out).toBe("…");
    expect(redact(`${"word ".repeat(399)}abcdefghijklmnopqrstuvwxyz0123456789`)).toMatch(/word …$/);
  });

  it("replaces a remembered secret across the cut of long input whole, spaces in it or not", () => {
    const phrase = "tall ladder quiet river 7731";
    rememberSecret(phrase);
    rememberSecret("opaque-canary-abcdef");
    for (let lead = 1980; lead <= 2000; lead++) {
      for (const secret of [phrase, "opaque-canary-abcdef"]) {
        const out = redact(`${"x".repeat(lead - 1)} ${secret} and more words after it`);
        for (const word of secret.split(/[ -]/))
          if (word.length > 1) expect(out, `${lead}`).not.toMatch(new RegExp(`\\b${word}\\b`));
        expect(out.endsWith("…"), `${lead}`).toBe(true);
      }
    }
  });

  it("truncates on a word boundary", () => {
    const out = redactAndTruncate(`${"word ".repeat(100)}end`, 50);
    expect(out.length).toBeLessThanOrEqual(51);
    expect(out.endsWith("…")).toBe(true);
  });
});

describe("remembered secrets that hold one another", () => {
  it("are replaced longest first, whole, whatever order they were remembered in", () => {
    rememberSecret("pass-7Qx");
    rememberSecret("pass-7Qx/tail-Wy3k");
    rememberSecret("Zt9-rotating", { rotating: true });
    rememberSecret("Zt9-rotating.and-its-tail", { rotating: true });
    expect(redact("a pass-7Qx/tail-Wy3k b pass-7Qx c Zt9-rotating.and-its-tail d")).toBe(
      "a [redacted] b [redacted] c [redacted] d",
    );
  });
});

describe("a credential written with HTML character references", () => {
  it("is found and replaced in every spelling HTML's parser reads as it, and nothing else is", () => {
    forgetCredentials();
    const value = "ab+/=cd-efgh";
    rememberCredential(value);
    const spelled = [
      "ab&plus;&sol;&equals;cd&#x2D;efgh", // named, and hex as OWASP's encoders write it
      "ab&#x2b;&#x2f;&#x3d;cd&#x2d;efgh",
      Array.from(value, (c) => `&#${c.charCodeAt(0)};`).join(""), // every character, decimal
      "&#0097&#98;+/=cd-efgh", // leading zeros, the ';' left out
    ];
    for (const text of spelled) {
      expect(holdsCredential(`<p>${text}</p>`), text).toBe(true);
      expect(withoutCredentials(`<p>${text}</p>`), text).toBe("<p>[redacted]</p>");
    }
    // References that spell no credential, or another text, stay as written.
    for (const text of [
      "&amp; &#116;&#119; &lt;ab&plus;",
      "ab&plus;&sol;&equals;cd&#x2D;efgX",
      "&unknown; &#0; &#xFFFFFFF;",
    ]) {
      expect(holdsCredential(text), text).toBe(false);
      expect(withoutCredentials(text)).toBe(text);
    }
    forgetCredentials();
  });

  it("a page whose only references are names of characters no credential holds is left as written; one that names a credential's character is read", () => {
    // Only a text holding `&#` or the name of a character some credential holds is decoded (the decoding of a
    // 10 MB page of `&amp;`s and `&lt;`s per call cost 130 ms for nothing); each new credential's characters count.
    forgetCredentials();
    rememberCredential("ab+/=cd-efgh");
    const page = "<p>R&amp;D &lt;b&gt; &quot;x&quot; caf&eacute; Tom & Jerry</p>";
    expect(holdsCredential(page)).toBe(false);
    expect(withoutCredentials(page)).toBe(page);
    expect(withoutCredentials(`${page} ab&plus;&sol;&equals;cd-efgh`)).toBe(`${page} [redacted]`);
    rememberCredential("p&q<r>s\"t'u");
    for (const spelled of ["p&amp;q&lt;r&gt;s&quot;t&apos;u", "p&amp;q<r>s\"t'u", "p&q&lt;r>s\"t'u"]) {
      expect(holdsCredential(`${page} ${spelled}`), spelled).toBe(true);
      expect(withoutCredentials(`${page} ${spelled}`), spelled).toBe(
        "<p>R&amp;D &lt;b&gt; &quot;x&quot; caf&eacute; Tom & Jerry</p> [redacted]",
      );
    }
    forgetCredentials();
    rememberCredential("ab+/=cd-efgh");
    expect(withoutCredentials("p&amp;q&lt;r&gt;s&quot;t&apos;u")).toBe("p&amp;q&lt;r&gt;s&quot;t&apos;u");
    forgetCredentials();
  });
});
