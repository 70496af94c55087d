// The builder's forms for webhook, round-robin and if/else steps: what an admin fills in is the step the API
// receives, and a stored automation with such steps opens in those forms and saves back as it was.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AutomationDefinitionInput } from '#shared/automation/definition.ts';
import { meta, people, renderScreen, salesPipeline, scriptedApi } from '../../test/render';
import type { Automation } from './api/automations';
import { AutomationBuilder } from './components/AutomationBuilder';
import { toForm } from './model/definition-form';

type User = ReturnType<typeof userEvent.setup>;

const team = [
  ...people,
  { ...meta('maria'), name: 'Maria Member', kind: 'human', role: 'member', emails: [] },
  { ...meta('olaf'), name: 'Olaf Left', kind: 'human', role: 'member', emails: [], active: false },
];

const workspace = {
  'GET /pipelines': { body: { items: [salesPipeline] } },
  'GET /users': { body: { items: team } },
  'GET /deals': { body: { items: [] } },
  'GET /webhook-secrets': { body: { items: [{ secretId: 's1', name: 'Ticketing', createdAt: '2026-11-01T10:00:00.000Z', createdBy: 'admin' }] } },
};

/** A new automation on won deals whose one action the test turns into the step under test. */
const wonDeal = toForm({
  name: 'Won',
  trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
  actions: [{ type: 'notify', to: 'responsible', message: 'Won' }],
});

/** A stored automation as GET /automations/{id} serves it, with the API's defaults filled in. */
function storedWith(actions: unknown[]): Automation {
  return {
    ...meta('a1', 3),
    provisioning: 'ready',
    name: 'Won',
    status: 'active',
    trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
    recheck: false,
    finishPending: false,
    timeZone: 'UTC',
    actions: actions as AutomationDefinitionInput['actions'],
  };
}

const choose = async (user: User, combobox: string, option: string, scope: HTMLElement = document.body) => {
  await user.click(await within(scope).findByRole('combobox', { name: combobox }));
  await user.click(await screen.findByRole('option', { name: option }));
};

/** Pasted, as typing would read "{{" and "[" as key names. */
const fill = async (user: User, input: HTMLElement, text: string) => {
  await user.clear(input);
  await user.click(input);
  await user.paste(text);
};

const sentActions = (api: ReturnType<typeof scriptedApi>, method: string) =>
  (api.sent.find((request) => request.method === method)?.body as { actions?: unknown } | undefined)?.actions;

async function createAndReadActions(user: User, api: ReturnType<typeof scriptedApi>) {
  await user.click(screen.getByRole('button', { name: 'Create automation' }));
  await waitFor(() => expect(api.sent.some((request) => request.method === 'POST')).toBe(true));
  return sentActions(api, 'POST');
}

async function saveAndReadActions(user: User, api: ReturnType<typeof scriptedApi>) {
  await user.click(await screen.findByRole('button', { name: 'Save changes' }));
  await waitFor(() => expect(api.sent.some((request) => request.method === 'PATCH')).toBe(true));
  return sentActions(api, 'PATCH');
}

const created = { 'POST /automations': { status: 201, body: { ...meta('a1'), provisioning: 'pending', name: 'Won' } } };

