// EventBridge event-pattern semantics: every example from the user guide's event-pattern pages with a matching
// and a non-matching event, Event Ruler edge cases, and the patterns PutRule refuses.

import { describe, expect, it } from 'vitest';
import {
  assertValidPattern,
  type EventPattern,
  InvalidPatternError,
  matchesPattern,
  validatePattern,
} from '#shared/events/pattern.ts';

// Event from the "Event patterns" page.
const ec2TerminationEvent = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// Event from the "null values and empty strings" page.
const autoScalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

// Truncated Macie event from the "Value matching" example.
const macieEvent = {
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  detail: {
    'notification-type': 'ALERT_CREATED',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
};

function eventWithDetail(detail: unknown, overrides: Record<string, unknown> = {}) {
  return { ...ec2TerminationEvent, ...overrides, detail };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('matchesPattern: "Event patterns" page', () => {
  const terminationPattern = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };

  it('matches the instance-termination example and ignores fields the pattern does not name', () => {
    // Prepare
    const event = ec2TerminationEvent;

    // Act
    const matched = matchesPattern(terminationPattern, event);

    // Assess
    expect(matched).toBe(true);
  });

  it.each([
    ['another state', { ...ec2TerminationEvent, detail: { state: 'running' } }],
    ['another source', { ...ec2TerminationEvent, source: 'aws.s3' }],
    ['no detail-type field', { ...ec2TerminationEvent, 'detail-type': undefined }],
    ['a detail-type in another case', { ...ec2TerminationEvent, 'detail-type': 'ec2 instance state-change notification' }],
  ])('does not match the instance-termination example with %s', (_, event) => {
    // Prepare
    const pattern = terminationPattern;

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(false);
  });

  it.each([
    ['aws.ec2', true],
    ['aws.fargate', true],
    ['aws.s3', false],
  ])('matches any value listed for a field: source %s -> %s', (source, expected) => {
    // Prepare
    const pattern = { source: ['aws.ec2', 'aws.fargate'] };

    // Act
    const matched = matchesPattern(pattern, { ...ec2TerminationEvent, source });

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['null', null, true],
    ['an object', {}, false],
    ['a string', 'null', false],
  ])('field matching on responseElements [null] with %s -> %s', (_, responseElements, expected) => {
    // Prepare
    const pattern = {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    };

    // Act
    const matched = matchesPattern(pattern, { ...autoScalingEvent, detail: { responseElements } });

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['risk-score 80 and trigger risk 8', macieEvent.detail, true],
    ['trigger risk 7', { ...macieEvent.detail, trigger: { risk: 7 } }, false],
    ['risk-score as the string "80"', { ...macieEvent.detail, 'risk-score': '80' }, false],
  ])('value matching on the Macie example with %s -> %s', (_, detail, expected) => {
    // Prepare
    const pattern = {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    };

    // Act
    const matched = matchesPattern(pattern, { ...macieEvent, detail });

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['number pattern, string value', [5], '5'],
    ['string pattern, number value', ['5'], 5],
    ['string pattern, boolean value', ['true'], true],
    ['boolean pattern, string value', [false], 'false'],
  ])('never matches across JSON types (%s)', (_, values, value) => {
    // Prepare
    const pattern = { detail: { field: values } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ field: value }));

    // Assess
    expect(matched).toBe(false);
  });

  it('matches booleans exactly', () => {
    // Prepare
    const pattern = { detail: { enabled: [true] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ enabled: true }));

    // Assess
    expect(matched).toBe(true);
  });
});

describe('matchesPattern: null values and empty strings', () => {
  it.each([
    ['[""] against ""', [''], { eventVersion: '' }, true],
    ['[""] against null', [''], { eventVersion: null }, false],
    ['[null] against null', [null], { eventVersion: null }, true],
    ['[null] against ""', [null], { eventVersion: '' }, false],
    ['[null] against a missing field', [null], {}, false],
  ])('%s -> %s', (_, values, detail, expected) => {
    // Prepare
    const pattern = { detail: { eventVersion: values } };

    // Act
    const matched = matchesPattern(pattern, { ...autoScalingEvent, detail });

    // Assess
    expect(matched).toBe(expected);
  });

  it('does not match [null] against an empty event array', () => {
    // Prepare
    const pattern = { resources: [null] };

    // Act
    const matched = matchesPattern(pattern, autoScalingEvent);

    // Assess
    expect(matched).toBe(false);
  });
});

