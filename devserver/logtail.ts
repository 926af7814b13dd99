// Reads the end of the server log for error messages. Only the tail is read
// because a failed boot can still produce megabytes of stack traces.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

// Java stack frames ("\tat ...", "\t... 82 more") crowd out the lines that say
// what went wrong ("Caused by: ..."), so error tails can leave them out.
const STACK_FRAME = /^\s+(at |\.\.\. \d+ more)/;

export interface TailOptions {
  lines?: number;
  skipStackFrames?: boolean;
  maxBytes?: number;
}

export function readLastLines(file: string, lines = 40, maxBytes = 256 * 1024): string {
  return readTail(file, { lines, maxBytes });
}

export function readTail(file: string, options: TailOptions = {}): string {
  const { lines = 40, skipStackFrames = false, maxBytes = 256 * 1024 } = options;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '(no log file)';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString('utf8').trimEnd().split('\n');
    return (skipStackFrames ? all.filter((line) => !STACK_FRAME.test(line)) : all).slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}
