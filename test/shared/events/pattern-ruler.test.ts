// Where the local matcher once parted from AWS Event Ruler (github.com/aws/event-ruler, which EventBridge
// runs): one describe per class, each case as Ruler decides it (read from its JsonRuleCompiler, ACFinder,
// NameState, EqualsIgnoreCaseParser and CIDR, and Java's case mapping and InetAddress on this machine).
import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from '#shared/events/pattern.ts';

type Case = [string, Record<string, unknown>, unknown, boolean];

const decides = (cases: Case[]) =>
  it.each(cases)('%s', (_name, pattern, event, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

describe('exists: false on a field inside array elements', () => {
  decides([
    ['a field absent from every element', { a: { b: [{ exists: false }] } }, { a: [{ c: 1 }, { c: 2 }] }, true],
    ['a field present in one element', { a: { b: [{ exists: false }] } }, { a: [{ c: 1 }, { b: 2 }] }, false],
    // Paths are checked in sorted order: a.b (absent?) before a.c, with no element chosen yet, so the b of
    // the first element counts although the c that matches is in the second.
    ['absence checked before the element is chosen', { a: { b: [{ exists: false }], c: [2] } }, { a: [{ b: 1 }, { c: 2 }] }, false],
    // a.b chooses the first element; the c of the second element is in another element: c is absent.
    ['absence checked after the element is chosen', { a: { b: [1], c: [{ exists: false }] } }, { a: [{ b: 1 }, { c: 2 }] }, true],
    ['absence in the chosen element only', { a: { b: [1], c: [{ exists: false }] } }, { a: [{ b: 1, c: 3 }, { b: 2 }] }, false],
  ]);
});

describe('a field constrained both outside and inside $or', () => {
  decides([
    // The later occurrence in the pattern wins in each branch (Ruler's rule overriding).
    ['inside after outside: the branch’s value replaces it', { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] }, { a: '2' }, true],
    ['inside after outside: the outer value no longer holds in that branch', { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] }, { a: '1' }, false],
    ['inside after outside: the other branch keeps the outer value', { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] }, { a: '1', b: '3' }, true],
    ['outside after inside: the outer value replaces the branch’s', { $or: [{ a: ['2'] }, { b: ['3'] }], a: ['1'] }, { a: '2' }, false],
    ['outside after inside: the outer value holds in every branch', { $or: [{ a: ['2'] }, { b: ['3'] }], a: ['1'] }, { a: '1' }, true],
  ]);
});

describe('equals-ignore-case folding', () => {
  decides([
    ['ß accepts SS', { v: [{ 'equals-ignore-case': 'ß' }] }, { v: 'SS' }, true],
    ['ß refuses ss', { v: [{ 'equals-ignore-case': 'ß' }] }, { v: 'ss' }, false],
    ['ß refuses ẞ', { v: [{ 'equals-ignore-case': 'ß' }] }, { v: 'ẞ' }, false],
    ['ẞ accepts ß', { v: [{ 'equals-ignore-case': 'ẞ' }] }, { v: 'ß' }, true],
    ['σ accepts Σ', { v: [{ 'equals-ignore-case': 'σ' }] }, { v: 'Σ' }, true],
    ['σ refuses ς', { v: [{ 'equals-ignore-case': 'σ' }] }, { v: 'ς' }, false],
    ['ς accepts Σ', { v: [{ 'equals-ignore-case': 'ς' }] }, { v: 'Σ' }, true],
    ['Σ refuses ς', { v: [{ 'equals-ignore-case': 'Σ' }] }, { v: 'ς' }, false],
    ['µ (micro) accepts Μ', { v: [{ 'equals-ignore-case': 'µ' }] }, { v: 'Μ' }, true],
    ['µ (micro) refuses μ (mu)', { v: [{ 'equals-ignore-case': 'µ' }] }, { v: 'μ' }, false],
    ['ſ accepts S', { v: [{ 'equals-ignore-case': 'ſ' }] }, { v: 'S' }, true],
    ['ſ refuses s', { v: [{ 'equals-ignore-case': 'ſ' }] }, { v: 's' }, false],
    ['S refuses ſ', { v: [{ 'equals-ignore-case': 'S' }] }, { v: 'ſ' }, false],
    ['ASCII still folds both ways', { v: [{ 'equals-ignore-case': 'Straße' }] }, { v: 'sTRASSE' }, true],
    ['prefix: ß… accepts SS…', { v: [{ prefix: { 'equals-ignore-case': 'ßa' } }] }, { v: 'SSAb' }, true],
    ['suffix: …σ refuses …ς', { v: [{ suffix: { 'equals-ignore-case': 'σ' } }] }, { v: 'λόγος' }, false],
    ['anything-but: ß does not exclude ss', { v: [{ 'anything-but': { 'equals-ignore-case': 'ß' } }] }, { v: 'ss' }, true],
    ['anything-but: ß excludes SS', { v: [{ 'anything-but': { 'equals-ignore-case': 'ß' } }] }, { v: 'SS' }, false],
  ]);
});

