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
  it('says before a save that a header value without a name, or a name given twice, is not sent', async () => {
    // Prepare
    renderScreen(<AutomationBuilder initial={wonDeal} onSaved={() => undefined} />, { api: scriptedApi({ ...workspace, ...created }) });
    const user = userEvent.setup();
    await choose(user, 'Action 1 type', 'Call webhook');

    // Act
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await fill(user, screen.getByRole('textbox', { name: 'Header 1 value' }), 'orphan');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByRole('textbox', { name: 'Header 2 name' }), 'X-Source');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByRole('textbox', { name: 'Header 3 name' }), 'x-source');

    // Assess
    expect(screen.getByText('a header needs a name: without one it is not sent')).toBeTruthy();
    expect(screen.getByText('given twice: this one replaces the one above')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Header 2 name' }).getAttribute('aria-invalid')).not.toBe('true');
  });

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

describe('an if/else step', () => {
  const region = (name: string) => screen.getByRole('region', { name });

  it('is built from its form: name, conditions, and steps in each arm, with a branch nested in a branch', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, ...created });
    renderScreen(<AutomationBuilder initial={wonDeal} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await choose(user, 'Action 1 type', 'Branch (if / else)');
    await user.type(screen.getByRole('textbox', { name: 'Branch name' }), 'big deal');
    const branch = region('Action 1');
    await user.click(within(branch).getByRole('button', { name: 'Add condition' }));
    await user.type(within(branch).getByRole('combobox', { name: 'Field' }), 'amount');
    await choose(user, 'Is', '≥', branch);
    await user.type(within(branch).getByRole('textbox', { name: 'Value' }), '10000');
    await choose(user, 'As', 'number', branch);
    await user.click(screen.getByRole('button', { name: 'Add step to then steps of action 1' }));
    await fill(user, within(region('Action 1, then step 1')).getByRole('textbox', { name: 'Message' }), 'Big one: {{ deal.title }}');
    await user.click(screen.getByRole('button', { name: 'Add step to else steps of action 1' }));
    await choose(user, 'Action 1, else step 1 type', 'Branch (if / else)');
    const inner = region('Action 1, else step 1');
    await user.click(within(inner).getByRole('button', { name: 'Add condition' }));
    await user.type(within(inner).getByRole('combobox', { name: 'Field' }), 'fields.vip');
    await user.type(within(inner).getByRole('textbox', { name: 'Value' }), 'yes');
    await user.click(screen.getByRole('button', { name: 'Add step to then steps of action 1, else step 1' }));
    await choose(user, 'Action 1, else step 1, then step 1 type', 'Add to exceptions');
    const actions = await createAndReadActions(user, api);

    // Assess
    expect(actions).toEqual([
      {
        type: 'branch',
        name: 'big deal',
        if: { all: [{ field: 'amount', op: 'gte', value: 10000 }] },
        then: [{ type: 'notify', to: 'responsible', message: 'Big one: {{ deal.title }}' }],
        else: [{ type: 'branch', if: { all: [{ field: 'fields.vip', op: 'eq', value: 'yes' }] }, then: [{ type: 'addToExceptions' }], else: [] }],
      },
    ]);
  });

  const stored = storedWith([
    {
      type: 'branch',
      name: 'big deal',
      if: { any: [{ field: 'amount', op: 'gte', value: 10000 }, { all: [{ field: 'fields.vip', op: 'eq', value: true }] }] },
      then: [
        { type: 'createLead', title: 'Upsell {{ deal.title }}' },
        { type: 'callWebhook', url: 'https://example.org/hooks' },
      ],
      else: [
        {
          type: 'branch',
          if: { all: [{ field: 'currency', op: 'eq', value: 'EUR' }] },
          then: [{ type: 'branch', if: { all: [{ field: 'title', op: 'contains', value: 'roof' }] }, then: [{ type: 'assign', role: 'member' }], else: [] }],
          else: [],
        },
      ],
    },
    { type: 'notify', to: 'responsible', message: 'Done' },
  ]);

  it('opens stored branches, nested three deep, in their forms and saves them back unchanged', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, 'PATCH /automations/a1': { body: { ...stored, version: 4 } } });
    renderScreen(<AutomationBuilder initial={toForm(stored)} automation={stored} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    const deepest = await screen.findByRole('region', { name: 'Action 1, else step 1, then step 1, then step 1' });
    const actions = await saveAndReadActions(user, api);

    // Assess
    expect(within(deepest).getByRole('combobox', { name: 'Role' })).toHaveProperty('value', 'members');
    expect(within(region('Then steps of action 1')).getByRole('textbox', { name: 'Lead title' })).toHaveProperty('value', 'Upsell {{ deal.title }}');
    expect(screen.getAllByRole('textbox', { name: 'Branch name' }).map((input) => (input as HTMLInputElement).value)).toEqual(['big deal', '', '']);
    expect(screen.queryByRole('textbox', { name: 'Step (JSON)' })).toBeNull();
    expect(actions).toEqual(stored.actions);
  });

  it('offers no further branch below the third level', async () => {
    // Prepare
    const api = scriptedApi(workspace);
    renderScreen(<AutomationBuilder initial={toForm(stored)} automation={stored} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('combobox', { name: 'Action 1, else step 1, then step 1, then step 1 type' }));
    const deepest = (await screen.findAllByRole('option')).map((option) => option.textContent);
    await user.keyboard('{Escape}');
    await user.click(screen.getByRole('combobox', { name: 'Action 1, else step 1, then step 1 type' }));
    const third = (await screen.findAllByRole('option')).map((option) => option.textContent);

    // Assess
    expect(deepest).not.toContain('Branch (if / else)');
    expect(third).toContain('Branch (if / else)');
  });

  it('moves and removes steps within an arm', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, 'PATCH /automations/a1': { body: { ...stored, version: 4 } } });
    renderScreen(<AutomationBuilder initial={toForm(stored)} automation={stored} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Move action 1, then step 2 up' }));
    await user.click(screen.getByRole('button', { name: 'Remove action 1, then step 2' }));
    await user.click(screen.getByRole('button', { name: 'Remove action 1, else step 1' }));
    const actions = (await saveAndReadActions(user, api)) as Array<{ then?: unknown; else?: unknown }>;

    // Assess
    expect(actions[0]?.then).toEqual([{ type: 'callWebhook', url: 'https://example.org/hooks' }]);
    expect(actions[0]?.else).toEqual([]);
    expect(screen.getByRole('button', { name: 'Remove action 1, then step 1' })).toHaveProperty('disabled', false);
  });

  it("shows the API's 400s on the nested fields and lists their paths name, as for the automation's own steps", async () => {
    // Prepare
    const refusal = {
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Invalid actions.0.then.0.title, actions.0.else.0.then.0.else, actions.0.if.any.0.value.',
          details: [
            { path: 'actions.0.then.0.title', message: 'unknown variable deal.nope' },
            { path: 'actions.0.else.0.then.0.else', message: 'a branch needs an action in "then" or in "else"' },
            { path: 'actions.0.if.any.0.value', message: 'gte compares with a number or an ISO-8601 date' },
          ],
        },
      },
    };
    const api = scriptedApi({ ...workspace, 'PATCH /automations/a1': refusal });
    renderScreen(<AutomationBuilder initial={toForm(stored)} automation={stored} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Save changes' }));

    // Assess
    await screen.findByText('unknown variable deal.nope');
    expect(within(region('Action 1, then step 1')).getByRole('textbox', { name: 'Lead title' }).getAttribute('aria-invalid')).toBe('true');
    expect(within(region('Else steps of action 1, else step 1, then step 1')).getByText('a branch needs an action in "then" or in "else"')).toBeTruthy();
    const conditions = within(region('Action 1')).getAllByRole('textbox', { name: 'Value' });
    expect(conditions[0]?.getAttribute('aria-invalid')).toBe('true');
  });
});
