import { it } from 'vitest';
import { generateModules } from '../../../importer/index.js';
it('scratch', () => {
  const def = { name: 'wf_0', version: 1, tasks: [
    { name: 'dynamic_task', taskReferenceName: 'w0_0', type: 'DYNAMIC', dynamicTaskNameParam: 'taskToExecute', inputParameters: { taskToExecute: 'x', value: { 'odd key': ['line\nbreak\r\n', null] } } },
  ] };
  try {
    const r = generateModules({ workflows: [{ definition: def as never, source: 'x' }], taskDefs: new Map() });
    console.log(r.files[0]!.text);
  } catch (e) { console.log(String(e).slice(0, 300)); }
  const def2 = { name: 'wf_1', description: '* star first', version: 1, tasks: [
    { name: 'send_mail', taskReferenceName: 'a', inputParameters: { v: 'ünïcode ✓' } },
  ] };
  try {
    const r = generateModules({ workflows: [{ definition: def2 as never, source: 'x' }], taskDefs: new Map() });
    console.log(r.files[0]!.text);
  } catch (e) { console.log(String(e).slice(0, 300)); }
});
