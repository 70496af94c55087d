// The automations list and an automation's page as a member and as an admin see them: a member reads the status
// and gets no New automation nor Delete, since the API lets only admins create, stop, activate and delete.
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { type Answer, asAdmin, asMember, renderScreen, salesPipeline, scriptedApi } from '../../test/render';
import { AutomationPage } from './components/AutomationPage';
import { AutomationsPage } from './components/AutomationsPage';

const automation = {
  id: 'a1',
  name: 'Call when the contract is out',
  status: 'active',
  version: 1,
  trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
  actions: [],
};

const listApi = (role: Answer) =>
  scriptedApi({
    'GET /automations': { body: { items: [automation] } },
    'GET /pipelines': { body: { items: [salesPipeline] } },
    'GET /automations/a1/runs/counts': { body: { counts: {} } },
    'GET /me': role,
  });

describe('AutomationsPage', () => {
  it('shows a member whether each automation is active, without a switch or New automation', async () => {
    renderScreen(<AutomationsPage />, { api: listApi(asMember) });

    expect(await screen.findByLabelText('Call when the contract is out: active')).toBeTruthy();
    expect(screen.queryByRole('switch')).toBeNull();
    expect(screen.queryByRole('link', { name: 'New automation' })).toBeNull();
  });

  it('offers an admin the status switch and New automation', async () => {
    renderScreen(<AutomationsPage />, { api: listApi(asAdmin) });

    expect(await screen.findByRole('switch', { name: 'Call when the contract is out: active' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'New automation' })).toBeTruthy();
  });
});

describe("an automation's last 7 days in the list", () => {
  it("counts the 7 days before local mode's clock, which may have been moved on", async () => {
    // Prepare: the clock was advanced six months.
    const api = scriptedApi({
      'GET /automations': { body: { items: [automation] } },
      'GET /pipelines': { body: { items: [salesPipeline] } },
      'GET /automations/a1/runs/counts': { body: { counts: {} } },
      'GET /local/clock': { body: { now: '2027-06-02T12:00:00.000Z', offsetMs: 0 } },
      'GET /me': asAdmin,
    });

    // Act
    renderScreen(<AutomationsPage />, { api });

    // Assess
    await waitFor(() => expect(api.sent.some((request) => request.path === '/automations/a1/runs/counts')).toBe(true));
    const counted = api.sent.filter((request) => request.path === '/automations/a1/runs/counts');
    expect(counted.map((request) => request.query.get('from')?.slice(0, 7))).toEqual(['2027-05']);
  });
});

describe('AutomationPage', () => {
  const pageApi = (role: Answer) =>
    scriptedApi({
      'GET /automations/a1': { body: automation },
      'DELETE /automations/a1': { status: 204 },
      'GET /pipelines': { body: { items: [salesPipeline] } },
      'GET /me': role,
    });
  const renderPage = (api: ReturnType<typeof scriptedApi>) => renderScreen(<AutomationPage />, { api, path: '/automations/a1', route: '/automations/:id' });

  it('says an edit was saved, with the new version, once the builder starts again from it', async () => {
    // Prepare
    let version = 1;
    const api = scriptedApi({
      'GET /automations/a1': () => ({ body: { ...automation, version } }),
      'PATCH /automations/a1': () => {
        version = 2;
        return { body: { ...automation, name: 'Call when out', version: 2, provisioning: 'pending' } };
      },
      'GET /pipelines': { body: { items: [salesPipeline] } },
      'GET /me': asAdmin,
    });
    renderPage(api);
    const name = await screen.findByRole('textbox', { name: 'Name' });

    // Act
    fireEvent.change(name, { target: { value: 'Call when out' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    // Assess
    expect(await screen.findByText('Saved as version 2.')).toBeTruthy();
  });

  it('offers a member no Delete', async () => {
    const api = pageApi(asMember);

    renderPage(api);

    expect(await screen.findByLabelText('Call when the contract is out: active')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('deletes for an admin only once confirmed, at the version shown', async () => {
    const api = pageApi(asAdmin);
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(await screen.findByText(/its waiting runs are cancelled/)).toBeTruthy();
    expect(api.sent.some((request) => request.method === 'DELETE')).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Delete automation' }));

    await waitFor(() => expect(api.sent.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual(['/automations/a1']));
    expect(api.sent.find((request) => request.method === 'DELETE')?.headers['if-match']).toBe('"1"');
  });
});
