// Reads the end of the server log for error messages. Only the tail is read
// because a failed boot can still produce megabytes of stack traces.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export function readLastLines(file: string, lines = 40, maxBytes = 256 * 1024): string {
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
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}
