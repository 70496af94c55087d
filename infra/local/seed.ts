// The demo workspace of a first start (DESIGN §9): the Butler, an admin, the
// pipelines `sales` and `installation`, an admin token and an integration key.
import { BUTLER_ID } from '#shared/domain/actors.ts';
import type { App } from '#shared/app.ts';
import { Conflict } from '#shared/errors.ts';
import type { WriteContext } from '#shared/store/records.ts';

export const demoPipelines = [
  {
    id: 'sales',
    name: 'Sales',
    stages: [
      { id: 'new', name: 'New', kind: 'open' },
      { id: 'contract', name: 'Contract', kind: 'open' },
      { id: 'invoice', name: 'Invoice', kind: 'open' },
      { id: 'won', name: 'Closed Won', kind: 'won' },
      { id: 'lost', name: 'Closed Lost', kind: 'lost' },
      { id: 'spam', name: 'Spam', kind: 'lost' },
    ],
  },
  {
    id: 'installation',
    name: 'Installation',
    stages: [
      { id: 'new', name: 'New', kind: 'open' },
      { id: 'scheduled', name: 'Scheduled', kind: 'open' },
      { id: 'done', name: 'Done', kind: 'won' },
    ],
  },
] as const;

export interface WorkspaceSeed {
  adminUserId: string;
}

const seedContext: WriteContext = {
  actor: { kind: 'butler', id: BUTLER_ID, via: { integrationId: 'seed' } },
  cause: { automationId: 'none', depth: 0 },
};

async function createOnce(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof Conflict)) throw error;
  }
}

/** Seeds once; every step is safe to repeat, so a start interrupted mid-seed completes the next time. */
export async function seedWorkspace(app: App): Promise<{ seed: WorkspaceSeed; firstStart: boolean }> {
  await app.workspace.ensureButler();
  const existing = await app.store.settings.get<WorkspaceSeed>('seed');
  if (existing) return { seed: existing, firstStart: false };
  for (const { id, ...pipeline } of demoPipelines) {
    await createOnce(() => app.store.records.create('pipeline', structuredClone(pipeline), seedContext, { id }));
  }
  const adminUserId = 'admin';
  await createOnce(() =>
    app.store.records.create('user', { name: 'Admin', email: 'admin@stagecraft.local', role: 'admin', kind: 'human' }, seedContext, { id: adminUserId }),
  );
  const seed = { adminUserId };
  await app.store.settings.putOnce('seed', seed);
  return { seed, firstStart: true };
}
