// The automation scenarios of the demo workspace, driven through the console in a real headless Chromium
// against `npm start`'s system. Each step saves a screenshot under test-artifacts/console-automations/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureConsoleBuilt } from '#web/build.ts';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts', 'console-automations');
const SCENARIO_TIMEOUT = 180_000;

let home: string;
// The run's DynamoDB Local (test/support/global-setup.ts), a table of this file's own.
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;
let browser: Browser;

async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${system.http.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${system.credentials.adminToken}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`setup: ${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A signed-in console page whose every step is photographed as `<scenario>/<nn>-<step>.png`. */
async function consolePage(scenario: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const folder = join(SHOTS, scenario);
  mkdirSync(folder, { recursive: true });
  let step = 0;
  const shot = async (name: string) => {
    step += 1;
    await page.screenshot({ path: join(folder, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  await page.goto(`${system.http.url}/console/#token=${system.credentials.adminToken}`);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  const go = async (path: string) => {
    await page.goto(`${system.http.url}/console${path}`);
  };
  return { page, shot, go };
}

async function choose(page: Page, label: string, option: string | RegExp) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option }).first().click();
}

async function automationNamed(name: string): Promise<{ id: string; name: string; provisioning: string; status: string }> {
  const list = await api<{ items: Array<{ id: string; name: string; provisioning: string; status: string }> }>('GET', '/automations?limit=100');
  const found = list.items.find((automation) => automation.name === name);
  if (!found) throw new Error(`no automation named ${name}`);
  return found;
}

/** Reloads the page until the element shows: the run log is read, not pushed. */
async function reloadUntil(page: Page, locator: () => ReturnType<Page['getByText']>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await locator().first().waitFor({ timeout: 3_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        // What the page showed instead: the first thing to look at when this fails.
        await page.screenshot({ path: join(SHOTS, `gave-up-${Date.now()}.png`), fullPage: true });
        throw error;
      }
    }
    await page.reload();
  }
}

