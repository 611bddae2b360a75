// Child processes of a benchmark run: started with their output kept (tail shown on failure),
// the bound port read from Kestrel's "Now listening on:" line, and every one killed when the
// driver exits, whether it ends normally, fails, or is interrupted (Ctrl+C, SIGTERM).
import { spawn } from 'node:child_process';

const children = new Set();
const cleanups = [];
let cleaningUp = false;

export class Child {
  constructor(name, command, args, { env = {}, cwd } = {}) {
    this.name = name;
    this.lines = [];
    this.waiters = [];
    this.exited = false;
    this.exitCode = null;
    this.process = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(this);
    for (const stream of [this.process.stdout, this.process.stderr]) {
      let partial = '';
      stream.on('data', (chunk) => {
        const text = partial + chunk.toString();
        const parts = text.split('\n');
        partial = parts.pop();
        for (const line of parts) this.onLine(line);
      });
      stream.on('end', () => {
        if (partial) this.onLine(partial);
        partial = '';
      });
    }
    this.exitedPromise = new Promise((resolve) => {
      this.process.on('error', (error) => {
        this.onLine(`[bench] could not start ${command}: ${error.message}`);
        this.markExited(null, resolve);
      });
      this.process.on('exit', (code, signal) => this.markExited(code ?? (signal ? 128 : 1), resolve));
    });
  }

  get pid() {
    return this.process.pid;
  }

  markExited(code, resolve) {
    if (this.exited) return;
    this.exited = true;
    this.exitCode = code;
    children.delete(this);
    for (const waiter of this.waiters.splice(0)) waiter.onExit();
    resolve(code);
  }

  onLine(line) {
    this.lines.push(line);
    if (this.lines.length > 400) this.lines.splice(0, this.lines.length - 400);
    for (const waiter of [...this.waiters]) {
      const match = waiter.pattern.exec(line);
      if (match) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  }

  tail(count = 40) {
    return this.lines.slice(-count).map((l) => `    ${this.name}| ${l}`).join('\n');
  }

  /** Resolves with the first output line matching `pattern`; rejects when the process exits or time runs out. */
  waitForLine(pattern, timeoutMs, what = `${pattern}`) {
    const seen = this.lines.map((l) => pattern.exec(l)).find(Boolean);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        pattern,
        resolve: (match) => {
          clearTimeout(timer);
          resolve(match);
        },
        onExit: () => {
          clearTimeout(timer);
          reject(new ChildExitedError(this, what));
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${this.name} did not print ${what} within ${timeoutMs / 1000} s. Its last output:\n${this.tail()}`));
      }, timeoutMs);
      if (this.exited) {
        waiter.onExit();
        return;
      }
      this.waiters.push(waiter);
    });
  }

  /** Waits for Kestrel's "Now listening on: http://127.0.0.1:PORT" and returns the base URL. */
  async listening(timeoutMs = 90_000) {
    const match = await this.waitForLine(/Now listening on: (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs, '"Now listening on:"');
    this.url = match[1];
    return this.url;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 3000) {
    if (this.exited) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.exited || this.process.kill('SIGKILL'), graceMs);
    await this.exitedPromise;
    clearTimeout(timer);
  }
}

export class ChildExitedError extends Error {
  constructor(child, what) {
    super(`${child.name} exited with code ${child.exitCode} before ${what}. Its last output:\n${child.tail()}`);
    this.child = child;
  }
}

/** Registers a synchronous clean-up step (temp folders) run at exit after the children are killed. */
export function onCleanup(step) {
  cleanups.push(step);
}

/** Kills every child still running (SIGKILL: immediate) and runs the clean-up steps. Synchronous, idempotent. */
export function killAllSync() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const child of children) {
    try {
      // SIGKILL: immediate; a wrapper that must pass the signal on (wrk's) asks for SIGTERM.
      child.process.kill(child.stopSignal ?? 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const step of cleanups.splice(0).reverse()) {
    try {
      step();
    } catch (error) {
      console.error(`[bench] clean-up step failed: ${error.message}`);
    }
  }
}

/** Stops every child gracefully (SIGTERM then SIGKILL), in parallel. */
export async function stopAll() {
  await Promise.all([...children].map((c) => c.stop()));
}

let installed = false;
export function installExitHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\n[bench] ${signal}: stopping every process the benchmark started`);
      killAllSync();
      process.exit(130);
    });
  }
}

export function runningChildren() {
  return [...children];
}
