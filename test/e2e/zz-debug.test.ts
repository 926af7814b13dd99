import { it } from 'vitest';
import { completed, failed, httpResponse, testWorkflow } from '../../runtime/testing.js';
import riskAssessment, { manualReview } from '../../workflows/risk-assessment.js';
import { checkFraud, recordDecision } from '../../workflows/tasks/risk.js';
it('debug', async () => {
  const run = await testWorkflow(riskAssessment, { applicationId: 'app-1', applicantId: 'cus-1', amountCents: 1_500_000 }, {
    workflows: [manualReview],
    mocks: { get_credit_score: httpResponse({ applicantId: 'cus-1', score: 700, bureau: 'f' }), check_fraud: [failed(), completed(checkFraud, { verdict: 'clear', riskScore: 1, signals: [] })], record_decision: completed(recordDecision, { decisionId: 'd' }) },
  });
  console.log(run.status, run.reason);
  for (const t of run.tasks) console.log(t.ref, t.type, t.status, t.attempt, t.scheduledTime, t.startTime, t.endTime, JSON.stringify(t.output).slice(0,200));
});
