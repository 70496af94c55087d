// The local EventBridge: rules matched by the project's pattern matcher, targets retried,
// EventBridge's PutEvents limits, and the latest events for GET /local/events.
import { describe, expect, it } from 'vitest';
import { type EventEnvelope, createLocalEventBus } from '#infra/local/event-bus.ts';
import type { BusEvent } from '#shared/ports.ts';
import { silentLogger } from '#test/support/table.ts';

const dealMoved = (entityId = 'D1', stageId = 'won'): BusEvent => ({
  source: 'stagecraft.crm',
  detailType: 'Deal Stage Changed',
  detail: { eventId: `e-${entityId}`, entityType: 'deal', entityId, after: { stageId } },
  time: new Date('2026-01-15T09:00:00.123Z'),
});

const wonDeals = { source: ['stagecraft.crm'], 'detail-type': ['Deal Stage Changed'], detail: { after: { stageId: ['won'] } } };

function collector() {
  const received: EventEnvelope[] = [];
  return { received, target: async (event: EventEnvelope) => void received.push(event) };
}

const quickBus = () => createLocalEventBus({ logger: silentLogger, retryDelayMs: 1 });

describe('rules', () => {
  it('delivers a matching event to the target in EventBridge’s envelope', async () => {
    const bus = quickBus();
    const { received, target } = collector();
    bus.putRule({ name: 'won', pattern: wonDeals, target, enabled: true });

    await bus.putEvents([dealMoved()]);

    expect(received).toEqual([
      {
        version: '0',
        id: expect.any(String),
        source: 'stagecraft.crm',
        'detail-type': 'Deal Stage Changed',
        account: '000000000000',
        region: expect.any(String),
        time: '2026-01-15T09:00:00Z',
        resources: [],
        detail: { eventId: 'e-D1', entityType: 'deal', entityId: 'D1', after: { stageId: 'won' } },
      },
    ]);
  });

  it('does not deliver to a rule whose pattern does not match', async () => {
    const bus = quickBus();
    const { received, target } = collector();
    bus.putRule({ name: 'won', pattern: wonDeals, target, enabled: true });

    await bus.putEvents([dealMoved('D1', 'lost')]);

    expect(received).toEqual([]);
  });

  it('does not deliver to a disabled rule', async () => {
    const bus = quickBus();
    const { received, target } = collector();
    bus.putRule({ name: 'won', pattern: wonDeals, target, enabled: true });
    bus.setRuleEnabled('won', false);

    await bus.putEvents([dealMoved()]);

    expect(received).toEqual([]);
  });

  it('refuses a rule whose pattern PutRule would refuse', () => {
    const bus = quickBus();

    expect(() => bus.putRule({ name: 'bad', pattern: { source: 'stagecraft.crm' }, target: async () => {}, enabled: true })).toThrow(/pattern/i);
  });

  it('matches a rule whose pattern was replaced by its new pattern', async () => {
    const bus = quickBus();
    const { received, target } = collector();
    const rule = { name: 'won', pattern: wonDeals, target, enabled: true };
    bus.putRule(rule);
    await bus.putEvents([dealMoved('D1', 'lost')]);

    bus.putRule({ ...rule, pattern: { ...wonDeals, detail: { after: { stageId: ['lost'] } } } });
    await bus.putEvents([dealMoved('D2', 'lost')]);

    expect(received.map((event) => event.detail.entityId)).toEqual(['D2']);
  });

  it('stops delivering to a deleted rule', async () => {
    const bus = quickBus();
    const { received, target } = collector();
    bus.putRule({ name: 'won', pattern: wonDeals, target, enabled: true });
    bus.deleteRule('won');

    await bus.putEvents([dealMoved()]);

    expect(received).toEqual([]);
  });
});

