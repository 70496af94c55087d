// A run's detail: each action step says who it acted as, with the Butler's name and icon as they are now,
// or the author while the Butler was off; admins cancel a run under way; a redriven run shows the failure it fixed.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { asMember, people, renderScreen, scriptedApi } from '../../test/render';
import { RunDetailPage } from './components/RunDetailPage';

const run = {
  automationId: 'a1',
  runId: 'r1',
  executionId: 'x1',
  entityType: 'deal',
  entityId: 'd1',
  status: 'SUCCEEDED',
  startedAt: '2026-11-02T09:30:00.000Z',
  endedAt: '2026-11-02T09:30:01.000Z',
  actionsCompleted: 2,
  actionsTotal: 2,
  steps: [
    { name: 'Enroll', status: 'SUCCEEDED', startedAt: '2026-11-02T09:30:00.000Z' },
    { name: '1 · Create document', status: 'SUCCEEDED', startedAt: '2026-11-02T09:30:00.100Z', outcome: { done: 'created document' }, actor: { kind: 'butler', id: 'butler', name: 'Jeeves', icon: '🎩', via: { automationId: 'a1', runId: 'r1' } } },
    { name: '2 · Send document', status: 'SUCCEEDED', startedAt: '2026-11-02T09:30:00.200Z', outcome: { done: 'mailed' }, actor: { kind: 'user', id: 'admin', name: 'Ada Admin', via: { automationId: 'a1', runId: 'r1' } } },
  ],
};

describe('RunDetailPage', () => {
  it('names who each action step acted as, and none for the steps that act on nothing', async () => {
    const api = scriptedApi({ 'GET /automations/a1/runs/r1': { body: run }, 'GET /automations': { body: { items: [{ id: 'a1', name: 'Quote at contract' }] } } });

    renderScreen(<RunDetailPage />, { api, path: '/automations/a1/runs/r1', route: '/automations/:id/runs/:runId' });

    expect((await screen.findByLabelText('1 · Create document acted as')).textContent).toBe('as 🎩 Jeeves');
    expect(screen.getByLabelText('2 · Send document acted as').textContent).toBe('as Ada Admin (the Butler was off)');
    expect(screen.queryByLabelText('Enroll acted as')).toBeNull();
  });
});

const automations = { 'GET /automations': { body: { items: [{ id: 'a1', name: 'Quote at contract' }] } } };
const waiting = {
  ...run,
  status: 'WAITING',
  endedAt: undefined,
  dueAt: '2026-12-02T09:30:00.000Z',
  actionsCompleted: 0,
  steps: [{ name: 'Enroll', status: 'SUCCEEDED', startedAt: '2026-11-02T09:30:00.000Z' }],
};
const showRun = (routes: Parameters<typeof scriptedApi>[0]) => {
  const api = scriptedApi({ ...automations, ...routes });
  renderScreen(<RunDetailPage />, { api, path: '/automations/a1/runs/r1', route: '/automations/:id/runs/:runId' });
  return api;
};

describe('Cancel run', () => {
  it('cancels a waiting run after the admin confirms, and shows it cancelled with who did it', async () => {
    // Prepare
    const cancelled = { ...waiting, status: 'CANCELLED', reason: 'cancelled by Ada Admin', endedAt: '2026-11-03T10:00:00.000Z' };
    let current: typeof waiting | typeof cancelled = waiting;
    const api = showRun({
      'GET /automations/a1/runs/r1': () => ({ body: current }),
      'POST /automations/a1/runs/r1/cancel': () => {
        current = cancelled;
        return { body: cancelled };
      },
    });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Cancel run' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this run?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel run' }));

    // Assess
    await waitFor(() => expect(screen.getByLabelText('Run status').textContent).toMatch(/cancelled/i));
    expect(api.sent.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual(['/automations/a1/runs/r1/cancel']);
    expect(screen.getByText('cancelled by Ada Admin')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
  });

  it('sends nothing when the admin keeps the run', async () => {
    // Prepare
    const api = showRun({ 'GET /automations/a1/runs/r1': { body: waiting } });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Cancel run' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Keep it' }));

    // Assess
    expect(api.sent.some((request) => request.method === 'POST')).toBe(false);
  });

  it('says why when the run ended before it could be cancelled', async () => {
    // Prepare
    const refusal = { error: { code: 'RUN_ENDED', message: 'Run r1 ended SUCCEEDED: only a WAITING or RUNNING run can be cancelled.', details: [] } };
    showRun({ 'GET /automations/a1/runs/r1': { body: { ...waiting, status: 'RUNNING' } }, 'POST /automations/a1/runs/r1/cancel': { status: 409, body: refusal } });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Cancel run' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel run' }));

    // Assess
    expect(await screen.findByText(/ended SUCCEEDED: only a WAITING or RUNNING run can be cancelled/)).toBeTruthy();
  });

  it('is not offered to members', async () => {
    // Prepare
    showRun({ 'GET /me': asMember, 'GET /automations/a1/runs/r1': { body: waiting } });

    // Act
    await screen.findByLabelText('Run status');

    // Assess
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull());
  });

  it.each(['SUCCEEDED', 'FAILED', 'CANCELLED'])('is not offered for a %s run', async (status) => {
    // Prepare
    showRun({ 'GET /automations/a1/runs/r1': { body: { ...run, status } } });

    // Act
    await screen.findByLabelText('Run status');

    // Assess
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
  });
});

