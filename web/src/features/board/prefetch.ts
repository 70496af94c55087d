// The board's second public face, for the app's main chunk: starts the board request as soon as its route
// renders, in parallel with loading the board's own chunk (index.ts, lazy), which then finds it under way.
import { usePrefetchQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../lib/session';
import { boardSnapshotOptions, noFilters } from './api/snapshot';

export function usePrefetchBoard(pipelineId: string): void {
  const api = useApi();
  const queryClient = useQueryClient();
  usePrefetchQuery(boardSnapshotOptions(api, queryClient, pipelineId, noFilters));
}
