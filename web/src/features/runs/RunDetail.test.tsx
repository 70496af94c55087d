// A run's detail: each action step says who it acted as, with the Butler's name and icon as they are now,
// or the author while the Butler was off.
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderScreen, scriptedApi } from '../../test/render';
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
