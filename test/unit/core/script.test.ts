/**
 * Scripts shipped to the server (tasktypes/script.ts): syntax errors, and the scan for names a
 * function reads from the file it was written in (which do not exist on the Conductor server).
 * The functions below are real functions: their source text is what `when`/`inline` ship.
 */
import { describe, expect, it } from 'vitest';
import { js, task, when, workflow, z } from '../../../dsl/index.js';
import { freeIdentifiers, syntaxError } from '../../../tasktypes/script.js';
import { diagnosticsOf } from './helpers.js';

const limit = 10;
const factor = 3;
const helper = (n: number) => n * 2;
// Only its name is used (under typeof); `declare` leaves no trace in the shipped source.
declare const window: unknown;

type $ = {
  a: number;
  b: number;
  s: string;
  ok: boolean;
  list: number[];
  pairs: [string, number][];
  o: Record<string, number>;
  items: { id: string; name: string }[];
};

/** Functions that read nothing from outside: the scan must find nothing. */
const closed: Record<string, ($: $) => unknown> = {
  arrow: ($) => $.a + 1,
  functionExpression: function ($) {
    return $.a;
  },
  namedFunctionExpression: function pick($): unknown {
    return pick.name + $.a;
  },
  destructuredParameter: ({ a, b: renamed }) => a + renamed,
  destructuredWithDefaults: ({ a = 1, list: [first = 0] = [] }) => a + first,
  templateLiteral: ($) => `${$.s}: ${$.ok ? `yes ${$.a}` : 'no'} ${{ k: 1 }.k}`,
  objectLiteral: ($) => ({ a: $.a, b: 2, nested: { c: $.b, 'quoted key': 1 }, [String($.a)]: 3 }),
  shorthandProperties: ($) => {
    const a = 1;
    return { a, $ };
  },
  ternaries: ($) => ($.ok ? { a: 1 } : $.a > 1 ? { b: 2 } : { c: 3 }),
  ternaryInsideObject: ($) => ({ a: $.ok ? 1 : 2, d: 3 }),
  nestedCallbacks: ($) => $.list.map((x) => x * 2).filter(function (y, i) { return y > i; }),
  destructuringCallbacks: ($) => [$.pairs.map(([k, v]) => k + v), $.items.map(({ id, name: n }) => id + n)],
  loops: ($) => {
    let total = 0;
    for (let i = 0, j = 1; i < $.a; i++, j++) total += i * j;
    for (const v of $.list) total += v;
    for (const k in $.o) total += $.o[k]!;
    return total;
  },
  declarations: ($) => {
    const a = 1,
      b = 2;
    let c, d;
    c = d = 3;
    const { s, o: dict } = $;
    const [x, y] = $.list;
    return a + b + c + d + s + dict + x! + y!;
  },
  tryCatch: ($) => {
    try {
      return JSON.parse($.s) as unknown;
    } catch (error) {
      return (error as Error).message;
    }
  },
  tryCatchDestructured: ($) => {
    try {
      return JSON.parse($.s) as unknown;
    } catch ({ message }: any) {
      return message as string;
    }
  },
  regexAndDivision: ($) => (/a(b)c\//g.test($.s) ? $.a / $.b / 2 : $.s.replace(/x/g, 'y')),
  comments: ($) => /* a comment with limit inside */ $.a, // and factor here
  stringsWithNames: ($) => "limit's " + 'factor "quoted" ' + $.s,
  optionalChaining: ($) => $?.o?.k ?? $.list?.[0],
  builtins: ($) => Math.max($.a, 0) + JSON.stringify($) + Object.keys($).length + new Date($.a).getTime() + Number.parseInt($.s, 10),
  spread: ($) => ({ ...$.o, l: [...$.list] }),
  methods: ($) => ({ m(x: number) { return x + $.a; }, get g() { return 1; } }).m(2),
  classes: ($) => {
    class Box {
      v = 1;
    }
    return new Box().v + $.a;
  },
  labels: ($) => {
    outer: for (const a of $.list) {
      for (const b of $.list) if (a === b) continue outer;
      break outer;
    }
    return 0;
  },
  switchStatement: ($) => {
    switch ($.s) {
      case 'a':
        return 1;
      default:
        return 2;
    }
  },
  typeofGuard: () => typeof window === 'undefined',
  innerFunctionDeclaration: ($) => {
    function inner(n: number): number {
      return n + $.a;
    }
    return inner(1);
  },
  asyncArrow: async ($) => await Promise.resolve($.a),
};

/** Functions that close over this file's names: the scan must name exactly those. */
const open: [string, ($: $) => unknown, string[]][] = [
  ['module constant', ($) => $.a < limit, ['limit']],
  ['two constants', ($) => factor * $.a + limit, ['factor', 'limit']],
  ['a helper function', ($) => helper($.a), ['helper']],
  ['inside a template', ($) => `${$.a * factor}`, ['factor']],
  ['a default value', ({ a = limit }) => a, ['limit']],
  ['a computed key', ($) => ({ [String(limit)]: $.a }), ['limit']],
  ['a ternary branch', ($) => ($.ok ? limit : factor), ['limit', 'factor']],
  ['an object value in a ternary', ($) => ($.ok ? { x: limit } : null), ['limit']],
  ['a case label', ($) => {
    switch ($.a) {
      case limit:
        return 1;
    }
    return 0;
  }, ['limit']],
  ['a class field initializer', () => {
    class Box {
      v = limit;
    }
    return new Box().v;
  }, ['limit']],
  ['a declaration initializer', ($) => {
    const x = $.ok ? limit : 0,
      y = factor;
    return x + y;
  }, ['limit', 'factor']],
];

describe('freeIdentifiers on real functions', () => {
  it.each(Object.entries(closed))('%s reads nothing from outside', (_name, fn) => {
    expect(freeIdentifiers(fn.toString())).toEqual([]);
  });

  it.each(open)('%s is reported', (_name, fn, names) => {
    expect(freeIdentifiers(fn.toString())).toEqual(names);
  });
});

describe('freeIdentifiers on source text', () => {
  it.each([
    ['$ => $.a', []],
    ['(...args) => args.length', []],
    ['function* gen($) { yield $.a; yield gen; }', []],
    ['($, f = (x) => x * k) => f($.a)', ['k']],
    ['($) => {\n const a = 1\n const b = a + q\n return b\n}', ['q']],
    ['($) => { if (flag) { return 1; } while (busy) {} return 0; }', ['flag', 'busy']],
    ['($) => fn({ a: 1 }, [{ b: x }])', ['fn', 'x']],
    ['($) => { const Math = 1; return Math + $.a; }', []],
    ['(x) => x + y', ['y']],
  ] as const)('%j', (source, names) => {
    expect(freeIdentifiers(source)).toEqual(names);
  });
});

describe('syntaxError', () => {
  it('is undefined for valid scripts and names the problem otherwise', () => {
    expect(syntaxError('(($) => $.a + 1)($)')).toBeUndefined();
    expect(syntaxError('$.a +')).toMatch(/Unexpected end of input/);
    expect(syntaxError('(m($) { return 1; })($)')).toMatch(/Unexpected token/);
  });
});

describe('script checks in a workflow', () => {
  const echo = task('echo', { input: z.object({ n: z.number() }), output: z.object({ n: z.number() }) });
  const input = z.object({ n: z.number() });
  const output = z.object({});

  it('a closure is a warning naming the variable and how to pass it in', () => {
    const wf = workflow('closure_warning', { input, output }, (wf) => {
      wf.if('big', when({ n: wf.input.n }, ($) => $.n > limit), (b) => {
        b.run(echo, { n: 1 });
      });
      return {};
    });
    const found = diagnosticsOf(wf).filter((d) => d.code === 'script-closure');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'warning',
      message: "condition of 'big' uses 'limit' from outside the function; it runs on the Conductor server, where only $ exists",
      hint: 'pass the value in through the parameters, e.g. when({ limit: … }, ($) => … $.limit …)',
    });
  });

  it('a syntax error in a text script or a method-shorthand function is an error', () => {
    const wf = workflow('syntax_errors', { input, output }, (wf) => {
      wf.inline('broken', { n: wf.input.n }, '$.n +', { output: z.number() });
      const holder = { m($: { n: number }) { return $.n > 1; } };
      wf.if('method', when({ n: wf.input.n }, holder.m), (b) => {
        b.run(echo, { n: 1 });
      });
      wf.switch('text', js({ n: wf.input.n }, '$.n >>> )'), { a: (b) => b.run(echo, { n: 2 }) });
      return {};
    });
    const found = diagnosticsOf(wf).filter((d) => d.code === 'script-syntax');
    expect(found.map((d) => d.message.replace(/: .*$/, ''))).toEqual([
      "inline step 'broken' is not valid JavaScript",
      "condition of 'method' is not valid JavaScript",
      "condition of 'text' is not valid JavaScript",
    ]);
    expect(found[1]!.hint).toMatch(/pass an arrow function or a function expression/);
    expect(found[0]!.hint).toMatch(/fix the JavaScript/);
  });

  it('a loop condition is checked too, and parameters that are not data are reported', () => {
    const wf = workflow('loop_script', { input, output }, (wf) => {
      wf.loop('spin', (b) => ({ n: b.run(echo, { n: 1 }).output.n }), {
        maxIterations: 3,
        while: (last) => when({ n: last.n, bad: Number.NaN }, ($) => $.n < factor),
      });
      return {};
    });
    const found = diagnosticsOf(wf);
    expect(found.filter((d) => d.code === 'script-closure').map((d) => d.message)).toEqual([
      "while condition of 'spin' uses 'factor' from outside the function; it runs on the Conductor server, where only $ exists",
    ]);
    expect(found.filter((d) => d.code === 'invalid-input').map((d) => d.message)).toEqual([
      "while condition of 'spin' parameter bad: NaN is not a JSON number",
    ]);
  });
});
