// Runs name their records and people: each record read once however many runs name it, and users and stages in
// a summary by their names.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { people, renderScreen, salesPipeline, scriptedApi } from '../../test/render';
import { RecordRuns } from './components/RecordRuns';
import { RunDetailPage } from './components/RunDetailPage';
import { RunLog } from './components/RunLog';

const maria = { id: '01M8RS4DQ7PV39599FGV0N18G5', version: 1, name: 'Maria Sales', kind: 'human', role: 'member' };

const run = (runId: string, extra: Record<string, unknown> = {}) => ({
  automationId: 'a1',
  runId,
  executionId: `x-${runId}`,
  entityType: 'deal',
  entityId: '01M8RS4E0H00000000003CMKR3',
  status: 'SUCCEEDED',
  startedAt: '2026-11-02T10:00:00.000Z',
  actionsCompleted: 1,
  actionsTotal: 1,
  trigger: 'stageEntered',
  ...extra,
});

const common = {
  'GET /automations': { body: { items: [{ id: 'a1', name: 'Notify owner on invoice' }] } },
  'GET /users': { body: { items: [...people, maria] } },
  'GET /pipelines': { body: { items: [salesPipeline] } },
  'GET /automations/a1/runs/counts': { body: { counts: { SUCCEEDED: 2 } } },
};

describe('the run log', () => {
  it('names each run’s record by its title, linked, reading a record once however many runs name it', async () => {
    // Prepare
    const api = scriptedApi({
      ...common,
      'GET /runs': { body: { items: [run('r2'), run('r1')] } },
      'GET /deals/01M8RS4E0H00000000003CMKR3': { body: { id: '01M8RS4E0H00000000003CMKR3', version: 1, title: 'Deal 15: Inverter' } },
    });

    // Act
    renderScreen(<RunLog />, { api, path: '/runs' });

    // Assess
    const table = await screen.findByRole('table', { name: 'Runs' });
    const links = await within(table).findAllByRole('link', { name: 'Deal 15: Inverter' });
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['/deals/01M8RS4E0H00000000003CMKR3', '/deals/01M8RS4E0H00000000003CMKR3']);
    expect(api.sent.filter((request) => request.path.startsWith('/deals'))).toHaveLength(1);
  });

  it('names the people and stages its summaries name by id', async () => {
    // Prepare
    const api = scriptedApi({
      ...common,
      'GET /runs': { body: { items: [run('r1', { summary: `notified ${maria.id} (and mailed); moved the deal from new to won` })] } },
    });

    // Act
    renderScreen(<RunLog />, { api, path: '/runs' });

    // Assess
    expect(await screen.findByText('notified Maria Sales (and mailed); moved the deal from New to Closed Won')).toBeTruthy();
  });
});

describe("a record's runs", () => {
  it('name the people in their outcome', async () => {
    // Prepare
    const api = scriptedApi({ ...common, 'GET /runs': { body: { items: [run('r1', { summary: `1 · Notify: notified ${maria.id} (and mailed)` })] } } });

    // Act
    renderScreen(<RecordRuns entityType="deal" entityId="01M8RS4E0H00000000003CMKR3" />, { api });

    // Assess
    expect(await screen.findByText('1 · Notify: notified Maria Sales (and mailed)')).toBeTruthy();
  });
});

describe("a run's page", () => {
  it('names the people in its summary, its steps and what they sent, whatever their id looks like', async () => {
    // Prepare: the local admin's id is "admin", not a ULID.
    const detail = run('r1', {
      summary: `notified ${maria.id}; assigned to admin`,
      steps: [
        { name: 'Enroll', status: 'SUCCEEDED', startedAt: '2026-11-02T10:00:00.000Z' },
        {
          name: '1 · Notify',
          status: 'SUCCEEDED',
          startedAt: '2026-11-02T10:00:00.100Z',
          outcome: { result: 'changed', done: `notified ${maria.id} (and mailed)`, notifications: [{ userId: maria.id, id: 'n1', mailed: true, message: 'Invoice is out' }] },
        },
        { name: '2 · Assign', status: 'SUCCEEDED', startedAt: '2026-11-02T10:00:00.200Z', outcome: { result: 'noop', done: 'admin is responsible already' } },
      ],
    });
    const api = scriptedApi({ ...common, 'GET /automations/a1/runs/r1': { body: detail } });

    // Act
    renderScreen(<RunDetailPage />, { api, path: '/automations/a1/runs/r1', route: '/automations/:id/runs/:runId' });
    (await screen.findByRole('button', { name: 'What it sent (1 · Notify)' })).click();

    // Assess
    expect(await screen.findByText('notified Maria Sales; assigned to Ada Admin')).toBeTruthy();
    expect(screen.getByText('notified Maria Sales (and mailed)')).toBeTruthy();
    expect(screen.getByText('Ada Admin is responsible already')).toBeTruthy();
    expect(await screen.findByText('Notification to Maria Sales')).toBeTruthy();
  });
});
