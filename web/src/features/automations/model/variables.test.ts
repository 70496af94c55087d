// The variables the builder offers are the ones a run of the trigger gives its templates.
import { describe, expect, it } from 'vitest';
import { runsBefore, variablesFor } from './variables';

const groupsOf = (trigger: Parameters<typeof variablesFor>[0]) => [...new Set(variablesFor(trigger).map((variable) => variable.group))];

describe('variablesFor', () => {
  it("offers a deal's contact and company, which a run loads by the deal's ids", () => {
    // Act
    const names = variablesFor({ type: 'stageEntered', entity: 'deal' }).map((variable) => variable.name);

    // Assess
    expect(names).toEqual(expect.arrayContaining(['deal.title', 'deal.id', 'contact.name', 'company.name', 'company.id']));
  });

  it('offers no contact or company for a lead, which names neither', () => {
    // Act
    const groups = groupsOf({ type: 'created', entity: 'lead' });

    // Assess
    expect(groups).toEqual(['lead', 'event', 'run']);
  });

  it('offers what each named webhook step answered, branches included, for the steps after it', () => {
    // Prepare
    const steps = [
      { type: 'callWebhook', name: 'ticketing', url: 'https://example.org/t' },
      { type: 'branch', if: { all: [] }, then: [{ type: 'callWebhook', name: 'billing', url: 'https://example.org/b' }], else: [{ type: 'callWebhook', url: 'https://example.org/anonymous' }] },
    ];

    // Act
    const names = variablesFor({ type: 'stageEntered', entity: 'deal' }, steps).map((variable) => variable.name);

    // Assess
    expect(names.filter((name) => name.startsWith('steps.'))).toEqual(['steps.ticketing.status', 'steps.ticketing.response', 'steps.billing.status', 'steps.billing.response']);
  });
});

describe('runsBefore', () => {
  it.each([
    ['actions.0', 'actions.1', true],
    ['actions.0.then.0', 'actions.0.then.1', true],
    ['actions.0.then.0', 'actions.1', true],
    ['actions.0', 'actions.2.else.0', true],
    ['actions.0.then.0', 'actions.0.else.0', false],
    ['actions.1', 'actions.0.then.0', false],
    ['actions.2', 'actions.2', false],
    ['actions.0.then.0', 'actions.0', false],
    ['actions.10', 'actions.9', false],
  ])('says whether %s runs before %s: %s', (earlier, later, expected) => {
    // Act
    const before = runsBefore(earlier, later);

    // Assess
    expect(before).toBe(expected);
  });
});
