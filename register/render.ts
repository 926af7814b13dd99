/**
 * The plan as people read it (like `terraform plan`: `+` create, `~` update, `!` refused by the
 * version policy; unchanged definitions are counted, not listed) and as CI reads it (`--json`).
 */
import type { ApplyResult } from './apply.js';
import type { FieldChange, TaskChange } from './diff.js';
import { type Json, preview } from './json.js';
import type { SourceLocator } from './locate.js';
import { type Plan, type PlanItem, type WorkflowPlan, blockedWorkflows, planItems } from './plan.js';
import { type Failure, formatFailure } from './server-errors.js';

const SYMBOL = { create: '+', update: '~', unchanged: '=' } as const;

/** Where two long strings part, with a little context on each side. */
function stringChange(before: string, after: string): string {
  let at = 0;
  while (at < before.length && at < after.length && before[at] === after[at]) at++;
  const cut = (text: string) => {
    const start = Math.max(0, at - 12);
    const piece = text.slice(start, at + 28);
    return `${start > 0 ? '…' : ''}${JSON.stringify(piece).slice(1, -1)}${at + 28 < text.length ? '…' : ''}`;
  };
  return `changed at character ${at + 1} (${before.length} → ${after.length} characters): "${cut(before)}" → "${cut(after)}"`;
}

/** Lists of names (inputKeys, inputParameters, joinOn): which were added and removed. */
function listChange(before: readonly Json[], after: readonly Json[]): string | undefined {
  if (![...before, ...after].every((v) => typeof v === 'string' || typeof v === 'number')) return undefined;
  const added = after.filter((v) => !before.includes(v));
  const removed = before.filter((v) => !after.includes(v));
  if (added.length === 0 && removed.length === 0) return `reordered: ${preview(after as Json, 60)}`;
  return [added.length > 0 ? `+ ${added.join(', ')}` : '', removed.length > 0 ? `- ${removed.join(', ')}` : ''].filter(Boolean).join('  ');
}

function fieldLine(change: FieldChange): string {
  const { before, after } = change;
  if (before === undefined) return `${change.path}: ${preview(after)} (added)`;
  if (after === undefined) return `${change.path}: ${preview(before)} (removed)`;
  if (typeof before === 'string' && typeof after === 'string' && (before.length > 50 || after.length > 50)) return `${change.path}: ${stringChange(before, after)}`;
  if (Array.isArray(before) && Array.isArray(after)) {
    const list = listChange(before, after);
    if (list) return `${change.path}: ${list}`;
  }
  return `${change.path}: ${preview(before, 50)} → ${preview(after, 50)}`;
}

function taskLines(change: TaskChange): string[] {
  switch (change.kind) {
    case 'added':
      return [`+ task ${change.ref} (${change.type})${change.where === 'tasks' ? '' : ` in ${change.where}`}`];
    case 'removed':
      return [`- task ${change.ref} (${change.type})`];
    case 'moved':
      return [`> task ${change.ref} (${change.type}) moved from ${change.from} to ${change.to}`];
    case 'reordered':
      return [`> order of ${change.where}: ${change.before.join(', ')} → ${change.after.join(', ')}`];
    case 'changed':
      return [`~ task ${change.ref} (${change.type})`, ...change.changes.map((c) => `    ${fieldLine(c)}`)];
  }
}

function where(locator: SourceLocator, item: PlanItem): string {
  const loc = item.kind === 'workflow' ? locator.workflow(item.name, item.version) : item.kind === 'taskDef' ? locator.taskDef(item.name) : locator.schedule(item.name);
  if (item.kind === 'workflow' && !loc) return item.entry.source;
  if (!loc) return '';
  return loc.line > 0 ? `${loc.file}:${loc.line}` : loc.file;
}

function title(item: PlanItem): string {
  if (item.kind !== 'workflow') return item.name;
  const version = item.targetVersion !== item.version ? `v${item.version} → registered as v${item.targetVersion}` : `v${item.version}`;
  return `${item.name} ${version}`;
}

function note(item: WorkflowPlan): string {
  switch (item.conflict) {
    case 'blocked':
      return `  (v${item.version} exists on the server with other content; refused by --on-conflict=fail)`;
    case 'overwrite':
      return `  (replaces v${item.version} in place)`;
    case 'bump':
      return `  (v${item.version} exists with other content)`;
    default:
      return '';
  }
}

