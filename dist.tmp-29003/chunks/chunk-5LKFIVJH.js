import { __export } from "./chunk-WSFCRVEQ.js";

// src/catalog.ts
var catalog_exports = {};
__export(catalog_exports, {
  CATALOG_FORMAT: () => CATALOG_FORMAT,
  authValues: () => authValues,
  parseRate: () => parseRate,
});
var CATALOG_FORMAT = 2;
function authValues(scheme) {
  switch (scheme.kind) {
    case "bearer":
      return [scheme.token];
    case "apiKey":
      return [scheme.value];
    case "basic":
      return [scheme.username, scheme.password];
    case "oauth2ClientCredentials":
      return [scheme.clientId, scheme.clientSecret];
    case "oauth2":
      return [scheme.token, scheme.refreshToken, scheme.clientId, scheme.clientSecret].filter(
        (v) => v !== void 0,
      );
  }
}
var WINDOW_UNITS = { s: 1, m: 60, h: 3600, d: 86400 };
function parseRate(text) {
  const match = /^\s*(\d{1,9})\s*\/\s*(\d{0,6})\s*(s|m|h|d)\s*$/.exec(text);
  if (!match) return void 0;
  const calls = Number(match[1]);
  const perSeconds = Number(match[2] || "1") * WINDOW_UNITS[match[3]];
  return calls >= 1 && perSeconds >= 1 ? { calls, perSeconds } : void 0;
}

export { authValues, CATALOG_FORMAT, catalog_exports, parseRate };
