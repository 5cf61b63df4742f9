/**
 * A client's request id as written into a message or a log line: its JSON, cut at `SHOWN_ID_CHARS` characters
 * (an id is any string the client chooses, a megabyte long if it likes; the answer itself carries it whole).
 */
export const SHOWN_ID_CHARS = 80;

export function shownId(id: string | number): string {
  const json = JSON.stringify(id);
  if (json.length <= SHOWN_ID_CHARS) return json;
  // Not between the two halves of a character beyond U+FFFF (an emoji): half of one is no text (U+FFFD in a log).
  const end = /[\uD800-\uDBFF]/.test(json[SHOWN_ID_CHARS - 1] ?? "") ? SHOWN_ID_CHARS - 1 : SHOWN_ID_CHARS;
  return `${json.slice(0, end)}…`;
}