describe('matchesPattern: arrays', () => {
  const resourcesPattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };

  it('matches when the pattern values and the event array intersect', () => {
    // Prepare
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };

    // Act
    const matched = matchesPattern(resourcesPattern, event);

    // Assess
    expect(matched).toBe(true);
  });

  it('does not match when the pattern values and the event array are disjoint', () => {
    // Prepare
    const event = { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] };

    // Act
    const matched = matchesPattern(resourcesPattern, event);

    // Assess
    expect(matched).toBe(false);
  });

  const employees = [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ];

  it.each([
    ['one field of an array element', { employees: { firstName: ['Anna'] } }, { employees }, true],
    ['elements of nested arrays', { employees: { firstName: ['Anna'] } }, { employees: [employees.slice(0, 2), employees.slice(2)] }, true],
    ['two fields of the same element', { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, { employees }, true],
    ['two fields from different elements', { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, { employees }, false],
  ])('array-consistent matching: %s -> %s', (_, pattern, event, expected) => {
    // Prepare
    const subject = event;

    // Act
    const matched = matchesPattern(pattern, subject);

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('matchesPattern: prefix, suffix and equals-ignore-case', () => {
  it.each([
    ['time { prefix: "2017-10-02" }', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' }, true],
    ['time { prefix: "2017-10-02" }', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' }, false],
    ['prefix on a number', { time: [{ prefix: '2017' }] }, { time: 20171002 }, false],
    ['prefix equals-ignore-case "EventB"', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'EVENTBRIDGE' } }, true],
    ['prefix equals-ignore-case "EventB"', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'eventbus' } }, true],
    ['prefix equals-ignore-case "EventB"', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'AWS EventBridge' } }, false],
    ['FileName { suffix: ".png" }', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
    ['FileName { suffix: ".png" }', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' }, false],
    ['FileName { suffix: ".png" }', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png.txt' }, false],
    ['suffix equals-ignore-case ".png"', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { FileName: 'IMAGE.PNG' } }, true],
    ['suffix equals-ignore-case ".png"', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { FileName: 'image.jpg' } }, false],
    ['service ends with "tBridge" ignoring case', { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] }, { service: 'EVENTBRIDGE' }, true],
    ['detail-type equals-ignore-case', { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, { 'detail-type': 'EC2 Instance State-change Notification' }, true],
    ['detail-type equals-ignore-case', { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, { 'detail-type': 'EC2 Instance Launch Successful' }, false],
    ['Name equals-ignore-case "alice"', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' }, true],
  ])('%s against %j -> %s', (_, pattern, event, expected) => {
    // Prepare
    const subject = event;

    // Act
    const matched = matchesPattern(pattern, subject);

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('matchesPattern: anything-but', () => {
  it.each([
    ['a string', 'initializing', 'running', true],
    ['a string', 'initializing', 'initializing', false],
    ['a string', 'initializing', null, true],
    ['a string', 'initializing', 5, true],
    ['a number', 123, 124, true],
    ['a number', 123, 123, false],
    ['a number', 123, '123', true],
    ['a list of strings', ['stopped', 'overloaded'], 'running', true],
    ['a list of strings', ['stopped', 'overloaded'], 'overloaded', false],
    ['a list of numbers', [100, 200, 300], 150, true],
    ['a list of numbers', [100, 200, 300], 200, false],
    ['a prefix', { prefix: 'init' }, 'running', true],
    ['a prefix', { prefix: 'init' }, 'initializing', false],
    ['a prefix', { prefix: 'init' }, 12, true],
    ['a list of prefixes', { prefix: ['init', 'stop'] }, 'stopped', false],
    ['a suffix', { suffix: '.txt' }, 'notes.png', true],
    ['a suffix', { suffix: '.txt' }, 'notes.txt', false],
    ['a list of suffixes', { suffix: ['.txt', '.md'] }, 'README.md', false],
    ['equals-ignore-case', { 'equals-ignore-case': 'initializing' }, 'running', true],
    ['equals-ignore-case', { 'equals-ignore-case': 'initializing' }, 'INITIALIZING', false],
    ['an equals-ignore-case list', { 'equals-ignore-case': ['initializing', 'stopped'] }, 'Stopped', false],
    ['a wildcard', { wildcard: '*/lib/*' }, '/usr/bin/node', true],
    ['a wildcard', { wildcard: '*/lib/*' }, '/usr/lib/node', false],
    ['a list of wildcards', { wildcard: ['*/lib/*', '*/bin/*'] }, '/usr/bin/node', false],
    ['an empty wildcard', { wildcard: '' }, 'dir/init/file', true],
  ])('anything-but %s (%j) against %j -> %s', (_, operand, value, expected) => {
    // Prepare
    const pattern = { detail: { state: [{ 'anything-but': operand }] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ state: value }));

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['a string', 'initializing'],
    ['a number', 123],
    ['a list', ['stopped', 'overloaded']],
    ['a prefix', { prefix: 'init' }],
    ['a suffix', { suffix: '.txt' }],
    ['equals-ignore-case', { 'equals-ignore-case': 'initializing' }],
    ['a wildcard', { wildcard: '*/lib/*' }],
  ])('anything-but %s never matches a missing field (the automation loop guard relies on it)', (_, operand) => {
    // Prepare
    const pattern = { detail: { state: [{ 'anything-but': operand }] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({}));

    // Assess
    expect(matched).toBe(false);
  });

  it.each([
    [['initializing', 'running'], true],
    [['initializing'], false],
  ])('anything-but against the event array %j -> %s', (state, expected) => {
    // Prepare
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ state }));

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['present and not excluded', { homemade: { S: 'ABCD' } }, true],
    ['absent (exists:false takes it)', { purchased: { N: '789' } }, true],
    ['present and excluded', { homemade: { S: 'roses' } }, false],
  ])('anything-but or exists:false on one field: %s -> %s', (_, newImage, expected) => {
    // Prepare
    const pattern = { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } };

    // Act
    const matched = matchesPattern(pattern, { dynamodb: { NewImage: newImage } });

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('matchesPattern: numeric', () => {
  const numericPattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  const numericDetail = { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 };

  it('matches the numeric example when every field is in range', () => {
    // Prepare
    const event = eventWithDetail(numericDetail);

    // Act
    const matched = matchesPattern(numericPattern, event);

    // Assess
    expect(matched).toBe(true);
  });

  it.each([
    ['c-count 0', { 'c-count': 0 }],
    ['c-count 6', { 'c-count': 6 }],
    ['d-count 10', { 'd-count': 10 }],
    ['x-limit 301.9', { 'x-limit': 301.9 }],
    ['c-count as the string "5"', { 'c-count': '5' }],
  ])('does not match the numeric example with %s', (_, change) => {
    // Prepare
    const event = eventWithDetail({ ...numericDetail, ...change });

    // Act
    const matched = matchesPattern(numericPattern, event);

    // Assess
    expect(matched).toBe(false);
  });

  it.each([
    [['=', 100], 100, true],
    [['=', 100], 100.5, false],
    [['<', 10], 9.999999, true],
    [['<', 10], 10, false],
    [['<=', 10], 10, true],
    [['>', 10], 10, false],
    [['>', 10], 10.5, true],
    [['>=', 10], 10, true],
    [['>=', 10], 9, false],
    [['>=', 0, '<', 1], 0, true],
    [['>=', 0, '<', 1], 1, false],
    [['>', 10, '<=', 20], 20, true],
    [['>', 0], 6e9, false],
    [['<', 10], null, false],
  ])('numeric %j against %j -> %s', (terms, value, expected) => {
    // Prepare
    const pattern = { detail: { Price: [{ numeric: terms }] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ Price: value }));

    // Assess
    expect(matched).toBe(expected);
  });

  it('matches when any element of an event array is in range', () => {
    // Prepare
    const pattern = { detail: { sizes: [{ numeric: ['<', 10] }] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ sizes: [50, 5] }));

    // Assess
    expect(matched).toBe(true);
  });
});

describe('matchesPattern: IP addresses', () => {
  it.each([
    ['10.0.0.0/24', '10.0.0.0', true],
    ['10.0.0.0/24', '10.0.0.255', true],
    ['10.0.0.0/24', '10.0.1.0', false],
    ['10.0.0.0/24', 'not-an-ip', false],
    ['10.0.0.0/24', 167772161, false],
    ['10.0.0.77/24', '10.0.0.1', true],
    ['10.0.0.0/8', '2001:db8::1', false],
    ['2001:db8:1234:1a00::/64', '2001:db8:1234:1a00::1', true],
    ['2001:db8:1234:1a00::/64', '2001:0db8:1234:1a00:ffff:ffff:ffff:ffff', true],
    ['2001:db8:1234:1a00::/64', '2001:db8:1234:1a01::1', false],
    ['2001:db8:1234:1a00::/64', '10.0.0.1', false],
  ])('cidr %s against %j -> %s', (cidr, address, expected) => {
    // Prepare
    const pattern = { detail: { sourceIPAddress: [{ cidr }] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ sourceIPAddress: address }));

    // Assess
    expect(matched).toBe(expected);
  });

  it('treats a plain IPv6 value as an address, so another spelling of it matches', () => {
    // Prepare
    const pattern = { detail: { sourceIPAddress: ['2001:db8::1'] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ sourceIPAddress: '2001:0db8:0:0:0:0:0:0001' }));

    // Assess
    expect(matched).toBe(true);
  });
});

describe('matchesPattern: exists', () => {
  it.each([
    ['true', 'a leaf value', { state: 'pending' }, true],
    ['true', 'a missing field', { 'c-count': { c1: 100 } }, false],
    ['true', 'null', { state: null }, true],
    ['true', 'an object (not a leaf)', { state: { code: 16 } }, false],
    ['true', 'an empty array', { state: [] }, false],
    ['false', 'a missing field', { instance: 'i-1' }, true],
    ['false', 'an object (not a leaf)', { state: { c1: 100 } }, true],
    ['false', 'a leaf value', { state: 'pending' }, false],
    ['false', 'an empty array', { state: [] }, true],
  ])('exists:%s against %s -> %s', (exists, _, detail, expected) => {
    // Prepare
    const pattern = { detail: { state: [{ exists: exists === 'true' }] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail(detail));

    // Assess
    expect(matched).toBe(expected);
  });

  it('exists:false does not match a deep leaf that is present', () => {
    // Prepare
    const pattern = { detail: { level1: { level2: { level3: { level4: [{ exists: false }] } } } } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ level1: { level2: { level3: { level4: 'l4 value' } } } }));

    // Assess
    expect(matched).toBe(false);
  });

  it.each([
    ['true', [{ key1: 'value1' }, { id: 'match-does-exist' }], true],
    ['true', [{ key1: 'value1' }], false],
    ['false', [{ key1: 'value1' }, { id: 'match-does-exist' }], false],
    ['false', [{ key1: 'value1' }], true],
    ['false', [], true],
  ])('exists:%s on a field of array elements %j -> %s', (exists, automations, expected) => {
    // Prepare
    const pattern = { detail: { automations: { id: [{ exists: exists === 'true' }] } } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ automations }));

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('matchesPattern: wildcard', () => {
  it.each([
    ['arn:aws:events:us-east-1:*:event-bus/*', 'arn:aws:events:us-east-1:123456789012:event-bus/default', true],
    ['arn:aws:events:us-east-1:*:event-bus/*', 'arn:aws:events:us-west-2:123456789012:event-bus/default', false],
    ['dir/*.png', 'dir/a.png', true],
    ['dir/*.png', 'dir/sub/a.png', true],
    ['dir/*.png', 'dir/.png', true],
    ['dir/*.png', 'other/a.png', false],
    ['dir/*.png', 'dir/a.jpg', false],
    ['dir/*.png', 'DIR/a.png', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a\\\\b', 'a\\b', true],
    ['*', '', true],
    ['*', 5, false],
  ])('wildcard %j against %j -> %s', (wildcard, value, expected) => {
    // Prepare
    const pattern = { detail: { FileName: [{ wildcard }] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail({ FileName: value }));

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('matchesPattern: $or', () => {
  const numericBranches = [
    { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
    { 'd-count': [{ numeric: ['<', 10] }] },
    { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
  ];

  it.each([
    ['only d-count in range', { 'c-count': 9, 'd-count': 3, 'x-limit': 1 }, true],
    ['no branch in range', { 'c-count': 9, 'd-count': 11, 'x-limit': 1 }, false],
  ])('a $or inside detail with %s -> %s', (_, detail, expected) => {
    // Prepare
    const pattern = { detail: { $or: numericBranches } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail(detail));

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['Location "New York"', { Location: 'New York', Day: 'Friday' }, true],
    ['Day "Monday"', { Location: 'Boston', Day: 'Monday' }, true],
    ['neither', { Location: 'Boston', Day: 'Friday' }, false],
  ])('a top-level $or with %s -> %s', (_, event, expected) => {
    // Prepare
    const pattern = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  const andInsideOr = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
      { scope: ['Service'] },
    ],
  };

  it.each([
    ['the and-branch complete', { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' }, true],
    ['half of the and-branch', { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, false],
    ['a branch but the wrong source', { source: 'aws.ec2', scope: 'Service' }, false],
  ])('a $or beside a field, holding an and, with %s -> %s', (_, event, expected) => {
    // Prepare
    const pattern = andInsideOr;

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['the nested $or satisfied', { metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }, true],
    ['the nested $or unsatisfied', { metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1001 }, false],
  ])('a $or nested inside a $or branch with %s -> %s', (_, event, expected) => {
    // Prepare
    const pattern = {
      $or: [
        { metricName: ['CPUUtilization'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
      ],
    };

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('matchesPattern: the complex example', () => {
  const complexPattern = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
    },
  };
  const complexDetail = { state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 };

  it('matches when every combined condition holds', () => {
    // Prepare
    const event = eventWithDetail(complexDetail, { time: '2017-10-02T16:24:49Z' });

    // Act
    const matched = matchesPattern(complexPattern, event);

    // Assess
    expect(matched).toBe(true);
  });

  it.each([
    ['state initializing', { state: 'initializing' }, '2017-10-02T16:24:49Z'],
    ['x-limit 200', { 'x-limit': 200 }, '2017-10-02T16:24:49Z'],
    ['another day', {}, '2017-10-03T16:24:49Z'],
  ])('does not match when one condition fails: %s', (_, change, time) => {
    // Prepare
    const event = eventWithDetail({ ...complexDetail, ...change }, { time });

    // Act
    const matched = matchesPattern(complexPattern, event);

    // Assess
    expect(matched).toBe(false);
  });
});

describe('matchesPattern: robustness', () => {
  it.each([
    [{ constructor: [{ exists: true }] }, false],
    [{ toString: [{ exists: false }] }, true],
  ])('reads only the event\'s own fields, never Object.prototype: %j -> %s', (pattern, expected) => {
    // Prepare
    const event = {};

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  it('treats a scalar where the pattern expects an object as having no fields', () => {
    // Prepare
    const pattern = { detail: { state: ['running'] } };

    // Act
    const matched = matchesPattern(pattern, eventWithDetail('running'));

    // Assess
    expect(matched).toBe(false);
  });

  it('throws InvalidPatternError rather than matching with an invalid pattern', () => {
    // Prepare
    const pattern = { detail: { state: 'running' } };

    // Act
    const act = () => matchesPattern(pattern, eventWithDetail({ state: 'running' }));

    // Assess
    expect(act).toThrow(InvalidPatternError);
  });
});

describe('validatePattern', () => {
  const documentedPatterns: Array<[string, EventPattern]> = [
    ['instance termination', { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }],
    ['null and empty string', { detail: { responseElements: [null], eventVersion: [''] } }],
    ['numbers and booleans', { detail: { 'risk-score': [80], enabled: [true, false] } }],
    ['prefix', { time: [{ prefix: '2017-10-02' }] }],
    ['prefix ignoring case', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }],
    ['suffix ignoring case', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }],
    ['equals-ignore-case', { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }],
    ['anything-but values', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }], 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }],
    ['anything-but operators', { a: [{ 'anything-but': { prefix: ['init', 'stop'] } }], b: [{ 'anything-but': { wildcard: '*/lib/*' } }], c: [{ 'anything-but': { 'equals-ignore-case': ['x'] } }] }],
    ['numeric', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'x-limit': [{ numeric: ['=', 3.018e2] }], y: [{ numeric: ['>=', -5e9, '<', 0.000001] }] } }],
    ['cidr', { detail: { a: [{ cidr: '10.0.0.0/24' }], b: [{ cidr: '2001:db8:1234:1a00::/64' }] } }],
    ['exists', { detail: { state: [{ exists: true }], 'c-count': [{ exists: false }] } }],
    ['wildcard', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }], path: [{ wildcard: 'a\\*b\\\\c' }] }],
    ['$or at the top', { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }],
    ['$or nested in $or', { $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: [3] }, { d: [{ exists: false }] }] }] }],
    ['operator names as plain fields outside $or', { detail: { prefix: ['x'], numeric: [1] } }],
  ];

  it.each(documentedPatterns)('accepts the %s pattern', (_, pattern) => {
    // Prepare
    const subject: unknown = pattern;

    // Act
    const result = validatePattern(subject);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it.each([
    ['an array as the pattern', [], '(root)'],
    ['null as the pattern', null, '(root)'],
    ['a string as the pattern', '{"source":["a"]}', '(root)'],
    ['an empty pattern', {}, '(root)'],
    ['a leaf that is a string', { source: 'aws.ec2' }, 'source'],
    ['a leaf that is a number', { detail: { int: 42 } }, 'detail.int'],
    ['an empty leaf array', { resources: [] }, 'resources'],
    ['an empty nested object', { detail: {} }, 'detail'],
    ['an array inside a leaf', { a: [['x']] }, 'a[0]'],
    ['a non-finite number', { a: [Number.NaN] }, 'a[0]'],
    ['an empty operator object', { a: [{}] }, 'a[0]'],
    ['an operator object with two keys', { a: [{ prefix: 'x', suffix: 'y' }] }, 'a[0]'],
    ['an unknown operator', { a: [{ foo: 1 }] }, 'a[0].foo'],
    ['an operator in the wrong case', { my_key: [{ EXISTS: true }] }, 'my_key[0].EXISTS'],
    ['prefix with a number', { time: [{ prefix: 123 }] }, 'time[0].prefix'],
    ['prefix with a list', { time: [{ prefix: ['2022-07-13'] }] }, 'time[0].prefix'],
    ['prefix with an unknown inner operator', { a: [{ prefix: { suffix: 'x' } }] }, 'a[0].prefix'],
    ['prefix equals-ignore-case with a number', { a: [{ prefix: { 'equals-ignore-case': 1 } }] }, 'a[0].prefix.equals-ignore-case'],
    ['suffix with a list', { FileName: [{ suffix: ['.png'] }] }, 'FileName[0].suffix'],
    ['equals-ignore-case with a list', { a: [{ 'equals-ignore-case': ['x'] }] }, 'a[0].equals-ignore-case'],
    ['equals-ignore-case with an object', { a: [{ 'equals-ignore-case': { prefix: 'ec2' } }] }, 'a[0].equals-ignore-case'],
    ['wildcard with a number', { a: [{ wildcard: 123 }] }, 'a[0].wildcard'],
    ['wildcard with consecutive stars', { a: [{ wildcard: 'arn:**:bus/*' }] }, 'a[0].wildcard'],
    ['wildcard with an unknown escape', { a: [{ wildcard: 'a\\b' }] }, 'a[0].wildcard'],
    ['numeric that is not an array', { detail: { amount: [{ numeric: '>5' }] } }, 'detail.amount[0].numeric'],
    ['numeric that is empty', { detail: { amount: [{ numeric: [] }] } }, 'detail.amount[0].numeric'],
    ['numeric with an unknown operator', { detail: { amount: [{ numeric: ['!=', 5] }] } }, 'detail.amount[0].numeric'],
    ['numeric with a string operand', { detail: { amount: [{ numeric: ['>', '5'] }] } }, 'detail.amount[0].numeric'],
    ['numeric with a missing operand', { detail: { amount: [{ numeric: ['>', 0, '<'] }] } }, 'detail.amount[0].numeric'],
    ['numeric with two lower bounds', { detail: { amount: [{ numeric: ['>', 0, '>', 0] }] } }, 'detail.amount[0].numeric'],
    ['numeric with an upper bound first', { detail: { amount: [{ numeric: ['<', 5, '>', 1] }] } }, 'detail.amount[0].numeric'],
    ['numeric = with extra terms', { detail: { amount: [{ numeric: ['=', 5, '<', 6] }] } }, 'detail.amount[0].numeric'],
    ['numeric with too many terms', { detail: { amount: [{ numeric: ['>', 0, '<', 5, '<', 6] }] } }, 'detail.amount[0].numeric'],
    ['numeric with an empty range', { detail: { amount: [{ numeric: ['>', 5, '<=', 5] }] } }, 'detail.amount[0].numeric'],
    ['numeric with an inverted range', { detail: { amount: [{ numeric: ['>', 10, '<', 5] }] } }, 'detail.amount[0].numeric'],
    ['numeric beyond 5e9', { detail: { amount: [{ numeric: ['<', 6e9] }] } }, 'detail.amount[0].numeric'],
    ['numeric with seven decimals', { detail: { amount: [{ numeric: ['=', 0.0000001] }] } }, 'detail.amount[0].numeric'],
    ['exists with a string', { a: [{ exists: 'true' }] }, 'a[0].exists'],
    ['cidr with a list', { ip: [{ cidr: ['10.0.0.0/24'] }] }, 'ip[0].cidr'],
    ['cidr without a mask', { ip: [{ cidr: '10.0.0.0' }] }, 'ip[0].cidr'],
    ['cidr with two slashes', { ip: [{ cidr: '10.0.0.0/8/8' }] }, 'ip[0].cidr'],
    ['cidr with a non-integer mask', { ip: [{ cidr: '10.0.0.0/x' }] }, 'ip[0].cidr'],
    ['cidr with a negative mask', { ip: [{ cidr: '10.0.0.0/-1' }] }, 'ip[0].cidr'],
    ['cidr with a bad IPv4 address', { ip: [{ cidr: 'xx.11.xx/24' }] }, 'ip[0].cidr'],
    ['cidr with a bad IPv6 address', { ip: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] }, 'ip[0].cidr'],
    ['cidr with a full IPv4 mask', { ip: [{ cidr: '10.0.0.1/32' }] }, 'ip[0].cidr'],
    ['cidr with a full IPv6 mask', { ip: [{ cidr: '2001:db8::1/128' }] }, 'ip[0].cidr'],
    ['anything-but null', { a: [{ 'anything-but': null }] }, 'a[0].anything-but'],
    ['anything-but a boolean', { a: [{ 'anything-but': true }] }, 'a[0].anything-but'],
    ['anything-but an empty list', { a: [{ 'anything-but': [] }] }, 'a[0].anything-but'],
    ['anything-but mixed strings and numbers', { a: [{ 'anything-but': ['a', 1] }] }, 'a[0].anything-but'],
    ['anything-but a list holding null', { a: [{ 'anything-but': ['a', null] }] }, 'a[0].anything-but[1]'],
    ['anything-but a number beyond 5e9', { a: [{ 'anything-but': [1, 6e9] }] }, 'a[0].anything-but[1]'],
    ['anything-but an empty object', { a: [{ 'anything-but': {} }] }, 'a[0].anything-but'],
    ['anything-but an object with two keys', { a: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }, 'a[0].anything-but'],
    ['anything-but an unsupported operator', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'a[0].anything-but.numeric'],
    ['anything-but an empty prefix', { a: [{ 'anything-but': { prefix: '' } }] }, 'a[0].anything-but.prefix'],
    ['anything-but a numeric suffix', { a: [{ 'anything-but': { suffix: 123 } }] }, 'a[0].anything-but.suffix'],
    ['anything-but a prefix list holding a number', { a: [{ 'anything-but': { prefix: [123, 'test'] } }] }, 'a[0].anything-but.prefix[0]'],
    ['anything-but a prefix ignoring case', { a: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] }, 'a[0].anything-but.prefix'],
    ['anything-but equals-ignore-case a number', { a: [{ 'anything-but': { 'equals-ignore-case': 123 } }] }, 'a[0].anything-but.equals-ignore-case'],
    ['anything-but a bad wildcard', { a: [{ 'anything-but': { wildcard: ['*/ok/*', 'a**'] } }] }, 'a[0].anything-but.wildcard'],
    ['$or with one branch', { $or: [{ a: ['1'] }] }, '$or'],
    ['$or with a non-object branch', { $or: [{ a: ['1'] }, 'b'] }, '$or[1]'],
    ['$or with an empty branch', { detail: { $or: [{ a: ['1'] }, {}] } }, 'detail.$or[1]'],
    ['an operator name as a field inside $or', { detail: { $or: [{ numeric: [1] }, { b: ['2'] }] } }, 'detail.$or[0].numeric'],
  ])('refuses %s, naming %s', (_, pattern, path) => {
    // Prepare
    const subject: unknown = pattern;

    // Act
    const result = validatePattern(subject);

    // Assess
    expect(result).toEqual({ ok: false, errors: [expect.stringMatching(new RegExp(`^${escapeRegExp(path)}: `))] });
  });

  it('reports every invalid part, not only the first', () => {
    // Prepare
    const pattern = { source: 'aws.ec2', detail: { amount: [{ numeric: ['>', 10, '<', 5] }], ip: [{ cidr: '10.0.0.0' }] } };

    // Act
    const result = validatePattern(pattern);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.stringMatching(/^source: /),
        expect.stringMatching(/^detail\.amount\[0\]\.numeric: /),
        expect.stringMatching(/^detail\.ip\[0\]\.cidr: /),
      ],
    });
  });
});

describe('assertValidPattern', () => {
  it('throws InvalidPatternError carrying the errors for an invalid pattern', () => {
    // Prepare
    const pattern: unknown = { detail: { state: [{ foo: 1 }] } };

    // Act
    const act = () => assertValidPattern(pattern);

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'InvalidPatternError', errors: [expect.stringMatching(/^detail\.state\[0\]\.foo: /)] }));
  });

  it('returns for a valid pattern, narrowing it for matchesPattern', () => {
    // Prepare
    const pattern: unknown = JSON.parse('{"source":["aws.ec2"]}');

    // Act
    assertValidPattern(pattern);
    const matched = matchesPattern(pattern, ec2TerminationEvent);

    // Assess
    expect(matched).toBe(true);
  });
});

describe('matchesPattern: reads only what the pattern names', () => {
  // A field no path of the pattern starts with, which throws if anything reads it.
  const unreadable = (fields: Record<string, unknown>) =>
    Object.defineProperty({ ...fields }, 'images', {
      enumerable: true,
      get() {
        throw new Error('read a field the pattern does not name');
      },
    });

  it.each([
    ['a nested path', { dynamodb: { NewImage: { itemKind: { S: ['entity'] } } } }, { dynamodb: unreadable({ NewImage: { itemKind: { S: 'entity' } } }) }, true],
    ['a nested path that does not match', { dynamodb: { NewImage: { itemKind: { S: ['entity'] } } } }, { dynamodb: unreadable({ NewImage: { itemKind: { S: 'run' } } }) }, false],
    ['a dotted key', { 'a.b': ['x'] }, unreadable({ a: { b: 'x' } }), true],
    ['exists false', { detail: { gone: [{ exists: false }] } }, { detail: unreadable({ kept: 1 }) }, true],
    ['$or branches', { $or: [{ x: ['1'] }, { y: ['2'] }] }, unreadable({ y: '2' }), true],
  ])('%s, reading no other field', (_, pattern, event, expected) => {
    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  it('still reads a field inside an array of the path', () => {
    // Prepare
    const pattern = { detail: { items: { kind: ['a'] } } };

    // Act
    const matched = matchesPattern(pattern, { detail: unreadable({ items: [{ kind: 'b' }, { kind: 'a' }] }) });

    // Assess
    expect(matched).toBe(true);
  });
});
