/**
 * Where AWS HealthOmics puts run logs in CloudWatch Logs ("Monitoring HealthOmics with CloudWatch
 * Logs"): the log group /aws/omics/WorkflowLog, one stream per run (run/<runId>) with the run's
 * engine log, one per task (run/<runId>/task/<taskId>) with the task's output.
 */
export const WORKFLOW_LOG_GROUP = '/aws/omics/WorkflowLog';

export function runLogStream(runId: string): string {
  return `run/${runId}`;
}

export function taskLogStream(runId: string, taskId: string): string {
  return `run/${runId}/task/${taskId}`;
}
