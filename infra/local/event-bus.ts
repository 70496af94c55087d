// EventBridge on one machine: PutEvents with EventBridge's limits, rules matched by the
// project's pattern matcher, targets retried, and the latest events kept for GET /local/events.
import { randomUUID } from 'node:crypto';
import { type EventPattern, compileMatcher } from '#shared/events/pattern.ts';
import { MAX_ENTRIES_PER_PUT, MAX_PUT_BYTES, entrySize } from '#shared/events/publish.ts';
import type { BusEvent, Clock, EventBus, Logger, PutEventsResult } from '#shared/ports.ts';
import { localRegion } from './dynamodb-local.ts';

export const LOCAL_ACCOUNT = '000000000000';

/** An event as EventBridge hands it to rules and targets. */
export interface EventEnvelope {
  version: '0';
  id: string;
  source: string;
  'detail-type': string;
  account: string;
  region: string;
  time: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface LocalRule {
  name: string;
  pattern: EventPattern;
  target: (event: EventEnvelope) => Promise<unknown>;
  enabled: boolean;
  /** This rule's attempt timeout, when it is not the bus's (`attemptTimeoutMs`). */
  attemptTimeoutMs?: number;
}

export interface Delivery {
  rule: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  error?: string;
}

export interface BusRecord {
  event: EventEnvelope;
  receivedAt: string;
  matchedRules: string[];
  deliveries: Delivery[];
}

export interface LocalEventBusOptions {
  logger: Logger;
  clock?: Clock;
  /** @default 1000 — how many events `recent` remembers. */
  keep?: number;
  /** @default 3 — attempts per target before the delivery is recorded as failed. */
  targetAttempts?: number;
  /** @default 50 — wait before the first retry; doubles each time. */
  retryDelayMs?: number;
  /** @default 30000 — an attempt that has not settled by then counts as failed. */
  attemptTimeoutMs?: number;
}

export interface LocalEventBus extends EventBus {
  /** Adds or replaces a rule (by name); refuses a pattern PutRule would refuse. */
  putRule(rule: LocalRule): void;
  deleteRule(name: string): boolean;
  setRuleEnabled(name: string, enabled: boolean): void;
  rules(): LocalRule[];
  /** The latest events, newest first, each with the rules it matched and how delivery went. */
  recent(limit?: number): BusRecord[];
}

/** EventBridge's `time` has whole seconds. */
const eventTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class LocalValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

export function createLocalEventBus(options: LocalEventBusOptions): LocalEventBus {
  const { logger } = options;
  const keep = options.keep ?? 1000;
  const attempts = options.targetAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 50;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 30_000;
  const now = () => options.clock?.now() ?? new Date();
  const rules = new Map<string, LocalRule>();
  const history: BusRecord[] = [];
  // Each rule's pattern compiled once (again only if the rule's pattern is replaced), not per event.
  const matchers = new WeakMap<LocalRule, { pattern: EventPattern; matches: (event: unknown) => boolean }>();

  function matcherOf(rule: LocalRule): (event: unknown) => boolean {
    let matcher = matchers.get(rule);
    if (matcher?.pattern !== rule.pattern) {
      matcher = { pattern: rule.pattern, matches: compileMatcher(rule.pattern) };
      matchers.set(rule, matcher);
    }
    return matcher.matches;
  }

  async function attempt(rule: LocalRule, event: EventEnvelope): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limitMs = rule.attemptTimeoutMs ?? attemptTimeoutMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`target did not settle within ${limitMs} ms`)), limitMs);
    });
    try {
      await Promise.race([rule.target(structuredClone(event)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Like EventBridge: retried with backoff, then recorded as failed; never thrown at the publisher. */
  async function deliver(rule: LocalRule, event: EventEnvelope, delivery: Delivery): Promise<void> {
    for (;;) {
      delivery.attempts += 1;
      try {
        await attempt(rule, event);
        delivery.status = 'delivered';
        delete delivery.error;
        return;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
        if (delivery.attempts >= attempts) {
          delivery.status = 'failed';
          logger.error('event delivery failed', { rule: rule.name, eventId: event.detail.eventId, detailType: event['detail-type'], error: delivery.error });
          return;
        }
        await sleep(retryDelayMs * 2 ** (delivery.attempts - 1));
      }
    }
  }

  function remember(record: BusRecord): void {
    history.push(record);
    if (history.length > keep) history.splice(0, history.length - keep);
  }

  function matchingRules(event: EventEnvelope): LocalRule[] {
    return [...rules.values()].filter((rule) => {
      if (!rule.enabled) return false;
      try {
        return matcherOf(rule)(event);
      } catch (error) {
        logger.error('rule pattern failed to match', { rule: rule.name, error: String(error) });
        return false;
      }
    });
  }

  return {
    /**
     * Accepts the events and waits until each matched target has settled (delivered or
     * given up). Unlike EventBridge, the local bus keeps nothing on disk, so holding the
     * publisher until delivery is what keeps an event from being lost when the process
     * stops: the stream checkpoint only moves past events that reached their targets.
     */
    async putEvents(events: BusEvent[]): Promise<PutEventsResult> {
      if (events.length > MAX_ENTRIES_PER_PUT) throw new LocalValidationError(`PutEvents takes at most ${MAX_ENTRIES_PER_PUT} entries, got ${events.length}`);
      const failed: PutEventsResult['failed'] = [];
      const accepted: Array<{ entry: BusEvent; detail: Record<string, unknown> }> = [];
      events.forEach((entry, index) => {
        try {
          // What EventBridge would receive: JSON, so no shared references and no Dates.
          const detail = JSON.parse(JSON.stringify(entry.detail)) as unknown;
          if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new Error('detail is not a JSON object');
          accepted.push({ entry, detail: detail as Record<string, unknown> });
        } catch (error) {
          failed.push({ index, errorCode: 'MalformedDetail', errorMessage: String(error) });
        }
      });
      const total = accepted.reduce((sum, { entry }) => sum + entrySize(entry), 0);
      if (total > MAX_PUT_BYTES) throw new LocalValidationError(`PutEvents entries add up to ${total} bytes, over ${MAX_PUT_BYTES}`);
      const deliveries: Promise<void>[] = [];
      for (const { entry, detail } of accepted) {
        const receivedAt = now();
        const event: EventEnvelope = {
          version: '0',
          id: randomUUID(),
          source: entry.source,
          'detail-type': entry.detailType,
          account: LOCAL_ACCOUNT,
          region: localRegion,
          time: eventTime(entry.time ?? receivedAt),
          resources: [],
          detail,
        };
        const matched = matchingRules(event);
        const record: BusRecord = {
          event,
          receivedAt: receivedAt.toISOString(),
          matchedRules: matched.map((rule) => rule.name),
          deliveries: matched.map((rule) => ({ rule: rule.name, status: 'pending', attempts: 0 })),
        };
        remember(record);
        for (const [ruleIndex, rule] of matched.entries()) deliveries.push(deliver(rule, event, record.deliveries[ruleIndex]!));
      }
      await Promise.all(deliveries);
      return { failed };
    },

    putRule(rule) {
      matcherOf(rule); // refuses an invalid pattern, as PutRule does
      rules.set(rule.name, rule);
    },

    deleteRule(name) {
      return rules.delete(name);
    },

    setRuleEnabled(name, enabled) {
      const rule = rules.get(name);
      if (!rule) throw new Error(`No rule ${name} on the local bus`);
      rule.enabled = enabled;
    },

    rules: () => [...rules.values()],

    recent(limit = 50) {
      return limit > 0 ? history.slice(-limit).reverse() : [];
    },
  };
}
