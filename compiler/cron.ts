/**
 * Checks Conductor schedule cron expressions: six fields (second minute hour day-of-month month
 * day-of-week), as the scheduler's Spring CronExpression reads them, or a macro like @daily.
 * Returns a reason when the expression is invalid.
 */
const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Offset of the first name: JAN is 1, SUN is 0. */
  readonly nameBase?: number;
}

const FIELDS: readonly Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, nameBase: 0 },
];

function value(text: string, field: Field): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + (field.nameBase ?? 0) : undefined;
}

function checkRange(text: string, field: Field): string | undefined {
  if (text === '*') return undefined;
  const [lo, hi] = text.split('-');
  const a = value(lo!, field);
  if (a === undefined || a < field.min || a > field.max) return `'${lo}' is not a valid ${field.name} (${field.min}-${field.max})`;
  if (hi === undefined) return undefined;
  const b = value(hi, field);
  if (b === undefined || b < field.min || b > field.max) return `'${hi}' is not a valid ${field.name} (${field.min}-${field.max})`;
  if (b < a) return `range ${text} in ${field.name} runs backwards`;
  return undefined;
}

function checkPart(part: string, field: Field, index: number): string | undefined {
  if (part === '?') return index === 3 || index === 5 ? undefined : `'?' is only allowed in day of month or day of week`;
  // `L-0` is no offset at all: Spring rejects it ("Offset should be < 0").
  if (index === 3 && /^(L(-[1-9]\d*)?|LW|\d+W)$/i.test(part)) {
    const n = /^(\d+)W$/i.exec(part)?.[1];
    return n !== undefined && (Number(n) < 1 || Number(n) > 31) ? `'${part}' names no day of month` : undefined;
  }
  if (index === 5 && /^([0-7]|[A-Za-z]{3})(L|#[1-5])$/i.test(part)) {
    return value(part.replace(/(L|#[1-5])$/i, ''), field) === undefined ? `'${part}' names no day of week` : undefined;
  }
  // Unlike Quartz, Spring's parser wants a day before the L ("No day-of-week before 'L'").
  if (index === 5 && part.toUpperCase() === 'L') return `'L' in day of week needs a day before it, e.g. 5L or FRIL (the last Friday)`;
  const [range, step] = part.split('/');
  if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) return `step '/${step}' in ${field.name} must be a positive number`;
  if (range === undefined || range === '') return `empty ${field.name}`;
  if (step !== undefined && /^\d+$/.test(range)) {
    const a = Number(range);
    return a < field.min || a > field.max ? `'${range}' is not a valid ${field.name} (${field.min}-${field.max})` : undefined;
  }
  return checkRange(range, field);
}

export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (MACROS.has(text.toLowerCase())) return undefined;
  const parts = text.split(/\s+/);
  if (parts.length !== 6) {
    return `has ${parts.length} field${parts.length === 1 ? '' : 's'}; Conductor reads six: second minute hour day-of-month month day-of-week (e.g. "0 */5 * * * *")`;
  }
  for (let i = 0; i < 6; i++) {
    for (const part of parts[i]!.split(',')) {
      const problem = checkPart(part, FIELDS[i]!, i);
      if (problem) return problem;
    }
  }
  return undefined;
}
