// Amazon EventBridge event patterns: decides whether a JSON event matches a pattern, and refuses the
// patterns PutRule would refuse. AWS Event Ruler (github.com/aws/event-ruler) is the reference for semantics.

import { isIPv4, isIPv6 } from 'node:net';

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
  return matchesObject(compiled, event);
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
// Compiled form. Validation and compilation are one pass, so the matcher never re-checks shapes.

type ValueTest = (value: unknown) => boolean;
type Condition = { kind: 'exists'; present: boolean } | { kind: 'value'; test: ValueTest };
interface Field {
  key: string;
  match: Condition[] | ObjectNode;
}
interface ObjectNode {
  fields: Field[];
  alternatives: ObjectNode[][];
  // A sub-pattern that only asserts absence must hold for every element of an event array: Ruler sees the
  // event flattened, so one element carrying the field means the field exists.
  absenceOnly: boolean;
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

function compilePattern(pattern: unknown): ObjectNode | Failures {
  const errors: string[] = [];
  if (!isPlainObject(pattern)) return new Failures([fail('', 'pattern must be a JSON object').message]);
  const node = compileObject(pattern, '', false, errors);
  return errors.length > 0 ? new Failures(errors) : node;
}

function compileObject(source: Record<string, unknown>, path: string, insideOr: boolean, errors: string[]): ObjectNode {
  const node: ObjectNode = { fields: [], alternatives: [], absenceOnly: false };
  const entries = Object.entries(source);
  if (entries.length === 0) errors.push(fail(path, 'empty objects are not allowed').message);
  for (const [key, value] of entries) {
    const fieldPath = joinPath(path, key);
    if (key === '$or') {
      const branches = compileOr(value, fieldPath, errors);
      if (branches) node.alternatives.push(branches);
    } else if (insideOr && RESERVED_IN_OR.has(key)) {
      errors.push(fail(fieldPath, `"${key}" is a reserved operator name and cannot be a field inside $or`).message);
    } else if (Array.isArray(value)) {
      node.fields.push({ key, match: compileLeaf(value, fieldPath, errors) });
    } else if (isPlainObject(value)) {
      node.fields.push({ key, match: compileObject(value, fieldPath, insideOr, errors) });
    } else {
      errors.push(fail(fieldPath, 'must be an object or an array').message);
    }
  }
  node.absenceOnly = isAbsenceOnly(node);
  return node;
}

function compileOr(value: unknown, path: string, errors: string[]): ObjectNode[] | undefined {
  if (!Array.isArray(value) || value.length < 2) {
    errors.push(fail(path, '$or must be an array of at least 2 objects').message);
    return undefined;
  }
  const branches: ObjectNode[] = [];
  value.forEach((branch, index) => {
    const branchPath = `${path}[${index}]`;
    if (isPlainObject(branch)) branches.push(compileObject(branch, branchPath, true, errors));
    else errors.push(fail(branchPath, 'only JSON objects are allowed in $or').message);
  });
  return branches;
}

function isAbsenceOnly(node: ObjectNode): boolean {
  const fieldsAbsent = node.fields.every((field) =>
    Array.isArray(field.match)
      ? field.match.every((condition) => condition.kind === 'exists' && !condition.present)
      : field.match.absenceOnly,
  );
  return fieldsAbsent && node.alternatives.every((branches) => branches.every((branch) => branch.absenceOnly));
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
    const folded = foldCase(text);
    return valueTest((candidate) => typeof candidate === 'string' && hasAffix(kind, foldCase(candidate), folded));
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
  const folded = foldCase(operand);
  return valueTest((candidate) => typeof candidate === 'string' && foldCase(candidate) === folded);
}

function foldCase(text: string): string {
  return text.toLowerCase();
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
    const folded = foldCase(text);
    return (candidate) => typeof candidate === 'string' && foldCase(candidate) === folded;
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

function parseIp(text: string): IpAddress | undefined {
  if (IPV4_SHAPE.test(text) && isIPv4(text)) {
    return { family: 4, bits: text.split('.').reduce((bits, octet) => (bits << 8n) | BigInt(octet), 0n) };
  }
  if (IPV6_SHAPE.test(text) && isIPv6(text)) return { family: 6, bits: ipv6Bits(text) };
  return undefined;
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
// Matching. An event array matches when one element satisfies the whole sub-pattern, which keeps fields of
// one array element together (Ruler's array-consistent matching).

function matchesObject(node: ObjectNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    // Nested arrays recurse here too, so [[a, b], [c]] behaves like [a, b, c].
    const matchesElement = (element: unknown) => matchesObject(node, element);
    return node.absenceOnly ? value.every(matchesElement) : value.some(matchesElement);
  }
  const fields = isRecord(value) ? value : {};
  return (
    node.fields.every((field) => matchesField(field, fields)) &&
    node.alternatives.every((branches) => branches.some((branch) => matchesObject(branch, value)))
  );
}

function matchesField(field: Field, fields: Record<string, unknown>): boolean {
  // Own properties only: a pattern field called "constructor" must not find Object.prototype.constructor.
  const value = Object.hasOwn(fields, field.key) ? fields[field.key] : undefined;
  return Array.isArray(field.match) ? matchesLeaf(field.match, value) : matchesObject(field.match, value);
}

function matchesLeaf(conditions: Condition[], value: unknown): boolean {
  const leaves = leafValues(value);
  return conditions.some((condition) =>
    condition.kind === 'exists' ? leaves.length > 0 === condition.present : leaves.some(condition.test),
  );
}

// Comparison operators see leaf values only: an object, or an array holding no leaves, is not a value here.
function leafValues(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leafValues);
  if (typeof value === 'object' && value !== null) return [];
  return [value];
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