function itemLines(item: PlanItem, locator: SourceLocator): string[] {
  const symbol = item.kind === 'workflow' && item.conflict === 'blocked' ? '!' : SYMBOL[item.action];
  const source = where(locator, item);
  const head = `  ${symbol} ${title(item)}${item.kind === 'workflow' ? note(item) : ''}${source ? `   ${source}` : ''}`;
  const lines = [head];
  if (item.kind === 'workflow') {
    if (item.diff) {
      for (const c of item.diff.fields) lines.push(`      ${fieldLine(c)}`);
      for (const c of item.diff.tasks) lines.push(...taskLines(c).map((l) => `      ${l}`));
    }
  } else {
    for (const c of item.changes) lines.push(`      ${fieldLine(c)}`);
  }
  return lines;
}

export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly unchanged: number;
  readonly blocked: number;
}

export function countPlan(plan: Plan): PlanCounts {
  const items = planItems(plan);
  return {
    create: items.filter((i) => i.action === 'create').length,
    update: items.filter((i) => i.action === 'update' && !(i.kind === 'workflow' && i.conflict === 'blocked')).length,
    unchanged: items.filter((i) => i.action === 'unchanged').length,
    blocked: blockedWorkflows(plan).length,
  };
}

export function renderPlan(plan: Plan, locator: SourceLocator): string {
  const sections: [string, PlanItem[]][] = [
    ['Task definitions', [...plan.taskDefs]],
    ['Workflows', [...plan.workflows]],
    ['Schedules', [...plan.schedules]],
  ];
  const out: string[] = [];
  for (const [heading, items] of sections) {
    if (items.length === 0) continue;
    const changed = items.filter((i) => i.action !== 'unchanged');
    const same = items.length - changed.length;
    out.push(`${heading} (${changed.length} to change${same > 0 ? `, ${same} unchanged` : ''}):`);
    for (const item of changed) out.push(...itemLines(item, locator));
  }
  const counts = countPlan(plan);
  out.push('');
  out.push(
    counts.create + counts.update + counts.blocked === 0
      ? `Plan: nothing to change (${counts.unchanged} definitions up to date).`
      : `Plan: ${counts.create} to create, ${counts.update} to update, ${counts.unchanged} unchanged${counts.blocked > 0 ? `, ${counts.blocked} refused` : ''}.`,
  );
  const blocked = blockedWorkflows(plan);
  if (blocked.length > 0) {
    out.push('');
    out.push(`${blocked.length} workflow${blocked.length === 1 ? '' : 's'} changed under a version the server already has. Running executions and`);
    out.push('sub-workflow calls pinned to that version would pick up the change. Either raise `version` in:');
    for (const b of blocked) {
      const loc = locator.workflow(b.name, b.version);
      out.push(`  ${loc && loc.line > 0 ? `${loc.file}:${loc.line}` : b.entry.source}  ${b.name} (now v${b.version})`);
    }
    out.push('or re-run with --on-conflict=overwrite (replace in place) or --on-conflict=bump (register the next free version).');
  }
  return `${out.join('\n')}\n`;
}

export function renderFailures(failures: readonly Failure[]): string {
  return failures.map((f) => `${formatFailure(f)}\n`).join('');
}

export interface RegisterSummary {
  readonly ok: boolean;
  readonly dryRun: boolean;
  readonly server: string;
  readonly onConflict: string;
  readonly source: 'compile' | 'generated';
  readonly counts: PlanCounts;
  readonly plan: readonly object[];
  readonly applied: ApplyResult['applied'];
  readonly skipped: ApplyResult['skipped'];
  readonly failures: readonly object[];
  readonly requests: Readonly<Record<string, number>>;
  readonly timingsMs: Readonly<Record<string, number>>;
  readonly exitCode: number;
}

export function planJson(plan: Plan, locator: SourceLocator): object[] {
  return planItems(plan).map((item) => {
    const loc = item.kind === 'workflow' ? locator.workflow(item.name, item.version) : item.kind === 'taskDef' ? locator.taskDef(item.name) : locator.schedule(item.name);
    const base = {
      kind: item.kind,
      name: item.name,
      action: item.action,
      ...(loc && { source: { file: loc.file, line: loc.line, column: loc.column } }),
    };
    if (item.kind === 'workflow') {
      return {
        ...base,
        version: item.version,
        ...(item.targetVersion !== item.version && { targetVersion: item.targetVersion }),
        ...(item.conflict && { conflict: item.conflict }),
        layer: item.layer,
        ...(item.diff && { changes: item.diff.fields, taskChanges: item.diff.tasks }),
      };
    }
    return { ...base, ...(item.changes.length > 0 && { changes: item.changes }) };
  });
}

export function failureJson(f: Failure): object {
  return {
    kind: f.kind,
    name: f.name,
    ...(f.version !== undefined && { version: f.version }),
    status: f.status,
    message: f.message,
    ...(f.ref !== undefined && { ref: f.ref }),
    ...(f.loc && { file: f.loc.file, line: f.loc.line, column: f.loc.column }),
  };
}
