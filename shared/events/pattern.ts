// Amazon EventBridge event patterns: decides whether a JSON event matches a pattern, and refuses the
// patterns PutRule would refuse. AWS Event Ruler (github.com/aws/event-ruler) is the reference for semantics.

import { isIPv6 } from 'node:net';

export type EventPattern = Record<string, unknown>;

export type PatternValidation = { ok: true } | { ok: false; errors: string[] };

export class InvalidPatternError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`Invalid event pattern: ${errors.join('; ')}`);
    this.name = 'InvalidPatternError';
    this.errors = errors;
  }
}

/** Whether `event` matches `pattern`. Throws InvalidPatternError for a pattern PutRule would refuse, so a typo
 *  in a rule fails loudly instead of silently matching nothing. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const compiled = compilePattern(pattern);
  if (compiled instanceof Failures) throw new InvalidPatternError(compiled.messages);
  return matchesCompiled(compiled, event);
}

/** A pattern compiled once, for a matcher called on every event (a stream filter on each record). */
export function compileMatcher(pattern: EventPattern): (event: unknown) => boolean {
  const compiled = compilePattern(pattern);
  if (compiled instanceof Failures) throw new InvalidPatternError(compiled.messages);
  return (event) => matchesCompiled(compiled, event);
}

export function validatePattern(pattern: unknown): PatternValidation {
  const compiled = compilePattern(pattern);
  return compiled instanceof Failures ? { ok: false, errors: compiled.messages } : { ok: true };
}

export function assertValidPattern(pattern: unknown): asserts pattern is EventPattern {
  const compiled = compilePattern(pattern);
  if (compiled instanceof Failures) throw new InvalidPatternError(compiled.messages);
}

// ---------------------------------------------------------------------------------------------------------
// Compiled form, as Event Ruler's JsonRuleCompiler builds it: a pattern is a list of sub-rules (one per way
// through its $or branches), each a map from a dotted field path to the conditions on it. Paths are joined
// with ".", so {"a.b": […]} and {"a": {"b": […]}} are the same path, and a path given twice in a sub-rule
// keeps its last occurrence in document order (Ruler's rule overriding), also across $or and its branches.

type ValueTest = (value: unknown) => boolean;
type Condition = { kind: 'exists'; present: boolean } | { kind: 'value'; test: ValueTest };
type SubRule = Map<string, Condition[]>;
interface CompiledPattern {
  /** Each sub-rule's paths in Ruler's order (sorted), with their conditions. */
  subRules: Array<Array<[string, Condition[]]>>;
  /**
   * The only parts of an event worth reading: for each path the sub-rules name and each of its dotted prefixes,
   * the keys that lead on from it towards a named path (both "b" and "b.c" lead from "a" to "a.b.c", since an
   * event's {"a": {"b.c": …}} is the path "a.b.c" too).
   */
  reads: Map<string, string[]>;
}

class Failure {
  constructor(readonly message: string) {}
}
class Failures {
  constructor(readonly messages: string[]) {}
}

function fail(path: string, message: string): Failure {
  return new Failure(`${path || '(root)'}: ${message}`);
}

// Ruler refuses these as field names anywhere below a $or, so an operator object cannot pass for a branch.
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  'html', '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after',
  'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * Ruler compiles a pattern with $or first; when that refuses it (a $or that is not a list of at least two
 * objects, say) it compiles it again without $or, where "$or" is an ordinary field name. Only when both
 * refuse is the pattern invalid; the first compiler's errors are the ones reported.
 */
function compilePattern(pattern: unknown): CompiledPattern | Failures {
  if (!isPlainObject(pattern)) return new Failures([fail('', 'pattern must be a JSON object').message]);
  const withOr = compileRules(pattern, true);
  if (!(withOr instanceof Failures)) return withOr;
  const plain = compileRules(pattern, false);
  return plain instanceof Failures ? withOr : plain;
}