beforeAll(async () => {
  await ensureConsoleBuilt(() => undefined);
  home = mkdtempSync(join(tmpdir(), 'stagecraft-console-e2e-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('automations through the console', () => {
  it(
    'a stopped automation does not run: the seeded renewal, stopped in the list, has no run when a deal is won',
    async () => {
      // Prepare
      const { page, shot, go } = await consolePage('stopped');
      const seeded = await automationNamed('Renewal: a repeat lead six months after Closed Won');
      const deal = await api('POST', '/deals', { title: 'Stopped check', pipelineId: 'sales', stageId: 'new', amount: 100, responsibleId: system.credentials.adminUserId });

      // Act: stop it from the list, cancelling waiting runs; then win a deal on the board
      await go('/automations');
      await page.getByRole('table', { name: 'Automations' }).waitFor();
      await shot('automations-list');
      // In one loaded CI run the forced click on the switch did not open the question within 30 s (cause not found:
      // alone the test passes, and the dialog opens on the switch's change without any request). A user would click
      // again; so does this, until the question appears. Stopping without the question would still fail below.
      await vi.waitFor(
        async () => {
          if (!(await page.getByRole('dialog').isVisible())) {
            await page.getByRole('switch', { name: 'Renewal: a repeat lead six months after Closed Won: active' }).click({ force: true });
          }
          await page.getByRole('dialog').getByRole('radio', { name: 'Cancel the waiting runs' }).waitFor({ timeout: 5_000 });
        },
        { timeout: 60_000, interval: 500 },
      );
      await page.getByRole('dialog').getByRole('radio', { name: 'Cancel the waiting runs' }).check();
      await shot('stop-asks-about-waiting-runs');
      await page.getByRole('dialog').getByRole('button', { name: 'Stop' }).click();
      await page.getByRole('switch', { name: 'Renewal: a repeat lead six months after Closed Won: stopped' }).waitFor();
      await shot('stopped');
      await go('/pipelines/sales');
      await page.getByRole('button', { name: 'Move Stopped check' }).click();
      await page.getByRole('menuitem', { name: 'Closed Won' }).click();
      await shot('deal-won-on-board');
      // The other automation on Won runs: the events flowed, so the stopped one's silence means something.
      const installing = await automationNamed('Won deals go to Installation');
      await go(`/automations/${installing.id}/runs`);
      await reloadUntil(page, () => page.getByRole('link', { name: /SUCCEEDED/ }));
      await shot('installation-copy-ran');

      // Assess
      await go(`/automations/${seeded.id}/runs`);
      await page.getByText('No run matches these filters.').waitFor();
      await shot('stopped-automation-has-no-run');
      expect((await automationNamed(seeded.name)).status).toBe('stopped');
      const runs = await api('GET', `/automations/${seeded.id}/runs?entityId=${deal.id}`);
      expect(runs.items).toEqual([]);
      await page.close();
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'renewal: built in the builder, the run waits six months after Won, the clock moves, the run succeeds and the lead exists',
    async () => {
      // Prepare
      const { page, shot, go } = await consolePage('renewal');
      const deal = await api('POST', '/deals', { title: 'Heat pump', pipelineId: 'sales', stageId: 'new', amount: 5000, responsibleId: system.credentials.adminUserId });

      // Act: build "repeat lead six months after Won"
      await go('/automations/new');
      await page.getByRole('textbox', { name: 'Name' }).fill('Repeat lead six months after Won');
      await choose(page, 'Pipeline', 'Sales');
      await choose(page, 'Stage', 'Closed Won');
      await choose(page, 'Run', 'after a while');
      await page.getByRole('textbox', { name: 'Wait', exact: true }).fill('6');
      await choose(page, 'Wait unit', 'months');
      await page.getByRole('textbox', { name: 'Lead title' }).fill('Renewal: {{ deal.title }}');
      await expect.poll(() => page.getByLabel('In words').textContent()).toContain('When a deal enters Closed Won in Sales, after 6 months');
      await shot('builder-filled');
      await page.getByRole('button', { name: 'Create automation' }).click();
      await page.getByRole('tab', { name: 'Builder' }).waitFor();
      const built = await automationNamed('Repeat lead six months after Won');
      await reloadUntil(page, () => page.getByText('ready', { exact: true }), 120_000);
      await shot('created-and-deployed');

      // Act: move the deal to Won on the board
      await go('/pipelines/sales');
      await page.getByRole('button', { name: 'Move Heat pump' }).click();
      await page.getByRole('menuitem', { name: 'Closed Won' }).click();
      await shot('deal-won-on-board');

      // Assess: WAITING in Status & logs with its due date
      await go(`/automations/${built.id}/runs`);
      await reloadUntil(page, () => page.getByRole('link', { name: /WAITING/ }));
      const due = await page.getByLabel('Due').first().textContent();
      expect(due).not.toBe('');
      await shot('run-waiting-with-due-date');

      // Act: advance the clock six months and a day in local tools
      await go('/local/clock');
      await page.getByRole('textbox', { name: 'Advance by (ISO-8601)' }).fill('P6M1D');
      await page.getByRole('button', { name: 'Advance 6 months 1 day' }).click();
      await page.getByText('What fired since').waitFor();
      await shot('clock-advanced');

      // Assess: SUCCEEDED, the step that created the lead done, and the lead there, by the Butler
      await go(`/automations/${built.id}/runs`);
      await reloadUntil(page, () => page.getByRole('link', { name: /SUCCEEDED/ }));
      await shot('run-succeeded');
      await page.getByRole('link', { name: /SUCCEEDED/ }).first().click();
      await page.getByText('1 · Create lead', { exact: true }).first().waitFor();
      await shot('run-detail');
      const runs = await api('GET', `/automations/${built.id}/runs?entityId=${deal.id}`);
      expect(runs.items.map((run: { status: string }) => run.status)).toEqual(['SUCCEEDED']);
      const detail = await api('GET', `/automations/${built.id}/runs/${runs.items[0].runId}`);
      expect(detail.steps.find((step: { name: string }) => step.name === '1 · Create lead')?.status).toBe('SUCCEEDED');
      const leads = await api('GET', '/leads?limit=100');
      const renewals = leads.items.filter((lead: { title: string }) => lead.title === 'Renewal: Heat pump');
      expect(renewals).toHaveLength(1);
      // The step links the lead it created, by its title.
      const link = page.getByRole('link', { name: 'Renewal: Heat pump' });
      await link.waitFor();
      expect(await link.getAttribute('href')).toBe(`/console/leads/${renewals[0].id}`);
      await page.close();
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'spam: a deal moved to Spam disappears with its contact, and the exceptions list shows the e-mail, added by the Butler',
    async () => {
      // Prepare
      const { page, shot, go } = await consolePage('spam');
      const contact = await api('POST', '/contacts', { name: 'Sam Spammer', emails: ['sam.spam@example.com'] });
      await api('POST', '/deals', { title: 'Cheap pills', pipelineId: 'sales', stageId: 'new', contactId: contact.id });
      await api('POST', '/deals', { title: 'A real client', pipelineId: 'sales', stageId: 'new' });
      const spam = await automationNamed('Spam: except the contact and delete');

      // Act
      await go('/pipelines/sales');
      await page.getByRole('button', { name: 'Move Cheap pills' }).click();
      await page.getByRole('menuitem', { name: 'Spam' }).click();
      await shot('deal-moved-to-spam');
      await go(`/automations/${spam.id}/runs`);
      await reloadUntil(page, () => page.getByRole('link', { name: /SUCCEEDED/ }));
      await shot('spam-run-succeeded');

      // Assess: the deal is off the board, the contact is gone, the e-mail is excepted by the Butler
      await go('/pipelines/sales');
      await page.getByRole('heading', { name: 'Sales' }).waitFor();
      await reloadUntil(page, () => page.getByText('A real client'));
      expect(await page.getByText('Cheap pills').count()).toBe(0);
      await shot('deal-gone-from-board');
      await go(`/contacts/${contact.id}`);
      await page.getByText('Sam Spammer was deleted').waitFor();
      await shot('contact-gone');
      await go('/settings/exceptions');
      const row = page.getByRole('row', { name: /sam\.spam@example\.com/ });
      await row.waitFor();
      await shot('exceptions-list');
      const butler = await api('GET', '/users/butler');
      expect(await row.textContent()).toContain(butler.name);
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'signed by both: the deal moves to Invoice only after the second signature',
    async () => {
      // Prepare
      const { page, shot, go } = await consolePage('signed-by-both');
      const deal = await api('POST', '/deals', { title: 'Solar roof', pipelineId: 'sales', stageId: 'contract', amount: 12000 });
      await api('POST', '/documents', { title: 'Contract', entityType: 'deal', entityId: deal.id });
      const signed = await automationNamed('Signed by both: on to the invoice');

      // Act: the sender signs on the deal page
      await go(`/deals/${deal.id}`);
      await page.getByRole('button', { name: 'Sign as sender' }).click();
      await page.getByText('signed by sender', { exact: true }).waitFor();
      await shot('signed-by-sender');
      // The sender's signature is an event too: give the bus the time to deliver it before judging.
      await go('/local/events');
      await reloadUntil(page, () => page.getByRole('cell', { name: 'Document Signed' }));
      await shot('sender-signature-on-the-bus');
      const afterOne = await api('GET', `/deals/${deal.id}`);

      // Act: the recipient signs
      await go(`/deals/${deal.id}`);
      await page.getByRole('button', { name: 'Sign as recipient' }).click();
      await page.getByText('signed by both', { exact: true }).waitFor();
      await shot('signed-by-both');
      await go(`/automations/${signed.id}/runs`);
      await reloadUntil(page, () => page.getByRole('link', { name: /SUCCEEDED/ }));
      await shot('run-succeeded');
      await go(`/deals/${deal.id}`);
      await reloadUntil(page, () => page.getByText('Invoice', { exact: true }));
      await shot('deal-in-invoice');

      // Assess
      expect(afterOne.stageId).toBe('contract');
      expect((await api('GET', `/deals/${deal.id}`)).stageId).toBe('invoice');
    },
    SCENARIO_TIMEOUT,
  );

  it(
    'a failed run, redriven from the run detail once its cause is fixed, succeeds',
    async () => {
      // Prepare: a manual automation whose second step needs the deal's responsible, and a deal without one
      const { page, shot, go } = await consolePage('failed-and-redriven');
      const automation = await api('POST', '/automations', {
        name: 'Follow up by hand',
        trigger: { type: 'manual', entity: 'deal' },
        actions: [
          { type: 'updateFields', set: { title: 'No owner yet (followed up)' } },
          { type: 'planActivity', subject: 'Follow up', activityType: 'task', due: 'P1D' },
        ],
      });
      const deal = await api('POST', '/deals', { title: 'No owner yet', pipelineId: 'sales', stageId: 'new' });
      await go(`/automations/${automation.id}`);
      await reloadUntil(page, () => page.getByText('ready', { exact: true }), 120_000);

      // Act: Run now on the deal's page
      await go(`/deals/${deal.id}`);
      await page.getByRole('button', { name: 'Run now' }).click();
      await page.getByRole('menuitem', { name: 'Follow up by hand' }).click();
      await page.getByRole('link', { name: 'the run' }).click();
      await reloadUntil(page, () => page.getByText(/Failed at 2 · Plan activity/));
      await shot('run-failed');
      await api('PATCH', `/deals/${deal.id}`, { responsibleId: system.credentials.adminUserId });
      await page.getByRole('button', { name: 'Redrive' }).click();
      await page.getByText('Redriven: the run is under way again.').waitFor();
      await shot('redriven');
      await reloadUntil(page, () => page.getByLabel('Run status').filter({ hasText: 'SUCCEEDED' }));
      await shot('run-succeeded');

      // Assess
      const runs = await api('GET', `/automations/${automation.id}/runs?entityId=${deal.id}`);
      expect(runs.items.map((run: { status: string }) => run.status)).toEqual(['SUCCEEDED']);
      const activities = await api('GET', `/activities?entityType=deal&entityId=${deal.id}`);
      expect(activities.items.map((activity: { subject: string }) => activity.subject)).toEqual(['Follow up']);
    },
    SCENARIO_TIMEOUT,
  );
});
