// Record screens: create forms checked with the API's schemas, inline edit with If-Match,
// and the history with the Butler under its current name and icon.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { meta, people, renderScreen, salesPipeline, scriptedApi } from '../../test/render';
import { CreateRecordForm } from './components/CreateRecordForm';
import { HistoryTimeline } from './components/HistoryTimeline';
import { RecordListPage } from './components/RecordListPage';
import { RecordPage } from './components/RecordPage';

const contact = { ...meta('c1', 2), name: 'Jane Roe', emails: ['jane@example.com'], phones: [] };
const common = {
  'GET /users': { body: { items: people } },
  'GET /pipelines': { body: { items: [salesPipeline] } },
  'GET /automations': { body: { items: [{ id: 'a1', name: 'Won deals go to Installation', status: 'active', trigger: { type: 'stageEntered' } }] } },
};

describe('CreateRecordForm', () => {
  it('names the bad field with the API schema’s message and sends nothing', async () => {
    const api = scriptedApi(common);
    renderScreen(<CreateRecordForm collection="contacts" onCreated={() => {}} onCancel={() => {}} />, { api });
    const user = userEvent.setup();

    await user.type(screen.getByRole('textbox', { name: /Name/ }), 'Jane Roe');
    await user.type(screen.getByRole('textbox', { name: /E-mails/ }), 'not-an-address');
    await user.click(screen.getByRole('button', { name: 'Create contact' }));

    expect(await screen.findByText('not an e-mail address')).toBeTruthy();
    expect(api.sent.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('posts a valid record once, with an Idempotency-Key', async () => {
    const created: unknown[] = [];
    const api = scriptedApi({
      ...common,
      'POST /contacts': (request) => {
        created.push(request.body);
        return { status: 201, body: { ...contact, ...(request.body as object) } };
      },
    });
    renderScreen(<CreateRecordForm collection="contacts" onCreated={() => {}} onCancel={() => {}} />, { api });
    const user = userEvent.setup();

    await user.type(screen.getByRole('textbox', { name: /Name/ }), 'Jane Roe');
    await user.type(screen.getByRole('textbox', { name: /E-mails/ }), 'jane@example.com, jr@example.com');
    await user.click(screen.getByRole('button', { name: 'Create contact' }));

    await waitFor(() => expect(created).toEqual([{ name: 'Jane Roe', emails: ['jane@example.com', 'jr@example.com'], phones: [] }]));
    expect(api.sent.find((request) => request.method === 'POST')?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('HistoryTimeline', () => {
  it('shows the Butler with its current name and icon, linked to the automation and run it acted for', async () => {
    const api = scriptedApi({
      ...common,
      'GET /deals/d1/history': {
        body: {
          items: [
            { at: '2026-11-02T10:00:00.000Z', actor: { kind: 'butler', id: 'butler', via: { automationId: 'a1', runId: 'r9' } }, action: 'stageChanged', changes: { stageId: { from: 'new', to: 'won' } } },
            { at: '2026-11-01T10:00:00.000Z', actor: { kind: 'user', id: 'admin' }, action: 'created', changes: { title: { to: 'Solar roof' } } },
          ],
        },
      },
    });

    renderScreen(<HistoryTimeline collection="deals" id="d1" />, { api });

    expect(await screen.findByText('Jeeves')).toBeTruthy();
    expect(screen.getByText('🦉')).toBeTruthy();
    expect((await screen.findByRole('link', { name: 'Won deals go to Installation' })).getAttribute('href')).toBe('/automations/a1');
    expect(screen.getByRole('link', { name: 'run' }).getAttribute('href')).toBe('/automations/a1/runs/r9');
    expect(screen.getByText('Stage: New → Closed Won')).toBeTruthy();
    expect(await screen.findByText('Ada Admin')).toBeTruthy();
  });

  it('shows each custom field that changed on its own line, not every custom field of the record, and an amount as the field does', async () => {
    // Prepare
    const api = scriptedApi({
      ...common,
      'GET /deals/d1/history': {
        body: {
          items: [
            { at: '2026-11-02T10:00:00.000Z', actor: { kind: 'user', id: 'admin' }, action: 'updated', changes: { fields: { from: { tier: 'silver', region: 'North' }, to: { tier: 'gold', region: 'North', score: 7 } }, amount: { from: 12000, to: 14000 } } },
          ],
        },
      },
    });

    // Act
    renderScreen(<HistoryTimeline collection="deals" id="d1" />, { api });

    // Assess
    expect(await screen.findByText('tier: silver → gold')).toBeTruthy();
    expect(screen.getByText(/^score: .*7$/)).toBeTruthy();
    expect(screen.queryByText(/region/)).toBeNull();
    expect(screen.getByText(`Amount: ${(12000).toLocaleString()} → ${(14000).toLocaleString()}`)).toBeTruthy();
  });

  it('names linked records, people and stages, reading each linked record once; a deleted one says so', async () => {
    // Prepare: two entries name the same contact; the company is gone.
    const api = scriptedApi({
      ...common,
      'GET /deals/d1': { body: { ...meta('d1', 3), title: 'Solar roof', pipelineId: 'sales', stageId: 'contract' } },
      'GET /contacts/c1': { body: contact },
      'GET /contacts/c2': { body: { ...meta('c2'), name: 'John Doe', emails: [], phones: [] } },
      'GET /deals/d1/history': {
        body: {
          items: [
            { at: '2026-11-02T10:00:00.000Z', actor: { kind: 'user', id: 'admin' }, action: 'updated', changes: { contactId: { from: 'c1', to: 'c2' }, stageId: { from: 'new', to: 'contract' } } },
            {
              at: '2026-11-01T10:00:00.000Z',
              actor: { kind: 'user', id: 'admin' },
              action: 'created',
              changes: { title: { to: 'Solar roof' }, pipelineId: { to: 'sales' }, contactId: { to: 'c1' }, companyId: { to: '01M8RS4E0H000000000000GONE' }, responsibleId: { to: 'admin' } },
            },
          ],
        },
      },
    });

    // Act
    renderScreen(<HistoryTimeline collection="deals" id="d1" />, { api });

    // Assess
    const janes = await screen.findAllByRole('link', { name: 'Jane Roe' });
    expect(janes.map((link) => link.getAttribute('href'))).toEqual(['/contacts/c1', '/contacts/c1']);
    expect((await screen.findByRole('link', { name: 'John Doe' })).getAttribute('href')).toBe('/contacts/c2');
    expect(await screen.findByText('company (deleted)')).toBeTruthy();
    expect(screen.getByText('Stage: New → Contract')).toBeTruthy();
    expect(screen.getByText('Pipeline: Sales')).toBeTruthy();
    expect(screen.getByText('Responsible: Ada Admin')).toBeTruthy();
    expect(screen.queryByText(/01M8RS4E0H/)).toBeNull();
    expect(api.sent.filter((request) => request.path === '/contacts/c1')).toHaveLength(1);
  });
});

describe('RecordPage inline edit', () => {
  const renderContact = (patch: { status?: number; body?: unknown }) => {
    const api = scriptedApi({
      ...common,
      'GET /contacts/c1': { body: contact },
      'GET /contacts/c1/history': { body: { items: [] } },
      'GET /activities': { body: { items: [] } },
      'GET /documents': { body: { items: [] } },
      'PATCH /contacts/c1': patch,
    });
    renderScreen(<RecordPage />, { api, path: '/contacts/c1', route: '/:collection/:id' });
    return api;
  };

  it('saves one field with If-Match of the version shown', async () => {
    const api = renderContact({ body: { ...contact, name: 'Jane Doe', version: 3 } });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Edit Name' }));
    const form = screen.getByRole('form', { name: 'Edit Name' });
    await user.clear(within(form).getByRole('textbox', { name: 'Name' }));
    await user.type(within(form).getByRole('textbox', { name: 'Name' }), 'Jane Doe');
    await user.click(within(form).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit Name' })).toBeNull());
    const patch = api.sent.find((request) => request.method === 'PATCH');
    expect(patch?.body).toEqual({ name: 'Jane Doe' });
    expect(patch?.headers['if-match']).toBe('"2"');
  });

  it('on 412 keeps the form open, says why and reloads the record', async () => {
    const api = renderContact({ status: 412, body: { error: { code: 'VERSION_MISMATCH', message: 'stale', details: [] } } });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Edit Name' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), ' Jr');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText(/Someone changed this record meanwhile/)).toBeTruthy();
    await waitFor(() => expect(api.sent.filter((request) => request.method === 'GET' && request.path === '/contacts/c1').length).toBeGreaterThanOrEqual(2));
  });
});

describe('HistoryTimeline with integrations', () => {
  it('names the integration the Butler wrote for', async () => {
    const api = scriptedApi({
      ...common,
      'GET /leads/l1/history': {
        body: {
          items: [
            { at: '2026-11-02T10:00:00.000Z', actor: { kind: 'butler', id: 'butler', via: { integrationId: 'int-7', integrationName: 'Website form' } }, action: 'created', changes: { title: { to: 'Roof' } } },
          ],
        },
      },
    });

    renderScreen(<HistoryTimeline collection="leads" id="l1" />, { api });

    expect(await screen.findByText('for integration Website form')).toBeTruthy();
    expect(await screen.findByText('Jeeves')).toBeTruthy();
  });
});

describe('HistoryTimeline with the system tidying up', () => {
  it('says the Butler unlinked a deleted record, without a link to an automation', async () => {
    const api = scriptedApi({
      ...common,
      'GET /deals/d1/history': {
        body: {
          items: [
            { at: '2026-11-02T10:00:00.000Z', actor: { kind: 'butler', id: 'butler', via: { system: 'system-unlink-deleted', eventId: 'e1' } }, action: 'updated', changes: { contactId: { from: 'c1', to: null } } },
          ],
        },
      },
    });

    renderScreen(<HistoryTimeline collection="deals" id="d1" />, { api });

    expect(await screen.findByText('unlinked a deleted record')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'run' })).toBeNull();
  });

  it('shows a write of the complete-activities rule as that rule, also in history written before the rule had its own via', async () => {
    const api = scriptedApi({
      ...common,
      'GET /deals/d2/history': {
        body: {
          items: [
            { at: '2026-11-03T10:00:00.000Z', actor: { kind: 'butler', id: 'butler', via: { system: 'system-complete-activities', eventId: 'e2' } }, action: 'updated', changes: { status: { from: 'open', to: 'completed' } } },
            { at: '2026-11-02T10:00:00.000Z', actor: { kind: 'butler', id: 'butler', via: { automationId: 'system-complete-activities', runId: 'e1' } }, action: 'updated', changes: { status: { from: 'open', to: 'completed' } } },
          ],
        },
      },
    });

    renderScreen(<HistoryTimeline collection="deals" id="d2" />, { api });

    expect(await screen.findAllByText('completed it as the deal left its stage')).toHaveLength(2);
    expect(screen.queryByRole('link', { name: 'an automation' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'run' })).toBeNull();
  });
});

describe('RecordPage of a contact', () => {
  it('lists its deals and the leads sharing its e-mail, each a link', async () => {
    const api = scriptedApi({
      ...common,
      'GET /contacts/c1': { body: contact },
      'GET /contacts/c1/history': { body: { items: [] } },
      'GET /activities': { body: { items: [] } },
      'GET /documents': { body: { items: [] } },
      'GET /deals': (request) =>
        request.query.get('contactId') === 'c1'
          ? { body: { items: [{ ...meta('d1'), title: 'Solar roof', pipelineId: 'sales', stageId: 'new', amount: 1200, currency: 'EUR' }] } }
          : { body: { items: [] } },
      'GET /leads': (request) =>
        request.query.get('email') === 'jane@example.com' ? { body: { items: [{ ...meta('l1'), title: 'Roof enquiry', stageId: 'in_progress', emails: ['jane@example.com'], phones: [] }] } } : undefined,
    });

    renderScreen(<RecordPage />, { api, path: '/contacts/c1', route: '/:collection/:id' });

    const deals = await screen.findByRole('region', { name: 'Deals' });
    expect((await within(deals).findByRole('link', { name: 'Solar roof' })).getAttribute('href')).toBe('/deals/d1');
    const leads = screen.getByRole('region', { name: 'Leads with the same e-mail or phone' });
    expect((await within(leads).findByRole('link', { name: 'Roof enquiry' })).getAttribute('href')).toBe('/leads/l1');
  });
});

describe('inline edit by keyboard', () => {
  it('leaves edit mode on Escape without saving', async () => {
    const api = scriptedApi({
      ...common,
      'GET /contacts/c1': { body: contact },
      'GET /contacts/c1/history': { body: { items: [] } },
      'GET /activities': { body: { items: [] } },
      'GET /documents': { body: { items: [] } },
    });
    renderScreen(<RecordPage />, { api, path: '/contacts/c1', route: '/:collection/:id' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Edit Name' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), ' Jr');

    await user.keyboard('{Escape}');

    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit Name' })).toBeNull());
    expect(api.sent.some((request) => request.method === 'PATCH')).toBe(false);
  });
});

describe('RecordListPage create dialog', () => {
  it('names its close button and puts the focus in the first field', async () => {
    const api = scriptedApi({ ...common, 'GET /companies': { body: { items: [] } } });
    renderScreen(<RecordListPage />, { api, path: '/companies?new=1', route: '/:collection' });

    const dialog = await screen.findByRole('dialog', { name: 'New company' });

    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'Name' })));
  });
});

describe('RecordListPage search', () => {
  it('asks the server to search the text, and looks a whole e-mail up exactly', async () => {
    const api = scriptedApi({ ...common, 'GET /contacts': { body: { items: [contact] } } });
    renderScreen(<RecordListPage />, { api, path: '/contacts', route: '/:collection' });
    const box = await screen.findByRole('searchbox', { name: 'Search contacts' });
    const user = userEvent.setup();

    await user.type(box, 'roe');
    await waitFor(() => expect(api.sent.some((request) => request.query.get('q') === 'roe')).toBe(true));
    await user.clear(box);
    await user.type(box, 'jane@example.com');

    await waitFor(() => expect(api.sent.some((request) => request.query.get('email') === 'jane@example.com')).toBe(true));
  });
});

describe('RecordListPage of deals', () => {
  it('names the pipeline with the stage when there is more than one pipeline', async () => {
    // Prepare
    const installation = { ...meta('installation'), id: 'installation', name: 'Installation', stages: [{ id: 'new', name: 'New', kind: 'open' }] };
    const api = scriptedApi({
      ...common,
      'GET /pipelines': { body: { items: [salesPipeline, installation] } },
      'GET /deals': { body: { items: [{ ...meta('d1'), title: 'Heat pump', pipelineId: 'installation', stageId: 'new' }] } },
    });

    // Act
    renderScreen(<RecordListPage />, { api, path: '/deals', route: '/:collection' });

    // Assess
    expect(await screen.findByText('Installation · New')).toBeTruthy();
  });
});

describe('a deleted record named on another record', () => {
  it('is named as it was, from its history, linked to its page', async () => {
    // Prepare
    const api = scriptedApi({
      ...common,
      'GET /companies/co9': { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No company with id co9.', details: [] } } },
      'GET /companies/co9/history': { body: { items: [{ at: '2026-11-02T10:00:00.000Z', actor: { kind: 'user', id: 'admin' }, action: 'deleted', changes: { name: { from: 'Acme Ltd', to: null } } }] } },
      'GET /deals/d1/history': { body: { items: [{ at: '2026-11-01T10:00:00.000Z', actor: { kind: 'user', id: 'admin' }, action: 'updated', changes: { companyId: { from: 'co9', to: null } } }] } },
    });

    // Act
    renderScreen(<HistoryTimeline collection="deals" id="d1" />, { api });

    // Assess
    const link = await screen.findByRole('link', { name: 'Acme Ltd (deleted)' });
    expect(link.getAttribute('href')).toBe('/companies/co9');
  });
});
