// Workflow unit tests the way a project's authors write them: no workers, the real server's
// test endpoint, mocked task results. These also prove the generated scripts (switch result
// merge, loop bookkeeping, the compensation plan) run as intended in the server's GraalJS.
import { describe, expect, it } from 'vitest';
import { completed, failed, httpResponse, testCompensation, testWorkflow } from '../../runtime/testing.js';
import orderFulfillment from '../../workflows/order-saga.js';
import researchAgent from '../../workflows/research-agent.js';
import riskAssessment, { manualReview } from '../../workflows/risk-assessment.js';
import { releaseInventory, reserveInventory } from '../../workflows/tasks/inventory.js';
import { chargeCard, refundCard } from '../../workflows/tasks/payments.js';
import { readPage } from '../../workflows/tasks/research.js';
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

/** A chat-completions reply that calls one tool, or answers. */
const llmCalls = (name: string, args: Record<string, unknown>) =>
  httpResponse({ choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: `call_${name}`, type: 'function', function: { name, arguments: JSON.stringify(args) } }] }, finish_reason: 'tool_calls' }] });
const llmAnswers = (content: string) => httpResponse({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] });

describe('testWorkflow: the research_agent loop', () => {
  const source = 'https://example.org/conductor';

  it('runs one pass per tool call and stops when the model answers', async () => {
    const run = await testWorkflow(researchAgent, { question: 'Who maintains Conductor?' }, {
      mocks: {
        // One reply per pass of the loop.
        ask_llm: [llmCalls('web_search', { query: 'Conductor maintainers' }), llmCalls('read_page', { url: source }), llmAnswers(`The conductor-oss community (${source}).`)],
        web_search: httpResponse({ results: [{ title: 'Conductor', url: source, snippet: 'maintained by conductor-oss' }] }),
        read_page: completed(readPage, { url: source, title: 'Conductor', text: 'Conductor is maintained by the conductor-oss community.' }),
      },
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.output).toEqual({ answer: `The conductor-oss community (${source}).`, answered: true, iterations: 3 });
    expect(['run_tool__1', 'run_tool__2', 'run_tool__3'].map((ref) => run.task(ref)?.output.evaluationResult)).toEqual([['web_search'], ['read_page'], ['none']]);
    expect(run.task('read_page__2')?.input).toEqual({ url: source, maxChars: 4000 });
    // The tool results went back to the model, in a conversation kept in a workflow variable.
    const messages = run.variables.messages as { role: string; content: string | null }[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'assistant']);
    expect(messages[3]!.content).toBe(`[1] Conductor (${source})\nmaintained by conductor-oss`);
    expect(messages[5]!.content).toBe('Conductor is maintained by the conductor-oss community.');
  });

  it('stops at maxSteps when the model never answers', async () => {
    const run = await testWorkflow(researchAgent, { question: 'Loop forever?', maxSteps: 2 }, {
      mocks: {
        ask_llm: llmCalls('web_search', { query: 'again' }),
        web_search: httpResponse({ results: [] }),
      },
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.output).toEqual({ answer: null, answered: false, iterations: 2 });
    expect(run.attempts('ask_llm__3')).toEqual([]);
  });
});

describe('testWorkflow and testCompensation: the order saga', () => {
  const input = {
    orderId: 'ord-7',
    customerId: 'cus-7',
    items: [{ sku: 'MUG-BLUE', quantity: 1 }],
    amountCents: 1299,
    shippingAddress: { name: 'Ana Silva', line1: 'Rua Augusta 100', city: 'Lisboa', postalCode: '1100-053', country: 'PT' },
  };
  const reserved = completed(reserveInventory, { reservationId: 'res-7', warehouseId: 'wh-1' });
  const charged = completed(chargeCard, { chargeId: 'ch-7', amountCents: 1299 });
  const carrierDown = httpResponse({ message: 'carrier unavailable' }, { status: 503 });

  it('retries a failed attempt per the compiled policy, and fails once retries run out', async () => {
    const run = await testWorkflow(orderFulfillment, input, {
      mocks: {
        reserve_inventory: reserved,
        // One result per attempt: the first charge fails, the retry succeeds.
        charge_card: [failed(), charged],
        create_shipment: [carrierDown, carrierDown, carrierDown, carrierDown],
      },
    });
    expect(run.status).toBe('FAILED');
    expect(run.attempts('charge_card').map((t) => [t.attempt, t.status])).toEqual([
      [1, 'FAILED'],
      [2, 'COMPLETED'],
    ]);
    // retryCount 3: four attempts of the shipment, then the run fails there.
    expect(run.attempts('create_shipment')).toHaveLength(4);
    expect(run.failedTask).toMatchObject({ ref: 'create_shipment', attempt: 4 });
    expect(run.task('send_order_confirmation')).toBeUndefined();
  });

  it('compensates the steps that completed, newest first, from the failed run', async () => {
    const failedRun = await testWorkflow(orderFulfillment, input, {
      mocks: { reserve_inventory: reserved, charge_card: charged, create_shipment: [carrierDown, carrierDown, carrierDown, carrierDown] },
    });
    expect(failedRun.status).toBe('FAILED');

    const compensation = await testCompensation(orderFulfillment, failedRun, {
      mocks: {
        undo_charge_card: completed(refundCard, { refundId: 're-7' }),
        undo_reserve_inventory: completed(releaseInventory, { released: true }),
        undo_create_shipment: completed({ cancelled: true }),
      },
    });
    expect(compensation.status).toBe('COMPLETED');
    expect(compensation.output).toEqual({
      workflowId: failedRun.workflowId,
      reason: failedRun.reason,
      compensated: [
        { step: 'charge_card', task: 'charge_card', input: { chargeId: 'ch-7', amountCents: 1299, reason: 'order could not be fulfilled', idempotencyKey: 'refund-ord-7' } },
        { step: 'reserve_inventory', task: 'reserve_inventory', input: { reservationId: 'res-7', orderId: 'ord-7' } },
      ],
    });
    // The shipment never completed, so it is not undone; the rest run in reverse order.
    const undo = compensation.tasks.filter((t) => /^undo_.+__\d+$/.test(t.ref));
    expect(undo.map((t) => [t.ref, t.name, t.status])).toEqual([
      ['undo_charge_card__1', 'refund_card', 'COMPLETED'],
      ['undo_reserve_inventory__2', 'release_inventory', 'COMPLETED'],
    ]);
    expect(undo[1]!.input).toEqual({ reservationId: 'res-7', orderId: 'ord-7' });
  });
});
