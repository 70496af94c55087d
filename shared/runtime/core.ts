// The core every composition starts from, on Lambda and in local mode alike: the ports a use case takes
// (the table, the clock, ids, the logger) and the store over the table, built once per process.
import type { Clock, Ids, Logger, TableRef } from '#shared/ports.ts';
import { type Store, createStore } from '#shared/store/index.ts';

export interface CorePorts {
  table: TableRef;
  clock: Clock;
  ids: Ids;
  logger: Logger;
}

export interface Core extends CorePorts {
  store: Store;
}

export function createCore(ports: CorePorts): Core {
  return { ...ports, store: createStore(ports.table, ports.clock, ports.ids) };
}
