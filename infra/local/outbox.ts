// SES on one machine: each mail becomes an .eml file under <home>/outbox, listed at
// GET /local/outbox, so a developer can read what automations sent.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { requireAdmin } from '#shared/crm/context.ts';
import { parseWith } from '#shared/domain/validation.ts';
import type { Route } from '#shared/http/router.ts';
import type { Clock, Ids, Mailer } from '#shared/ports.ts';
import { composeEml, readEml } from './eml.ts';

const OutboxQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export function createOutbox(folder: string, clock: Clock, ids: Ids, from = 'stagecraft@localhost'): Mailer & { route: Route } {
  mkdirSync(folder, { recursive: true });
  return {
    async send(message) {
      const messageId = ids.next();
      const eml = await composeEml(
        { messageId, date: clock.now(), from, to: message.to, replyTo: message.replyTo, subject: message.subject, tags: message.tags },
        { text: message.text, html: message.html },
      );
      writeFileSync(join(folder, `${messageId}.eml`), eml);
      return { messageId };
    },
    route: {
      method: 'GET',
      path: '/local/outbox',
      tag: 'local',
      summary: 'Mails sent in local mode, newest first',
      query: OutboxQuery,
      status: 200,
      handle: async (request) => {
        // Every mail in full: admins only, like the local writes.
        requireAdmin(request.caller);
        const { limit } = parseWith(OutboxQuery, request.query, 'query');
        const files = readdirSync(folder)
          .filter((name) => name.endsWith('.eml'))
          .sort()
          .reverse()
          .slice(0, limit);
        // A mail with an HTML part carries it as `html`, beside its text part.
        const items = await Promise.all(files.map(async (name) => ({ file: name, ...(await readEml(await readFile(join(folder, name)))) })));
        return { status: 200, body: { items } };
      },
    },
  };
}