function compileRules(pattern: Record<string, unknown>, orSupported: boolean): CompiledPattern | Failures {
  const errors: string[] = [];
  const rules: SubRule[] = [];
  compileObject(rules, pattern, '', '', false, orSupported, errors);
  if (errors.length > 0) return new Failures(errors);
  const ordered = (rule: SubRule) => [...rule.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const leads = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const path of rule.keys()) {
      // Each split of the path at its dots: from the part before a dot (or the root) every key up to a later dot.
      const starts = [0];
      for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) starts.push(dot + 1);
      for (const start of starts) {
        const from = start === 0 ? '' : path.slice(0, start - 1);
        const keys = leads.get(from) ?? new Set<string>();
        for (const end of [...starts.filter((next) => next > start).map((next) => next - 1), path.length]) keys.add(path.slice(start, end));
        leads.set(from, keys);
      }
    }
  }
  return { subRules: rules.map(ordered), reads: new Map([...leads].map(([from, keys]) => [from, [...keys]])) };
}

/** `path` is the field path rules use (no $or in it); `where` names the place in the pattern for errors. */
function compileObject(
  rules: SubRule[],
  source: Record<string, unknown>,
  path: string,
  where: string,
  insideOr: boolean,
  orSupported: boolean,
  errors: string[],
): void {
  const entries = Object.entries(source);
  if (entries.length === 0) errors.push(fail(where, 'empty objects are not allowed').message);
  for (const [key, value] of entries) {
    const fieldPath = joinPath(path, key);
    const fieldWhere = joinPath(where, key);
    if (orSupported && key === '$or') {
      compileOr(rules, value, path, fieldWhere, errors);
    } else if (insideOr && RESERVED_IN_OR.has(key)) {
      errors.push(fail(fieldWhere, `"${key}" is a reserved operator name and cannot be a field inside $or`).message);
    } else if (Array.isArray(value)) {
      const conditions = compileLeaf(value, fieldWhere, errors);
      if (rules.length === 0) rules.push(new Map());
      for (const rule of rules) rule.set(fieldPath, conditions);
    } else if (isPlainObject(value)) {
      compileObject(rules, value, fieldPath, fieldWhere, insideOr, orSupported, errors);
    } else {
      errors.push(fail(fieldWhere, 'must be an object or an array').message);
    }
  }
}

/** Each branch gets a copy of the sub-rules so far and adds its own fields to it. */
function compileOr(rules: SubRule[], value: unknown, path: string, orPath: string, errors: string[]): void {
  if (!Array.isArray(value) || value.length < 2) {
    errors.push(fail(orPath, '$or must be an array of at least 2 objects').message);
    return;
  }
  const before = rules.map((rule) => new Map(rule));
  rules.length = 0;
  value.forEach((branch, index) => {
    if (!isPlainObject(branch)) {
      errors.push(fail(`${orPath}[${index}]`, 'only JSON objects are allowed in $or').message);
      return;
    }
    const branchRules = before.length > 0 ? before.map((rule) => new Map(rule)) : [new Map<string, Condition[]>()];
    compileObject(branchRules, branch, path, `${orPath}[${index}]`, true, true, errors);
    rules.push(...branchRules);
  });
}

function compileLeaf(values: unknown[], path: string, errors: string[]): Condition[] {
  if (values.length === 0) errors.push(fail(path, 'empty arrays are not allowed').message);
  const conditions: Condition[] = [];
  values.forEach((value, index) => {
    const compiled = compileMatchValue(value, `${path}[${index}]`);
    if (compiled instanceof Failure) errors.push(compiled.message);
    else conditions.push(compiled);
  });
  return conditions;
}

function compileMatchValue(value: unknown, path: string): Condition | Failure {
  if (typeof value === 'string') return valueTest(literalStringTest(value));
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(path, 'numbers must be finite');
    return valueTest((candidate) => candidate === value);
  }
  if (typeof value === 'boolean' || value === null) return valueTest((candidate) => candidate === value);
  if (isPlainObject(value)) return compileOperator(value, path);
  return fail(path, 'match value must be a string, number, true, false, null or an operator object');
}

function valueTest(test: ValueTest): Condition {
  return { kind: 'value', test };
}

