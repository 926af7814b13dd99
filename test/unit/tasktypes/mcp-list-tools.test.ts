import { describe, expect, it } from 'vitest';
import { str, workflow, z } from '../../../dsl/index.js';
import { definitionOf, diagnosticsOf, externalDef } from './helpers.js';

const input = z.object({ host: z.string(), token: z.string() });

describe('listMcpTools (LIST_MCP_TOOLS)', () => {
  it('lowers the server URL and headers, with the tools typed', () => {
    const wf = workflow('mcp_list', { input, output: z.object({ first: z.string() }) }, (wf) => {
      const listed = wf.listMcpTools('discover', { mcpServer: str`https://${wf.input.host}/mcp`, headers: { Authorization: str`Bearer ${wf.input.token}` } });
      return { first: listed.output.tools[0]!.name };
    });
    const definition = definitionOf(wf);
    expect(definition.tasks).toEqual([
      {
        name: 'discover',
        taskReferenceName: 'discover',
        type: 'LIST_MCP_TOOLS',
        inputParameters: { mcpServer: 'https://${workflow.input.host}/mcp', headers: { Authorization: 'Bearer ${workflow.input.token}' } },
        taskDefinition: externalDef('discover'),
      },
    ]);
    expect(definition.outputParameters).toEqual({ first: '${discover.output.tools[0].name}' });
  });

  it('reports a server that is not an http(s) URL', () => {
    const wf = workflow('mcp_list_stdio', { input, output: z.object({}) }, (wf) => {
      wf.listMcpTools('discover', { mcpServer: 'npx my-mcp-server' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'mcp-server',
        severity: 'error',
        message: `listMcpTools 'discover' has mcpServer "npx my-mcp-server", which is not an http(s) URL`,
        hint: "Conductor calls MCP servers over HTTP only; pass the server's URL, e.g. 'https://tools.example/mcp'",
      },
    ]);
  });
});
