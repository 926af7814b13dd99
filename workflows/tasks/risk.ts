/**
 * Lending risk: the fraud screen, the review queue for underwriters, and the decision ledger.
 * Used by risk-assessment.ts.
 */
import { task, z } from 'baton';

export const fraudVerdict = z.enum(['clear', 'review', 'block']);

/** Screen a loan application for fraud (device, identity and velocity signals). */
export const checkFraud = task('check_fraud', {
  input: z.object({
    applicationId: z.string().describe('Application being screened'),
    applicantId: z.string().describe('Person applying'),
    amountCents: z.number().int().positive().describe('Requested amount, in the smallest currency unit'),
  }),
  output: z.object({
    verdict: fraudVerdict.describe('clear: go on; review: a person must look; block: decline'),
    riskScore: z.number().min(0).max(100).describe('Fraud risk, 0 (none) to 100 (certain)'),
    signals: z.array(z.string()).describe('What raised the score, e.g. "new device", "velocity"'),
  }),
  profile: 'external',
});

/** Open a case in the underwriters' review queue. */
export const openReviewCase = task('open_review_case', {
  input: z.object({
    applicationId: z.string().describe('Application to review'),
    applicantId: z.string(),
    amountCents: z.number().int().positive(),
    reason: z.string().describe('Why automation did not decide, shown to the underwriter'),
    creditScore: z.number().int().nullable().describe('Bureau score, when known'),
    fraudVerdict: fraudVerdict,
  }),
  output: z.object({
    caseId: z.string().describe('Id of the review case'),
    queue: z.string().describe('Queue the case was routed to'),
  }),
  profile: 'external',
});

/** Write the final decision on an application to the decision ledger (audit trail). */
export const recordDecision = task('record_decision', {
  input: z.object({
    applicationId: z.string(),
    decision: z.enum(['approve', 'decline']),
    reason: z.string().describe('Why, in words an auditor understands'),
    decidedBy: z.string().describe('"policy" for automatic decisions, else the underwriter'),
    creditScore: z.number().int().nullable(),
    fraudVerdict: fraudVerdict,
  }),
  output: z.object({
    decisionId: z.string().describe('Ledger entry id'),
  }),
  profile: 'database',
});
