/**
 * The one lane password hashing runs in: one scrypt at a time per process. scrypt runs on
 * libuv's thread pool (4 threads), which file reads and writes share; a flood of sign-ins once
 * filled it and S3 GET p50 went from 5 ms to 1.2-2.5 s. One at a time leaves the other threads
 * to I/O whatever arrives. Callers that face the network give a queue limit: past it they are
 * refused at once (PasswordChecksBusy) rather than waiting in a line that only grows.
 */
export class PasswordChecksBusy extends Error {
  constructor() {
    super('Too many password checks are waiting.');
    this.name = 'PasswordChecksBusy';
  }
}

let running = false;
const waiting: Array<() => void> = [];
let started = 0;

export function inPasswordLane<T>(task: () => Promise<T>, queueLimit = Number.POSITIVE_INFINITY): Promise<T> {
  if (running && waiting.length >= queueLimit) return Promise.reject(new PasswordChecksBusy());
  return new Promise<T>((resolve, reject) => {
    const start = () => {
      running = true;
      started++;
      task().then(resolve, reject).finally(() => {
        running = false;
        waiting.shift()?.();
      });
    };
    if (running) waiting.push(start);
    else start();
  });
}

/** Hashes run in this process so far (tests and benchmarks observe the bound with it). */
export function passwordHashesStarted(): number {
  return started;
}