describe('a webhook step', () => {
  it('is built from its form: URL, method, headers, body, signing secret, name and timeout', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, ...created });
    renderScreen(<AutomationBuilder initial={wonDeal} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await choose(user, 'Action 1 type', 'Call webhook');
    await fill(user, screen.getByRole('textbox', { name: 'URL' }), 'https://example.org/hooks/{{ deal.id }}');
    await choose(user, 'Method', 'PUT');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByRole('textbox', { name: 'Header 1 name' }), 'X-Source');
    await fill(user, screen.getByRole('textbox', { name: 'Header 1 value' }), 'stagecraft');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByRole('textbox', { name: 'Header 2 name' }), 'X-Gone');
    await user.click(screen.getByRole('button', { name: 'Remove header 2' }));
    await fill(user, screen.getByRole('textbox', { name: 'Body' }), '{"title": {{ deal.title | json }}}');
    await choose(user, 'Signing secret', 'Ticketing');
    await user.type(screen.getByRole('textbox', { name: 'Step name' }), 'ticketing');
    await user.type(screen.getByRole('textbox', { name: 'Timeout (seconds)' }), '5');
    const actions = await createAndReadActions(user, api);

    // Assess
    expect(actions).toEqual([
      {
        type: 'callWebhook',
        name: 'ticketing',
        url: 'https://example.org/hooks/{{ deal.id }}',
        method: 'PUT',
        headers: { 'X-Source': 'stagecraft' },
        body: '{"title": {{ deal.title | json }}}',
        secretId: 's1',
        timeoutSeconds: 5,
      },
    ]);
    expect(screen.queryByRole('textbox', { name: 'Step (JSON)' })).toBeNull();
  });

  it('sends only the URL when nothing else is filled in: POST, unsigned, the record and the run', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, ...created });
    renderScreen(<AutomationBuilder initial={wonDeal} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await choose(user, 'Action 1 type', 'Call webhook');
    await fill(user, screen.getByRole('textbox', { name: 'URL' }), 'https://example.org/hooks');
    const actions = await createAndReadActions(user, api);

    // Assess
    expect(actions).toEqual([{ type: 'callWebhook', url: 'https://example.org/hooks' }]);
    expect(screen.getByRole('combobox', { name: 'Method' })).toHaveProperty('value', 'POST');
    expect(screen.getByRole('combobox', { name: 'Signing secret' })).toHaveProperty('value', 'Not signed');
  });

  it('opens a stored webhook step in its form and saves it back unchanged', async () => {
    // Prepare
    const step = {
      type: 'callWebhook',
      name: 'crm',
      url: 'https://example.org/hooks',
      method: 'PATCH',
      headers: { Authorization: 'Bearer {{ deal.fields.token }}', 'X-Source': 'stagecraft' },
      body: '{"id": {{ deal.id | json }}}',
      secretId: 's1',
      timeoutSeconds: 12,
    };
    const stored = storedWith([step]);
    const api = scriptedApi({ ...workspace, 'PATCH /automations/a1': { body: { ...stored, version: 4 } } });
    renderScreen(<AutomationBuilder initial={toForm(stored)} automation={stored} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    const url = await screen.findByRole('textbox', { name: 'URL' });
    const actions = await saveAndReadActions(user, api);

    // Assess
    expect(url).toHaveProperty('value', 'https://example.org/hooks');
    expect(screen.getByRole('textbox', { name: 'Header 1 name' })).toHaveProperty('value', 'Authorization');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Signing secret' })).toHaveProperty('value', 'Ticketing'));
    expect(screen.queryByRole('textbox', { name: 'Step (JSON)' })).toBeNull();
    expect(actions).toEqual([step]);
  });

  it("shows the API's 400 under the header and the URL it names", async () => {
    // Prepare
    const refusal = {
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Invalid actions.0.url, actions.0.headers.Host.',
          details: [
            { path: 'actions.0.url', message: 'an absolute http(s) URL' },
            { path: 'actions.0.headers.Host', message: 'this header is set by Stagecraft' },
          ],
        },
      },
    };
    const stored = storedWith([{ type: 'callWebhook', url: 'example.org', headers: { Host: 'x' } }]);
    const api = scriptedApi({ ...workspace, 'PATCH /automations/a1': refusal });
    renderScreen(<AutomationBuilder initial={toForm(stored)} automation={stored} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Save changes' }));

    // Assess
    expect(await screen.findByText('this header is set by Stagecraft')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Header 1 name' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('textbox', { name: 'Header 1 value' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('textbox', { name: 'URL' }).getAttribute('aria-invalid')).toBe('true');
  });
});

describe('a round-robin step', () => {
  it('assigns in turn to the users chosen, in the order chosen', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, ...created });
    renderScreen(<AutomationBuilder initial={wonDeal} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await choose(user, 'Action 1 type', 'Assign');
    await user.click(screen.getByRole('combobox', { name: 'Users' }));
    await user.click(await screen.findByRole('option', { name: 'Maria Member' }));
    await user.click(await screen.findByRole('option', { name: 'Ada Admin' }));
    const actions = await createAndReadActions(user, api);

    // Assess
    expect(actions).toEqual([{ type: 'assign', users: ['maria', 'admin'] }]);
  });

  it('assigns in turn to every active user with the role chosen', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, ...created });
    renderScreen(<AutomationBuilder initial={wonDeal} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await choose(user, 'Action 1 type', 'Assign');
    await choose(user, 'Assign to', 'the next user with a role, in turn');
    await choose(user, 'Role', 'admins');
    const actions = await createAndReadActions(user, api);

    // Assess
    expect(actions).toEqual([{ type: 'assign', role: 'admin' }]);
    expect(screen.queryByRole('combobox', { name: 'Users' })).toBeNull();
  });

  it('opens a stored round-robin in its form, the inactive user marked, and saves it back unchanged', async () => {
    // Prepare
    const step = { type: 'assign', users: ['olaf', 'maria'] };
    const stored = storedWith([step]);
    const api = scriptedApi({ ...workspace, 'PATCH /automations/a1': { body: { ...stored, version: 4 } } });
    renderScreen(<AutomationBuilder initial={toForm(stored)} automation={stored} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('combobox', { name: 'Users' }));
    const chosen = await screen.findAllByRole('option', { selected: true });
    await user.keyboard('{Escape}');
    const actions = await saveAndReadActions(user, api);

    // Assess
    expect(chosen.map((option) => option.textContent)).toEqual(['Maria Member', 'Olaf Left (inactive)']);
    expect(screen.queryByRole('textbox', { name: 'Step (JSON)' })).toBeNull();
    expect(actions).toEqual([step]);
  });

  it("shows the API's 400 on the users it names", async () => {
    // Prepare
    const refusal = {
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'Invalid actions.0.users.', details: [{ path: 'actions.0.users', message: 'each user once' }] } },
    };
    const stored = storedWith([{ type: 'assign', users: ['maria'] }]);
    const api = scriptedApi({ ...workspace, 'PATCH /automations/a1': refusal });
    renderScreen(<AutomationBuilder initial={toForm(stored)} automation={stored} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Save changes' }));

    // Assess
    expect(await screen.findByText('each user once')).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Users' }).getAttribute('aria-invalid')).toBe('true');
  });
});
