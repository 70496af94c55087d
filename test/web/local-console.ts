// The whole local system and a real headless Chromium, for the console's end-to-end tests: the console built, a
// local system on a free port over the run's DynamoDB Local (a table of the file's own), a fresh browser profile.
// Registers the file's beforeAll / afterAll; the returned object is filled in before the file's own hooks run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';
import { ensureConsoleBuilt } from '#web/build.ts';
import { type ChromiumSession, openChromium } from './browser.ts';

export interface LocalConsole {
  system: LocalSystem;
  page: Page;
}

export function localConsole(name: string, options: { width: number; height: number; seedAutomations?: boolean }): LocalConsole {
  const state = {} as LocalConsole;
  const dynamoDb = sharedDynamoDb();
  let home: string;
  let chromium: ChromiumSession | undefined;
  beforeAll(async () => {
    await ensureConsoleBuilt(() => {});
    home = mkdtempSync(join(tmpdir(), `stagecraft-${name}-e2e-`));
    state.system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, ...(options.seedAutomations === false ? { seedAutomations: false } : {}) });
    chromium = await openChromium({ width: options.width, height: options.height });
    state.page = chromium.page;
    state.page.setDefaultTimeout(15_000);
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await state.system?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });
  return state;
}