describe('delivery', () => {
  it('retries a failing target and records the delivery once it succeeds', async () => {
    const bus = quickBus();
    let calls = 0;
    bus.putRule({
      name: 'flaky',
      pattern: wonDeals,
      enabled: true,
      target: async () => {
        calls += 1;
        if (calls === 1) throw new Error('transient');
      },
    });

    await bus.putEvents([dealMoved()]);

    expect(bus.recent(1)[0]?.deliveries).toEqual([{ rule: 'flaky', status: 'delivered', attempts: 2 }]);
  });

  it('records a target that keeps failing, without failing the publisher', async () => {
    const bus = createLocalEventBus({ logger: silentLogger, retryDelayMs: 1, targetAttempts: 3 });
    bus.putRule({ name: 'broken', pattern: wonDeals, enabled: true, target: async () => Promise.reject(new Error('boom')) });

    const result = await bus.putEvents([dealMoved()]);

    expect(result).toEqual({ failed: [] });
    expect(bus.recent(1)[0]?.deliveries).toEqual([{ rule: 'broken', status: 'failed', attempts: 3, error: 'boom' }]);
  });

  it('gives up on an attempt that never settles', async () => {
    const bus = createLocalEventBus({ logger: silentLogger, retryDelayMs: 1, targetAttempts: 1, attemptTimeoutMs: 20 });
    bus.putRule({ name: 'stuck', pattern: wonDeals, enabled: true, target: () => new Promise(() => {}) });

    await bus.putEvents([dealMoved()]);

    expect(bus.recent(1)[0]?.deliveries[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/did not settle/) });
  });

  it('gives a rule with a time of its own that time, not the bus’s', async () => {
    const bus = createLocalEventBus({ logger: silentLogger, retryDelayMs: 1, targetAttempts: 1, attemptTimeoutMs: 20 });
    bus.putRule({ name: 'slow', pattern: wonDeals, enabled: true, target: () => new Promise((resolve) => setTimeout(resolve, 100)), attemptTimeoutMs: 5_000 });
    bus.putRule({ name: 'stuck', pattern: wonDeals, enabled: true, target: () => new Promise(() => {}), attemptTimeoutMs: 30 });

    await bus.putEvents([dealMoved()]);

    expect(bus.recent(1)[0]?.deliveries).toEqual([
      expect.objectContaining({ rule: 'slow', status: 'delivered' }),
      expect.objectContaining({ rule: 'stuck', status: 'failed', error: 'target did not settle within 30 ms' }),
    ]);
  });

  it('hands each target its own copy of the event', async () => {
    const bus = quickBus();
    const { received, target } = collector();
    bus.putRule({
      name: 'vandal',
      pattern: wonDeals,
      enabled: true,
      target: async (event) => {
        event.detail.entityId = 'changed';
      },
    });
    bus.putRule({ name: 'reader', pattern: wonDeals, target, enabled: true });

    await bus.putEvents([dealMoved()]);

    expect(bus.recent(1)[0]?.event.detail.entityId).toBe('D1');
    expect(received[0]?.detail.entityId).toBe('D1');
  });
});

describe('PutEvents limits', () => {
  it('refuses more than 10 entries in one call, as EventBridge does', async () => {
    const bus = quickBus();

    await expect(bus.putEvents(Array.from({ length: 11 }, (_, index) => dealMoved(`D${index}`)))).rejects.toThrow(/at most 10/);
  });

  it('refuses a call over 256 KB', async () => {
    const bus = quickBus();
    const huge: BusEvent = { ...dealMoved(), detail: { note: 'x'.repeat(300 * 1024) } };

    await expect(bus.putEvents([huge])).rejects.toThrow(/bytes/);
  });

  it('reports an entry whose detail is no JSON by its index', async () => {
    const bus = quickBus();

    const result = await bus.putEvents([dealMoved(), { ...dealMoved(), detail: { amount: 10n } }]);

    expect(result.failed).toEqual([{ index: 1, errorCode: 'MalformedDetail', errorMessage: expect.any(String) }]);
  });
});

describe('recent events', () => {
  it('lists the latest events newest first, each with the rules it matched', async () => {
    const bus = quickBus();
    bus.putRule({ name: 'won', pattern: wonDeals, target: async () => {}, enabled: true });

    await bus.putEvents([dealMoved('D1', 'won'), dealMoved('D2', 'lost'), dealMoved('D3', 'won')]);

    expect(bus.recent(2).map((record) => [record.event.detail.entityId, record.matchedRules])).toEqual([
      ['D3', ['won']],
      ['D2', []],
    ]);
  });

  it('keeps only the latest `keep` events', async () => {
    const bus = createLocalEventBus({ logger: silentLogger, keep: 3 });

    for (let index = 0; index < 5; index++) await bus.putEvents([dealMoved(`D${index}`)]);

    expect(bus.recent(10).map((record) => record.event.detail.entityId)).toEqual(['D4', 'D3', 'D2']);
  });
});
