// Local mode's `/local/*` routes (clock, tokens, events, outbox) on a test app, with
// their clock file and outbox folder in a fresh temporary home.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalClock } from '#infra/local/clock.ts';
import { createLocalEventBus } from '#infra/local/event-bus.ts';
import { localEventRoutes } from '#infra/local/events.ts';
import { createOutbox } from '#infra/local/outbox.ts';
import { localRoutes } from '#infra/local/routes.ts';
import type { AppDeps } from '#shared/app.ts';
import { ulidIds } from '#shared/ids.ts';
import { silentLogger } from './table.ts';

export function localExtraRoutes(): NonNullable<AppDeps['extraRoutes']> {
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-local-routes-'));
  const clock = createLocalClock(home);
  const bus = createLocalEventBus({ logger: silentLogger, clock });
  const outbox = createOutbox(join(home, 'outbox'), clock, ulidIds(clock));
  return ({ store }) => [...localRoutes({ clock, store }), ...localEventRoutes(bus), outbox.route];
}
