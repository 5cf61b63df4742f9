/**
 * JSON Schema `minProperties`/`maxProperties` as generated schemas check them (`rt.members`): a zod refinement
 * (`.refine(...rt.members("<=", 64))`) counting the parsed object's own keys, with the generator's message. Each
 * check function made here is recorded with its bound, so the output check's compiled pre-check
 * (runtime/output-precheck.ts) reads the bound as data instead of recognising the function by its source text.
 */

export type MemberRelation = "<=" | ">=";

export interface MemberCount {
  relation: MemberRelation;
  count: number;
}

const bounds = new WeakMap<object, MemberCount>();
const made = new Map<string, [check: (value: object) => boolean, message: string]>();

/** The refinement's function and message for `Object.keys(value).length <relation> count` (one per bound). */
export function memberCountCheck(
  relation: MemberRelation,
  count: number,
): [check: (value: object) => boolean, message: string] {
  const key = `${relation}${count}`;
  let found = made.get(key);
  if (!found) {
    const check =
      relation === ">="
        ? (value: object) => Object.keys(value).length >= count
        : (value: object) => Object.keys(value).length <= count;
    // Only a bound JSON Schema allows is recorded (the pre-check then reads it); the check itself is made for any.
    if ((relation === "<=" || relation === ">=") && Number.isSafeInteger(count) && count >= 0)
      bounds.set(check, { relation, count });
    found = [
      check,
      relation === ">=" ? `needs at least ${count} properties` : `allows at most ${count} properties`,
    ];
    made.set(key, found);
  }
  return [found[0], found[1]];
}

/** The bound a refinement function made by `memberCountCheck` checks; undefined for any other function. */
export function memberCountOf(fn: unknown): MemberCount | undefined {
  return typeof fn === "function" ? bounds.get(fn) : undefined;
}
