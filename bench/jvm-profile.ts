// Where DynamoDB Local's CPU goes, from a `perf` recording of its JVM: the share of each kind of work (the table
// schema read per call, the stream record, BEGIN/COMMIT, HTTP, request parsing …), the top frames by self time and
// DynamoDB Local's own methods by inclusive time. JFR's execution sampler sees only threads running Java code (most
// of a call runs in JNI and the kernel), so the CPU profile comes from perf; docs/local-performance.md says how:
//
//   JDK_JAVA_OPTIONS="$LOCAL_JAVA_OPTIONS -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer" \
//     BENCH_TRIPS_RUNS=600 BENCH_TRIPS_SPACING_MS=20 npx tsx bench/round-trips.ts &
//   perf record -F 499 -g -p <the JVM's pid> -o /tmp/ddb.perf -- sleep 15
//   (after the bench ends, so the JVM has written /tmp/perf-<pid>.map)
//   perf script -i /tmp/ddb.perf -F comm,tid,ip,sym > /tmp/ddb.script
//   npx tsx bench/jvm-profile.ts /tmp/ddb.script
import { readFileSync } from 'node:fs';

/** Kinds of work, by a frame anywhere in the sample's stack; the first that matches wins. */
const kinds: Array<[string, RegExp]> = [
  ['stream bookkeeping per call (getStreamDescription, latest stream id)', /getStreamDescription|getTableLatestStreamId/],
  ['table schema read + JSON parse (getTableSchemaInfo2, getTableInfo), per call', /getTableSchemaInfo2|SQLiteDBAccess\$25\.doWork/],
  ['stream record written with each write (insertUpdateStreamRecordIfActiveShardPresent)', /insertUpdateStreamRecordIfActiveShardPresent/],
  ['exceptions built per transaction (ErrorFactory, fillInStackTrace)', /ErrorFactory|fillInStackTrace|AWSExceptionFactory/],
  ['BEGIN / COMMIT (sqlite3_exec)', /sqlite3_exec/],
  ['the item in SQLite (put, update, read, column bindings)', /doPutItem|sqliteColumnBindings|getRecordInternal|sqlite3_step|doUpdateItem|doDeleteItem/],
  ['request JSON parse and validation', /readTree|InputConverter|Validator|validate|DynamoDbGrammar|ExpressionParser|readValue/],
  ['response JSON', /writeValueAsBytes|_writeValueAndClose|JsonGenerator/],
  ['Jetty: HTTP parsing, sockets, threads', /org\.eclipse\.jetty/],
  ['JIT compiler', /CompileBroker|Compilation::|C1 Compiler|C# CompilerThre/],
  ['garbage collector', /VM Thread|SerialHeap|DefNewGeneration|TenuredGeneration/],
];

const shorten = (frame: string) =>
  frame
    // "ReturnType package.Class.method(arguments)" → "Class.method()"; native and kernel symbols stay as they are.
    .replace(/^[\w.$<>[\]]+ (?=[\w.$<>]+\()/, '')
    .replace(/\([^()]*\)/g, '()')
    .replace(/java\.lang\.|java\.util\.|software\.amazon\.dynamodb\.services\.local\.shared\.access\.|software\.amazon\.dynamodb\.services\.|com\.fasterxml\.jackson\.databind\./g, '');

function top(counts: Map<string, number>, total: number, limit: number, title: string): void {
  console.log(`\n${title}`);
  for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${((100 * count) / total).toFixed(1).padStart(5)} %  ${name.slice(0, 180)}`);
  }
}

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx bench/jvm-profile.ts <perf script output>');
const samples = readFileSync(file, 'utf8')
  .split(/\n\s*\n/)
  .map((block) => block.split('\n').filter((line) => line.trim() !== ''))
  .filter((lines) => lines.length > 1)
  .map(([head, ...frames]) => ({
    thread: head!.trim().replace(/\s+\d+$/, '').replace(/\d+/g, '#'),
    // Leaf first; each line is "address symbol".
    frames: frames.map((line) => line.trim().replace(/^[0-9a-f]+ /, '')),
  }));
const byKind = new Map<string, number>();
/** What "other" is made of, by its leaf frame. */
const otherSelf = new Map<string, number>();
const byThread = new Map<string, number>();
const bySelf = new Map<string, number>();
const byMethod = new Map<string, number>();
for (const { thread, frames } of samples) {
  const stack = [thread, ...frames].join('\n');
  const kind =
    kinds.find(([, pattern]) => pattern.test(stack))?.[0] ??
    (/finish_task_switch|_raw_spin_unlock|futex|schedule/.test(frames[0]!) ? 'thread hand-offs elsewhere (kernel: switches, wake-ups)' : 'other');
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  if (kind === 'other') otherSelf.set(shorten(frames[0]!), (otherSelf.get(shorten(frames[0]!)) ?? 0) + 1);
  byThread.set(thread, (byThread.get(thread) ?? 0) + 1);
  const self = shorten(frames[0]!);
  bySelf.set(self, (bySelf.get(self) ?? 0) + 1);
  for (const method of new Set(frames.filter((frame) => /software\.amazon\.dynamodb/.test(frame)).map(shorten))) byMethod.set(method, (byMethod.get(method) ?? 0) + 1);
}
console.log(`${samples.length} samples`);
top(byThread, samples.length, 8, 'By thread:');
top(byKind, samples.length, 20, 'By kind of work:');
top(otherSelf, samples.length, 12, '"other", by leaf frame:');
top(bySelf, samples.length, 25, 'Top frames (self):');
top(byMethod, samples.length, 25, "DynamoDB Local's methods (inclusive):");
