/**
 * What the server holds now, read with as few requests as Conductor allows: every task
 * definition in one call, every version of every workflow in one call (on 3.32 that is cheaper
 * than one call per definition: about 0.1 s for 200 workflows, where 200 single reads take
 * over a second), and the schedules only when the project has some.
 */
import { ConductorError, type Conductor } from '../runtime/conductor.js';
import { type JsonObject, isObject } from './json.js';

export interface ServerState {
  readonly taskDefs: ReadonlyMap<string, JsonObject>;
  /** Workflow name → version → definition, every version the server has. */
  readonly workflows: ReadonlyMap<string, ReadonlyMap<number, JsonObject>>;
  /** Undefined when not asked for. */
  readonly schedules?: ReadonlyMap<string, JsonObject>;
}

function list(body: unknown, what: string): JsonObject[] {
  if (!Array.isArray(body)) throw new Error(`the server answered the list of ${what} with something that is not a list`);
  return body.filter(isObject);
}

async function readSchedules(conductor: Conductor): Promise<Map<string, JsonObject>> {
  try {
    const schedules = list(await conductor.get('/scheduler/schedules'), 'schedules');
    return new Map(schedules.filter((s) => typeof s.name === 'string').map((s) => [s.name as string, s]));
  } catch (error) {
    if (error instanceof ConductorError && (error.status === 404 || error.status === 405)) {
      throw new Error(
        `the project has schedules, but the server has no scheduler API (GET /api/scheduler/schedules answered ${error.status}); ` +
          'enable it on the server (conductor.scheduler.enabled=true) or remove the schedules',
      );
    }
    throw error;
  }
}

export async function readServerState(conductor: Conductor, options: { schedules: boolean }): Promise<ServerState> {
  const [taskDefs, workflows, schedules] = await Promise.all([
    conductor.get('/metadata/taskdefs'),
    conductor.get('/metadata/workflow'),
    options.schedules ? readSchedules(conductor) : Promise.resolve(undefined),
  ]);
  const byName = new Map<string, Map<number, JsonObject>>();
  for (const def of list(workflows, 'workflow definitions')) {
    if (typeof def.name !== 'string') continue;
    const version = typeof def.version === 'number' ? def.version : 1;
    let versions = byName.get(def.name);
    if (!versions) byName.set(def.name, (versions = new Map()));
    versions.set(version, def);
  }
  return {
    taskDefs: new Map(list(taskDefs, 'task definitions').filter((t) => typeof t.name === 'string').map((t) => [t.name as string, t])),
    workflows: byName,
    ...(schedules && { schedules }),
  };
}
