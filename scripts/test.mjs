// `npm test`: installs what is missing, builds everything, runs every test, and ends with one
// line "N passed, N failed" summing all suites.
import { ensureSystemPackages, ensureNodeModules, buildClient, buildDotnet, chromium, redisServer, run, log } from './lib.mjs';
import { audit } from './audit.mjs';

const configuration = 'Release';
const results = [];

function vstestCounts(out) {
  // "Passed!  - Failed:     0, Passed:    95, Skipped:     0, Total:    95"
  const lines = [...out.matchAll(/Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+), Total:\s+(\d+)/g)];
  return lines.reduce((acc, m) => ({ failed: acc.failed + +m[1], passed: acc.passed + +m[2], skipped: acc.skipped + +m[3] }), { failed: 0, passed: 0, skipped: 0 });
}

function vitestCounts(out) {
  const clean = out.replace(/\x1b\[[0-9;]*m/g, '');
  const tests = clean.match(/Tests\s+(?:(\d+) failed\s*\|\s*)?(\d+) passed/);
  return tests ? { failed: +(tests[1] ?? 0), passed: +tests[2], skipped: 0 } : { failed: 0, passed: 0, skipped: 0 };
}

async function suite(name, command, args, parse) {
  log(`running ${name}`);
  const { code, out } = await run(command, args, { capture: true, env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } });
  const counts = parse(out);
  if (code !== 0 && counts.failed === 0) {
    counts.failed = 1; // the suite failed without a failing test (crash, build error): count it
  }
  if (counts.passed + counts.failed === 0) {
    counts.failed = 1; // a suite that ran nothing is a failure, not a pass
  }
  results.push({ name, ...counts });
}

try {
  await ensureSystemPackages([chromium, redisServer]);
  await ensureNodeModules();
  await buildClient();
  await buildDotnet(configuration);
} catch (error) {
  console.error(`\n[bff] setup failed: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

log('auditing dependencies for known vulnerabilities');
results.push({ name: 'dependency audit (NuGet, npm)', ...(await audit()) });

const filter = process.env.BFF_TEST_FILTER ? ['--filter', process.env.BFF_TEST_FILTER] : [];
function selfcheckCounts(out) {
  // "621 passed, 0 failed": hundreds of checks of one harness, counted as one test
  const last = [...out.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  if (!last) return { failed: 0, passed: 0, skipped: 0 };
  return +last[2] === 0 && +last[1] > 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

function nodeTestCounts(out) {
  // node --test's summary: "# pass 6" / "# fail 0"
  const pass = /^# pass (\d+)/m.exec(out);
  const fail = /^# fail (\d+)/m.exec(out);
  return { passed: pass ? +pass[1] : 0, failed: fail ? +fail[1] : 0, skipped: 0 };
}

await suite('benchmark arithmetic (node --test bench/lib)', 'node', ['--test', 'bench/lib/'], nodeTestCounts);
await suite('interop provider self-check (oidc-provider, six profiles)', 'node', ['tests/interop-provider/selfcheck.mjs'], selfcheckCounts);
await suite('client package unit tests (vitest)', 'npm', ['test', '--workspace', '@openbff/client'], vitestCounts);
await suite('client-app unit tests (vitest)', 'npm', ['test', '--workspace', 'client-app'], vitestCounts);
// The pyramid's layers, reported apart: unit specifications (no sockets, ~2 s), then integration
// tests on real sockets. A BFF_TEST_FILTER run keeps one run of the project with that filter.
const testProject = ['test', 'tests/Bff.Tests/Bff.Tests.csproj', '-c', configuration, '--no-build', '--nologo'];
if (filter.length) {
  await suite('unit and integration tests (tests/Bff.Tests)', 'dotnet', [...testProject, ...filter], vstestCounts);
} else {
  await suite('unit specifications (tests/Bff.Tests/Unit)', 'dotnet', [...testProject, '--filter', 'FullyQualifiedName~Bff.Tests.Unit.'], vstestCounts);
  await suite('integration tests (tests/Bff.Tests)', 'dotnet', [...testProject, '--filter', 'FullyQualifiedName!~Bff.Tests.Unit.'], vstestCounts);
}
await suite('browser tests (e2e/Bff.E2E)', 'dotnet', ['test', 'e2e/Bff.E2E/Bff.E2E.csproj', '-c', configuration, '--no-build', '--nologo', ...filter], vstestCounts);

console.log('\n[bff] results');
for (const r of results) {
  console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
