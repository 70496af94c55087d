// "Now" as the workspace sees it: local mode's clock may have been moved forward (Local tools → Clock, which only
// an admin reads); elsewhere, and for a member, the browser's. Screens that count "the last 7 days" or "this
// month" read it, so a clock moved six months on shows six months on.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useRole } from './role';
import { useSession } from './session';

/** The query an advance of the local clock refreshes. */
export const workspaceNowKey = ['workspace', 'now'] as const;

/** Undefined while local mode's clock is being read; the browser's time is read once, when the screen mounts. */
export function useWorkspaceNow(): Date | undefined {
  const [mounted] = useState(() => new Date());
  const { api, auth } = useSession();
  const role = useRole();
  const local = auth.kind === 'local';
  const clock = useQuery({
    queryKey: workspaceNowKey,
    queryFn: async () => new Date((await api.request<{ now: string }>('/local/clock')).now),
    enabled: local && role === 'admin',
    retry: false,
  });
  if (!local || role === 'member' || clock.isError) return mounted;
  return clock.data;
}
