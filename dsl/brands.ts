/** Registered symbols that mark baton's objects, so two loaded copies of baton still agree. */
export const WORKFLOW: unique symbol = Symbol.for('baton.workflow') as never;