describe('a redriven run', () => {
  it('shows the failure each redrive fixed in the timeline, before the step it ran again from', async () => {
    // Prepare
    const redriven = {
      ...run,
      redrives: [
        {
          at: '2026-11-02T10:00:00.000Z',
          fromStep: '1 · Create document',
          failedStep: '1 · Create document',
          error: 'Stagecraft.StepFailed',
          cause: 'the deal has no contact to address',
        },
      ],
    };

    // Act
    showRun({ 'GET /automations/a1/runs/r1': { body: redriven } });

    // Assess
    const timeline = await screen.findByLabelText('Steps');
    const lines = within(timeline).getAllByText(/^(Enroll|Failed at|1 · Create document|2 · Send document)/).map((line) => line.textContent);
    expect(lines).toEqual([
      'Enroll',
      `Failed at 1 · Create document: the deal has no contact to address — redriven ${new Date('2026-11-02T10:00:00.000Z').toLocaleString()}`,
      '1 · Create document',
      '2 · Send document',
    ]);
  });
});

describe('what a step sent', () => {
  const sent = {
    ...run,
    steps: [
      { name: 'Enroll', status: 'SUCCEEDED', startedAt: '2026-11-02T09:30:00.000Z' },
      {
        name: '1 · Send e-mail',
        status: 'SUCCEEDED',
        startedAt: '2026-11-02T09:30:00.100Z',
        outcome: {
          result: 'changed',
          done: 'mailed mia@example.com',
          mails: [{ to: 'mia@example.com', subject: 'About Heat pump', status: 'sent', body: 'Dear Mia,\nyour Heat pump is planned.', truncated: true }],
        },
      },
      {
        name: '2 · Call webhook',
        status: 'SUCCEEDED',
        startedAt: '2026-11-02T09:30:00.200Z',
        outcome: {
          result: 'changed',
          done: 'PUT https://tickets.example.org/t answered 200',
          webhook: {
            status: 200,
            response: '{"ticket": "T-7"}',
            request: { method: 'PUT', url: 'https://tickets.example.org/t', query: ['token'], headers: ['Authorization'], signed: true, body: '{"title": "Heat pump"}' },
          },
        },
      },
      {
        name: '3 · Update fields',
        status: 'SUCCEEDED',
        startedAt: '2026-11-02T09:30:00.300Z',
        outcome: { result: 'changed', done: 'set fields.tier', records: [{ type: 'deal', id: 'd1', version: 2, change: 'updated', fields: ['fields.tier', 'responsibleId'], values: { 'fields.tier': 'gold', responsibleId: 'admin' } }] },
      },
    ],
  };

  it('is folded under each step until asked for', async () => {
    // Prepare
    showRun({ 'GET /automations/a1/runs/r1': { body: sent } });

    // Act
    const toggle = await screen.findByRole('button', { name: 'What it sent (1 · Send e-mail)' });

    // Assess
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('region', { name: 'What it sent (1 · Send e-mail)' })).toBeNull();
  });

  it('shows the mail body as sent, saying it was cut', async () => {
    // Prepare
    showRun({ 'GET /automations/a1/runs/r1': { body: sent } });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'What it sent (1 · Send e-mail)' }));

    // Assess
    const region = screen.getByRole('region', { name: 'What it sent (1 · Send e-mail)' });
    const body = within(region).getByLabelText('Body of the e-mail to mia@example.com');
    expect([body.tagName, body.textContent]).toEqual(['PRE', 'Dear Mia,\nyour Heat pump is planned.']);
    expect(within(region).getByText('Cut: the run log keeps the start of it.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'What it sent (1 · Send e-mail)' }).getAttribute('aria-expanded')).toBe('true');
  });

  it('shows a mail’s HTML part in a sandboxed frame, as the recipient’s client would', async () => {
    // Prepare
    const html = '<p>Dear <b>Mia &lt;3</b></p>';
    const withHtml = { ...sent, steps: sent.steps.map((step) => (step.name === '1 · Send e-mail' ? { ...step, outcome: { ...step.outcome, mails: [{ ...step.outcome!.mails![0]!, html }] } } : step)) };
    showRun({ 'GET /automations/a1/runs/r1': { body: withHtml } });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'What it sent (1 · Send e-mail)' }));

    // Assess
    const frame = within(screen.getByRole('region', { name: 'What it sent (1 · Send e-mail)' })).getByTitle('HTML part of the e-mail to mia@example.com');
    expect([frame.tagName, frame.getAttribute('sandbox'), frame.getAttribute('srcdoc')]).toEqual(['IFRAME', '', html]);
  });

  it('shows a text message as sent, its link shown by id, and one held back with why', async () => {
    // Prepare
    const texted = {
      ...sent,
      steps: [
        {
          name: '1 · Send document',
          status: 'SUCCEEDED',
          startedAt: '2026-11-02T09:30:00.100Z',
          outcome: {
            result: 'changed',
            done: 'sent +34612345678 link l1 to document doc1',
            texts: [
              { to: '+34612345678', status: 'sent', body: 'Contract for Heat pump\n\n[link l1]' },
              { to: '+34612345679', status: 'suppressed', reason: '+34612345679 is on the exceptions list', body: 'Copy\n\n[link l2]' },
            ],
          },
        },
      ],
    };
    showRun({ 'GET /automations/a1/runs/r1': { body: texted } });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'What it sent (1 · Send document)' }));

    // Assess
    const region = screen.getByRole('region', { name: 'What it sent (1 · Send document)' });
    expect(within(region).getByLabelText('Text message to +34612345678').textContent).toBe('Contract for Heat pump\n\n[link l1]');
    expect(within(region).getByText('Text message to +34612345679 (not sent: +34612345679 is on the exceptions list)')).toBeTruthy();
  });

  it('shows a webhook request and the values an update set, opened from the keyboard', async () => {
    // Prepare
    showRun({ 'GET /automations/a1/runs/r1': { body: sent }, 'GET /deals/d1': { body: { id: 'd1', version: 2, title: 'Heat pump' } }, 'GET /users': { body: { items: people } } });
    const user = userEvent.setup();
    (await screen.findByRole('button', { name: 'What it sent (2 · Call webhook)' })).focus();

    // Act
    await user.keyboard('{Enter}');
    screen.getByRole('button', { name: 'What it wrote (3 · Update fields)' }).focus();
    await user.keyboard(' ');

    // Assess
    const request = screen.getByRole('region', { name: 'What it sent (2 · Call webhook)' });
    expect(within(request).getByText('PUT https://tickets.example.org/t')).toBeTruthy();
    expect(within(request).getByText('Headers (values not kept): Authorization · signed')).toBeTruthy();
    expect(within(request).getByLabelText('Request body').textContent).toBe('{"title": "Heat pump"}');
    const values = await within(screen.getByRole('region', { name: 'What it wrote (3 · Update fields)' })).findByRole('table', { name: 'Values set on the deal: Heat pump' });
    await waitFor(() => expect(within(values).getAllByRole('row').map((row) => row.textContent)).toEqual(['FieldValue', 'fields.tiergold', 'responsibleIdAda Admin']));
  });
});

