/**
 * A list page written as JSON text. A transport that writes JSON-RPC lines itself (stdio) can send a tools/list
 * page built from entries already held as text (the schemas `generate` published), so the server neither parses
 * them into objects nor serialises those objects again; the SDK sees an empty array that carries the page's text.
 * Only connections whose transport writes it (`rawLists` in the server factory's context) are given such a page.
 */

const RAW = Symbol("toolwright.rawList");

type RawList = never[] & { [RAW]: string };

/** An array the SDK passes on as it is, carrying the JSON text of `entries` (each one entry's JSON). */
export function rawList(entries: readonly string[]): never[] {
  return rawListOf(`[${entries.join(",")}]`);
}

/** The same, given the JSON text of the whole array. */
export function rawListOf(text: string): never[] {
  return Object.assign([] as never[], { [RAW]: text });
}

function rawText(value: unknown): string | undefined {
  return Array.isArray(value) ? (value as Partial<RawList>)[RAW] : undefined;
}

/**
 * The JSON text of a response whose result's `tools` is a raw list (its other members serialised as usual), or
 * undefined for any other message.
 */
export function rawMessageText(message: object): string | undefined {
  const result = (message as { result?: unknown }).result;
  if (result === null || typeof result !== "object") return undefined;
  const { tools, ...rest } = result as { tools?: unknown };
  const list = rawText(tools);
  if (list === undefined) return undefined;
  const { result: _, ...envelope } = message as { result: unknown };
  const restText = JSON.stringify(rest);
  const resultText = restText === "{}" ? `{"tools":${list}}` : `{"tools":${list},${restText.slice(1)}`;
  const head = JSON.stringify(envelope);
  return head === "{}" ? `{"result":${resultText}}` : `${head.slice(0, -1)},"result":${resultText}}`;
}
