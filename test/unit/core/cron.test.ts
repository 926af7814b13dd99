/**
 * Schedule cron expressions as Conductor's scheduler reads them (Spring's CronExpression): six
 * fields, seconds first, names, steps, ranges, `?`, and the Quartz extensions L, W and #.
 */
import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../../compiler/cron.js';

describe('cronProblem', () => {
  it.each([
    '0 0 * * * *',
    '* * * * * *',
    '0 */5 * * * *',
    '0 0/15 9-17 * * MON-FRI',
    '30 0 9 ? * mon-fri',
    '0 0 0 1,15 * ?',
    '0 0 12 * JAN,JUL ?',
    '0 0 12 * jan-mar *',
    '0 0 0 L * ?',
    '0 0 0 L * *',
    '0 0 0 L-3 * ?',
    '0 0 0 LW * ?',
    '0 0 0 15W * ?',
    '0 0 0 1W * ?',
    '0 0 0 ? * 5L',
    '0 0 0 ? * FRIL',
    '0 0 0 ? * fril',
    '0 0 0 ? * 6#3',
    '0 0 0 ? * MON#1',
    '0 0 0 * * 0',
    '0 0 0 * * 7',
    '0 0 0 * * 0-7',
    '59 59 23 31 12 *',
    '0 5-10/2 * * * *',
    '  0 0 * * * *  ',
    '0\t0 * * *\t*',
    '@daily',
    '@HOURLY',
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@midnight',
  ])('accepts %j', (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['0 * * * *', /has 5 fields; Conductor reads six/],
    ['0 0 * * * * *', /has 7 fields/],
    ['@often', /has 1 field;/],
    ['', /has 1 field;/],
    ['60 * * * * *', /'60' is not a valid second \(0-59\)/],
    ['0 60 * * * *', /'60' is not a valid minute/],
    ['0 0 24 * * *', /'24' is not a valid hour \(0-23\)/],
    ['0 0 0 0 * *', /'0' is not a valid day of month \(1-31\)/],
    ['0 0 0 32 * *', /'32' is not a valid day of month/],
    ['0 0 0 * 13 *', /'13' is not a valid month \(1-12\)/],
    ['0 0 0 * FOO *', /'FOO' is not a valid month/],
    ['0 0 0 * * 8', /'8' is not a valid day of week \(0-7\)/],
    ['0 0 0 * * MOX', /'MOX' is not a valid day of week/],
    ['0 0 17-9 * * *', /range 17-9 in hour runs backwards/],
    ['0 */0 * * * *', /step '\/0' in minute must be a positive number/],
    ['0 */x * * * *', /step '\/x' in minute must be a positive number/],
    ['0 1,,2 * * * *', /empty minute/],
    ['? * * * * *', /'\?' is only allowed in day of month or day of week/],
    ['0 0 0 * ? *', /'\?' is only allowed/],
    ['0 0 0 32W * ?', /'32W' names no day of month/],
    ['0 0 0 0W * ?', /'0W' names no day of month/],
    ['0 0 0 W * ?', /'W' is not a valid day of month/],
    ['0 0 0 L-0 * ?', /is not a valid day of month/],
    ['0 0 0 ? * L', /'L' in day of week needs a day before it/],
    ['0 0 0 ? * 6#6', /'6#6' is not a valid day of week/],
    ['0 0 0 ? * XYZL', /'XYZL' names no day of week/],
    ['0 70/5 * * * *', /'70' is not a valid minute/],
  ] as const)('rejects %j', (expression, reason) => {
    expect(cronProblem(expression)).toMatch(reason);
  });
});
