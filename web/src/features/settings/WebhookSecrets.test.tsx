// Webhook secrets in settings: a new value shown once, the list with who signs with each, deletion confirmed first,
// and no section for members.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { asAdmin, asMember, meta, people, renderScreen, scriptedApi } from '../../test/render';
import { SettingsPage } from './components/SettingsPage';
import { WebhookSecretsSettings } from './components/WebhookSecretsSettings';

const secret = (secretId: string, name: string) => ({ secretId, name, createdAt: '2026-11-01T10:00:00.000Z', createdBy: 'admin' });

const signingAutomation = (id: string, name: string, secretId: string) => ({
  ...meta(id),
  name,
  status: 'active',
  provisioning: 'ready',
  trigger: { type: 'created', entity: 'deal' },
  actions: [{ type: 'branch', if: { all: [] }, then: [{ type: 'callWebhook', url: 'https://example.org/hooks', secretId }], else: [] }],
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('WebhookSecretsSettings', () => {
  it('shows a new secret’s value once, after sending its name with an Idempotency-Key', async () => {
    const api = scriptedApi({
      'GET /webhook-secrets': { body: { items: [] } },
      'GET /automations': { body: { items: [] } },
      'POST /webhook-secrets': { status: 201, body: { ...secret('s1', 'Ticketing'), secret: 'whsec_value' } },
    });
    renderScreen(<WebhookSecretsSettings />, { api });
    const user = userEvent.setup();

    await user.type(await screen.findByRole('textbox', { name: 'Secret name' }), 'Ticketing');
    await user.click(screen.getByRole('button', { name: 'Create secret' }));

    expect((await screen.findByLabelText('New secret value')).textContent).toBe('whsec_value');
    expect(screen.getByText(/it is not shown again/)).toBeTruthy();
    const post = api.sent.find((request) => request.method === 'POST');
    expect(post?.body).toEqual({ name: 'Ticketing' });
    expect(post?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText('whsec_value')).toBeNull();
  });

  it('lists the secrets by name with the automations that sign with each', async () => {
    const api = scriptedApi({
      'GET /webhook-secrets': { body: { items: [secret('s1', 'Ticketing'), secret('s2', 'Billing')] } },
      'GET /automations': { body: { items: [signingAutomation('a1', 'Open a ticket', 's1')] } },
    });

    renderScreen(<WebhookSecretsSettings />, { api });

    const table = await screen.findByRole('table', { name: 'Webhook secrets' });
    expect(within(table).getByText('Ticketing')).toBeTruthy();
    expect(within(table).getByText('Billing')).toBeTruthy();
    expect((await within(table).findByRole('link', { name: 'Open a ticket' })).getAttribute('href')).toBe('/automations/a1');
    expect(within(table).getByText('No automation')).toBeTruthy();
  });

  it('deletes a secret only once the admin confirms, warning which steps will fail', async () => {
    const api = scriptedApi({
      'GET /webhook-secrets': { body: { items: [secret('s1', 'Ticketing')] } },
      'GET /automations': { body: { items: [signingAutomation('a1', 'Open a ticket', 's1')] } },
      'DELETE /webhook-secrets/s1': { status: 204 },
    });
    const confirm = vi.fn<(message: string) => boolean>().mockReturnValueOnce(false).mockReturnValueOnce(true);
    vi.stubGlobal('confirm', confirm);
    renderScreen(<WebhookSecretsSettings />, { api });
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'Open a ticket' });

    await user.click(screen.getByRole('button', { name: 'Delete Ticketing' }));
    expect(api.sent.some((request) => request.method === 'DELETE')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Delete Ticketing' }));

    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/Delete the secret Ticketing\? Its webhook steps in Open a ticket will fail/));
    await waitFor(() => expect(api.sent.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual(['/webhook-secrets/s1']));
  });
});

describe('the Webhook secrets tab', () => {
  const forbidden = { status: 403, body: { error: { code: 'FORBIDDEN', message: 'Only an admin may do this.', details: [] } } };

  it('is offered to an admin', async () => {
    const api = scriptedApi({ 'GET /me': asAdmin, 'GET /users/butler': { body: people[1] }, 'GET /settings': forbidden });

    renderScreen(<SettingsPage />, { api, path: '/settings/butler', route: '/settings/:section' });

    expect(await screen.findByRole('tab', { name: 'Webhook secrets' })).toBeTruthy();
  });

  it('is not offered to a member', async () => {
    const api = scriptedApi({ 'GET /me': asMember, 'GET /users/butler': { body: people[1] }, 'GET /settings': forbidden });

    renderScreen(<SettingsPage />, { api, path: '/settings/butler', route: '/settings/:section' });

    expect(await screen.findByRole('tab', { name: 'Exceptions' })).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('tab', { name: 'Webhook secrets' })).toBeNull());
    expect(api.sent.some((request) => request.path === '/webhook-secrets')).toBe(false);
  });
});
