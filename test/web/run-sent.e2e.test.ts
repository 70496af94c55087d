// What a step sent, in the console in a real headless Chromium against the whole local system: an admin opens a
// run whose step mailed a client and unfolds the step to read the mail as it went out. Each step saves a
// screenshot under test-artifacts/console/ (git-ignored).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '#infra/local/system.ts';
import { automationClient, httpClient } from '#test/support/local-http.ts';
import { screenshot } from './browser.ts';
import { localConsole } from './local-console.ts';

const e2e = localConsole('run-sent', { width: 1280, height: 900, seedAutomations: false });
let system: LocalSystem;
let page: Page;
beforeAll(() => {
  ({ system, page } = e2e);
});

const http = httpClient(() => system);
const runs = automationClient(http);

describe('a run page', () => {
  it('unfolds a mail step to show the body it sent', async () => {
    // Prepare
    const contact = (await http('POST', '/contacts', { name: 'Mia', emails: ['mia.console@example.com'] })).body;
    const deal = (await http('POST', '/deals', { title: 'Heat pump', pipelineId: 'sales', stageId: 'new', contactId: contact.id })).body;
    const automationId = await runs.anAutomation({
      name: 'Plan the visit',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'sendEmail', to: 'contact', subject: 'Your {{ deal.title }}', body: 'Dear {{ contact.name }},\n\nwe will install your {{ deal.title }} next week.' }],
    });
    const run = await runs.manualRun(automationId, 'deal', deal.id, { stepsLogged: true });
    await page.goto(`${system.http.url}/console/#token=${system.credentials.adminToken}`);
    await page.getByRole('heading', { name: 'Sales', level: 2 }).waitFor();
    await page.goto(`${system.http.url}/console/automations/${automationId}/runs/${run.runId}`);
    const toggle = page.getByRole('button', { name: 'What it sent (1 · Send e-mail)' });
    await toggle.waitFor();
    await screenshot(page, 'run-sent-01-folded');

    // Act
    await toggle.focus();
    await page.keyboard.press('Enter');

    // Assess
    const body = page.getByRole('region', { name: 'What it sent (1 · Send e-mail)' }).getByLabel('Body of the e-mail to mia.console@example.com');
    await body.waitFor();
    await screenshot(page, 'run-sent-02-unfolded');
    expect(await body.innerText()).toBe('Dear Mia,\n\nwe will install your Heat pump next week.');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  });
});
