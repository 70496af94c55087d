// The provisioner composed from the core and the runtime's automation infrastructure: Step Functions and
// EventBridge on AWS, the local runner and bus locally. Compiled Tasks are bound to the run-action function
// and the core's table here, once for both runtimes.
import { createProvisioner } from '#shared/engine/provision.ts';
import type { AutomationInfra, Workflows } from '#shared/ports.ts';
import type { Core } from './core.ts';

export interface ProvisionAdapters {
  infra: AutomationInfra;
  workflows: Workflows;
  /** What compiled Tasks invoke: the run-action function's ARN (a local ARN in local mode). */
  runActionFunctionArn: string;
  /** EventBridge's quota on a rule's pattern. @default 2048 */
  maxPatternLength?: number;
}

export function provisionerOf(core: Core, adapters: ProvisionAdapters) {
  return createProvisioner({
    store: core.store,
    clock: core.clock,
    logger: core.logger,
    infra: adapters.infra,
    workflows: adapters.workflows,
    bindings: { runActionFunctionArn: adapters.runActionFunctionArn, tableName: core.table.tableName },
    ...(adapters.maxPatternLength !== undefined ? { maxPatternLength: adapters.maxPatternLength } : {}),
  });
}
