// Who is calling and on whose behalf: derived from credentials, never from the body,
// so no human can write as the Butler and no API key can write as a human.
import { type Actor, type Cause, integrationActor, humanActor, noCause } from '#shared/domain/actors.ts';
import { Forbidden } from '#shared/errors.ts';
import type { WriteContext } from '#shared/store/records.ts';

export type Caller =
  | { kind: 'user'; userId: string; role: 'admin' | 'member' }
  | { kind: 'integration'; integrationId: string; creditedTo?: string }
  | { kind: 'automation'; automationId: string; runId: string; cause: Cause; creditedTo?: string }
  /** The recipient of a tracked document link, acting through its page. */
  | { kind: 'documentLink'; linkId: string };

export function actorOf(caller: Caller): Actor {
  switch (caller.kind) {
    case 'user':
      return humanActor(caller.userId);
    case 'integration':
      // While the Butler is off, the key's owner is credited; `via` keeps who really acted.
      return caller.creditedTo ? { kind: 'user', id: caller.creditedTo, via: { integrationId: caller.integrationId } } : integrationActor(caller.integrationId);
    case 'automation': {
      const via = { automationId: caller.automationId, runId: caller.runId };
      return caller.creditedTo ? { kind: 'user', id: caller.creditedTo, via } : { kind: 'butler', id: 'butler', via };
    }
    case 'documentLink':
      return { kind: 'butler', id: 'butler', via: { documentLink: caller.linkId } };
  }
}

export function writeContextOf(caller: Caller): WriteContext {
  return { actor: actorOf(caller), cause: caller.kind === 'automation' ? caller.cause : noCause };
}

export const requireAdmin = (caller: Caller) => {
  if (caller.kind !== 'user' || caller.role !== 'admin') throw new Forbidden('Only an admin may do this.');
};
