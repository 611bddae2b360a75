// Warming the login path until the JIT is done with it. Tiered compilation recompiles a method
// after 30 calls (with dynamic PGO, through an instrumented tier first), in the background, and
// a login runs hundreds of methods once each: 40 logins left the '.NET Tiered Com' thread
// compiling for many more, and measured logins then cost the BFF 2-3 times their steady CPU.
import { login, pool, sleep } from './http.mjs';
import { threadTicks, ticksToMs } from './cpu.mjs';

export const jitThread = '.NET Tiered Com';

/**
 * At least `minimum` logins, then rounds of 20 until a round costs the JIT thread less than 1 ms
 * a login, or `maxSec` have passed. Resolves with the logins done and whether the JIT went quiet.
 */
export async function warmLogins(url, pid, { minimum, concurrency, maxSec = 45 }) {
  const started = performance.now();
  let done = 0;
  if (minimum > 0) {
    await pool(minimum, concurrency, () => login(url));
    done += minimum;
  }
  for (;;) {
    await sleep(300);
    const before = threadTicks(pid, jitThread);
    await pool(20, concurrency, () => login(url));
    done += 20;
    const jitMs = ticksToMs(threadTicks(pid, jitThread) - before);
    if (!(jitMs >= 20)) return { logins: done, quiet: true };
    if ((performance.now() - started) / 1000 > maxSec) return { logins: done, quiet: false };
  }
}