// Ruler turns a literal that is an IP address into an address match, so differently written IPv6 forms agree.
function literalStringTest(literal: string): ValueTest {
  const address = parseIp(literal);
  if (!address) return (candidate) => candidate === literal;
  return (candidate) => {
    if (candidate === literal) return true;
    const other = typeof candidate === 'string' ? parseIp(candidate) : undefined;
    return other !== undefined && other.family === address.family && other.bits === address.bits;
  };
}

function compileOperator(expression: Record<string, unknown>, path: string): Condition | Failure {
  const keys = Object.keys(expression);
  const [operator] = keys;
  if (operator === undefined) return fail(path, 'match expression name not found');
  if (keys.length > 1) return fail(path, `only one key allowed in match expression, got ${keys.join(', ')}`);
  const operand = expression[operator];
  const operandPath = joinPath(path, operator);
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return compileAffix(operator, operand, operandPath);
    case 'equals-ignore-case':
      return compileEqualsIgnoreCase(operand, operandPath);
    case 'wildcard':
      return compileWildcardOperator(operand, operandPath);
    case 'anything-but':
      return compileAnythingBut(operand, operandPath);
    case 'numeric':
      return compileNumeric(operand, operandPath);
    case 'exists':
      return typeof operand === 'boolean'
        ? { kind: 'exists', present: operand }
        : fail(operandPath, 'exists match pattern must be either true or false');
    case 'cidr':
      return compileCidrOperator(operand, operandPath);
    default:
      return fail(operandPath, `unrecognized match type ${operator}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// String operators. All of them match string values only.

type Affix = 'prefix' | 'suffix';

function compileAffix(kind: Affix, operand: unknown, path: string): Condition | Failure {
  if (typeof operand === 'string') {
    return valueTest((candidate) => typeof candidate === 'string' && hasAffix(kind, candidate, operand));
  }
  if (isPlainObject(operand)) {
    const text = ignoreCaseOperand(kind, operand, path);
    if (text instanceof Failure) return text;
    const regex = ignoreCaseRegex(text, kind);
    return valueTest((candidate) => typeof candidate === 'string' && regex.test(candidate));
  }
  return fail(path, `${kind} match pattern must be a string or {"equals-ignore-case": string}`);
}

function ignoreCaseOperand(kind: Affix, operand: Record<string, unknown>, path: string): string | Failure {
  const keys = Object.keys(operand);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
    return fail(path, `unsupported ${kind} pattern: ${keys.join(', ') || '{}'}`);
  }
  const text = operand['equals-ignore-case'];
  return typeof text === 'string' ? text : fail(joinPath(path, 'equals-ignore-case'), 'match pattern must be a string');
}

function hasAffix(kind: Affix, value: string, affix: string): boolean {
  return kind === 'prefix' ? value.startsWith(affix) : value.endsWith(affix);
}

function compileEqualsIgnoreCase(operand: unknown, path: string): Condition | Failure {
  if (typeof operand !== 'string') return fail(path, 'equals-ignore-case match pattern must be a string');
  const regex = ignoreCaseRegex(operand, 'exact');
  return valueTest((candidate) => typeof candidate === 'string' && regex.test(candidate));
}

/**
 * Ruler's case-insensitive match: each UTF-16 unit of the pattern accepts exactly its own lower-case and
 * upper-case forms (Java's, locale-neutral, as JavaScript's), and nothing is folded on the event's side. So
 * "ß" accepts "ß" or "SS" but not "ẞ"; "σ" accepts "σ" or "Σ" but not "ς"; "µ" accepts "µ" or "Μ" but not
 * "μ"; "ſ" accepts "ſ" or "S" but not "s". A unit of a surrogate pair alone encodes as "?" in UTF-8, as in Ruler.
 */
function ignoreCaseRegex(text: string, kind: 'exact' | 'prefix' | 'suffix'): RegExp {
  let source = '';
  for (let index = 0; index < text.length; index++) {
    const unit = text.charAt(index);
    const code = unit.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) {
      source += '\\?';
      continue;
    }
    const lower = unit.toLowerCase();
    const upper = unit.toUpperCase();
    source += lower === upper ? escapeRegExp(lower) : `(?:${escapeRegExp(lower)}|${escapeRegExp(upper)})`;
  }
  return new RegExp(`${kind === 'suffix' ? '' : '^'}${source}${kind === 'prefix' ? '' : '$'}`);
}

function compileWildcardOperator(operand: unknown, path: string): Condition | Failure {
  if (typeof operand !== 'string') return fail(path, 'wildcard match pattern must be a string');
  const regex = wildcardRegex(operand, path);
  if (regex instanceof Failure) return regex;
  return valueTest((candidate) => typeof candidate === 'string' && regex.test(candidate));
}

// `*` matches any run of characters, including none; `\*` and `\\` are the only escapes Ruler accepts.
function wildcardRegex(text: string, path: string): RegExp | Failure {
  let source = '';
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (char === '*') {
      if (text.charAt(index + 1) === '*') return fail(path, `consecutive wildcard characters at pos ${index}`);
      source += '[\\s\\S]*';
    } else if (char === '\\') {
      const escaped = text.charAt(index + 1);
      if (escaped !== '*' && escaped !== '\\') return fail(path, `invalid escape character at pos ${index}`);
      source += escapeRegExp(escaped);
      index++;
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------------------
// anything-but: matches any present leaf value that is not excluded, including null and values of another
// type. It never matches a missing field, because there is no value to test.

const ANYTHING_BUT_SHAPE = 'value of anything-but must be a string, a number, a non-empty list of them, or one of {prefix|suffix|equals-ignore-case|wildcard}';

function compileAnythingBut(operand: unknown, path: string): Condition | Failure {
  const excluded = anythingButExclusion(operand, path);
  if (excluded instanceof Failure) return excluded;
  return valueTest((candidate) => !excluded(candidate));
}

function anythingButExclusion(operand: unknown, path: string): ValueTest | Failure {
  if (typeof operand === 'string') return (candidate) => candidate === operand;
  if (typeof operand === 'number') {
    const invalid = checkComparableNumber(operand, path);
    return invalid ?? ((candidate) => candidate === operand);
  }
  if (Array.isArray(operand)) return anythingButListExclusion(operand, path);
  if (isPlainObject(operand)) return anythingButOperatorExclusion(operand, path);
  return fail(path, ANYTHING_BUT_SHAPE);
}

function anythingButListExclusion(values: unknown[], path: string): ValueTest | Failure {
  if (values.length === 0) return fail(path, 'anything-but list must not be empty');
  for (const [index, value] of values.entries()) {
    if (typeof value === 'number') {
      const invalid = checkComparableNumber(value, `${path}[${index}]`);
      if (invalid) return invalid;
    } else if (typeof value !== 'string') {
      return fail(`${path}[${index}]`, 'inside an anything-but list only strings or numbers are supported');
    }
  }
  const kinds = new Set(values.map((value) => typeof value));
  if (kinds.size > 1) return fail(path, 'inside an anything-but list all values must be strings or all numbers, not mixed');
  const excluded = new Set(values);
  return (candidate) => excluded.has(candidate);
}

type AnythingButOperator = 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard';

function anythingButOperatorExclusion(expression: Record<string, unknown>, path: string): ValueTest | Failure {
  const keys = Object.keys(expression);
  const [operator] = keys;
  if (operator === undefined) return fail(path, 'anything-but expression name not found');
  if (keys.length > 1) return fail(path, `only one key allowed in anything-but expression, got ${keys.join(', ')}`);
  if (!isAnythingButOperator(operator)) return fail(joinPath(path, operator), `unsupported anything-but pattern: ${operator}`);
  const operatorPath = joinPath(path, operator);
  const texts = anythingButTexts(expression[operator], operator, operatorPath);
  if (texts instanceof Failure) return texts;
  const tests = texts.map((text) => stringTest(operator, text, operatorPath));
  const failure = tests.find((test): test is Failure => test instanceof Failure);
  if (failure) return failure;
  const excluders = tests as ValueTest[];
  return (candidate) => excluders.some((excludes) => excludes(candidate));
}

function isAnythingButOperator(operator: string): operator is AnythingButOperator {
  return operator === 'prefix' || operator === 'suffix' || operator === 'equals-ignore-case' || operator === 'wildcard';
}

function anythingButTexts(operand: unknown, operator: AnythingButOperator, path: string): string[] | Failure {
  const candidates: unknown = typeof operand === 'string' ? [operand] : operand;
  if (!Array.isArray(candidates)) {
    // Ruler has no anything-but of a nested operator such as {"prefix": {"equals-ignore-case": ...}}.
    return fail(path, `${operator} inside anything-but must be a string or a list of strings`);
  }
  const texts: unknown[] = candidates;
  if (texts.length === 0) return fail(path, `${operator} list inside anything-but must not be empty`);
  for (const [index, text] of texts.entries()) {
    const itemPath = typeof operand === 'string' ? path : `${path}[${index}]`;
    if (typeof text !== 'string') return fail(itemPath, `${operator} inside anything-but must be a string`);
    if ((operator === 'prefix' || operator === 'suffix') && text === '') {
      return fail(itemPath, 'empty prefix/suffix is not allowed inside anything-but');
    }
  }
  return texts as string[];
}

function stringTest(operator: AnythingButOperator, text: string, path: string): ValueTest | Failure {
  if (operator === 'wildcard') {
    const regex = wildcardRegex(text, path);
    return regex instanceof Failure ? regex : (candidate) => typeof candidate === 'string' && regex.test(candidate);
  }
  if (operator === 'equals-ignore-case') {
    const regex = ignoreCaseRegex(text, 'exact');
    return (candidate) => typeof candidate === 'string' && regex.test(candidate);
  }
  return (candidate) => typeof candidate === 'string' && hasAffix(operator, candidate, text);
}

// ---------------------------------------------------------------------------------------------------------
// numeric: JSON numbers only, never numeric strings. Ruler compares within ±5e9 with six decimal places, so
// one-sided comparisons are ranges whose other end is that limit, and nothing outside it ever matches.

const NUMERIC_LIMIT = 5e9;
const MAX_DECIMALS = 6;

interface NumericRange {
  low: number;
  lowOpen: boolean;
  high: number;
  highOpen: boolean;
}

function compileNumeric(operand: unknown, path: string): Condition | Failure {
  if (!Array.isArray(operand)) return fail(path, 'value of numeric must be an array');
  const range = numericRange(operand, path);
  if (range instanceof Failure) return range;
  return valueTest((candidate) => typeof candidate === 'number' && inRange(candidate, range));
}

function numericRange(terms: unknown[], path: string): NumericRange | Failure {
  const [operator, value, ...rest] = terms;
  if (operator === undefined) return fail(path, 'numeric needs an operator and a number');
  if (typeof operator !== 'string') return fail(path, `invalid member in numeric match: ${JSON.stringify(operator)}`);
  if (!['=', '<', '<=', '>', '>='].includes(operator)) return fail(path, `unrecognized numeric range operator: ${operator}`);
  const bound = numericOperand(operator, value, path);
  if (bound instanceof Failure) return bound;
  if (operator === '=') {
    return rest.length > 0 ? fail(path, 'too many elements in numeric expression') : closedRange(bound, bound);
  }
  if (operator === '<' || operator === '<=') {
    if (rest.length > 0) return fail(path, 'too many elements in numeric expression');
    return orderedRange({ low: -NUMERIC_LIMIT, lowOpen: false, high: bound, highOpen: operator === '<' }, path);
  }
  const low = { low: bound, lowOpen: operator === '>' };
  if (rest.length === 0) return orderedRange({ ...low, high: NUMERIC_LIMIT, highOpen: false }, path);
  return upperBound(low, rest, path);
}

function upperBound(low: Pick<NumericRange, 'low' | 'lowOpen'>, rest: unknown[], path: string): NumericRange | Failure {
  const [operator, value, ...extra] = rest;
  if (typeof operator !== 'string') return fail(path, `bad value in numeric range: ${JSON.stringify(operator)}`);
  if (operator !== '<' && operator !== '<=') return fail(path, `bad numeric range operator: ${operator}`);
  const bound = numericOperand(operator, value, path);
  if (bound instanceof Failure) return bound;
  if (extra.length > 0) return fail(path, 'too many terms in numeric range expression');
  return orderedRange({ ...low, high: bound, highOpen: operator === '<' }, path);
}

function numericOperand(operator: string, value: unknown, path: string): number | Failure {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(path, `value of ${operator} must be numeric`);
  return checkComparableNumber(value, path) ?? value;
}

function checkComparableNumber(value: number, path: string): Failure | undefined {
  if (!Number.isFinite(value) || Math.abs(value) > NUMERIC_LIMIT) {
    return fail(path, `value must be between -5.0E9 and 5.0E9, inclusive (got ${value})`);
  }
  if (decimalPlaces(value) > MAX_DECIMALS) return fail(path, `only values up to 6 decimal places are supported (got ${value})`);
  return undefined;
}

function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

function closedRange(low: number, high: number): NumericRange {
  return { low, lowOpen: false, high, highOpen: false };
}

function orderedRange(range: NumericRange, path: string): NumericRange | Failure {
  return range.low < range.high ? range : fail(path, 'bottom must be less than top');
}

function inRange(value: number, range: NumericRange): boolean {
  const aboveLow = range.lowOpen ? value > range.low : value >= range.low;
  const belowHigh = range.highOpen ? value < range.high : value <= range.high;
  return aboveLow && belowHigh;
}

// ---------------------------------------------------------------------------------------------------------
// cidr and IP literals. The shape checks mirror Ruler's, which looks at the text before parsing it.

interface IpAddress {
  family: 4 | 6;
  bits: bigint;
}

const IPV4_SHAPE = /^\d+\.\d+\.\d+\.\d+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const IPV6_WITH_IPV4_TAIL = /^([0-9a-fA-F:]*:)(\d+\.\d+\.\d+\.\d+)$/;

/**
 * An IP address as Ruler reads one (Java's InetAddress): IPv4 octets are decimal with leading zeros allowed
 * ("010.001.002.003" is 10.1.2.3) in at most 15 characters; an IPv4-mapped IPv6 address (::ffff:10.0.0.1,
 * ::ffff:a00:1) is that IPv4 address. Ruler's shape checks come first, so nothing else is parsed.
 */
function parseIp(text: string): IpAddress | undefined {
  if (IPV4_SHAPE.test(text)) {
    const bits = ipv4Bits(text);
    return bits === undefined ? undefined : { family: 4, bits };
  }
  const tail = IPV6_WITH_IPV4_TAIL.exec(text);
  let ipv6 = text;
  if (tail) {
    // Java reads the embedded IPv4 part as it reads IPv4; written as two hex groups it is plain IPv6.
    const bits = ipv4Bits(tail[2] as string);
    if (bits === undefined) return undefined;
    ipv6 = `${tail[1]}${(bits >> 16n).toString(16)}:${(bits & 0xffffn).toString(16)}`;
  } else if (!IPV6_SHAPE.test(text)) {
    return undefined;
  }
  if (!isIPv6(ipv6)) return undefined;
  const bits = ipv6Bits(ipv6);
  if (bits >> 32n === 0xffffn) return { family: 4, bits: bits & 0xffffffffn };
  return { family: 6, bits };
}

function ipv4Bits(text: string): bigint | undefined {
  if (text.length > 15) return undefined;
  const octets = text.split('.').map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet > 255)) return undefined;
  return octets.reduce((bits, octet) => (bits << 8n) | BigInt(octet), 0n);
}

function ipv6Bits(text: string): bigint {
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].reduce((bits, group) => (bits << 16n) | BigInt(`0x${group}`), 0n);
}

function compileCidrOperator(operand: unknown, path: string): Condition | Failure {
  if (typeof operand !== 'string') return fail(path, 'cidr match pattern must be a string');
  const block = parseCidr(operand, path);
  if (block instanceof Failure) return block;
  return valueTest((candidate) => {
    const address = typeof candidate === 'string' ? parseIp(candidate) : undefined;
    return address !== undefined && address.family === block.family && address.bits >= block.first && address.bits <= block.last;
  });
}

function parseCidr(text: string, path: string): { family: 4 | 6; first: bigint; last: bigint } | Failure {
  const parts = text.split('/');
  if (parts.length !== 2) return fail(path, "malformed CIDR, one '/' required");
  const [addressText = '', maskText = ''] = parts;
  if (!/^[+-]?\d+$/.test(maskText)) return fail(path, 'malformed CIDR, mask bits must be an integer');
  const mask = Number(maskText);
  if (mask < 0) return fail(path, 'malformed CIDR, mask bits must not be negative');
  const address = parseIp(addressText);
  if (!address) return fail(path, `nonstandard IP address: ${addressText}`);
  const width = address.family === 4 ? 32 : 128;
  // Ruler refuses a full-width mask; a single address is matched by writing it as a plain string value.
  if (mask >= width) return fail(path, `IPv${address.family} mask bits must be < ${width}; match one address with a plain string`);
  const hostMask = (1n << BigInt(width - mask)) - 1n;
  const first = address.bits & ~hostMask;
  return { family: address.family, first, last: first | hostMask };
}

// ---------------------------------------------------------------------------------------------------------
// Matching, as Ruler does it: the event is flattened into fields (a dotted path, a leaf value, and the index
// of each array the value sits in), and a sub-rule matches when its paths, in sorted order, each find a field
// that fits and lies in the same array elements as the fields chosen before it (array consistency). An
// {"exists": false} holds when no field of its path lies in those elements: checked in that order too, so a
// field in another element of the same array does not count against it once an earlier path chose an element.

interface EventField {
  value: unknown;
  /** Array id → element index, for every array above the value. */
  membership: Map<number, number>;
}

function matchesCompiled(compiled: CompiledPattern, event: unknown): boolean {
  const fields = flattenEvent(event, compiled.reads);
  return compiled.subRules.some((rule) => matchesFrom(rule, 0, fields, new Map()));
}

/** The event's leaf values by dotted path. Like Ruler's flattening, it skips every field no path of the pattern
 *  starts with: a stream record's images or an event's detail are read only as far as the pattern looks. */
function flattenEvent(event: unknown, reads: Map<string, string[]>): Map<string, EventField[]> {
  const fields = new Map<string, EventField[]>();
  let arrays = 0;
  const visit = (value: unknown, path: string, membership: Map<number, number>) => {
    if (Array.isArray(value)) {
      const array = arrays++;
      value.forEach((element, index) => visit(element, path, new Map(membership).set(array, index)));
    } else if (isRecord(value)) {
      for (const key of reads.get(path) ?? []) {
        if (Object.hasOwn(value, key)) visit(value[key], joinPath(path, key), membership);
      }
    } else if (value !== undefined && path !== '') {
      const list = fields.get(path) ?? [];
      list.push({ value, membership });
      fields.set(path, list);
    }
  };
  if (isRecord(event)) visit(event, '', new Map());
  return fields;
}

/** The membership once `field` joins the chosen ones, or undefined when it lies in another element of an array. */
function joined(chosen: Map<number, number>, field: EventField): Map<number, number> | undefined {
  let merged: Map<number, number> | undefined;
  for (const [array, index] of field.membership) {
    const previous = chosen.get(array);
    if (previous === undefined) (merged ??= new Map(chosen)).set(array, index);
    else if (previous !== index) return undefined;
  }
  return merged ?? chosen;
}

function matchesFrom(rule: Array<[string, Condition[]]>, position: number, fields: Map<string, EventField[]>, chosen: Map<number, number>): boolean {
  const entry = rule[position];
  if (!entry) return true;
  const [path, conditions] = entry;
  const candidates = (fields.get(path) ?? []).flatMap((field) => {
    const membership = joined(chosen, field);
    return membership ? [{ field, membership }] : [];
  });
  return conditions.some((condition) => {
    if (condition.kind === 'exists' && !condition.present) return candidates.length === 0 && matchesFrom(rule, position + 1, fields, chosen);
    return candidates.some(
      ({ field, membership }) => (condition.kind === 'exists' || condition.test(field.value)) && matchesFrom(rule, position + 1, fields, membership),
    );
  });
}

// ---------------------------------------------------------------------------------------------------------

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
