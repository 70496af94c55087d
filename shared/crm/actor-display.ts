// Who acted, as a client shows it: every actor in a page of history, run steps or statistics
// carries the user's (or the Butler's) current name and icon, read once per page.
import { type Actor, BUTLER_ID } from '#shared/domain/actors.ts';
import type { Store } from '#shared/store/index.ts';

export type ActorView = Actor & { name: string; icon?: string };

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

  async function withActors<T extends { actor: Actor }>(items: T[]): Promise<Array<T & { actor: ActorView }>> {
    if (items.length === 0) return [];
    const shown = await names(items.map((item) => item.actor.id));
    return items.map((item) => ({ ...item, actor: { ...item.actor, ...shown.get(item.actor.id)! } }));
  }

  return { names, withActors };
}

export type ActorDisplay = ReturnType<typeof createActorDisplay>;
