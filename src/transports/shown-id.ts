/**
 * A client's request id as written into a message or a log line: its JSON, cut at `SHOWN_ID_CHARS` characters
 * (an id is any string the client chooses, a megabyte long if it likes; the answer itself carries it whole).
 */
export const SHOWN_ID_CHARS = 80;

export function shownId(id: string | number): string {
  const json = JSON.stringify(id);
  return json.length > SHOWN_ID_CHARS ? `${json.slice(0, SHOWN_ID_CHARS)}…` : json;
}
