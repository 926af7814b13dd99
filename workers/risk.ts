/**
 * Lending risk: the fraud screen, the underwriters' review queue and the decision ledger, all
 * behind the risk service. The ledger entry is keyed by application, so a retried attempt
 * records the decision once.
 */
import { implement } from 'baton/runtime';
import { checkFraud, openReviewCase, recordDecision } from '../workflows/tasks/risk.js';
import { callService } from './lib/service.js';

export const checkFraudWorker = implement(checkFraud, async (input, context) => {
  const { body } = await callService<{ verdict: 'clear' | 'review' | 'block'; riskScore: number; signals: string[] }>(
    'RISK',
    'POST',
    '/fraud-checks',
    context,
    { body: input },
  );
  return { verdict: body.verdict, riskScore: body.riskScore, signals: body.signals };
});

export const openReviewCaseWorker = implement(openReviewCase, async (input, context) => {
  const { body } = await callService<{ caseId: string; queue: string }>('RISK', 'POST', '/review-cases', context, {
    body: input,
    idempotencyKey: `review-${input.applicationId}-${context.workflowId}`,
  });
  return { caseId: body.caseId, queue: body.queue };
});

export const recordDecisionWorker = implement(recordDecision, async (input, context) => {
  const { body } = await callService<{ decisionId: string }>('RISK', 'POST', '/decisions', context, {
    body: input,
    idempotencyKey: `decision-${input.applicationId}`,
  });
  return { decisionId: body.decisionId };
});
