// Whether the signed-in person is an admin, so screens offer only what the API will let them do: asked once per
// session (GET /me); the API still decides every request.
import { useQuery } from '@tanstack/react-query';
import { useApi } from './session';

export type Role = 'admin' | 'member';

export const roleKey = ['session', 'role'] as const;

type Me = { kind: 'user'; userId: string; role: Role } | { kind: 'integration'; integrationId: string };

/** The caller's role; undefined while it is being asked. An integration key is no person: it gets a member's view. */
export function useRole(): Role | undefined {
  const api = useApi();
  const role = useQuery({
    queryKey: roleKey,
    queryFn: async (): Promise<Role> => {
      const me = await api.request<Me>('/me');
      return me.kind === 'user' ? me.role : 'member';
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  return role.data;
}

/** True once the caller is known to be an admin: admin-only controls stay hidden until then. */
export const useIsAdmin = (): boolean => useRole() === 'admin';
