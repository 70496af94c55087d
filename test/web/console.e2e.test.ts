// The console's user stories in a real headless Chromium against the whole local system,
// as a person does them: sign in with the printed link, move a deal on the board, read
// the Butler in history, rename it, keep the exceptions list, read the statistics.
// Each step saves a screenshot under test-artifacts/console/ (git-ignored).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '#infra/local/system.ts';
import { adminApi } from '#test/support/local-http.ts';
import { screenshot } from './browser.ts';
import { localConsole } from './local-console.ts';

const e2e = localConsole('console', { width: 1280, height: 800 });
let system: LocalSystem;
let page: Page;
beforeAll(() => {
  ({ system, page } = e2e);
});

const api = adminApi(() => system);

/** Drags with the mouse in small steps, as dnd-kit's pointer sensor needs a few moves to start. */
async function drag(from: ReturnType<Page['locator']>, to: ReturnType<Page['locator']>): Promise<void> {
  await to.scrollIntoViewIfNeeded();
  const source = await from.boundingBox();
  if (!source) throw new Error('drag: the card is not on screen');
  // Grab the card by its lower edge: its title is a link, which does not start a drag.
  const grab = { x: source.x + source.width / 2, y: source.y + source.height - 6 };
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x + 10, grab.y + 8, { steps: 4 });
  const target = await to.boundingBox();
  if (!target) throw new Error('drag: the column is not on screen');
  await page.mouse.move(target.x + target.width / 2, target.y + 120, { steps: 12 });
  await page.mouse.up();
}

const signInLink = () => `${system.http.url}/console/#token=${system.credentials.adminToken}`;

describe('the console in a browser', () => {
  let dealTitle: string;

  it('signs in with the printed link, keeps the token out of the address bar and opens the board', async () => {
    dealTitle = `Solar roof ${Date.now()}`;
    await api('POST', '/deals', { title: dealTitle, pipelineId: 'sales', stageId: 'new', amount: 12_000, currency: 'EUR', responsibleId: 'admin' });

    await page.goto(signInLink());
    await page.getByRole('heading', { name: 'Sales', level: 2 }).waitFor();

    expect(page.url()).toBe(`${system.http.url}/console/pipelines/sales`);
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem('stagecraft.token'))).toBe(system.credentials.adminToken);
    await page.getByRole('article', { name: `Deal ${dealTitle}` }).waitFor();
    await screenshot(page, '01-board-signed-in');
  });

  it('drags a deal to Closed Won and the Installation copy appears', async () => {
    const card = page.getByRole('article', { name: `Deal ${dealTitle}` });
    const won = page.getByRole('region', { name: 'Closed Won' });

    await drag(card, won);
    await screenshot(page, '02-board-dropped');
    await won.getByRole('article', { name: `Deal ${dealTitle}` }).waitFor();
    await screenshot(page, '02-board-moved-to-won');
    await page.getByRole('combobox', { name: 'Pipeline' }).click();
    await page.getByRole('option', { name: 'Installation' }).click();
    const copy = page.getByRole('article', { name: `Deal Install: ${dealTitle}` });
    await expect.poll(async () => {
      if (await copy.isVisible()) return true;
      await page.reload();
      await page.getByRole('heading', { name: 'Installation', level: 2 }).waitFor();
      return copy.isVisible();
    }, { timeout: 20_000, interval: 500 }).toBe(true);

    const moved = await api<{ items: Array<{ title: string; stageId: string }> }>('GET', '/deals?pipelineId=sales&stageId=won');
    expect(moved.items.map((deal) => deal.title)).toContain(dealTitle);
    await screenshot(page, '03-installation-copy');
  });

  it('opens the copy and shows the Butler with its icon in the history, linked to the automation', async () => {
    await page.getByRole('link', { name: `Install: ${dealTitle}` }).click();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('🤵').first().waitFor();

    await expect.poll(() => history.getByText('Butler').count()).toBeGreaterThan(0);
    expect(await history.getByRole('link', { name: 'Won deals go to Installation' }).count()).toBeGreaterThan(0);
    await screenshot(page, '04-history-butler');
  });

  it('renames the Butler in settings and the history shows the new name and icon', async () => {
    const dealUrl = page.url();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Jeeves');
    await page.getByText('🦉', { exact: true }).click();
    await page.getByRole('button', { name: 'Save the Butler' }).click();
    await page.getByText('Saved: the Butler is now “Jeeves”.').waitFor();
    expect(await page.getByRole('radio', { name: 'Icon 🦉' }).isChecked()).toBe(true);
    await screenshot(page, '05-butler-renamed');

    await page.goto(dealUrl);
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('Jeeves').first().waitFor();

    expect(await history.getByText('🦉').count()).toBeGreaterThan(0);
    expect(await history.getByText('Butler', { exact: true }).count()).toBe(0);
    await screenshot(page, '06-history-renamed');
  });

  it('adds an exception with a reason, then removes it', async () => {
    await page.goto(`${system.http.url}/console/settings/exceptions`);
    await page.getByRole('textbox', { name: 'E-mail or phone' }).fill('Spammer@Example.com');
    await page.getByRole('textbox', { name: 'Reason' }).fill('sends spam');
    await page.getByRole('button', { name: 'Add exception' }).click();
    const row = page.getByRole('row', { name: /spammer@example\.com/ });
    await row.waitFor();

    expect(await row.getByText('sends spam').count()).toBe(1);
    await screenshot(page, '07-exception-added');
    await row.getByRole('button', { name: 'Remove spammer@example.com' }).click();
    await row.waitFor({ state: 'detached' });
    const listed = await api<{ items: Array<{ value: string }> }>('GET', '/exceptions');
    expect(listed.items.map((entry) => entry.value)).not.toContain('spammer@example.com');
    await screenshot(page, '08-exception-removed');
  });

  it('shows the statistics with the Butler’s work apart from people’s', async () => {
    await page.getByRole('link', { name: 'Statistics' }).click();
    const people = page.getByRole('region', { name: 'People' });
    const butler = page.getByRole('region', { name: 'The Butler' });
    await people.getByRole('table', { name: 'Writes per person' }).waitFor();

    const butlerTotal = Number(await butler.getByRole('row').nth(1).getByRole('cell').last().textContent());
    const adminRow = people.getByRole('row', { name: /Admin/ });
    expect(butlerTotal).toBeGreaterThan(0);
    expect(await adminRow.count()).toBe(1);
    expect(await people.getByText('Jeeves').count()).toBe(0);
    await screenshot(page, '09-stats-butler-apart');
  });

  it('shows under Local tools whether local mode keeps up with its writes', async () => {
    await page.getByRole('link', { name: 'Local tools' }).click();
    await page.getByRole('tab', { name: 'Backlog' }).click();
    const backlog = page.getByRole('table', { name: 'Local backlog' });
    await backlog.waitFor();

    expect(await page.getByText('Keeping up').count()).toBe(1);
    expect(Number(await backlog.getByRole('cell', { name: 'Runs in progress' }).textContent())).toBeGreaterThanOrEqual(0);
    expect(await backlog.getByRole('cell', { name: 'Trigger latency p50 / p99' }).textContent()).toMatch(/^\d+(\.\d)? m?s \/ \d+(\.\d)? m?s$/);
    await screenshot(page, '10-local-backlog');
  });
});
