// Renders a screen as the app does (theme, session, query client, router) against a
// scripted API: each test says what the API answers and reads what the screen sent.
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { theme } from '../app/App';
import { createApiClient } from '../lib/api';
import { localAuth } from '../lib/auth';
import { SessionProvider } from '../lib/session';

export interface SentRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export type Answer = { status?: number; body?: unknown };
/** A function of the request; a promise holds the answer back (to look at the screen while a request is in flight). */
export type Handler = (request: SentRequest) => Answer | undefined | Promise<Answer | undefined>;

/** `routes` maps "METHOD /path" to an answer or a function of the request; anything else is a 404. */
export const asAdmin: Answer = { body: { kind: 'user', userId: 'admin', role: 'admin' } };
export const asMember: Answer = { body: { kind: 'user', userId: 'maria', role: 'member' } };

export function scriptedApi(routes: Record<string, Answer | Handler>) {
  const sent: SentRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://console.test');
    const request: SentRequest = {
      method: init.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: Object.fromEntries(Object.entries((init.headers as Record<string, string>) ?? {})),
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    sent.push(request);
    // Screens act as an admin unless a test scripts GET /me otherwise.
    const route = routes[`${request.method} ${request.path}`] ?? (`${request.method} ${request.path}` === 'GET /me' ? asAdmin : undefined);
    const answer = typeof route === 'function' ? await route(request) : route;
    if (!answer) return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.path}`, details: [] } }), { status: 404 });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status ?? 200 });
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

export function renderScreen(ui: ReactElement, { api, path = '/', route = '*' }: { api: ReturnType<typeof scriptedApi>; path?: string; route?: string }) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const client = createApiClient(async () => 'test-token', { fetch: api.fetch });
  return render(
    <MantineProvider theme={theme} env="test">
      <SessionProvider api={client} auth={localAuth()}>
        <QueryClientProvider client={queryClient}>
          <MemoryRouter initialEntries={[path]}>
            <Routes>
              <Route path={route} element={ui} />
            </Routes>
          </MemoryRouter>
        </QueryClientProvider>
      </SessionProvider>
    </MantineProvider>,
  );
}

export const meta = (id: string, version = 1) => ({
  id,
  version,
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  createdBy: 'admin',
  updatedBy: 'admin',
});

export const salesPipeline = {
  ...meta('sales'),
  name: 'Sales',
  stages: [
    { id: 'new', name: 'New', kind: 'open' },
    { id: 'contract', name: 'Contract', kind: 'open' },
    { id: 'won', name: 'Closed Won', kind: 'won' },
  ],
};

export const people = [
  { ...meta('admin'), name: 'Ada Admin', kind: 'human', role: 'admin', emails: [] },
  { ...meta('butler'), name: 'Jeeves', icon: '🦉', kind: 'butler', role: 'member' },
];
