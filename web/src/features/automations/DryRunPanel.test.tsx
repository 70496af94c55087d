// "Test on a record" shows the path a record would take: the steps that would run, in order, each if/else with the
// way it goes and why, and apart from them the steps on the arm it would not take; a skipped run says why.
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { meta, renderScreen, scriptedApi } from '../../test/render';
import type { Automation, DryRun, DryRunAction } from './api/automations';
import { DryRunPanel } from './components/DryRunPanel';

const bigDeal: Automation = {
  ...meta('a1'),
  name: 'Big deals get a call',
  status: 'active',
  provisioning: 'ready',
  trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
  actions: [
    {
      type: 'branch',
      name: 'big deal',
      if: { all: [{ field: 'amount', op: 'gte', value: 10000 }] },
      then: [{ type: 'updateFields', set: { title: 'Big: {{ deal.title }}' } }],
      else: [{ type: 'sendEmail', to: 'responsible', subject: 'Small deal', body: 'Small', html: '<p>Small</p>' }],
    },
  ],
} as Automation;

// The API's answer for a record on the "then" arm: step 3 (the mail of the "else") is off the path.
const thenAnswer = (overrides: Partial<DryRun> = {}): DryRun => ({
  triggerMatches: true,
  conditionsHold: true,
  wouldRun: true,
  actions: [
    { step: '1 · If big deal', onPath: true, branch: 'then', why: 'its conditions hold: "then" runs' },
    { step: '2 · Update fields', onPath: true, action: { type: 'updateFields', set: { title: 'Big: Solar roof' } } },
    { step: '3 · Send e-mail', onPath: false, action: { type: 'sendEmail', to: ['ada@example.com'], subject: 'Small deal', body: 'Small', html: '<p>Small</p>' } },
  ] satisfies DryRunAction[],
  ...overrides,
});

async function testOnSolarRoof(answer: DryRun) {
  const api = scriptedApi({
    'GET /deals': { body: { items: [{ ...meta('d1'), title: 'Solar roof' }] } },
    'POST /automations/a1/test': { body: answer },
  });
  renderScreen(<DryRunPanel automation={bigDeal} />, { api });
  const user = userEvent.setup();
  await user.click(await screen.findByRole('combobox', { name: 'Record' }));
  await user.click(await screen.findByRole('option', { name: 'Solar roof' }));
  await user.click(screen.getByRole('button', { name: 'Test on this record' }));
  return api;
}

const itemsOf = (list: HTMLElement) => within(list).getAllByRole('listitem');

describe('DryRunPanel', () => {
  it('lists the steps that would run, with the way the if/else goes and why, and the other arm apart', async () => {
    // Prepare
    const answer = thenAnswer();

    // Act
    await testOnSolarRoof(answer);

    // Assess
    const wouldRun = await screen.findByRole('list', { name: 'These steps would run' });
    const [branch, update, ...more] = itemsOf(wouldRun);
    expect(more).toEqual([]);
    expect(within(branch!).getByText('1 · If big deal → then: its conditions hold')).toBeTruthy();
    expect(within(update!).getByText('2 · Update fields')).toBeTruthy();
    expect(within(wouldRun).queryByText('3 · Send e-mail')).toBeNull();
    const wouldNotRun = screen.getByRole('list', { name: 'These steps would not run' });
    expect(itemsOf(wouldNotRun).map((item) => item.textContent)).toEqual(['3 · Send e-mail']);
    expect(screen.queryByTitle('HTML of 3 · Send e-mail')).toBeNull();
  });

  it('says what it took as so, which a stored record cannot show (an update trigger\'s change)', async () => {
    // Act
    await testOnSolarRoof(thenAnswer({ assumed: ['one of fields.probe changed: a dry run has no change to look at'] }));

    // Assess
    expect(await screen.findByText('Assumed: one of fields.probe changed: a dry run has no change to look at')).toBeTruthy();
  });

  it('previews the HTML of a mail on the path of the else', async () => {
    // Prepare
    const elseAnswer = thenAnswer({
      actions: [
        { step: '1 · If big deal', onPath: true, branch: 'else', why: 'amount is 500, not at least 10000: "else" runs' },
        { step: '2 · Update fields', onPath: false, action: { type: 'updateFields', set: { title: 'Big: Solar roof' } } },
        { step: '3 · Send e-mail', onPath: true, action: { type: 'sendEmail', to: ['ada@example.com'], subject: 'Small deal', body: 'Small', html: '<p>Small</p>' } },
      ],
    });

    // Act
    await testOnSolarRoof(elseAnswer);

    // Assess
    const wouldRun = await screen.findByRole('list', { name: 'These steps would run' });
    expect(within(wouldRun).getByText('1 · If big deal → else: amount is 500, not at least 10000')).toBeTruthy();
    expect(within(wouldRun).getByTitle('HTML of 3 · Send e-mail')).toBeTruthy();
    expect(itemsOf(screen.getByRole('list', { name: 'These steps would not run' })).map((item) => item.textContent)).toEqual(['2 · Update fields']);
  });

  it('says a run whose conditions do not hold would not run, and why', async () => {
    // Prepare
    const skipped = thenAnswer({ conditionsHold: false, wouldRun: false, reason: 'stage is not Contract' });

    // Act
    await testOnSolarRoof(skipped);

    // Assess
    expect(await screen.findByText('It would not run.')).toBeTruthy();
    expect(screen.getByText('Why: stage is not Contract')).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'These steps would run' })).toBeNull();
  });
});
