// SES on one machine: each mail becomes an .eml file under <home>/outbox, listed at
// GET /local/outbox, so a developer can read what automations sent.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { requireAdmin } from '#shared/crm/context.ts';
import { parseWith } from '#shared/domain/validation.ts';
import type { Route } from '#shared/http/router.ts';
import type { Clock, Ids, Mailer } from '#shared/ports.ts';

const OutboxQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

function encodeHeader(value: string): string {
  // RFC 2047: non-ASCII subjects travel base64-encoded.
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

export function createOutbox(folder: string, clock: Clock, ids: Ids, from = 'stagecraft@localhost'): Mailer & { route: Route } {
  mkdirSync(folder, { recursive: true });
  return {
    async send(message) {
      const messageId = ids.next();
      const headers = [
        `Message-ID: <${messageId}@stagecraft.local>`,
        `Date: ${clock.now().toUTCString()}`,
        `From: ${from}`,
        `To: ${message.to}`,
        ...(message.replyTo ? [`Reply-To: ${message.replyTo}`] : []),
        `Subject: ${encodeHeader(message.subject)}`,
        ...Object.entries(message.tags ?? {}).map(([name, value]) => `X-Stagecraft-${name}: ${value}`),
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
      ];
      writeFileSync(join(folder, `${messageId}.eml`), `${headers.join('\r\n')}\r\n\r\n${message.text}\r\n`);
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
        const items = files.map((name) => {
          const raw = readFileSync(join(folder, name), 'utf8');
          const [head = '', ...body] = raw.split('\r\n\r\n');
          const header = (field: string) => new RegExp(`^${field}: (.*)$`, 'm').exec(head)?.[1];
          return { file: name, to: header('To'), subject: header('Subject'), date: header('Date'), text: body.join('\r\n\r\n').trimEnd() };
        });
        return { status: 200, body: { items } };
      },
    },
  };
}
