// The demo workspace of a first start (docs/ARCHITECTURE.md §9): the Butler, an admin, the
// pipelines `sales` and `installation`, an admin token and an integration key.
import { BUTLER_ID } from '#shared/domain/actors.ts';
import type { App } from '#shared/app.ts';
import { Conflict } from '#shared/errors.ts';
import { INDEX_VERSION } from '#shared/store/index-upgrade.ts';
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

/** The automations of docs/ARCHITECTURE.md §6, so a new workspace shows them working. */
export const demoAutomations = [
  {
    name: 'Renewal: a repeat lead six months after Closed Won',
    trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
    conditions: { all: [{ field: 'amount', op: 'gte', value: 1000 }] },
    delay: { after: 'P6M' },
    recheck: true,
    actions: [{ type: 'createLead', title: 'Renewal: {{ deal.title }}', responsible: '{{ deal.responsibleId }}' }],
  },
  {
    name: 'Won deals go to Installation',
    trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
    actions: [{ type: 'copyDeal', title: 'Install: {{ deal.title }}', pipelineId: 'installation', stageId: 'new' }],
  },
  {
    name: 'Call the client when the contract is out',
    trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
    actions: [{ type: 'planActivity', subject: 'Call about the contract for {{ deal.title }}', activityType: 'call', due: 'P1D', autoComplete: true }],
  },
  {
    name: 'Spam: except the contact and delete',
    trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'spam' },
    actions: [{ type: 'addToExceptions', deleteEntity: true }],
  },
  {
    name: 'Signed by both: on to the invoice',
    trigger: { type: 'documentSigned', party: 'all' },
    actions: [{ type: 'moveToStage', stageId: 'invoice', pipelineId: 'sales' }],
  },
] as const;

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
export async function seedWorkspace(app: App, options: { automations?: boolean } = {}): Promise<{ seed: WorkspaceSeed; firstStart: boolean }> {
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
  // The local demo shows the Butler at work from the start; a new workspace on AWS starts with it off.
  await app.settings.activateButlerOnce(adminUserId);
  if (options.automations ?? true) {
    const admin = { kind: 'user', userId: adminUserId, role: 'admin' } as const;
    for (const automation of demoAutomations) await app.automations.create(structuredClone(automation), admin);
  }
  await app.store.settings.putOnce('seed', seed);
  await app.store.settings.put('searchIndex', { version: INDEX_VERSION });
  return { seed, firstStart: true };
}
