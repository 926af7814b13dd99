/**
 * Every tool the server serves, in the order tools/list shows them: the workflow tools by
 * name, then the run tools in a fixed order. Workflow tools are rebuilt when the catalogue
 * changes; run tools never change.
 */
import type { Role } from './auth/roles.js';
import { roleAllows } from './auth/roles.js';
import type { Catalogue, CatalogueSnapshot } from './catalogue.js';
import { TOOL } from './tools/names.js';
import { readTools } from './tools/read-tools.js';
import type { ServedTool } from './tools/types.js';
import { workflowTool } from './tools/workflow-tool.js';
import { writeTools } from './tools/write-tools.js';

const RUN_TOOL_ORDER: readonly string[] = Object.values(TOOL);

export class ToolRegistry {
  private readonly runTools: readonly ServedTool[];
  private built: { revision: string; all: readonly ServedTool[]; byName: ReadonlyMap<string, ServedTool> } | undefined;

  constructor(private readonly catalogue: Catalogue, maxWaitSeconds: number) {
    const tools = [...readTools(maxWaitSeconds), ...writeTools()];
    this.runTools = RUN_TOOL_ORDER.map((name) => tools.find((t) => t.name === name)!);
  }

  private current(): { all: readonly ServedTool[]; byName: ReadonlyMap<string, ServedTool> } {
    const snapshot: CatalogueSnapshot = this.catalogue.current;
    if (this.built?.revision !== snapshot.revision) {
      const all = [...snapshot.tools.map(workflowTool), ...this.runTools];
      this.built = { revision: snapshot.revision, all, byName: new Map(all.map((t) => [t.name, t])) };
    }
    return this.built;
  }

  /** Tools a caller with `role` may call, in list order. */
  list(role: Role): ServedTool[] {
    return this.current().all.filter((t) => roleAllows(role, t.role));
  }

  get(name: string): ServedTool | undefined {
    return this.current().byName.get(name);
  }

  get revision(): string {
    return this.catalogue.current.revision;
  }
}
