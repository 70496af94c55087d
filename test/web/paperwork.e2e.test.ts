// Paperwork in the console, in a real headless Chromium against the whole local system: an admin creates a
// quote template on the templates screen and previews it on a deal, switches the Butler off and on again, and
// builds an automation whose step creates a document from that template — then a deal entering Contract gets
// its quote. Each step saves a screenshot under test-artifacts/console/ (git-ignored).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '#infra/local/system.ts';
import { adminApi, eventually } from '#test/support/local-http.ts';
import { screenshot } from './browser.ts';
import { localConsole } from './local-console.ts';

const e2e = localConsole('paperwork', { width: 1280, height: 900, seedAutomations: false });
let system: LocalSystem;
let page: Page;
beforeAll(() => {
  ({ system, page } = e2e);
});

const api = adminApi(() => system);

async function choose(combobox: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: combobox, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('paperwork in the console', () => {
  const dealTitle = `Heat pump ${Date.now()}`;
  let dealId: string;

  it('creates a quote template on the templates screen and previews it on a deal, escaped', async () => {
    const contact = await api<{ id: string }>('POST', '/contacts', { name: 'Ana <b>Roe</b>', emails: ['ana.roe@example.com'] });
    dealId = (await api<{ id: string }>('POST', '/deals', { title: dealTitle, pipelineId: 'sales', stageId: 'new', amount: 9_000, currency: 'EUR', contactId: contact.id })).id;
    await page.goto(`${system.http.url}/console/#token=${system.credentials.adminToken}`);
    await page.getByRole('heading', { name: 'Sales', level: 2 }).waitFor();

    await page.goto(`${system.http.url}/console/settings/templates`);
    await page.getByRole('button', { name: 'New template' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Quote');
    await page.getByRole('textbox', { name: 'Body' }).fill('<h1>Quote for {{ deal.title }}</h1><p>Dear {{ contact.name }}, the total is ');
    await page.getByRole('button', { name: 'Add deal.amount' }).click();
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.getByRole('heading', { name: 'Template “Quote”' }).waitFor();
    await choose('Preview on', dealTitle);
    await page.getByRole('button', { name: 'Show preview' }).click();
    const frame = page.getByTitle('Rendered document');
    await frame.waitFor();

    expect(await frame.getAttribute('srcdoc')).toBe(`<h1>Quote for ${dealTitle}</h1><p>Dear Ana &lt;b&gt;Roe&lt;/b&gt;, the total is 9000`);
    expect(await page.frameLocator('iframe[title="Rendered document"]').getByRole('heading', { name: `Quote for ${dealTitle}` }).count()).toBe(1);
    const templates = await api<{ items: Array<{ name: string; kind: string; parties: string[] }> }>('GET', '/document-templates');
    expect(templates.items).toEqual([expect.objectContaining({ name: 'Quote', kind: 'quote', parties: ['sender', 'recipient'] })]);
    await screenshot(page, 'paperwork-01-template-preview');
  });

  it('switches the Butler off and on again, saying who did it', async () => {
    await page.goto(`${system.http.url}/console/settings/butler`);
    const toggle = page.getByRole('switch', { name: 'Butler active' });
    expect(await toggle.isChecked()).toBe(true);

    await toggle.click();
    await page.getByText(/^Turned off by Admin on /).waitFor();
    expect((await api<{ butlerActive: boolean }>('GET', '/settings')).butlerActive).toBe(false);
    await page.getByText(/automations act as their author/).waitFor();
    await screenshot(page, 'paperwork-02-butler-off');
    await toggle.click();
    await page.getByText(/^Turned on by Admin on /).waitFor();

    const settings = await api<{ butlerActive: boolean; butlerSwitches: Array<{ active: boolean; by: string }> }>('GET', '/settings');
    expect(settings.butlerActive).toBe(true);
    expect(settings.butlerSwitches.slice(-2)).toEqual([expect.objectContaining({ active: false, by: 'admin' }), expect.objectContaining({ active: true, by: 'admin' })]);
    await screenshot(page, 'paperwork-03-butler-on');
  });

  it('builds an automation with a createDocument step from the template picker, and a deal entering Contract gets its quote', async () => {
    await page.goto(`${system.http.url}/console/automations/new`);
    await page.getByRole('textbox', { name: 'Name' }).fill('Quote at contract');
    await choose('Pipeline', 'Sales');
    await choose('Stage', 'Contract');
    await choose('Action 1 type', 'Create document');
    await choose('Template', 'Quote (quote)');
    await screenshot(page, 'paperwork-04-builder-create-document');
    await page.getByRole('button', { name: 'Create automation' }).click();
    await page.waitForURL(/\/console\/automations\/[0-9A-Z]{26}$/);

    const id = page.url().split('/').at(-1)!;
    const automation = await api<{ trigger: unknown; actions: unknown[] }>('GET', `/automations/${id}`);
    const templateId = (await api<{ items: Array<{ id: string }> }>('GET', '/document-templates')).items[0]!.id;
    expect(automation.trigger).toEqual({ type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' });
    expect(automation.actions).toEqual([{ type: 'createDocument', templateId }]);
    await eventually('the automation deployed', async () => (await api<{ provisioning: string }>('GET', `/automations/${id}`)).provisioning === 'ready');
    await api('PATCH', `/deals/${dealId}`, { stageId: 'contract' });
    const quote = await eventually('the quote on the deal', async () => {
      const documents = await api<{ items: Array<{ entityId: string; templateId?: string; body?: string }> }>('GET', '/documents');
      return documents.items.find((item) => item.entityId === dealId);
    });
    expect(quote).toMatchObject({ templateId });
    expect(quote.body).toContain(`Quote for ${dealTitle}`);
    await screenshot(page, 'paperwork-05-automation-saved');
  });
});
