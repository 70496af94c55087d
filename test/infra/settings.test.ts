import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { settingsFromContext } from '#infra/stack.ts';
import { cdkJsonContext } from './stagecraft-app.ts';

const settingsOf = (context: Record<string, unknown>) => settingsFromContext(new App({ context: { ...cdkJsonContext, ...context } }));

describe('cdk.json context defaults', () => {
  it('deploys stage dev, 30 days of logs, no CORS origin and no alarm subscription', () => {
    const settings = settingsFromContext(new App({ context: cdkJsonContext }));

    expect(settings).toEqual({
      stage: 'dev',
      sesSender: 'stagecraft@example.com',
      corsOrigins: [],
      logRetention: RetentionDays.ONE_MONTH,
      eventPatternMaxLength: 2048,
      consoleFilesOnDelete: 'destroy',
    });
  });
});

describe('overrides on the command line (-c key=value arrive as strings)', () => {
  it('reads comma-separated CORS origins and a numeric retention', () => {
    const settings = settingsOf({ stage: 'prod', corsOrigins: 'https://crm.example.com, http://localhost:5173', logRetentionDays: '90' });

    expect(settings.stage).toBe('prod');
    expect(settings.corsOrigins).toEqual(['https://crm.example.com', 'http://localhost:5173']);
    expect(settings.logRetention).toBe(RetentionDays.THREE_MONTHS);
  });

  it('keeps the console files of the prod stage when the stack is deleted, unless told otherwise', () => {
    expect(settingsOf({ stage: 'prod' }).consoleFilesOnDelete).toBe('retain');
    expect(settingsOf({ stage: 'prod', consoleFilesOnDelete: 'destroy' }).consoleFilesOnDelete).toBe('destroy');
    expect(settingsOf({ stage: 'test', consoleFilesOnDelete: 'retain' }).consoleFilesOnDelete).toBe('retain');
  });

  it('refuses a console removal choice it does not know, naming the key', () => {
    expect(() => settingsOf({ consoleFilesOnDelete: 'keep' })).toThrow(/consoleFilesOnDelete/);
  });

  it('reads a raised event pattern quota', () => {
    expect(settingsOf({ eventPatternMaxLength: '4096' }).eventPatternMaxLength).toBe(4096);
  });

  it('subscribes the alarm e-mail only when one is given', () => {
    expect(settingsOf({ alarmEmail: 'ops@example.com' }).alarmEmail).toBe('ops@example.com');
    expect(settingsOf({ alarmEmail: '' })).not.toHaveProperty('alarmEmail');
  });
});

describe('values that would make a broken stack stop the synthesis, naming the key', () => {
  it.each([
    [{ stage: 'Prod' }, /context stage/],
    [{ stage: 'a-stage-name-that-is-far-too-long' }, /context stage/],
    [{ sesSender: 'example.com' }, /context sesSender/],
    [{ corsOrigins: 'https://crm.example.com/app' }, /context corsOrigins/],
    [{ logRetentionDays: '45' }, /context logRetentionDays/],
    [{ eventPatternMaxLength: '1000' }, /context eventPatternMaxLength/],
  ])('%o', (context, message) => {
    expect(() => settingsOf(context)).toThrow(message);
  });
});
