// Finds the fenced blocks of a markdown file and the runnable/norun markers before them (see docs/testing.md).

/** Info-string languages of command blocks. */
const SHELL_LANGUAGES = new Set(["sh", "bash", "shell", "console", "zsh", "shell-session", "shellsession"]);

/** The first line of a block without an info string that makes it look like a command. */
const COMMAND_START =
  /^(\$\s|(npm|npx|node|toolwright|toolwright-demo|pnpm|yarn|git|curl|bash|sh|cd|export|env|mkdir|rm|cp|cat)(\s|$)|[A-Za-z_][A-Za-z0-9_]*=\S)/;

const MARKER = /^<!--\s*(runnable|norun)\b(.*?)-->$/;
const ANY_MARKER = /^<!--\s*(runnable|norun)\b/;

export interface Command {
  /** The command as bash runs it (continuation lines joined). */
  text: string;
  /** 1-based line of its first line in the file. */
  line: number;
  /** Texts its output must contain (`# -> text` lines after it). */
  expect: string[];
}

export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  body: string[];
  marker: "runnable" | "norun" | undefined;
  looksLikeCommand: boolean;
}

export interface Parsed {
  file: string;
  blocks: Block[];
  /** Marker problems: a malformed marker, or one not followed by a fenced block. */
  problems: string[];
}

export function parseMarkdown(file: string, text: string): Parsed {
  const lines = text.split(/\r?\n/);
  const blocks: Block[] = [];
  const problems: string[] = [];
  // A marker waiting for its block: the line it was on and what it says.
  let pending: { line: number; kind: "runnable" | "norun" } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    const fence = /^\s*(`{3,}|~{3,})(.*)$/.exec(raw);
    if (fence) {
      const mark = fence[1]!;
      const info = fence[2]!.trim();
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const close = lines[j]!.trim();
        if (close.startsWith(mark[0]!.repeat(mark.length)) && /^(`+|~+)$/.test(close)) break;
        body.push(lines[j]!);
      }
      const language = info.split(/\s+/)[0]!.toLowerCase();
      const firstLine = body.map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#")) ?? "";
      const looksLikeCommand =
        SHELL_LANGUAGES.has(language) || (language === "" && COMMAND_START.test(firstLine));
      blocks.push({ file, line: i + 1, info, body, marker: pending?.kind, looksLikeCommand });
      pending = undefined;
      i = j;
      continue;
    }
    if (trimmed === "") continue;
    if (pending) {
      problems.push(`${file}:${pending.line}: <!-- ${pending.kind} --> is not followed by a fenced block`);
      pending = undefined;
    }
    if (ANY_MARKER.test(trimmed)) {
      const m = MARKER.exec(trimmed);
      const kind = m?.[1] as "runnable" | "norun" | undefined;
      const rest = (m?.[2] ?? "").trim();
      if (!m || !kind) {
        problems.push(
          `${file}:${i + 1}: malformed marker ${trimmed} (use <!-- runnable --> or <!-- norun: why -->)`,
        );
      } else if (kind === "runnable" && rest !== "") {
        problems.push(`${file}:${i + 1}: <!-- runnable --> takes nothing else (found "${rest}")`);
      } else if (kind === "norun" && !/^:\s*\S/.test(rest)) {
        problems.push(`${file}:${i + 1}: <!-- norun --> needs a reason: <!-- norun: why -->`);
      } else {
        pending = { line: i + 1, kind };
      }
    }
  }
  if (pending)
    problems.push(`${file}:${pending.line}: <!-- ${pending.kind} --> is not followed by a fenced block`);
  for (const b of blocks) {
    if (b.marker && !b.looksLikeCommand) {
      problems.push(
        `${file}:${b.line}: <!-- ${b.marker} --> on a block that is not a command block (${b.info || "no info string"})`,
      );
    } else if (!b.marker && b.looksLikeCommand) {
      problems.push(
        `${file}:${b.line}: command block without a marker: put <!-- runnable --> or <!-- norun: why --> on the line before it`,
      );
    }
  }
  return { file, blocks, problems };
}

/** The commands of a runnable block, with the `# -> text` expectations that follow each. */
export function commandsOf(block: Block): Command[] {
  const commands: Command[] = [];
  let current: { parts: string[]; line: number } | undefined;
  for (let k = 0; k < block.body.length; k++) {
    const line = block.body[k]!.trim();
    const lineNo = block.line + 1 + k;
    if (current) {
      current.parts.push(line.replace(/\\$/, "").trim());
      if (!line.endsWith("\\")) {
        commands.push({ text: current.parts.join(" "), line: current.line, expect: [] });
        current = undefined;
      }
      continue;
    }
    if (line === "") continue;
    const expectation = /^#\s*->\s?(.*)$/.exec(line);
    if (expectation) {
      const last = commands.at(-1);
      if (!last) throw new Error(`${block.file}:${lineNo}: "# ->" before any command`);
      last.expect.push(expectation[1]!.trim());
      continue;
    }
    if (line.startsWith("#")) continue;
    const text = line.replace(/^\$\s+/, "");
    if (text.endsWith("\\")) current = { parts: [text.replace(/\\$/, "").trim()], line: lineNo };
    else commands.push({ text, line: lineNo, expect: [] });
  }
  if (current)
    throw new Error(`${block.file}:${current.line}: a command ends in "\\" at the end of its block`);
  return commands;
}
