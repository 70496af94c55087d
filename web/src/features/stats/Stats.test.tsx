// Statistics: people's writes in a chart and a table, the Butler's apart.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { people, renderScreen, scriptedApi } from '../../test/render';
import { StatsPage } from './components/StatsPage';
import { rangeOf } from './api/stats';

describe('StatsPage', () => {
  it('lists people’s figures and shows the Butler’s work in its own section', async () => {
    const api = scriptedApi({
      'GET /users': { body: { items: people } },
      'GET /stats/activity': {
        body: {
          from: '2026-11-01T00:00:00.000Z',
          to: '2026-12-01T00:00:00.000Z',
          humans: [{ userId: 'admin', name: 'Ada Admin', created: 3, updated: 2, deleted: 0, stageChanges: 1 }],
          butler: { created: 7, updated: 1, deleted: 1, stageChanges: 4 },
        },
      },
    });

    renderScreen(<StatsPage />, { api });

    const peopleTable = await screen.findByRole('table', { name: 'Writes per person' });
    const butler = screen.getByRole('region', { name: 'The Butler' });
    expect(within(peopleTable).getByRole('row', { name: /Ada Admin/ }).textContent).toContain('6');
    expect(within(peopleTable).queryByText('Jeeves')).toBeNull();
    expect(within(within(butler).getByRole('table')).getAllByRole('cell').at(-1)?.textContent).toBe('13');
    const sent = api.sent.find((request) => request.path === '/stats/activity');
    expect(sent?.query.get('from')).toBeTruthy();
    expect(sent?.query.get('to')).toBeTruthy();
  });

  it('ends the default range on local mode’s today, after its clock was moved forward', async () => {
    const api = scriptedApi({
      'GET /users': { body: { items: people } },
      'GET /local/clock': { body: { now: '2027-06-02T10:00:00.000Z', offsetMs: 0 } },
      'GET /stats/activity': { body: { from: '', to: '', humans: [], butler: { created: 0, updated: 0, deleted: 0, stageChanges: 0 } } },
    });

    renderScreen(<StatsPage />, { api });

    expect(((await screen.findByLabelText('To')) as HTMLInputElement).value).toBe('2027-06-02');
    const sent = api.sent.find((request) => request.path === '/stats/activity');
    expect(new Date(sent!.query.get('to')!).getTime()).toBeGreaterThan(new Date('2027-06-02T00:00:00Z').getTime());
  });

  it('counts a day range up to the end of its last day', () => {
    const { from, to } = rangeOf('2026-11-01', '2026-11-30');

    expect(new Date(to).getTime() - new Date(from).getTime()).toBe(30 * 24 * 3600 * 1000);
  });
});
