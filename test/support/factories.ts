// Test data with sensible defaults; a test names only what it cares about.
import { BUTLER_ID } from '#shared/domain/actors.ts';
import type { WriteContext } from '#shared/store/records.ts';

let sequence = 0;
const next = () => {
  sequence += 1;
  return sequence;
};

export const asUser = (id: string): WriteContext => ({ actor: { kind: 'user', id }, cause: { automationId: 'none', depth: 0 } });
export const asIntegration = (integrationId = 'web-form'): WriteContext => ({
  actor: { kind: 'butler', id: BUTLER_ID, via: { integrationId } },
  cause: { automationId: 'none', depth: 0 },
});

export const aContact = (overrides: Record<string, unknown> = {}) => ({
  name: `Contact ${next()}`,
  emails: [`person${next()}@example.com`],
  phones: [],
  ...overrides,
});

export const aDeal = (overrides: Record<string, unknown> = {}) => ({
  title: `Deal ${next()}`,
  pipelineId: 'sales',
  stageId: 'new',
  ...overrides,
});

export const salesPipeline = {
  name: 'Sales',
  stages: [
    { id: 'new', name: 'New', kind: 'open' },
    { id: 'won', name: 'Won', kind: 'won' },
  ],
};
