// SNS text messages on one machine: each becomes a JSON file under <home>/sms, listed at
// GET /local/sms, as mail lands in the outbox.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Route } from '#shared/http/router.ts';
import type { Clock, Ids, SmsSender } from '#shared/ports.ts';

const SmsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export function createSmsOutbox(folder: string, clock: Clock, ids: Ids): SmsSender & { route: Route } {
  mkdirSync(folder, { recursive: true });
  return {
    async send(message) {
      const messageId = ids.next();
      const stored = { messageId, to: message.to, text: message.text, date: clock.now().toISOString(), ...(message.tags ? { tags: message.tags } : {}) };
      writeFileSync(join(folder, `${messageId}.json`), `${JSON.stringify(stored, null, 2)}\n`);
      return { messageId };
    },
    route: {
      method: 'GET',
      path: '/local/sms',
      tag: 'local',
      summary: 'Text messages sent in local mode, newest first',
      query: SmsQuery,
      status: 200,
      handle: async (request) => {
        const { limit } = SmsQuery.parse(request.query);
        const files = readdirSync(folder)
          .filter((name) => name.endsWith('.json'))
          .sort()
          .reverse()
          .slice(0, limit);
        return { status: 200, body: { items: files.map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as unknown) } };
      },
    },
  };
}
