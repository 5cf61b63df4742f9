import { afterEach, describe, expect, it } from "vitest";
import {
  forgetCredentials,
  holdsCredential,
  MAX_CREDENTIALS,
  rememberCredential,
  withoutCredentials,
} from "../../src/telemetry/redact.js";

// The credentials an upstream may echo are remembered up to a bound counted in credentials, each with all its
// spellings (as sent, percent-encoded, form-encoded, JSON-escaped): 9dbf53d added spellings, and a bound counted
// in spellings (192) then kept 32 credentials with six spellings each, not the 64 it kept before; an evicted
// credential's echo reached the model.

afterEach(() => forgetCredentials());

/** A credential whose six spellings all differ: a slash, a space, a plus, a quote, a tilde, a star, an apostrophe. */
const credential = (i: number) => `k${i}/ey +"~*'x`;

describe("remembered credentials", () => {
  it(`keeps ${MAX_CREDENTIALS} credentials with every spelling of each`, () => {
    expect(MAX_CREDENTIALS).toBe(64);
    for (let i = 0; i < MAX_CREDENTIALS; i++) rememberCredential(credential(i), { rotating: true });
    const first = credential(0);
    const spellings = [
      first,
      encodeURIComponent(first),
      new URLSearchParams([["", first]]).toString().slice(1),
      JSON.stringify(first).slice(1, -1),
      JSON.stringify(first).slice(1, -1).replaceAll("/", "\\/"),
    ];
    expect(new Set(spellings).size).toBe(5);
    for (const spelling of spellings) {
      expect(holdsCredential(`next=/q?key=${spelling}&page=2`), spelling).toBe(true);
      expect(withoutCredentials(`"${spelling}"`)).toBe('"[redacted]"');
    }
  });

  it("drops the least recently sent credential whole past the bound; one sent again is kept", () => {
    for (let i = 0; i <= MAX_CREDENTIALS; i++) {
      rememberCredential(credential(i), { rotating: true });
      rememberCredential(credential(0), { rotating: true });
    }
    expect(holdsCredential(credential(0))).toBe(true);
    expect(holdsCredential(credential(1))).toBe(false);
    expect(holdsCredential(new URLSearchParams([["", credential(1)]]).toString().slice(1))).toBe(false);
    expect(holdsCredential(credential(2))).toBe(true);
  });
});
