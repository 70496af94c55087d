// createRuntime: every function of the automation and event flow, composed from the core and the adapters a
// runtime chooses (docs/ARCHITECTURE.md §9). Local mode takes all of it; each Lambda handler takes its one
// member from the same composers (run-action.ts, provision.ts, createTrackStatusChanges, …) so its bundle
// holds only that function's code.
import { createCompleteActivities } from '#shared/crm/complete-activities.ts';
import { createRefreshDealSearch } from '#shared/crm/deal-search.ts';
import { createUnlinkDeleted } from '#shared/crm/unlink-deleted.ts';
import { createLoopGuard } from '#shared/engine/loop-guard.ts';
import { createTrackStatusChanges } from '#shared/engine/track-runs.ts';
import { createPublishChanges } from '#shared/events/publish.ts';
import type { SystemTarget } from '#shared/events/system-rules.ts';
import type { EventBus } from '#shared/ports.ts';
import type { Core } from './core.ts';
import { type ProvisionAdapters, provisionerOf } from './provision.ts';
import { type RunActionChannels, runActionOf } from './run-action.ts';

export interface RuntimeAdapters extends RunActionChannels, ProvisionAdapters {
  /** Where publish-changes puts CRM events: EventBridge, or the local bus. */
  bus: EventBus;
  /** The prefix of the automations' state machine names ('' locally). */
  namePrefix: string;
}

export function createRuntime(core: Core, adapters: RuntimeAdapters) {
  const provisioner = provisionerOf(core, adapters);
  const completeActivities = createCompleteActivities(core);
  const refreshDealSearch = createRefreshDealSearch(core);
  const unlinkDeleted = createUnlinkDeleted(core);
  const loopGuard = createLoopGuard(core);
  const trackRuns = createTrackStatusChanges({ ...core, namePrefix: adapters.namePrefix });
  return {
    runAction: runActionOf(core, adapters),
    provisioner,
    trackRuns,
    completeActivities,
    refreshDealSearch,
    unlinkDeleted,
    publishChanges: createPublishChanges({ bus: adapters.bus, logger: core.logger }),
    loopGuard,
    /** What each system rule (shared/events/system-rules.ts) delivers to. */
    targets: {
      provisioner: (event: unknown) => provisioner.onChange(event as never),
      completeActivities: (event: unknown) => completeActivities(event as never),
      refreshDealSearch: (event: unknown) => refreshDealSearch(event as never),
      unlinkDeleted: (event: unknown) => unlinkDeleted(event as never),
      loopGuard: (event: unknown) => loopGuard(event as never),
      trackRuns: (event: unknown) => trackRuns(event as never),
    } satisfies Record<SystemTarget, (event: unknown) => Promise<unknown>>,
  };
}

export type Runtime = ReturnType<typeof createRuntime>;
