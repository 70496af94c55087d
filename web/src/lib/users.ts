// People and the Butler, read by most screens (responsible, history, statistics).
import { useQuery } from '@tanstack/react-query';
import { keys } from './query';
import type { Page, Pipeline, User } from './records';
import { useApi } from './session';

export function useUsers() {
  const api = useApi();
  return useQuery({
    queryKey: keys.users,
    queryFn: () => api.request<Page<User>>('/users', { query: { limit: 100 } }),
    select: (page) => page.items,
    staleTime: 30_000,
  });
}

export function usePipelines() {
  const api = useApi();
  return useQuery({
    queryKey: keys.pipelines,
    queryFn: () => api.request<Page<Pipeline>>('/pipelines'),
    select: (page) => page.items,
    staleTime: 30_000,
  });
}
