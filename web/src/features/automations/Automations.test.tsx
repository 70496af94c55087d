// The automations list as a member sees it: the status read-only and no New automation, since the API
// lets only admins create, stop and activate automations.
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { type Answer, asAdmin, asMember, renderScreen, salesPipeline, scriptedApi } from '../../test/render';
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
