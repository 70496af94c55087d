// A deleted record's page says it is gone and still shows its history.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { meta, people, renderScreen, salesPipeline, scriptedApi } from '../../test/render';
import { RecordPage } from './components/RecordPage';

const gone = { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No contact with id c9.', details: [] } } };

describe('the page of a deleted contact', () => {
  it('says which contact was deleted, by the name its history keeps, and shows who deleted it', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /contacts/c9': gone,
      'GET /contacts/c9/history': { body: { items: [{ at: '2026-11-02T10:00:00.000Z', actor: { kind: 'butler', id: 'butler' }, action: 'deleted', changes: { name: { from: 'Sam Spammer', to: null } } }, { ...meta('h'), at: '2026-11-01T10:00:00.000Z', actor: { kind: 'user', id: 'admin' }, action: 'created', changes: { name: { to: 'Sam Spammer' } } }] } },
      'GET /users': { body: { items: people } },
      'GET /pipelines': { body: { items: [salesPipeline] } },
    });

    // Act
    renderScreen(<RecordPage />, { api, path: '/contacts/c9', route: '/:collection/:id' });

    // Assess
    expect(await screen.findByText('Sam Spammer was deleted')).toBeTruthy();
    const history = (await screen.findAllByLabelText('History')).at(-1)!;
    expect(await within(history).findByText('deleted')).toBeTruthy();
    expect(api.sent.filter((request) => request.path === '/contacts/c9')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });
});
