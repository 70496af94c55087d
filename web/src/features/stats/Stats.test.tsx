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

  it('counts a day range up to the end of its last day', () => {
    const { from, to } = rangeOf('2026-11-01', '2026-11-30');

    expect(new Date(to).getTime() - new Date(from).getTime()).toBe(30 * 24 * 3600 * 1000);
  });
});
