import { it } from 'vitest';
import { readDefinitionFiles } from '../../../importer/definitions.js';
import { generateModules, importDefinitions } from '../../../importer/index.js';
import { resolveConfig } from '../../../compiler/config.js';
import { projectRoot } from '../core/helpers.js';

it('scratch', async () => {
  const defs = readDefinitionFiles([`${projectRoot}/test/fixtures/import/order_fulfillment.json`]);
  const g = generateModules(defs);
  for (const f of g.files) console.log(`==== ${f.path}\n${f.text}`);
  const out = await importDefinitions({ definitions: defs, root: projectRoot, config: resolveConfig(projectRoot, {}) });
  console.log(JSON.stringify(out.workflows, null, 1), out.rounds);
});
