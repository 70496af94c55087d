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

  it('starts a blank automation with one action and sends no empty option', async () => {
    // Prepare
    const api = scriptedApi({ ...workspace, 'POST /automations': { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'no', details: [] } } } });
    renderScreen(<AutomationBuilder initial={blankForm()} onSaved={() => undefined} />, { api });
    const user = userEvent.setup();

    // Act
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Blank');
    await user.type(screen.getByRole('textbox', { name: 'Lead title' }), 'Hello');
    await user.click(screen.getByRole('button', { name: 'Create automation' }));

    // Assess
    await waitFor(() => expect(api.sent.some((request) => request.method === 'POST')).toBe(true));
    const post = api.sent.find((request) => request.method === 'POST');
    expect(post?.body).toMatchObject({ name: 'Blank', trigger: { type: 'stageEntered', entity: 'deal', stageId: '' }, actions: [{ type: 'createLead', title: 'Hello' }] });
    expect(post?.body).not.toHaveProperty('delay');
    expect(post?.body).not.toHaveProperty('conditions');
  });
});
