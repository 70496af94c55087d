// The builder as an admin uses it: pickers offer the workspace's pipelines and stages, the form sends the
// definition the API reads, and a 400 puts each message next to the input its path names.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { meta, people, renderScreen, salesPipeline, scriptedApi } from '../../test/render';
import { AutomationBuilder } from './components/AutomationBuilder';
import { blankForm, toForm } from './model/definition-form';

const workspace = {
  'GET /pipelines': { body: { items: [salesPipeline] } },
  'GET /users': { body: { items: people } },
  'GET /deals': { body: { items: [{ ...meta('d1'), title: 'Solar roof', pipelineId: 'sales', stageId: 'won', responsibleId: 'admin' }] } },
};

const renewal = toForm({
  name: 'Renewal',
  trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
  delay: { after: 'P6M' },
  actions: [{ type: 'createLead', title: 'Renewal: {{ deal.title }}' }],
});

describe('AutomationBuilder', () => {
  it('offers the stages of the chosen pipeline and says the automation in words', async () => {
    // Prepare
    const api = scriptedApi(workspace);
    renderScreen(<AutomationBuilder initial={renewal} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('combobox', { name: 'Stage' }));

    // Assess
    const options = await screen.findAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual(['New', 'Contract', 'Closed Won']);
    expect(screen.getByLabelText('In words').textContent).toBe('When a deal enters Closed Won in Sales, after 6 months.');
  });

  it('creates the automation with the definition the form shows', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, 'POST /automations': { status: 201, body: { ...meta('a1'), provisioning: 'pending', name: 'Renewal' } } });
    const saved: string[] = [];
    renderScreen(<AutomationBuilder initial={renewal} onSaved={(automation) => saved.push(automation.id)} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Create automation' }));

    // Assess
    await waitFor(() => expect(saved).toEqual(['a1']));
    const post = api.sent.find((request) => request.method === 'POST');
    expect(post?.body).toEqual({
      name: 'Renewal',
      status: 'active',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      delay: { after: 'P6M' },
      recheck: false,
      finishPending: false,
      timeZone: 'UTC',
      actions: [{ type: 'createLead', title: 'Renewal: {{ deal.title }}' }],
    });
  });

  it('shows each save error next to the field its path names', async () => {
    // Prepare
    const refusal = {
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Invalid trigger.stageId, actions.0.title.',
          details: [
            { path: 'trigger.stageId', message: 'pipeline sales has no stage gone' },
            { path: 'actions.0.title', message: 'unknown variable document.title' },
          ],
        },
      },
    };
    const api = scriptedApi({ ...workspace, 'POST /automations': refusal });
    renderScreen(<AutomationBuilder initial={renewal} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('button', { name: 'Create automation' }));

    // Assess
    const title = await screen.findByRole('textbox', { name: 'Lead title' });
    await waitFor(() => expect(title.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(title.getAttribute('aria-describedby')?.split(' ').find((id) => id.includes('error')) ?? '')?.textContent).toBe(
      'unknown variable document.title',
    );
    const stage = screen.getByRole('combobox', { name: 'Stage' });
    expect(stage.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('pipeline sales has no stage gone')).toBeTruthy();
  });

  it('previews a template on the chosen record', async () => {
    // Prepare
    const api = scriptedApi(workspace);
    renderScreen(<AutomationBuilder initial={renewal} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('combobox', { name: 'Preview templates on' }));
    await user.click(await screen.findByRole('option', { name: 'Solar roof' }));

    // Assess
    expect((await screen.findByLabelText('Preview of Lead title')).textContent).toBe('Preview: Renewal: Solar roof');
  });

  it("previews with the record's company, as a run loads it", async () => {
    // Prepare
    const api = scriptedApi({
      ...workspace,
      'GET /deals': { body: { items: [{ ...meta('d1'), title: 'Heat pump', pipelineId: 'sales', stageId: 'won', companyId: 'co1' }] } },
      'GET /companies/co1': { body: { ...meta('co1'), name: 'Acme' } },
    });
    const forCompany = { ...renewal, actions: renewal.actions.map((action) => ({ ...action, title: 'Renewal for {{ company.name }}' })) };
    renderScreen(<AutomationBuilder initial={forCompany} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.click(await screen.findByRole('combobox', { name: 'Preview templates on' }));
    await user.click(await screen.findByRole('option', { name: 'Heat pump' }));

    // Assess
    await waitFor(async () => expect((await screen.findByLabelText('Preview of Lead title')).textContent).toBe('Preview: Renewal for Acme'));
  });

  it("offers a webhook step's answer to the steps after it, not to itself", async () => {
    // Prepare
    const withWebhook = toForm({
      name: 'Ticket then notify',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      actions: [
        { type: 'callWebhook', name: 'ticketing', url: 'https://example.org/t' },
        { type: 'notify', to: 'responsible', message: 'Ticket opened' },
      ],
    });
    renderScreen(<AutomationBuilder initial={withWebhook} onSaved={() => undefined} />, { api: scriptedApi(workspace) });
    const user = userEvent.setup();
    const optionsOf = async (field: string) => {
      await user.click(await screen.findByRole('button', { name: `Insert a variable into ${field}` }));
      const names = (await screen.findAllByRole('menuitem')).map((item) => item.textContent);
      await user.keyboard('{Escape}');
      return names;
    };

    // Act
    const forTheWebhook = await optionsOf('URL');
    const forTheNotify = await optionsOf('Message');

    // Assess
    expect(forTheWebhook).not.toContain('steps.ticketing.response');
    expect(forTheNotify).toContain('steps.ticketing.response');
  });

  describe("a mail's HTML", () => {
    const mailing = toForm({
      name: 'Welcome',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      actions: [{ type: 'sendEmail', to: 'responsible', subject: 'Won', body: 'Won: {{ deal.title }}' }],
    });

    it('sends the HTML typed into its field with the action', async () => {
      // Prepare
      const api = scriptedApi({ ...workspace, 'POST /automations': { status: 201, body: { ...meta('a4'), provisioning: 'pending', name: 'Welcome' } } });
      renderScreen(<AutomationBuilder initial={mailing} onSaved={() => undefined} />, { api });
      const user = userEvent.setup();

      // Act
      await user.type(await screen.findByRole('textbox', { name: 'HTML' }), '<p>Won</p>');
      await user.click(screen.getByRole('button', { name: 'Create automation' }));

      // Assess
      await waitFor(() => expect(api.sent.some((request) => request.method === 'POST')).toBe(true));
      expect((api.sent.find((request) => request.method === 'POST')?.body as { actions: unknown }).actions).toEqual([
        { type: 'sendEmail', to: 'responsible', subject: 'Won', body: 'Won: {{ deal.title }}', html: '<p>Won</p>' },
      ]);
    });

    it('previews the HTML in a sandboxed frame, with the values escaped', async () => {
      // Prepare
      const api = scriptedApi({ ...workspace, 'GET /deals': { body: { items: [{ ...meta('d1'), title: '<script>x</script>', pipelineId: 'sales', stageId: 'won' }] } } });
      const withHtml = { ...mailing, actions: mailing.actions.map((action) => ({ ...action, html: '<p>{{ deal.title }}</p>' })) };
      renderScreen(<AutomationBuilder initial={withHtml} onSaved={() => undefined} />, { api });
      const user = userEvent.setup();

      // Act
      await user.click(await screen.findByRole('combobox', { name: 'Preview templates on' }));
      await user.click(await screen.findByRole('option', { name: '<script>x</script>' }));

      // Assess
      const frame = await screen.findByTitle('Preview of HTML');
      expect(frame.getAttribute('sandbox')).toBe('');
      expect(frame.getAttribute('srcdoc')).toBe('<p>&lt;script&gt;x&lt;/script&gt;</p>');
    });
  });

  it('starts a blank automation with one action and sends no empty option', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, 'POST /automations': { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'no', details: [] } } } });
    renderScreen(<AutomationBuilder initial={blankForm()} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Blank');
    await user.type(screen.getByRole('textbox', { name: 'Lead title' }), 'Hello');
    await user.click(await screen.findByRole('button', { name: 'Create automation' }));

    // Assess
    await waitFor(() => expect(api.sent.some((request) => request.method === 'POST')).toBe(true));
    const post = api.sent.find((request) => request.method === 'POST');
    expect(post?.body).toMatchObject({ name: 'Blank', trigger: { type: 'stageEntered', entity: 'deal', stageId: '' }, actions: [{ type: 'createLead', title: 'Hello' }] });
    expect(post?.body).not.toHaveProperty('delay');
    expect(post?.body).not.toHaveProperty('conditions');
  });

  describe('document steps', () => {
    const quoteTemplate = { ...meta('t1'), name: 'Quote', kind: 'quote', body: '<p>{{ deal.title }}</p>', parties: ['sender', 'recipient'] };
    const withTemplates = { ...workspace, 'GET /document-templates': { body: { items: [quoteTemplate] } } };
    const choose = async (user: ReturnType<typeof userEvent.setup>, combobox: string, option: string) => {
      await user.click(await screen.findByRole('combobox', { name: combobox }));
      await user.click(await screen.findByRole('option', { name: option }));
    };
    const contractStage = toForm({
      name: 'Quote at contract',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
      actions: [{ type: 'notify', to: 'responsible', message: 'x' }],
    });

    it('builds createDocument from a template picker and sendDocument by SMS to a typed number, as forms', async () => {
      // Prepare
      const api = scriptedApi({ ...withTemplates, 'POST /automations': { status: 201, body: { ...meta('a2'), provisioning: 'pending', name: 'Quote at contract' } } });
      renderScreen(<AutomationBuilder initial={contractStage} onSaved={() => undefined} />, { api });
      const user = userEvent.setup();

      // Act
      await choose(user, 'Action 1 type', 'Create document');
      await choose(user, 'Template', 'Quote (quote)');
      await user.click(screen.getByRole('button', { name: 'Add action' }));
      await choose(user, 'Action 2 type', 'Send document');
      await choose(user, 'Channel', 'SMS');
      await choose(user, 'Send to', 'a phone number');
      await user.type(screen.getByRole('textbox', { name: 'Phone number' }), '612 34 56 78');
      await user.click(await screen.findByRole('button', { name: 'Create automation' }));

      // Assess
      await waitFor(() => expect(api.sent.some((request) => request.method === 'POST')).toBe(true));
      expect((api.sent.find((request) => request.method === 'POST')?.body as { actions: unknown }).actions).toEqual([
        { type: 'createDocument', templateId: 't1' },
        { type: 'sendDocument', channel: 'sms', to: 'address', address: '612 34 56 78' },
      ]);
      expect(screen.queryByRole('textbox', { name: 'Subject' })).toBeNull();
    });

    it('limits a document trigger to a pipeline and a template chosen from pickers', async () => {
      // Prepare
      const api = scriptedApi({ ...withTemplates, 'POST /automations': { status: 201, body: { ...meta('a3'), provisioning: 'pending', name: 'Quote opened' } } });
      const opened = toForm({ name: 'Quote opened', trigger: { type: 'documentViewed' }, actions: [{ type: 'moveToStage', stageId: 'contract' }] });
      renderScreen(<AutomationBuilder initial={opened} onSaved={() => undefined} />, { api });
      const user = userEvent.setup();

      // Act
      await choose(user, 'Deals of pipeline', 'Sales');
      await choose(user, 'Documents of template', 'Quote (quote)');
      await user.click(await screen.findByRole('button', { name: 'Create automation' }));

      // Assess
      await waitFor(() => expect(api.sent.some((request) => request.method === 'POST')).toBe(true));
      expect((api.sent.find((request) => request.method === 'POST')?.body as { trigger: unknown }).trigger).toEqual({ type: 'documentViewed', pipelineId: 'sales', templateId: 't1' });
    });

    it('shows the API’s 400 on the template picker and the address of a document step', async () => {
      // Prepare
      const refusal = {
        status: 400,
        body: {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'Invalid actions.0.templateId, actions.1.address.',
            details: [
              { path: 'actions.0.templateId', message: 'no document template gone' },
              { path: 'actions.1.address', message: 'to: address needs the address (a template)' },
            ],
          },
        },
      };
      const api = scriptedApi({ ...withTemplates, 'POST /automations': refusal });
      const steps = toForm({
        name: 'Quote',
        trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
        actions: [
          { type: 'createDocument', templateId: 'gone' },
          { type: 'sendDocument', channel: 'email', to: 'address', address: 'x' },
        ],
      });
      renderScreen(<AutomationBuilder initial={steps} onSaved={() => undefined} />, { api });
      const user = userEvent.setup();

      // Act
      await user.click(await screen.findByRole('button', { name: 'Create automation' }));

      // Assess
      expect(await screen.findByText('no document template gone')).toBeTruthy();
      expect(screen.getByRole('combobox', { name: 'Template' }).getAttribute('aria-invalid')).toBe('true');
      expect(screen.getByRole('textbox', { name: 'Address' }).getAttribute('aria-invalid')).toBe('true');
    });
  });
});
