// Settings: the Butler renamed with If-Match, an integration's key shown once, pipelines' stage helpers.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { asAdmin, asMember, meta, people, renderScreen, scriptedApi } from '../../test/render';
import { ButlerSettings } from './components/ButlerSettings';
import { ExceptionsSettings } from './components/ExceptionsSettings';
import { IntegrationsSettings } from './components/IntegrationsSettings';
import { moveStage, slugFor } from './components/PipelinesSettings';
import { SettingsPage } from './components/SettingsPage';
import { UsersSettings } from './components/UsersSettings';

const butler = people[1]!;

describe('ButlerSettings', () => {
  it('renames the Butler and changes its icon with If-Match', async () => {
    const api = scriptedApi({
      'GET /users/butler': { body: butler },
      'PATCH /users/butler': (request) => ({ body: { ...butler, ...(request.body as object), version: 2 } }),
    });
    renderScreen(<ButlerSettings />, { api });
    const user = userEvent.setup();

    const name = await screen.findByRole('textbox', { name: 'Name' });
    await screen.findByRole('button', { name: 'Save the Butler' });
    await user.clear(name);
    await user.type(name, 'Alfred');
    await user.click(screen.getByRole('radio', { name: 'Icon 🤖' }));
    await user.click(screen.getByRole('button', { name: 'Save the Butler' }));

    await waitFor(() => expect(api.sent.some((request) => request.method === 'PATCH')).toBe(true));
    const patch = api.sent.find((request) => request.method === 'PATCH');
    expect(patch?.body).toEqual({ name: 'Alfred', icon: '🤖' });
    expect(patch?.headers['if-match']).toBe('"1"');
  });
});

describe('UsersSettings', () => {
  it('shows the Butler as a virtual user that cannot be deleted, with no delete button', async () => {
    renderScreen(<UsersSettings />, { api: scriptedApi({ 'GET /users': { body: { items: people } } }) });

    expect(await screen.findByText('virtual user · not a login')).toBeTruthy();
    expect(await screen.findByText('cannot be deleted')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: 'Delete' })).toHaveLength(1);
  });
});

describe('settings for a member', () => {
  const forbidden = { status: 403, body: { error: { code: 'FORBIDDEN', message: 'Only an admin may do this.', details: [] } } };

  it('lets a member add to the exceptions list but offers removal only to admins', async () => {
    const entry = { value: 'no@example.com', kind: 'email', reason: 'asked', addedAt: '2026-11-01T00:00:00.000Z', addedBy: { kind: 'user', id: 'admin' } };
    const exceptions = { 'GET /exceptions': { body: { items: [entry] } }, 'GET /users': { body: { items: people } } };

    const member = renderScreen(<ExceptionsSettings />, { api: scriptedApi({ ...exceptions, 'GET /me': asMember }) });
    expect(await screen.findByText('no@example.com')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Remove no@example.com' })).toBeNull();
    member.unmount();

    renderScreen(<ExceptionsSettings />, { api: scriptedApi({ ...exceptions, 'GET /me': asAdmin }) });
    expect(await screen.findByRole('button', { name: 'Remove no@example.com' })).toBeTruthy();
  });

  it('offers a member no Pipelines or Document templates tab', async () => {
    renderScreen(<SettingsPage />, { api: scriptedApi({ 'GET /me': asMember, 'GET /users/butler': { body: butler }, 'GET /settings': forbidden }), path: '/settings/butler', route: '/settings/:section' });

    expect(await screen.findByRole('tab', { name: 'Exceptions' })).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('tab', { name: 'Pipelines' })).toBeNull());
    expect(screen.queryByRole('tab', { name: 'Document templates' })).toBeNull();
  });

  it('lists the users without role selects, Delete buttons or the Add user form', async () => {
    const member = { ...meta('maria'), name: 'Maria Sales', kind: 'human', role: 'member', emails: [] };
    const api = scriptedApi({ 'GET /users': { body: { items: [...people, member] } }, 'GET /me': asMember });

    renderScreen(<UsersSettings />, { api });

    expect(await screen.findByText('Maria Sales')).toBeTruthy();
    expect(await screen.findByText('Only admins add people, change roles and delete users.')).toBeTruthy();
    expect(screen.getByText('Member')).toBeTruthy();
    expect(screen.queryByRole('combobox', { name: /Role of/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(screen.queryByRole('form', { name: 'Add a user' })).toBeNull();
  });

  it('shows the Butler but offers no way to rename it', async () => {
    const api = scriptedApi({ 'GET /users/butler': { body: butler }, 'GET /me': asMember, 'GET /settings': forbidden });

    renderScreen(<ButlerSettings />, { api });

    expect(await screen.findByText('Only admins rename the Butler or change its icon.')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Name' }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('radio', { name: 'Icon 🤖' }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Save the Butler' })).toBeNull();
  });

  it('offers role selects, Delete and Add user to an admin', async () => {
    const api = scriptedApi({ 'GET /users': { body: { items: people } }, 'GET /me': asAdmin });

    renderScreen(<UsersSettings />, { api });

    expect(await screen.findByRole('form', { name: 'Add a user' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Role of Ada Admin' })).toBeTruthy();
  });
});

describe('IntegrationsSettings', () => {
  it('shows a new key once, after creating the integration', async () => {
    const api = scriptedApi({
      'GET /integrations': { body: { items: [] } },
      'POST /integrations': { status: 201, body: { integrationId: 'i1', name: 'Web form', createdAt: '2026-11-01T10:00:00.000Z', createdBy: 'admin', key: 'sc_key_secret' } },
    });
    renderScreen(<IntegrationsSettings />, { api });
    const user = userEvent.setup();

    await user.type(await screen.findByRole('textbox', { name: 'Integration name' }), 'Web form');
    await user.click(screen.getByRole('button', { name: 'Create integration' }));

    expect((await screen.findByLabelText('New API key')).textContent).toBe('sc_key_secret');
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText('sc_key_secret')).toBeNull();
  });
});

describe('pipeline stages', () => {
  it('derives a unique stage id from its name', () => {
    expect(slugFor('Offer sent!', ['new'])).toBe('offer_sent');
    expect(slugFor('New', ['new', 'new_2'])).toBe('new_3');
  });

  it('moves a stage up or down, and not past either end', () => {
    const stages = [meta('a'), meta('b'), meta('c')].map(({ id }) => ({ id, name: id.toUpperCase(), kind: 'open' as const }));

    expect(moveStage(stages, 2, -1).map((stage) => stage.id)).toEqual(['a', 'c', 'b']);
    expect(moveStage(stages, 0, -1)).toBe(stages);
  });
});