describe('cidr with IPv4 leading zeros and IPv4-mapped IPv6', () => {
  decides([
    ['leading zeros in the event are decimal', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '010.000.000.009' }, true],
    ['leading zeros in the block are decimal', { ip: [{ cidr: '010.001.000.000/16' }] }, { ip: '10.1.2.3' }, true],
    ['more than 15 characters is no address', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '010.000.000.0009' }, false],
    ['an octet over 255 is no address', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.0.0.256' }, false],
    ['an IPv4-mapped event address is IPv4', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::ffff:10.1.2.3' }, true],
    ['an IPv4-mapped address in hex is IPv4', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::ffff:a01:203' }, true],
    ['an IPv4-mapped block is an IPv4 block', { ip: [{ cidr: '::ffff:10.0.0.0/8' }] }, { ip: '10.200.0.1' }, true],
    ['an IPv4-compatible address stays IPv6', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::10.1.2.3' }, false],
    ['a plain IPv4 literal matches its mapped form', { ip: ['10.1.2.3'] }, { ip: '::FFFF:10.1.2.3' }, true],
  ]);

  it('refuses an IPv4-mapped block with an IPv6 mask, as Ruler does (IPv4 mask bits must be < 32)', () => {
    expect(validatePattern({ ip: [{ cidr: '::ffff:10.0.0.0/104' }] }).ok).toBe(false);
  });
});

describe('dotted keys', () => {
  decides([
    ['a dotted pattern key matches a nested event', { 'a.b': ['x'] }, { a: { b: 'x' } }, true],
    ['a nested pattern matches a dotted event key', { a: { b: ['x'] } }, { 'a.b': 'x' }, true],
    ['a dotted pattern key matches a dotted event key', { 'a.b': ['x'] }, { 'a.b': 'x' }, true],
    ['both spellings in one event: either value', { a: { b: ['y'] } }, { a: { b: 'x' }, 'a.b': 'y' }, true],
    ['the same path twice in a pattern: the last wins', { 'a.b': ['x'], a: { b: ['y'] } }, { a: { b: 'x' } }, false],
  ]);
});

describe('$or that is not a list of at least 2 objects: a field named "$or"', () => {
  decides([
    ['an object: the path $or.a', { $or: { a: ['1'] } }, { $or: { a: '1' } }, true],
    ['an object: no alternatives', { $or: { a: ['1'] } }, { a: '1' }, false],
    ['a list of values', { $or: ['x', 'y'] }, { $or: 'y' }, true],
    ['a list of operators', { detail: { $or: [{ prefix: 'a' }, { suffix: 'z' }] } }, { detail: { $or: 'xyz' } }, true],
  ]);

  it.each([
    ['one object', { $or: [{ a: ['1'] }] }],
    ['an object and a value', { $or: [{ a: ['1'] }, 'b'] }],
  ])('stays invalid when no reading accepts it: %s', (_name, pattern) => {
    expect(validatePattern(pattern).ok).toBe(false);
  });
});
