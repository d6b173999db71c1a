/**
 * An exported function of a module, named by the module's URL, and its argument: how a worker thread builds for
 * itself what the main thread was handed as objects (a training task, its sample source). The argument must
 * survive structured cloning.
 */
export interface ModuleCall {
  module: string;
  name: string;
  arg: unknown;
}

/** Imports `call.module` and returns what its function `call.name` returns for `call.arg` (awaited). */
export async function callModule<T>(call: ModuleCall): Promise<T> {
  const exports = (await import(call.module)) as Record<string, unknown>;
  const fn = exports[call.name];
  if (typeof fn !== 'function') throw new Error(`${call.module} exports no function "${call.name}"`);
  return (await fn(call.arg)) as T;
}
