/** Reading generated/: grouping versions, skipping what cannot be served, watching for rebuilds. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalogue, loadCatalogue } from '../../../mcp/catalogue.js';
import { silentLogger } from '../../../mcp/log.js';
import { RUN_TOOL_NAMES } from '../../../mcp/tools/names.js';
import { fixtureProject } from './fixtures/project.js';
import { echo, greetV1 } from './fixtures/workflows.js';

const options = { maxWaitSeconds: 50, reservedNames: RUN_TOOL_NAMES };

describe('catalogue', () => {
  it('says to build first when generated/ is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-empty-'));
    try {
      expect(() => loadCatalogue(join(dir, 'generated'), options)).toThrow(/generated\/mcp\/tools\.json not found at .*: run 'baton build' first/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('groups the versions of a workflow into one tool and knows every manifest workflow', () => {
    const project = fixtureProject();
    try {
      const snapshot = loadCatalogue(project.outDir, options);
      const greet = snapshot.byName.get('mcp_greet')!;
      expect(greet.latest).toBe(2);
      expect([...greet.versions.keys()].sort()).toEqual([1, 2]);
      expect(greet.versions.get(1)?.definition?.version).toBe(1);
      expect(snapshot.byName.get('mcp_approval')?.versions.get(1)?.definition?.maskedFields).toEqual(['cardNumber', 'customerEmail']);
      expect([...snapshot.workflowNames].sort()).toEqual(['mcp_approval', 'mcp_big', 'mcp_charge', 'mcp_doomed', 'mcp_echo', 'mcp_greet']);
      expect(snapshot.skipped).toEqual([]);
    } finally {
      project.remove();
    }
  });

  it('leaves out a workflow tool whose name a run tool has, and says why', () => {
    const project = fixtureProject([echo]);
    try {
      const file = join(project.outDir, 'mcp/tools.json');
      const tools = JSON.parse(readFileSync(file, 'utf8')) as { tools: { name: string }[] };
      tools.tools[0]!.name = 'baton_get_run';
      writeFileSync(file, JSON.stringify(tools));
      const snapshot = loadCatalogue(project.outDir, options);
      expect(snapshot.tools).toEqual([]);
      expect(snapshot.skipped[0]).toMatchObject({ name: 'baton_get_run', reason: expect.stringMatching(/taken by a baton run tool/) });
    } finally {
      project.remove();
    }
  });

  it('notices a rebuild that swaps generated/ for a new directory', async () => {
    const project = fixtureProject([echo]);
    const catalogue = new Catalogue(project.outDir, options, silentLogger);
    try {
      catalogue.watch(50);
      const changed = new Promise<string[]>((resolve) => catalogue.once('changed', (s) => resolve(s.tools.map((t) => t.name))));
      project.rebuild([echo, greetV1]);
      expect(await changed).toEqual(['mcp_echo', 'mcp_greet']);
    } finally {
      catalogue.close();
      project.remove();
    }
  });
});
