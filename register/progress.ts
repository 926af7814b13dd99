/**
 * Progress of a registration: one redrawn line on a terminal, plain lines otherwise (CI logs
 * keep every line, so a redrawn bar would leave hundreds of them).
 */
import type { ApplyProgress } from './apply.js';

export interface Reporter extends ApplyProgress {
  /** A one-off step, e.g. reading the server's definitions. */
  step(label: string): void;
  /** Ends the current phase. */
  finish(): void;
}

export const quietReporter: Reporter = { step: () => {}, phase: () => {}, advance: () => {}, finish: () => {} };

/** Whether to redraw a line: a terminal that is not a CI runner (some CI logs claim to be TTYs). */
export function isInteractive(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
}

export function lineReporter(write: (text: string) => void): Reporter {
  let label = '';
  let total = 0;
  let done = 0;
  let started = 0;
  const finish = () => {
    if (!label) return;
    write(`${label}: ${done}/${total} in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
    label = '';
  };
  return {
    step: (text) => {
      finish();
      write(`${text}\n`);
    },
    phase: (text, count) => {
      finish();
      label = text;
      total = count;
      done = 0;
      started = performance.now();
    },
    advance: (count) => {
      done += count;
    },
    finish,
  };
}

export function terminalReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  let label = '';
  let total = 0;
  let done = 0;
  const width = 24;
  const draw = () => {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    stream.write(`\r\x1b[2K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  };
  const finish = () => {
    if (!label) return;
    stream.write(`\r\x1b[2K${label}: ${done}/${total} done\n`);
    label = '';
  };
  return {
    step: (text) => {
      finish();
      stream.write(`\r\x1b[2K${text}…`);
      label = '';
      // The next output replaces this line.
    },
    phase: (text, count) => {
      finish();
      label = text;
      total = count;
      done = 0;
      draw();
    },
    advance: (count) => {
      done += count;
      draw();
    },
    finish: () => {
      finish();
      stream.write('\r\x1b[2K');
    },
  };
}
