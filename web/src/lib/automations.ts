// The automations list, read by the board (rules per stage) and the history (names of
// what the Butler acted for). Part 2's screens own writing them.
import { useQuery } from '@tanstack/react-query';
import { keys } from './query';
import type { Page } from './records';
import { useApi } from './session';

export interface AutomationSummary {
  id: string;
  name: string;
  status: 'active' | 'stopped';
  trigger: { type: string; entity?: string; pipelineId?: string; stageId?: string };
  provisioning?: 'pending' | 'ready' | 'error';
}

/** `enabled: false` holds the request back (the board asks once its cards are in). */
export function useAutomations({ enabled = true }: { enabled?: boolean } = {}) {
  const api = useApi();
  return useQuery({
    queryKey: keys.automations,
    enabled,
    queryFn: async () => {
      const items: AutomationSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.request<Page<AutomationSummary>>('/automations', { query: { limit: 100, cursor } });
        items.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      return items;
    },
    staleTime: 30_000,
  });
}

/** The automations that fire when a deal enters this stage of this pipeline. */
export function automationsEntering(automations: AutomationSummary[], pipelineId: string, stageId: string): AutomationSummary[] {
  return automations.filter(
    (automation) =>
      automation.trigger.type === 'stageEntered' &&
      (automation.trigger.entity ?? 'deal') === 'deal' &&
      automation.trigger.pipelineId === pipelineId &&
      automation.trigger.stageId === stageId,
  );
}
