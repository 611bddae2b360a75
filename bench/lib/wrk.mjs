// Runs wrk (Debian's package) at fixed concurrency for a fixed time and parses its --latency output.
import { Child } from './processes.mjs';

function toMs(value, unit) {
  const n = Number(value);
  switch (unit) {
    case 'us':
      return n / 1000;
    case 'ms':
      return n;
    case 's':
      return n * 1000;
    case 'm':
      return n * 60_000;
    default:
      throw new Error(`unknown wrk time unit '${unit}'`);
  }
}

export function parseWrk(output) {
  const latency = (p) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const requests = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)/m.exec(output);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const avg = /^\s*Latency\s+([\d.]+)(us|ms|s|m)/m.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  if (!requests || !rps) {
    throw new Error(`could not read wrk's output:\n${output}`);
  }
  return {
    requests: Number(requests[1]),
    seconds: toMs(requests[2], requests[3]) / 1000,
    rps: Number(rps[1]),
    avgMs: avg ? toMs(avg[1], avg[2]) : NaN,
    p50Ms: latency(50),
    p75Ms: latency(75),
    p90Ms: latency(90),
    p99Ms: latency(99),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0,
    socketErrorsBy: socket ? { connect: Number(socket[1]), read: Number(socket[2]), write: Number(socket[3]), timeout: Number(socket[4]) } : null,
  };
}

/** One wrk run; bounded: killed if it has not finished `durationSec + 30` seconds after it started. */
export async function wrk(url, { threads, connections, durationSec, headers = [], timeoutSec = 5, script, scriptArgs = [] }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${durationSec}s`, '--latency', '--timeout', `${timeoutSec}s`];
  for (const header of headers) args.push('-H', header);
  if (script) args.push('-s', script); // a Lua script (e.g. lib/scale.mjs's, cycling session cookies)
  args.push(url);
  if (scriptArgs.length) args.push('--', ...scriptArgs.map(String)); // the script's init(args)
  // Through bash so that `times` reports wrk's own CPU time (the driver subtracts it when it
  // computes how much of the machine other processes used).
  // The trap passes a SIGTERM from the driver's clean-up on to wrk.
  const shell = 'trap \'kill -TERM $pid 2>/dev/null; exit 143\' TERM INT HUP; wrk "$@" & pid=$!; wait $pid; status=$?; times; exit $status';
  const child = new Child('wrk', 'bash', ['-c', shell, 'wrk', ...args]);
  child.stopSignal = 'SIGTERM';
  const limit = setTimeout(() => child.process.kill('SIGTERM'), (durationSec + 30) * 1000);
  const code = await child.exitedPromise;
  clearTimeout(limit);
  const output = child.lines.join('\n');
  if (code !== 0) {
    throw new Error(`wrk ${args.join(' ')} exited with ${code}:\n${output}`);
  }
  const times = [...output.matchAll(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm)].at(-1);
  const cpuSeconds = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : 0;
  return { ...parseWrk(output), wrkCpuSeconds: cpuSeconds };
}
