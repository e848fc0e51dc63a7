'use strict';
/**
 * The lookup-index worker thread: keeps the Event history index (indexer.cjs) caught up with the
 * main database's event log, off the request thread. It polls the log, and on a `sync` request
 * catches up at once and then publishes the request's ticket in shared memory, which the main
 * thread waits on before a LookupEvents query.
 *
 * workerData: { driver, mainFile, indexFile, shared (Int32Array over a SharedArrayBuffer:
 * [0] the last ticket answered, [1] 1 once the worker failed), pollMs }
 */
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { openIndex } = require('./indexer.cjs');

const shared = workerData.shared;
let main;
let index;
let timer;

function answer(ticket) {
  if (ticket > Atomics.load(shared, 0)) Atomics.store(shared, 0, ticket);
  Atomics.notify(shared, 0);
}

function fail(err) {
  Atomics.store(shared, 1, 1);
  Atomics.notify(shared, 0);
  parentPort.postMessage({ error: String(err && err.stack || err) });
}

try {
  main = new Database(workerData.mainFile, { readonly: true });
  main.pragma('busy_timeout = 5000');
  main.pragma('cache_size = -16384');
  index = openIndex(Database, workerData.indexFile);
  index.verify(main);
  index.catchUp(main);
  timer = setInterval(() => {
    try { index.catchUp(main); } catch (err) { clearInterval(timer); fail(err); }
  }, workerData.pollMs);
} catch (err) {
  fail(err);
}

parentPort.on('message', (m) => {
  if (m.close) {
    clearInterval(timer);
    try { index && index.close(); main && main.close(); } catch { /* closing anyway */ }
    parentPort.close();
    return;
  }
  if (Atomics.load(shared, 1) === 1) return;
  try {
    // 0 while a checkpointer thread runs the checkpoints; SQLite's default again if it stops.
    if (m.autocheckpoint !== undefined) index.db.pragma(`wal_autocheckpoint = ${Number(m.autocheckpoint)}`);
    if (m.purgeBefore !== undefined) index.purgeBefore(m.purgeBefore);
    if (m.sync !== undefined) {
      index.catchUp(main);
      answer(m.sync);
    }
  } catch (err) {
    clearInterval(timer);
    fail(err);
  }
});
