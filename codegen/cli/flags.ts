import { type ParseArgsConfig, parseArgs } from "node:util";
import { didYouMean, nearest } from "../util.js";

/**
 * `parseArgs` for the codegen verbs, stricter where parseArgs is silent: a single-valued flag given twice (the last
 * would win in silence: `--out a --out b`) and an empty value (`--out ""`, `--name=`) are errors, and an unknown
 * flag names the nearest known one. Errors are thrown as parseArgs' are (the verbs print them as usage errors).
 */
export function parseCliFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  const options = config.options ?? {};
  let parsed: ReturnType<typeof parseArgs<T & { tokens: true }>>;
  try {
    parsed = parseArgs({ ...config, tokens: true });
  } catch (e) {
    const error = e as Error & { code?: string };
    const unknown = /^Unknown option '(--?[^']+)'/.exec(error.message)?.[1];
    if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) {
      const near = didYouMean(nearest(unknown.replace(/^--?/, ""), Object.keys(options)), (n) => `--${n}`);
      throw new Error(`unknown flag ${unknown}${near !== undefined ? `: ${near}` : ""}`);
    }
    throw error;
  }
  const seen = new Map<string, string | undefined>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== "option") continue;
    const option = options[token.name];
    if (option?.type === "string" && (token.value === undefined || token.value.trim() === ""))
      throw new Error(`${token.rawName} needs a value (it was given an empty one)`);
    if (option && !option.multiple && seen.has(token.name)) {
      const first = seen.get(token.name);
      throw new Error(
        option.type === "string"
          ? `${token.rawName} is given twice (${JSON.stringify(first)}, then ${JSON.stringify(token.value)}): give it once`
          : `${token.rawName} is given twice: give it once`,
      );
    }
    seen.set(token.name, token.value);
  }
  return parsed as unknown as ReturnType<typeof parseArgs<T>>;
}
