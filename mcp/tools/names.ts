/** Names of the run tools, in the order tools/list shows them. Prefixed so no workflow can take them. */
export const TOOL = {
  getRun: 'baton_get_run',
  waitRun: 'baton_wait_run',
  searchRuns: 'baton_search_runs',
  describeWorkflow: 'baton_describe_workflow',
  signalTask: 'baton_signal_task',
  retryRun: 'baton_retry_run',
  restartRun: 'baton_restart_run',
  terminateRun: 'baton_terminate_run',
  pauseRun: 'baton_pause_run',
  resumeRun: 'baton_resume_run',
} as const;

export type LifecycleToolName = (typeof TOOL)[keyof typeof TOOL];

export const RUN_TOOL_NAMES: ReadonlySet<string> = new Set(Object.values(TOOL));
