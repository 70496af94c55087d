// Local tools' backlog tab: whether local mode keeps up with its writes, from GET /local/status; the outbox tab.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderScreen, scriptedApi } from '../../test/render';
import { LocalToolsPage } from './components/LocalToolsPage';

const status = (lagMs: number, shedding: boolean) => ({
  stream: { lagMs, parkedBatches: 0 },
  executions: { running: 12, queued: 3, waiting: 40 },
  triggerLatency: { count: 5000, p50Ms: 48, p99Ms: 2400, maxMs: 3100 },
  backpressure: { maxLagMs: 10_000, shedding, rejectedWrites: shedding ? 17 : 0 },
});

const renderBacklog = (answer: ReturnType<typeof status>) =>
  renderScreen(<LocalToolsPage />, { api: scriptedApi({ 'GET /local/status': { body: answer } }), path: '/local/status', route: '/local/:tool' });

describe('LocalToolsPage backlog', () => {
  it('shows the figures of GET /local/status: lag, runs in progress, queued, waiting and trigger latency', async () => {
    renderBacklog(status(0, false));

    expect(await screen.findByText('Keeping up')).toBeTruthy();
    expect(screen.getByLabelText('Oldest unhandled change').textContent).toBe('none');
    expect(screen.getByLabelText('Runs in progress').textContent).toBe('12');
    expect(screen.getByLabelText('Runs queued').textContent).toBe('3');
    expect(screen.getByLabelText('Runs waiting').textContent).toBe('40');
    expect(screen.getByLabelText('Trigger latency p50 / p99').textContent).toBe('48 ms / 2.4 s');
  });

  it('opens at /local/backlog too, the tab named as it reads', async () => {
    renderScreen(<LocalToolsPage />, { api: scriptedApi({ 'GET /local/status': { body: status(0, false) } }), path: '/local/backlog', route: '/local/:tool' });

    expect(await screen.findByText('Keeping up')).toBeTruthy();
  });

  it('says when local mode falls behind, and when it refuses writes past its lag limit', async () => {
    renderBacklog(status(12_500, true));

    expect(await screen.findByText('Writes are refused for now')).toBeTruthy();
    expect(screen.getByLabelText('Oldest unhandled change').textContent).toBe('12.5 s');
    expect(screen.getByLabelText('Writes refused').textContent).toBe('17');
  });
});

describe('LocalToolsPage outbox', () => {
  const mail = (to: string, html?: string) => ({ file: `${to}.eml`, to, subject: 'Won', date: 'Tue, 01 Dec 2026 10:00:00 GMT', text: 'Won: Roof', ...(html ? { html } : {}) });

  it('marks a mail with an HTML part and shows that part in a sandboxed frame', async () => {
    // Prepare
    const api = scriptedApi({ 'GET /local/outbox': { body: { items: [mail('ada@example.com', '<p>Won: <b>Roof</b></p>'), mail('bob@example.com')] } } });

    // Act
    renderScreen(<LocalToolsPage />, { api, path: '/local/outbox', route: '/local/:tool' });

    // Assess
    const withHtml = await screen.findByRole('article', { name: 'Mail to ada@example.com' });
    expect(within(withHtml).getByText('HTML')).toBeTruthy();
    const frame = within(withHtml).getByTitle('HTML part of the mail to ada@example.com');
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toBe('<p>Won: <b>Roof</b></p>');
    const textOnly = screen.getByRole('article', { name: 'Mail to bob@example.com' });
    expect(within(textOnly).queryByText('HTML')).toBeNull();
  });
});
