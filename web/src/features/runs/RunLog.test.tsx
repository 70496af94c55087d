// Status & logs: the address bar is the filter, the API is asked for what the filter says, and a changed
// filter goes back into the address.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import { renderScreen, scriptedApi } from '../../test/render';
import { RunLog } from './components/RunLog';

const run = (runId: string, status: string, startedAt: string, extra: Record<string, unknown> = {}) => ({
  automationId: 'a1',
  runId,
  executionId: `x-${runId}`,
  entityType: 'deal',
  entityId: 'D1',
  status,
  startedAt,
  actionsCompleted: 0,
  actionsTotal: 1,
  trigger: 'stageEntered',
  ...extra,
});

const counts = { body: { counts: { RUNNING: 0, WAITING: 1, SUCCEEDED: 3, FAILED: 2, SKIPPED: 0, CANCELLED: 0 } } };

function Address() {
  const location = useLocation();
  return <output aria-label="Address">{location.search}</output>;
}

const renderLog = (api: ReturnType<typeof scriptedApi>, path: string) =>
  renderScreen(
    <>
      <RunLog />
      <Address />
    </>,
    { api, path },
  );

describe('RunLog', () => {
  it('asks the API for the runs the deep link names, and shows them with the counts of the range', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /automations': { body: { items: [{ id: 'a1', name: 'Renewal' }] } },
      'GET /automations/a1/runs': { body: { items: [run('r2', 'WAITING', '2026-11-02T10:00:00.000Z', { dueAt: '2027-05-02T10:00:00.000Z' })] } },
      'GET /automations/a1/runs/counts': counts,
    });

    // Act
    renderLog(api, '/runs?automationId=a1&status=WAITING&from=2026-11-01&to=2026-11-30');

    // Assess
    expect(await screen.findByRole('link', { name: 'Run r2 WAITING' })).toBeTruthy();
    const asked = api.sent.find((request) => request.path === '/automations/a1/runs');
    expect(Object.fromEntries(asked?.query ?? [])).toEqual({ status: 'WAITING', from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z', limit: '50' });
    const countsAsked = api.sent.find((request) => request.path === '/automations/a1/runs/counts');
    expect(Object.fromEntries(countsAsked?.query ?? [])).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z' });
    expect(await screen.findByRole('button', { name: 'FAILED 2' })).toBeTruthy();
    expect(screen.getByLabelText('Due').textContent).not.toBe('');
    expect(screen.getByRole('cell', { name: 'Enters a stage' })).toBeTruthy();
  });

  it('writes a status chosen from the counts into the address', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /automations': { body: { items: [{ id: 'a1', name: 'Renewal' }] } },
      'GET /automations/a1/runs': { body: { items: [run('r1', 'FAILED', '2026-11-02T10:00:00.000Z')] } },
      'GET /automations/a1/runs/counts': counts,
    });
    renderLog(api, '/runs?automationId=a1');
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'FAILED 2' }));

    // Assess
    await waitFor(() => expect(screen.getByLabelText('Address').textContent).toBe('?automationId=a1&status=FAILED'));
  });

  it('says which parameters of the address it could not read', async () => {
    const api = scriptedApi({ 'GET /automations': { body: { items: [] } }, 'GET /runs': { body: { items: [] } } });

    renderLog(api, '/runs?status=EXPLODED');

    expect(await screen.findByText(/status: one of/)).toBeTruthy();
  });

  it('merges the runs of every automation, newest first, where the API has no GET /runs', async () => {
    // Prepare: /runs answers 404 "No route"
    const api = scriptedApi({
      'GET /runs': { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No route GET /runs.', details: [] } } },
      'GET /automations': { body: { items: [{ id: 'a1', name: 'Renewal' }, { id: 'a2', name: 'Spam' }] } },
      'GET /automations/a1/runs': { body: { items: [run('r3', 'SUCCEEDED', '2026-11-03T10:00:00.000Z'), run('r1', 'SUCCEEDED', '2026-11-01T10:00:00.000Z')] } },
      'GET /automations/a2/runs': { body: { items: [run('r2', 'FAILED', '2026-11-02T10:00:00.000Z', { automationId: 'a2' })] } },
      'GET /automations/a1/runs/counts': counts,
      'GET /automations/a2/runs/counts': counts,
    });

    // Act
    renderLog(api, '/runs');

    // Assess
    await screen.findByRole('link', { name: 'Run r2 FAILED' });
    const order = screen.getAllByRole('link', { name: /^Run r/ }).map((link) => link.getAttribute('aria-label'));
    expect(order).toEqual(['Run r3 SUCCEEDED', 'Run r2 FAILED', 'Run r1 SUCCEEDED']);
    expect(await screen.findByRole('button', { name: 'SUCCEEDED 6' })).toBeTruthy();
  });

  it('does not send a record id without its type, and asks for the type at the field', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /automations': { body: { items: [{ id: 'a1', name: 'Renewal' }] } },
      'GET /runs': (request) =>
        request.query.has('entityId') && !request.query.has('entityType')
          ? { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'Invalid query.entityId', details: [] } } }
          : { body: { items: [run('r1', 'SUCCEEDED', '2026-11-02T10:00:00.000Z')] } },
      'GET /automations/a1/runs/counts': counts,
    });
    renderLog(api, '/runs');
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'Run r1 SUCCEEDED' });

    // Act
    await user.type(screen.getByRole('textbox', { name: 'Record id' }), 'D1');

    // Assess
    expect(await screen.findByText('Choose the type of the record id')).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Record type' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('link', { name: 'Run r1 SUCCEEDED' })).toBeTruthy();
    expect(api.sent.filter((request) => request.path === '/runs' && request.query.has('entityId'))).toEqual([]);
  });

  it('filters by the record once its type is chosen too', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /automations': { body: { items: [{ id: 'a1', name: 'Renewal' }] } },
      'GET /runs': { body: { items: [run('r1', 'SUCCEEDED', '2026-11-02T10:00:00.000Z')] } },
      'GET /automations/a1/runs/counts': counts,
    });
    renderLog(api, '/runs?entityId=D1');
    const user = userEvent.setup();
    await screen.findByText('Choose the type of the record id');

    // Act
    await user.click(screen.getByRole('combobox', { name: 'Record type' }));
    await user.click(await screen.findByRole('option', { name: 'deal' }));

    // Assess
    await waitFor(() => expect(screen.queryByText('Choose the type of the record id')).toBeNull());
    await waitFor(() =>
      expect(api.sent.some((request) => request.path === '/runs' && request.query.get('entityType') === 'deal' && request.query.get('entityId') === 'D1')).toBe(true),
    );
    expect(api.sent.filter((request) => request.path === '/runs' && request.query.has('entityId') && !request.query.has('entityType'))).toEqual([]);
  });
});
