import { it } from 'vitest';
import { task, workflow, z, str, when, js, raw } from '../../../dsl/index.js';
import { compileAll } from './helpers.js';

const a = task('task_a', { input: z.object({ x: z.string() }), output: z.object({ y: z.string(), n: z.number(), list: z.array(z.string()) }) });
const undo = task('undo_a', { input: z.object({ y: z.string(), x: z.string() }), output: z.object({}) });

it('scratch', () => {
  const w = workflow('w1', { input: z.object({ city: z.string(), flag: z.boolean(), kind: z.enum(['a', 'b']), list: z.array(z.string()) }), output: z.object({}) }, (wf) => {
    const s = wf.run(a, { x: wf.input.city }).compensate(undo, (c) => ({ y: c.output.y, x: c.input.x }));
    const sw = wf.switch('sw', wf.input.kind, { a: (b) => { const t = b.run(a, { x: 'A' }); return { v: t.output.y }; }, b: (b) => ({ v: 'lit' }) });
    const sw2 = wf.switch('sw2', when({ k: wf.input.kind }, ($) => $.k), { a: (b) => { b.run(a, { x: '${lit}' }); } });
    wf.if('if1', wf.input.flag, (b) => { b.run(a, { x: 'then' }); });
    const p = wf.parallel('par', { one: (b) => b.run(a, { x: '1' }), two: (b) => { b.if('inner', wf.input.flag, (c) => { c.run(a, { x: 'deep' }); }); } });
    const fe = wf.forEach('fe', wf.input.list, (item, b) => b.run(a, { x: item }));
    const fe2 = wf.forEach('fe2', wf.input.list, (item, b, i) => { const q = b.run(a, { x: item }); const r = b.run(a, { x: q.output.y }); return { r: r.output.y, i }; });
    const l = wf.loop('lp', (b, it) => { const q = b.run(a, { x: str`it ${it}` }); return { y: q.output.y }; }, { maxIterations: 5, while: (last) => when({ y: last.y }, ($) => $.y !== 'stop') });
    const lo = wf.loopOver('lo', wf.input.list, (item, b) => { b.run(a, { x: item }); });
    wf.wait('w8', { seconds: 10 });
    wf.setVariable('sv', { foo: 1 } as never);
    wf.task('custom', { type: 'LAMBDA', input: { x: 1 }, fields: { scriptExpression: 'return 1' } });
    wf.inline('inl', { c: wf.input.city }, ($) => `${$.c}!`);
    wf.terminate('term', { status: 'COMPLETED', reason: 'done' });
    return { sw: sw.output, lp: l.output.y, fe: fe2.output };
  });
  const r = compileAll([w]);
  console.log(JSON.stringify(r.diagnostics, null, 1));
  console.log(r.files.get('workflows/w1.v1.json'));
  console.log(r.files.get('workflows/w1_compensation.v1.json'));
});
