/**
 * Progress of one catalog's generation on stderr, for large specs.
 *
 * On a terminal: one live line, redrawn in place, with the stage, what it works on (`bind 1,223 operations`) and
 * the time so far; it is cleared when the catalog is done, so the summary is all that stays. Elsewhere (CI logs,
 * pipes): plain lines, and none at all for a catalog that generates in under 3 s; after that each stage as it
 * starts, and a heartbeat while one runs long. Stages are synchronous steps, so a line comes at each boundary even
 * when no timer can fire meanwhile. `--verbose` announces every stage as a plain line; `--quiet` shows nothing.
 */

/** After this long, a catalog's stages are announced as plain lines (before, a quick catalog prints nothing). */
const QUIET_MS = 3000;
/** While one stage keeps running, a plain line this often. */
const HEARTBEAT_MS = 10_000;
/** How often the live line is redrawn. */
const FRAME_MS = 100;
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export type ProgressMode = "tty" | "lines" | "verbose" | "none";

export interface Progress {
  stage(catalog: string, stage: string, detail?: string): void;
  stop(): void;
}

/** The mode for this process: a live line on a terminal, plain lines otherwise. */
export function progressMode(options: { quiet: boolean; verbose: boolean }): ProgressMode {
  if (options.quiet) return "none";
  if (options.verbose) return "verbose";
  return process.stderr.isTTY ? "tty" : "lines";
}

export function startProgress(
  name: string,
  mode: ProgressMode,
  write: (text: string) => void = (text) => process.stderr.write(text),
): Progress {
  const started = performance.now();
  let current = "load";
  let announced: string | undefined;
  let lastLine = started;
  let frame = 0;
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const say = (what: string) => {
    lastLine = performance.now();
    write(`  ${name}: ${what} (${seconds()} s)\n`);
  };
  if (mode === "none") return { stage() {}, stop() {} };
  if (mode === "tty") {
    const draw = () => {
      frame = (frame + 1) % SPINNER.length;
      write(`\r\x1b[K  ${SPINNER[frame]} ${name}: ${current}… ${seconds()} s`);
    };
    const tick = setInterval(draw, FRAME_MS);
    tick.unref();
    return {
      stage(_catalog, stage, detail) {
        current = detail ? `${stage} ${detail}` : stage;
        draw();
      },
      stop() {
        clearInterval(tick);
        write("\r\x1b[K");
      },
    };
  }
  const tick = setInterval(() => {
    const now = performance.now();
    if (announced !== current && now - started >= QUIET_MS) {
      announced = current;
      say(`${current}…`);
    } else if (announced === current && now - lastLine >= HEARTBEAT_MS) say(`still ${current}…`);
  }, 1000);
  tick.unref();
  return {
    stage(_catalog, stage, detail) {
      current = detail ? `${stage} ${detail}` : stage;
      if (mode === "verbose" || performance.now() - started >= QUIET_MS) {
        announced = current;
        say(`${current}…`);
      }
    },
    stop() {
      clearInterval(tick);
    },
  };
}
