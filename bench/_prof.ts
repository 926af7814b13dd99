import { buildProject } from '../compiler/build.js';
const root = process.argv[2]!;
const t = performance.now();
const o = await buildProject({ root, typecheck: false });
console.log((performance.now() - t).toFixed(0), JSON.stringify(o.timings));
