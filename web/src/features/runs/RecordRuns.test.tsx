// A record page's runs: a table with a head row, each run's status spelled out and linked to the run.
import { screen, waitFor, within } from '@testing-library/react';
import { useQuery } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { useApi } from '../../lib/session';
import { renderScreen, scriptedApi } from '../../test/render';
import { RecordRuns } from './components/RecordRuns';

const run = (runId: string, status: string) => ({
  automationId: 'a1',
  runId,
  executionId: `x-${runId}`,
  entityType: 'deal',
  entityId: 'D1',
  status,
  startedAt: '2026-11-02T10:00:00.000Z',
  actionsCompleted: 1,
  actionsTotal: 1,
  summary: '1 · Notify: notified 01M8RS4DQ7PV39599FGV0N18G5 (and mailed)',
});

describe('RecordRuns', () => {
  it('heads its columns and names each run’s status and automation', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /automations': { body: { items: [{ id: 'a1', name: 'Notify owner on invoice' }] } },
      'GET /runs': { body: { items: [run('r1', 'SUCCEEDED'), run('r2', 'WAITING')] } },
    });

    // Act
    renderScreen(<RecordRuns entityType="deal" entityId="D1" />, { api });

    // Assess
    const table = await screen.findByRole('table', { name: 'Automation runs of this record' });
    expect(within(table).getAllByRole('columnheader').map((head) => head.textContent)).toEqual(['Status', 'Automation', 'Outcome']);
    expect(within(table).getByRole('link', { name: 'Run r1 SUCCEEDED' }).textContent).toBe('SUCCEEDED');
    expect(within(table).getByRole('link', { name: 'Run r2 WAITING' }).textContent).toBe('WAITING');
    expect(within(table).getAllByRole('link', { name: 'Notify owner on invoice' })).toHaveLength(2);
    expect(api.sent.find((request) => request.path === '/runs')?.query.get('entityType')).toBe('deal');
  });

  it('reads again while a run is running, so a run started from the page shows how it ended', async () => {
    // Prepare: the first read finds the run under way, the next finds it done.
    let reads = 0;
    const api = scriptedApi({
      'GET /automations': { body: { items: [{ id: 'a1', name: 'Notify owner on invoice' }] } },
      'GET /runs': () => ({ body: { items: [run('r1', (reads += 1) === 1 ? 'RUNNING' : 'SUCCEEDED')] } }),
    });

    // Act
    renderScreen(<RecordRuns entityType="deal" entityId="D1" />, { api });

    // Assess
    expect(await screen.findByRole('link', { name: 'Run r1 RUNNING' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('link', { name: 'Run r1 SUCCEEDED' })).toBeTruthy(), { timeout: 5_000 });
  });

  it('reads the record again when one of its runs ends, so what the run wrote shows', async () => {
    // Prepare: the run is under way at the first read and done at the next; the page holds the deal.
    let reads = 0;
    const api = scriptedApi({
      'GET /automations': { body: { items: [{ id: 'a1', name: 'Notify owner on invoice' }] } },
      'GET /runs': () => ({ body: { items: [run('r1', (reads += 1) === 1 ? 'RUNNING' : 'SUCCEEDED')] } }),
      'GET /deals/D1': { body: { id: 'D1', version: 1, title: 'Heat pump' } },
    });
    function TheDeal() {
      const http = useApi();
      const deal = useQuery({ queryKey: ['deals', 'one', 'D1'], queryFn: () => http.request<{ title: string }>('/deals/D1'), staleTime: Number.POSITIVE_INFINITY });
      return <p>{deal.data?.title}</p>;
    }

    // Act
    renderScreen(
      <>
        <RecordRuns entityType="deal" entityId="D1" />
        <TheDeal />
      </>,
      { api },
    );

    // Assess
    await waitFor(() => expect(screen.getByRole('link', { name: 'Run r1 SUCCEEDED' })).toBeTruthy(), { timeout: 5_000 });
    await waitFor(() => expect(api.sent.filter((request) => request.path === '/deals/D1')).toHaveLength(2));
  });
});
