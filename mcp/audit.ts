/**
 * The audit log: one JSON line per write operation (start, signal, retry, restart, terminate,
 * pause, resume), whether it succeeded, failed or was refused. Arguments are recorded with
 * secrets and the workflow's masked fields redacted, and cut to a few KiB.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
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
}

/**
 * Appends synchronously: an audit line must be on disk before the caller is told the
 * operation happened, and write operations are rare enough for it not to matter.
 */
export class AuditLog implements AuditSink {
  constructor(
    private readonly destination: string | '-' | null,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (destination && destination !== '-') mkdirSync(dirname(destination), { recursive: true });
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
    if (this.destination === '-') {
      process.stderr.write(line);
      return;
    }
    try {
      appendFileSync(this.destination, line, { mode: 0o600 });
    } catch (error) {
      // Losing audit lines silently would be worse than a noisy log.
      this.logger.error('cannot write the audit log', { file: this.destination, error });
    }
  }
}
