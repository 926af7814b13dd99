import { it } from 'vitest';
import { readDefinitionFiles } from '../../../importer/definitions.js';
import { generateModules } from '../../../importer/index.js';
import { projectRoot } from '../core/helpers.js';
it('scratch', () => {
  const defs = readDefinitionFiles([`${projectRoot}/test/fixtures/import/order_fulfillment.json`, `${projectRoot}/test/fixtures/import/checkout.json`]);
  for (const f of generateModules(defs).files) if (f.path !== 'external.ts') console.log(f.text);
});
