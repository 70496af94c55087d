// Request bodies and small HTTP helpers for the API tests: a test names only what it
// cares about, and a failed setup step says which call failed and why.
import type { CallOptions, CallResult, TestApp } from './app.ts';

let sequence = 0;
/** A number no other factory call in this process has returned. */
export const unique = () => {
  sequence += 1;
  return sequence;
};

type Body = Record<string, unknown>;

export const contactBody = (overrides: Body = {}): Body => ({
  name: `Contact ${unique()}`,
  emails: [`contact${unique()}@example.com`],
  phones: [],
  ...overrides,
});

export const companyBody = (overrides: Body = {}): Body => ({
  name: `Company ${unique()}`,
  emails: [`company${unique()}@example.com`],
  ...overrides,
});

export const leadBody = (overrides: Body = {}): Body => ({
  title: `Lead ${unique()}`,
  name: 'Lee Lead',
  emails: [`lead${unique()}@example.com`],
  source: 'web form',
  ...overrides,
});

export const dealBody = (overrides: Body = {}): Body => ({
  title: `Deal ${unique()}`,
  pipelineId: 'sales',
  stageId: 'new',
  amount: 1200,
  currency: 'EUR',
  ...overrides,
});

export interface Owner {
  entityType: 'contact' | 'company' | 'lead' | 'deal';
  entityId: string;
}

export const activityBody = (owner: Owner, responsibleId: string, overrides: Body = {}): Body => ({
  subject: `Call ${unique()}`,
  activityType: 'call',
  dueAt: '2026-02-01T10:00:00.000Z',
  responsibleId,
  ...owner,
  ...overrides,
});

export const documentBody = (owner: Owner, overrides: Body = {}): Body => ({
  title: `Contract ${unique()}`,
  ...owner,
  ...overrides,
});

export const pipelineBody = (overrides: Body = {}): Body => ({
  id: `pipe-${unique()}`,
  name: `Pipeline ${unique()}`,
  stages: [
    { id: 'new', name: 'New' },
    { id: 'offer', name: 'Offer' },
    { id: 'won', name: 'Won', kind: 'won' },
  ],
  ...overrides,
});

export const userBody = (overrides: Body = {}): Body => ({
  name: `User ${unique()}`,
  email: `user${unique()}@example.com`,
  ...overrides,
});

/** Runs a call that is setup, not the behaviour under test: anything but `expected` throws with the reply. */
export async function must<T = any>(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions & { expected?: number } = {},
): Promise<T> {
  const { expected, ...callOptions } = options;
  const want = expected ?? (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
  const result = await t.call<T>(method, path, body, callOptions);
  if (result.status !== want) {
    throw new Error(`setup: ${method} ${path} answered ${result.status}, not ${want}: ${JSON.stringify(result.body)}`);
  }
  return result.body;
}

/** Every item of a listing, following cursors to the end. */
export async function listAll<T = any>(t: TestApp, path: string, options: CallOptions = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  const separator = path.includes('?') ? '&' : '?';
  for (let page = 0; page < 1000; page++) {
    const body = await must<{ items: T[]; cursor?: string }>(
      t,
      'GET',
      cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path,
      undefined,
      options,
    );
    items.push(...body.items);
    cursor = body.cursor;
    if (!cursor) return items;
  }
  throw new Error(`listing ${path} did not end after 1000 pages`);
}

/** The field paths a 400 names, sorted. */
export const errorPaths = (result: CallResult): string[] =>
  ((result.body?.error?.details ?? []) as Array<{ path?: string }>).map((detail) => String(detail.path)).sort();

/** Whether the details of an error name `field`, by its path or, for unknown keys, in the message. */
export const namesField = (result: CallResult, field: string): boolean =>
  ((result.body?.error?.details ?? []) as Array<{ path?: string; message?: string }>).some(
    (detail) => detail.path === field || (typeof detail.message === 'string' && detail.message.includes(`"${field}"`)),
  );

/** A JSON-encoded cursor in the API's base64url form, for forged-cursor tests. */
export const forgedCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