describe('a branch step', () => {
  it('says which way it went and why, not "Nothing to do"', async () => {
    // Prepare
    const branched = {
      ...run,
      steps: [
        { name: 'Enroll', status: 'SUCCEEDED', startedAt: '2026-11-02T09:30:00.000Z' },
        { name: '1 · If big deal', status: 'SUCCEEDED', startedAt: '2026-11-02T09:30:00.100Z', outcome: { result: 'noop', done: 'took "then"', reason: 'its conditions hold: "then" runs', branch: 'then' } },
      ],
    };

    // Act
    showRun({ 'GET /automations/a1/runs/r1': { body: branched } });

    // Assess
    expect(await screen.findByText('took "then"')).toBeTruthy();
    expect(screen.getByText('Why: its conditions hold: "then" runs')).toBeTruthy();
    expect(screen.queryByText(/Nothing to do/)).toBeNull();
  });
});

describe('a failed run', () => {
  it('is redriven by an admin, and the page says so in words', async () => {
    // Prepare
    const failed = { ...run, status: 'FAILED', error: 'Stagecraft.StepFailed', failedStep: '1 · Create document', errorCause: 'the deal has no contact' };
    const api = showRun({ 'GET /automations/a1/runs/r1': { body: failed }, 'POST /automations/a1/runs/redrive': { body: { redriven: ['r1'] } } });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Redrive' }));

    // Assess
    expect(await screen.findByText('Redriven: the run is under way again.')).toBeTruthy();
    expect(api.sent.find((request) => request.method === 'POST')?.path).toBe('/automations/a1/runs/redrive');
  });
});
