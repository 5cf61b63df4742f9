import { createRequire } from "node:module";

/**
 * The packages that analyse a spec's `pattern`s (regexpp's parser, re2js, scslre with refa and
 * regexp-ast-analysis), required on first use: a spec without a pattern (DocuSign's, most small ones) never loads
 * them. Loaded at start they cost ~40-120 ms of CPU in a fresh process even with the compile cache (refa's top-level
 * code most of it), about a third of a small spec's whole generate.
 */
const require = createRequire(import.meta.url);

let regexppModule: typeof import("@eslint-community/regexpp") | undefined;
let re2jsModule: typeof import("re2js") | undefined;
let scslreModule: typeof import("scslre") | undefined;

export function regexpp(): typeof import("@eslint-community/regexpp") {
  regexppModule ??= require("@eslint-community/regexpp") as typeof import("@eslint-community/regexpp");
  return regexppModule;
}

export function re2js(): typeof import("re2js") {
  re2jsModule ??= require("re2js") as typeof import("re2js");
  return re2jsModule;
}

export function scslre(): typeof import("scslre") {
  scslreModule ??= require("scslre") as typeof import("scslre");
  return scslreModule;
}
