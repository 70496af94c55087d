// Document templates and the Butler's switch as an admin uses them: a template created and edited with the
// variables one click away, the API's 400 on the field it names, a preview on a chosen deal; the Butler
// switched with who did it and when, and what each position means.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { meta, people, renderScreen, scriptedApi } from '../../test/render';
import { ButlerSwitch } from './components/ButlerSwitch';
import { TemplatesSettings } from './components/TemplatesSettings';

const quote = { ...meta('t1'), name: 'Quote', kind: 'quote', body: '<h1>Quote for {{ deal.title }}</h1>', parties: ['sender', 'recipient'] };
const deals = { items: [{ ...meta('d1'), title: 'Solar roof', pipelineId: 'sales', stageId: 'new' }] };

describe('TemplatesSettings', () => {
  it('creates a template with its kind, parties and a body built from the variables offered', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /document-templates': { body: { items: [] } },
      'GET /deals': { body: deals },
      'POST /document-templates': (request) => ({ status: 201, body: { ...meta('t2'), ...(request.body as object) } }),
    });
    renderScreen(<TemplatesSettings />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'New template' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Service contract');
    await user.click(screen.getByRole('combobox', { name: 'Kind' }));
    await user.click(await screen.findByRole('option', { name: 'Contract' }));
    await user.click(screen.getByRole('checkbox', { name: 'the sender' }));
    await user.type(screen.getByRole('textbox', { name: 'Body' }), 'Contract for ');
    await user.click(screen.getByRole('button', { name: 'Add deal.title' }));
    await user.click(screen.getByRole('button', { name: 'Create template' }));

    // Assess
    await waitFor(() => expect(api.sent.some((request) => request.method === 'POST')).toBe(true));
    expect(api.sent.find((request) => request.method === 'POST')?.body).toEqual({
      name: 'Service contract',
      kind: 'contract',
      body: 'Contract for {{ deal.title }}',
      parties: ['recipient'],
    });
    expect(await screen.findByRole('heading', { name: 'Template “Service contract”' })).toBeTruthy();
  });

  it('lists templates and saves an edit with If-Match, showing a 400 on the field it names', async () => {
    // Prepare
    const refusal = {
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'Invalid body.', details: [{ path: 'body', message: 'unknown variable secret (variables: deal, lead)' }] } },
    };
    const api = scriptedApi({ 'GET /document-templates': { body: { items: [quote] } }, 'GET /deals': { body: deals }, 'PATCH /document-templates/t1': refusal });
    renderScreen(<TemplatesSettings />, { api });
    const user = userEvent.setup();

    // Act
    const table = await screen.findByRole('table', { name: 'Document templates' });
    expect(within(table).getByText('sender and recipient')).toBeTruthy();
    await user.click(within(table).getByRole('button', { name: 'Edit Quote' }));
    await user.click(screen.getByRole('button', { name: 'Save template' }));

    // Assess
    const body = screen.getByRole('textbox', { name: 'Body' });
    await waitFor(() => expect(body.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('unknown variable secret (variables: deal, lead)')).toBeTruthy();
    const patch = api.sent.find((request) => request.method === 'PATCH');
    expect(patch?.headers['if-match']).toBe('"1"');
    expect(patch?.body).toEqual({ name: 'Quote', kind: 'quote', body: quote.body, parties: ['sender', 'recipient'], subject: null });
  });

  it('previews the body being edited on a chosen deal, in a sandboxed frame', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /document-templates': { body: { items: [quote] } },
      'GET /deals': { body: deals },
      'POST /document-templates/t1/preview': { body: { title: 'Quote: Solar roof', body: '<h1>Quote for Solar roof</h1>', entityType: 'deal', entityId: 'd1' } },
    });
    renderScreen(<TemplatesSettings />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Edit Quote' }));
    await user.click(screen.getByRole('combobox', { name: 'Preview on' }));
    await user.click(await screen.findByRole('option', { name: 'Solar roof' }));
    await user.click(screen.getByRole('button', { name: 'Show preview' }));

    // Assess
    const frame = await screen.findByTitle('Rendered document');
    expect(frame.getAttribute('srcdoc')).toBe('<h1>Quote for Solar roof</h1>');
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(screen.getByLabelText('Preview title').textContent).toBe('Quote: Solar roof');
    expect(api.sent.find((request) => request.path.endsWith('/preview'))?.body).toEqual({ entityType: 'deal', entityId: 'd1', body: quote.body });
  });
});

describe('ButlerSwitch', () => {
  const on = { version: 2, butlerActive: true, butlerSwitches: [{ active: true, at: '2026-11-02T09:30:00.000Z', by: 'admin' }] };

  it('shows who turned the Butler on and when, what that means, and turns it off', async () => {
    // Prepare
    const api = scriptedApi({
      'GET /settings': { body: on },
      'GET /users': { body: { items: people } },
      'PATCH /settings': (request) => ({ body: { ...on, version: 3, ...(request.body as object) } }),
    });
    renderScreen(<ButlerSwitch />, { api });
    const user = userEvent.setup();

    // Act
    const toggle = await screen.findByRole('switch', { name: 'Butler active' });
    expect((toggle as HTMLInputElement).checked).toBe(true);
    expect((await screen.findByLabelText('Last switch')).textContent).toMatch(/^Turned on by Ada Admin on .*2026/);
    expect(screen.getByText(/every integration write and every automation action is the Butler’s/)).toBeTruthy();
    await user.click(toggle);

    // Assess
    await waitFor(() => expect(api.sent.find((request) => request.method === 'PATCH')?.body).toEqual({ butlerActive: false }));
  });

  it('says what "off" means: integration writes are the key owner’s, automations act as their author', async () => {
    const api = scriptedApi({ 'GET /settings': { body: { version: 0, butlerActive: false, butlerSwitches: [] } }, 'GET /users': { body: { items: people } } });

    renderScreen(<ButlerSwitch />, { api });

    expect((await screen.findByLabelText('Last switch')).textContent).toBe('Never switched: off, as for every new workspace.');
    expect(screen.getByText(/counts as the key owner’s .* and automations act as their author/)).toBeTruthy();
  });

  it('tells a member that only admins switch it', async () => {
    const api = scriptedApi({ 'GET /settings': { status: 403, body: { error: { code: 'FORBIDDEN', message: 'admins only', details: [] } } } });

    renderScreen(<ButlerSwitch />, { api });

    expect(await screen.findByText('Only admins see and switch the Butler’s activation.')).toBeTruthy();
  });
});
