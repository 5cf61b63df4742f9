import { isScalarValue, setOwn } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import { noteApplied } from "./decision.js";
import { addressable, mapAtPath, offSchema, splitPath } from "./field-paths.js";
import { MASK, maskAll, withoutQuoted } from "./mask.js";

/**
 * Names-only reads (env vars and the like): the result field the manifest names keeps its names and metadata,
 * and its values become the marker, always, whatever the masking switch says.
 *
 * - a map `{NAME: value}` keeps its keys; each value is masked (an object value has its value fields masked);
 * - a list keeps plain strings (they are names) and, in objects, every field but the value-bearing ones
 *   (`value`, `values`, `secret`, `plaintext`).
 *
 * The shape stays what the schema describes (the published schema accepts the marker, see mask-schema.ts),
 * which dropping fields or turning a map into a list of names would not.
 */

const VALUE_KEYS = ["value", "values", "secret", "plaintext"];

function maskValueFields(entry: Record<string, unknown>): { entry: Record<string, unknown>; count: number } {
  let count = 0;
  const out = { ...entry };
  for (const key of VALUE_KEYS) {
    if (!Object.hasOwn(out, key)) continue;
    const masked = maskAll(out[key]);
    count += masked.count;
    out[key] = masked.data;
  }
  return { entry: out, count };
}

export function reduceToNames(field: unknown): { data: unknown; count: number } {
  let count = 0;
  if (Array.isArray(field)) {
    const data = field.map((item) => {
      if (isScalarValue(item) || Array.isArray(item)) return item;
      const masked = maskValueFields(item as Record<string, unknown>);
      count += masked.count;
      return masked.entry;
    });
    return { data, count };
  }
  if (!isScalarValue(field)) {
    const data: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(field as Record<string, unknown>)) {
      if (!isScalarValue(value) && !Array.isArray(value)) {
        const masked = maskValueFields(value as Record<string, unknown>);
        count += masked.count;
        setOwn(data, name, masked.entry);
      } else {
        const masked = maskAll(value);
        count += masked.count;
        setOwn(data, name, masked.data);
      }
    }
    return { data, count };
  }
  return { data: field, count };
}

export function namesOnlyStep(): NamedMiddleware {
  return {
    name: "names-only",
    idle: (tool) => tool.policy.namesOnly === undefined,
    async run(ctx, next) {
      let outcome = await next();
      const path = ctx.tool.policy.namesOnly;
      if (path === undefined) return outcome;
      // An upstream error's own words may quote a value (`DB_HOST holds ...`): never shown, like the values.
      outcome = withoutQuoted(outcome, "since the tool shows names only");
      if (outcome.data === null || outcome.data === undefined) return outcome;
      // Fails closed like masking: unreadable data is the marker, off-schema JSON keeps its keys (a map's names)
      // and loses every value.
      if (!addressable(outcome.data) || offSchema(outcome)) {
        const masked = addressable(outcome.data) ? maskAll(outcome.data) : { data: MASK, count: 1 };
        if (!outcome.error) noteApplied(ctx, "names-only");
        return { ...outcome, data: masked.data };
      }
      let count = 0;
      const data = mapAtPath(outcome.data, splitPath(path), (field) => {
        const reduced = reduceToNames(field);
        count += reduced.count;
        return reduced.data;
      });
      if (count === 0) return outcome;
      noteApplied(ctx, "names-only");
      return { ...outcome, data };
    },
  };
}
