// Workflow unit tests the way a project's authors write them: no workers, the real server's
// test endpoint, mocked task results. These also prove the generated scripts (switch result
// merge, loop bookkeeping, the compensation plan) run as intended in the server's GraalJS.
import { describe, expect, it } from 'vitest';
import { completed, failed, httpResponse, testCompensation, testWorkflow } from '../../runtime/testing.js';
import riskAssessment, { manualReview } from '../../workflows/risk-assessment.js';
import { checkFraud, recordDecision } from '../../workflows/tasks/risk.js';

const application = { applicationId: 'app-1', applicantId: 'cus-1', amountCents: 1_500_000 };
const score = (value: number) => httpResponse({ applicantId: 'cus-1', score: value, bureau: 'fixture' });
const fraud = (verdict: 'clear' | 'review' | 'block') => completed(checkFraud, { verdict, riskScore: verdict === 'clear' ? 3 : 80, signals: [] });
const ledger = completed(recordDecision, { decisionId: 'dec-1' });

describe('testWorkflow: branches of loan_risk_assessment', () => {
  it('approves a prime applicant asking for a small amount, by policy', async () => {
    const run = await testWorkflow(riskAssessment, application, {
      workflows: [manualReview],
      mocks: { get_credit_score: score(780), check_fraud: fraud('clear'), record_decision: ledger },
    });
    expect(run.status).toBe('COMPLETED');
    if (run.status !== 'COMPLETED') return;
    expect(run.output).toEqual({
      applicationId: 'app-1',
      decision: 'approve',
      reason: 'prime credit and an amount within the automatic limit',
      decidedBy: 'policy',
      creditScore: 780,
      fraudVerdict: 'clear',
      reviewCaseId: null,
    });
    // The nested switches took the branches the data asked for.
    expect(run.task('credit_band')?.output.evaluationResult).toEqual(['prime']);
    expect(run.task('prime_amount')?.output.evaluationResult).toEqual(['auto']);
    expect(run.task('record_decision')?.input).toMatchObject({ decision: 'approve', decidedBy: 'policy', creditScore: 780 });
  });

  it('declines a blocked application without asking the credit band', async () => {
    const run = await testWorkflow(riskAssessment, application, {
      workflows: [manualReview],
      mocks: { get_credit_score: score(800), check_fraud: fraud('block'), record_decision: ledger },
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.output).toMatchObject({ decision: 'decline', decidedBy: 'policy', fraudVerdict: 'block' });
    expect(run.task('credit_band')).toBeUndefined();
  });

  it('sends a large prime loan to an underwriter through the manual_review sub-workflow', async () => {
    const run = await testWorkflow(riskAssessment, { ...application, amountCents: 9_000_000 }, {
      workflows: [manualReview],
      mocks: { get_credit_score: score(760), check_fraud: fraud('clear'), record_decision: ledger },
      subWorkflows: {
        prime_review: {
          mocks: {
            open_review_case: completed({ caseId: 'case-9', queue: 'large-loans' }),
            await_underwriter: completed({ decision: 'approve', underwriter: 'u.lee', note: 'stable income, low leverage' }),
          },
        },
      },
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.output).toEqual({
      applicationId: 'app-1',
      decision: 'approve',
      reason: 'stable income, low leverage',
      decidedBy: 'u.lee',
      creditScore: 760,
      fraudVerdict: 'clear',
      reviewCaseId: 'case-9',
    });
    expect(run.task('prime_review')?.type).toBe('SUB_WORKFLOW');
  });

  it('names what is left unmocked when a run cannot finish', async () => {
    const run = await testWorkflow(riskAssessment, { ...application, amountCents: 500_000 }, {
      workflows: [manualReview],
      mocks: { get_credit_score: score(700), check_fraud: fraud('clear') },
    });
    expect(run.status).toBe('RUNNING');
    expect(run.unmocked).toEqual(['record_decision']);
  });

  it('stops a run stuck in a sub-workflow without mocks and says where', async () => {
    const run = await testWorkflow(riskAssessment, { ...application, amountCents: 1_500_000 }, {
      workflows: [manualReview],
      mocks: { get_credit_score: score(700), check_fraud: fraud('clear'), record_decision: ledger },
      stallSeconds: 3,
    });
    expect(run.status).toBe('TERMINATED');
    expect(run.reason).toContain('near_prime_review/open_review_case');
    expect(run.unmocked).toEqual([]);
  });

  it('rejects a mock for a task the workflow does not have, naming the ones it has', async () => {
    await expect(
      testWorkflow(riskAssessment, application, { workflows: [manualReview], mocks: { check_fraudd: fraud('clear') } }),
    ).rejects.toThrow(/no task with that reference name \(tasks to mock: .*check_fraud/);
  });

  it('checks a typed mock against the task declaration', () => {
    expect(() => completed(checkFraud, { verdict: 'clear', riskScore: 300, signals: [] })).toThrow(/output\.riskScore/);
  });
});
