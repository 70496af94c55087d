// Who acted, as a client shows it: every actor in a page of history, run steps or statistics
// carries the user's (or the Butler's) current name and icon, read once per page.
import { type Actor, BUTLER_ID } from '#shared/domain/actors.ts';
import type { Store } from '#shared/store/index.ts';

export type ActorView = Actor & { name: string; icon?: string };

const integrationOf = (actor: Actor): string | undefined => (actor.via && 'integrationId' in actor.via ? actor.via.integrationId : undefined);

export function createActorDisplay(store: Store) {
  /** Names for every actor id given, in one read; an unknown id shows as itself. */
  async function names(ids: string[]): Promise<Map<string, { name: string; icon?: string }>> {
    const users = await store.records.getMany('user', ids);
    const shown = new Map<string, { name: string; icon?: string }>();
    for (const id of ids) {
      const user = users.get(id);
      const name = typeof user?.name === 'string' ? user.name : id === BUTLER_ID ? 'Butler' : id;
      shown.set(id, { name, ...(typeof user?.icon === 'string' ? { icon: user.icon } : {}) });
    }
    return shown;
  }

  /** Names of the integrations actors wrote for; a revoked (or never registered) one shows as its id. */
  async function integrationNames(items: Array<{ actor: Actor }>): Promise<Map<string, string>> {
    const ids = new Set(items.flatMap((item) => integrationOf(item.actor) ?? []));
    const found = await Promise.all([...ids].map(async (id) => [id, (await store.credentials.getIntegration(id))?.name] as const));
    return new Map(found.filter((entry): entry is readonly [string, string] => typeof entry[1] === 'string'));
  }

  async function withActors<T extends { actor: Actor }>(items: T[]): Promise<Array<T & { actor: ActorView }>> {
    if (items.length === 0) return [];
    const [shown, integrations] = await Promise.all([names(items.map((item) => item.actor.id)), integrationNames(items)]);
    return items.map((item) => {
      const integrationId = integrationOf(item.actor);
      const integrationName = integrationId ? integrations.get(integrationId) : undefined;
      const via = integrationName ? { via: { ...item.actor.via, integrationName } } : {};
      return { ...item, actor: { ...item.actor, ...shown.get(item.actor.id)!, ...via } };
    });
  }

  return { names, withActors };
}

export type ActorDisplay = ReturnType<typeof createActorDisplay>;
