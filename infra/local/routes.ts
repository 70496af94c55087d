// Routes only local mode has: the movable clock and tokens for people (on AWS,
// Cognito issues those).
import { z } from 'zod';
import { requireAdmin } from '#shared/crm/context.ts';
import { parseWith } from '#shared/domain/validation.ts';
import { BUTLER_ID } from '#shared/domain/actors.ts';
import { Conflict } from '#shared/errors.ts';
import type { Route } from '#shared/http/router.ts';
import type { Store } from '#shared/store/index.ts';
import type { LocalClock } from './clock.ts';

const ClockInput = z.strictObject({ advance: z.string().min(2).max(40) });
const TokenInput = z.strictObject({ userId: z.string().min(1).max(64), name: z.string().max(200).optional() });

export function localRoutes({ clock, store }: { clock: LocalClock; store: Store }): Route[] {
  return [
    {
      method: 'GET',
      path: '/local/clock',
      tag: 'local',
      summary: 'Local time (moved forward by POST /local/clock)',
      status: 200,
      handle: async (request) => {
        requireAdmin(request.caller);
        return { status: 200, body: { now: clock.now().toISOString(), offsetMs: clock.offsetMs() } };
      },
    },
    {
      method: 'POST',
      path: '/local/clock',
      tag: 'local',
      summary: 'Move local time forward, e.g. {"advance": "P6M"}; due waits fire at once',
      body: ClockInput,
      status: 200,
      handle: async (request) => {
        requireAdmin(request.caller);
        const { advance } = parseWith(ClockInput, request.body);
        const now = clock.advance(advance);
        return { status: 200, body: { now: now.toISOString(), offsetMs: clock.offsetMs() } };
      },
    },
    {
      method: 'POST',
      path: '/local/tokens',
      tag: 'local',
      summary: 'Issue a bearer token for a user (admins; AWS uses Cognito instead)',
      body: TokenInput,
      status: 201,
      handle: async (request) => {
        requireAdmin(request.caller);
        const { userId, name } = parseWith(TokenInput, request.body);
        if (userId === BUTLER_ID) throw new Conflict('BUTLER_NOT_A_LOGIN', 'Nobody can sign in as the Butler.');
        await store.records.require('user', userId);
        const token = await store.credentials.issue({ kind: 'user', userId }, name ?? 'local token');
        return { status: 201, body: { userId, token } };
      },
    },
  ];
}
