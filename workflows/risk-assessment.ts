/**
 * A decision tree: gather signals in parallel, walk nested switches (fraud verdict, then credit
 * band, then amount) and hand the hard cases to people through a sub-workflow. Every branch
 * returns the same fields, so the outer switch's output is the decision whichever branch ran.
 */
import { type Scope, str, when, workflow, z } from 'baton';
import { checkFraud, fraudVerdict, openReviewCase, recordDecision } from './tasks/risk.js';

const decision = z.enum(['approve', 'decline']);

/** Largest amount approved without a person, by credit band (in cents). */
const AUTO_APPROVE_LIMIT_CENTS = { prime: 5_000_000, nearPrime: 1_000_000 };
/** Bureau score bands: at least `prime` is prime, at least `nearPrime` is near prime. */
const SCORE_BANDS = { prime: 720, nearPrime: 620 };

/**
 * Have an underwriter decide on a loan application. Opens a case in the review queue, then waits
 * until the underwriter completes the `await_underwriter` task with their decision (through the
 * Conductor API or UI). Runs as a sub-workflow of loan_risk_assessment.
 */
export const manualReview = workflow(
  'manual_review',
  {
    version: 1,
    input: z.object({
      applicationId: z.string().describe('Application to review'),
      applicantId: z.string().describe('Person applying'),
      amountCents: z.number().int().positive().describe('Requested amount, in the smallest currency unit'),
      reason: z.string().describe('Why automation did not decide'),
      creditScore: z.number().int().nullable().describe('Bureau score, when known'),
      fraudVerdict: fraudVerdict.describe('Verdict of the fraud screen'),
    }),
    output: z.object({
      decision: decision.describe("The underwriter's decision"),
      underwriter: z.string().describe('Who decided'),
      note: z.string().describe("The underwriter's reasoning"),
      caseId: z.string().describe('Review case id'),
    }),
    examples: [
      {
        name: 'large prime loan',
        input: {
          applicationId: 'app-2002',
          applicantId: 'cus-7',
          amountCents: 7_500_000,
          reason: 'prime credit, amount above the automatic limit',
          creditScore: 760,
          fraudVerdict: 'clear',
        },
      },
    ],
    // Started by loan_risk_assessment, not by agents.
    tool: { expose: false },
    // Underwriters answer within two working days; after that the review times out.
    timeoutSeconds: 2 * 24 * 3600,
  },
  (wf) => {
    const reviewCase = wf.run(openReviewCase, {
      applicationId: wf.input.applicationId,
      applicantId: wf.input.applicantId,
      amountCents: wf.input.amountCents,
      reason: wf.input.reason,
      creditScore: wf.input.creditScore,
      fraudVerdict: wf.input.fraudVerdict,
    });
    // Completed from outside with the underwriter's answer as its output.
    const answer = wf.wait('await_underwriter', {
      output: z.object({ decision, underwriter: z.string(), note: z.string() }),
    });
    return {
      decision: answer.output.decision,
      underwriter: answer.output.underwriter,
      note: answer.output.note,
      caseId: reviewCase.output.caseId,
    };
  },
);

/**
 * Decide on a loan application. Gets the applicant's credit score from the credit bureau and
 * screens the application for fraud, in parallel; then declines blocked or low-score
 * applications, approves good ones up to an automatic limit, and sends the rest to an
 * underwriter (manual_review). The decision is written to the decision ledger.
 */
