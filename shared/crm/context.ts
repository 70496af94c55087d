// Who is calling and on whose behalf: derived from credentials, never from the body,
// so no human can write as the Butler and no API key can write as a human.
import { type Actor, type Cause, integrationActor, humanActor, noCause } from '#shared/domain/actors.ts';
import type { WriteContext } from '#shared/store/records.ts';

export type Caller =
  | { kind: 'user'; userId: string; role: 'admin' | 'member' }
  | { kind: 'integration'; integrationId: string }
  | { kind: 'automation'; automationId: string; runId: string; cause: Cause };

export function actorOf(caller: Caller): Actor {
  switch (caller.kind) {
    case 'user':
      return humanActor(caller.userId);
    case 'integration':
      return integrationActor(caller.integrationId);
    case 'automation':
      return { kind: 'butler', id: 'butler', via: { automationId: caller.automationId, runId: caller.runId } };
  }
}

export function writeContextOf(caller: Caller): WriteContext {
  return { actor: actorOf(caller), cause: caller.kind === 'automation' ? caller.cause : noCause };
}
