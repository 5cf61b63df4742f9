/**
 * Text written by others (a spec, a manifest, an upstream response, a client) that toolwright prints to a terminal
 * or a CI log: stderr log lines, `generate`/`check`/`init` diagnostics, `audit` and `diff` reports, `--help` and
 * `print-config`. A terminal acts on some characters instead of showing them: ESC and the C1 controls start escape
 * sequences (`ESC [2J` clears the screen, `ESC ]0;...` sets the window title, `ESC ]8;;URL` makes a hyperlink whose
 * text hides its target), a carriage return or backspace overwrites what was printed, bidi overrides and isolates
 * reorder it (Trojan Source), format characters (zero-width, tags) hide text, and line or paragraph separators and
 * a line feed inside one field forge lines of their own. Each such character is printed as a visible escape
 * (`\x1b`, `\u202e`, `\u{e0041}`) instead, so what a reviewer reads is what is there.
 */

/** C0 and C1 controls and DEL, format characters, line and paragraph separators, lone surrogates. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "gu");

function visibleEscape(char: string): string {
  const code = char.codePointAt(0) as number;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\u{${code.toString(16)}}`;
}

/**
 * `text` with every character a terminal would act on or hide written as a visible escape. A tab stays, and a
 * line feed stays when `lines` is set (text that is several lines on purpose); otherwise it is escaped too, so one
 * field stays one line.
 */
export function terminalSafe(text: string, options: { lines?: boolean } = {}): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_ALL, (char) =>
    char === "\t" || (char === "\n" && options.lines === true) ? char : visibleEscape(char),
  );
}

/**
 * `JSON.stringify(value, null, indent)` for a terminal: JSON.stringify escapes C0 controls but writes DEL, C1
 * controls, format characters (bidi, tags) and line separators as they are; here each is a `\uXXXX` escape too
 * (still the same JSON: such characters occur only inside strings). `toml`: a character beyond the BMP is written
 * `\UXXXXXXXX`, as TOML's basic strings (which share JSON's other escapes) require, not as a surrogate pair.
 */
export function terminalJson(value: unknown, indent?: number, options: { toml?: boolean } = {}): string {
  const json = JSON.stringify(value, null, indent);
  if (!UNSAFE.test(json)) return json;
  return json.replace(UNSAFE_ALL, (char) => {
    // A raw line feed is the indentation's (JSON.stringify escapes those inside strings).
    if (char === "\n") return char;
    if (char.length === 2 && options.toml)
      return `\\U${(char.codePointAt(0) as number).toString(16).padStart(8, "0")}`;
    let out = "";
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return out;
  });
}