export default workflow(
  'loan_risk_assessment',
  {
    version: 1,
    input: z.object({
      applicationId: z.string().min(1).describe('Loan application to decide on'),
      applicantId: z.string().min(1).describe('Person applying; the credit bureau knows them by this id'),
      amountCents: z.number().int().positive().describe('Requested amount, in the smallest currency unit'),
      creditBureauBaseUrl: z.url().default('https://credit-bureau.example.com').describe('Base URL of the credit bureau (GET /credit-scores/<applicantId>)'),
    }),
    output: z.object({
      applicationId: z.string(),
      decision: decision.describe('The final decision'),
      reason: z.string().describe('Why, in words the applicant can be told'),
      decidedBy: z.string().describe('"policy" for automatic decisions, else the underwriter'),
      creditScore: z.number().int().describe('Bureau score used'),
      fraudVerdict: fraudVerdict.describe('Verdict of the fraud screen'),
      reviewCaseId: z.string().nullable().describe('Review case, when an underwriter decided'),
    }),
    examples: [
      { name: 'small prime loan', description: 'approved automatically', input: { applicationId: 'app-1001', applicantId: 'cus-42', amountCents: 1_500_000 } },
      { name: 'large loan', description: 'may need an underwriter', input: { applicationId: 'app-1002', applicantId: 'cus-43', amountCents: 9_000_000 } },
    ],
    tool: { destructive: false },
    // Covers the manual review's two days.
    timeoutSeconds: 3 * 24 * 3600,
  },
  (wf) => {
    const signals = wf.parallel('gather_signals', {
      credit: (b) =>
        b.http('get_credit_score', {
          uri: str`${wf.input.creditBureauBaseUrl}/credit-scores/${wf.input.applicantId}`,
          method: 'GET',
          connectionTimeOutMs: 2_000,
          readTimeOutMs: 10_000,
          output: z.object({ applicantId: z.string(), score: z.number().int().min(300).max(850), bureau: z.string() }),
        }),
      fraud: (b) =>
        b.run(checkFraud, {
          applicationId: wf.input.applicationId,
          applicantId: wf.input.applicantId,
          amountCents: wf.input.amountCents,
        }),
    });
    const score = signals.credit.output.body.score;
    const verdict = signals.fraud.output.verdict;
    const amount = wf.input.amountCents;

    /** A decision made by policy: no person involved. */
    const byPolicy = (outcome: 'approve' | 'decline', reason: string) => ({
      decision: outcome,
      reason,
      decidedBy: 'policy',
      reviewCaseId: null,
    });
    /** A decision made by an underwriter, through the manual_review sub-workflow. */
    const byUnderwriter = (b: Scope, ref: string, reason: string) => {
      const review = b.subWorkflow(
        manualReview,
        {
          applicationId: wf.input.applicationId,
          applicantId: wf.input.applicantId,
          amountCents: amount,
          reason,
          creditScore: score,
          fraudVerdict: verdict,
        },
        { ref },
      );
      return {
        decision: review.output.decision,
        reason: review.output.note,
        decidedBy: review.output.underwriter,
        reviewCaseId: review.output.caseId,
      };
    };

    const outcome = wf.switch('fraud_screen', verdict, {
      block: () => byPolicy('decline', 'the application did not pass the fraud screen'),
      review: (b) => byUnderwriter(b, 'fraud_review', 'the fraud screen asked for a second look'),
      clear: (b) =>
        b.switch(
          'credit_band',
          when({ score, bands: SCORE_BANDS }, ($) =>
            $.score >= $.bands.prime ? 'prime' : $.score >= $.bands.nearPrime ? 'near_prime' : 'subprime',
          ),
          {
            prime: (b) =>
              b.switch('prime_amount', when({ amount, limit: AUTO_APPROVE_LIMIT_CENTS.prime }, ($) => ($.amount <= $.limit ? 'auto' : 'review')), {
                auto: () => byPolicy('approve', 'prime credit and an amount within the automatic limit'),
                review: (b) => byUnderwriter(b, 'prime_review', 'prime credit, amount above the automatic limit'),
              }),
            near_prime: (b) =>
              b.switch('near_prime_amount', when({ amount, limit: AUTO_APPROVE_LIMIT_CENTS.nearPrime }, ($) => ($.amount <= $.limit ? 'auto' : 'review')), {
                auto: () => byPolicy('approve', 'near-prime credit and a small amount'),
                review: (b) => byUnderwriter(b, 'near_prime_review', 'near-prime credit, amount above the automatic limit'),
              }),
            subprime: () => byPolicy('decline', 'the credit score is below the lending minimum'),
          },
        ),
    });

    wf.run(recordDecision, {
      applicationId: wf.input.applicationId,
      decision: outcome.output.decision,
      reason: outcome.output.reason,
      decidedBy: outcome.output.decidedBy,
      creditScore: score,
      fraudVerdict: verdict,
    });

    return {
      applicationId: wf.input.applicationId,
      decision: outcome.output.decision,
      reason: outcome.output.reason,
      decidedBy: outcome.output.decidedBy,
      creditScore: score,
      fraudVerdict: verdict,
      reviewCaseId: outcome.output.reviewCaseId,
    };
  },
);
