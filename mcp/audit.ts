/**
 * The audit log: one JSON line per write operation (start, signal, retry, restart, terminate,
 * pause, resume), whether it succeeded, failed or was refused. Arguments are recorded with
 * secrets and the workflow's masked fields redacted, and cut to a few KiB.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from './log.js';
import { redact } from './redact.js';
import { summarise } from './summarise.js';

export type AuditOutcome = 'ok' | 'error' | 'invalid_input' | 'forbidden' | 'run_failed';

export interface AuditEntry {
  readonly time: string;
  readonly keyId: string;
  readonly role: string;
  readonly tool: string;
  readonly workflow?: string;
  readonly executionId?: string;
  readonly outcome: AuditOutcome;
  readonly error?: string;
  readonly durationMs?: number;
  readonly transport: string;
  readonly arguments?: unknown;
}

export type AuditRecord = Omit<AuditEntry, 'time' | 'arguments'> & { readonly arguments?: unknown; readonly maskedFields?: readonly string[] };

const ARGUMENT_BUDGET_BYTES = 4096;

export interface AuditSink {
  write(record: AuditRecord): void;
  close?(): void;
}

/**
 * Appends synchronously to a file kept open: an audit line must be written before the caller
 * is told the operation happened. O_APPEND keeps lines whole when several processes share the
 * file.
 */
export class AuditLog implements AuditSink {
  private fd: number | undefined;

  constructor(
    private readonly destination: string | '-' | null,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (destination && destination !== '-') {
      try {
        mkdirSync(dirname(destination), { recursive: true });
        this.fd = openSync(destination, 'a', 0o600);
      } catch (error) {
        throw new Error(`cannot open the audit log ${destination}: ${error instanceof Error ? error.message : String(error)} (set --audit-log to another file, '-' for stderr, or 'off')`);
      }
    }
  }

  write(record: AuditRecord): void {
    if (this.destination === null) return;
    const { maskedFields, arguments: args, ...rest } = record;
    const entry: AuditEntry = {
      time: this.now().toISOString(),
      ...rest,
      ...(args !== undefined && { arguments: summarise(redact(args, maskedFields ?? []), ARGUMENT_BUDGET_BYTES).value }),
    };
    const line = `${JSON.stringify(entry)}\n`;
    if (this.fd === undefined) {
      process.stderr.write(line);
      return;
    }
    try {
      writeSync(this.fd, line);
    } catch (error) {
      // Losing audit lines silently would be worse than a noisy log.
      this.logger.error('cannot write the audit log', { file: this.destination, error });
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
