// Shared helpers of the npm scripts: run a command, make sure what the project needs is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function log(message) {
  console.log(`\n[bff] ${message}`);
}

/**
 * Runs a command, streaming its output; resolves with its exit code and captured stdout. With
 * `quiet`, nothing is streamed: stdout and stderr are captured together (`out`), for a caller that
 * shows them only when the command fails.
 */
export function run(command, args, { capture = false, quiet = false, env = {}, cwd = root } = {}) {
  return new Promise((resolve, reject) => {
    const output = capture || quiet ? 'pipe' : 'inherit';
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', output, quiet ? 'pipe' : 'inherit'] });
    let out = '';
    for (const stream of [child.stdout, child.stderr].filter(Boolean)) {
      stream.on('data', (chunk) => {
        const text = chunk.toString();
        out += text;
        if (!quiet) process.stdout.write(text);
      });
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

export async function mustRun(command, args, options) {
  const { code, out } = await run(command, args, options);
  if (code !== 0) {
    if (options?.quiet) process.stdout.write(out); // what failed, now that it matters
    throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
  }
  return out;
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian packages that are missing (chromium for the browser tests, redis-server later). */
export async function ensureSystemPackages(packages) {
  const missing = packages.filter(({ check }) => !check());
  if (missing.length === 0) {
    return;
  }
  const names = missing.map((p) => p.name);
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing system packages: ${names.join(' ')}. Install them with: sudo apt-get install -y ${names.join(' ')}`);
  }
  log(`installing ${names.join(' ')} with apt-get`);
  await mustRun('apt-get', ['update'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
  await mustRun('apt-get', ['install', '-y', '--no-install-recommends', ...names], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

export const chromium = { name: 'chromium', check: () => existsSync('/usr/bin/chromium') };
export const redisServer = { name: 'redis-server', check: () => existsSync('/usr/bin/redis-server') || has('redis-server') };

/**
 * Runs `npm ci` when node_modules is missing or older than the lock file. Not when node_modules is a
 * link (a git worktree sharing another checkout's packages): `npm ci` would empty the folder it
 * points to, under the other checkout's feet.
 */
export async function ensureNodeModules() {
  const modules = join(root, 'node_modules');
  const marker = join(modules, '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) {
    return;
  }
  if (existsSync(modules) && lstatSync(modules).isSymbolicLink()) {
    log(`node_modules is a link to ${realpathSync(modules)}: not running npm ci here (run it there if its packages are out of date)`);
    return;
  }
  log('installing npm packages (npm ci)');
  await mustRun('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Builds the client package (packages/client), then the demo SPA that imports it, into the host's wwwroot; `quiet` shows the build's output only when it fails. */
export async function buildClient({ quiet = false } = {}) {
  log('building @openbff/client (packages/client) and client-app into src/Bff.Host/wwwroot');
  // client-app's prebuild script builds @openbff/client first, so `dotnet publish` (which runs
  // this same script) and a fresh clone get the package's dist/ before Vite resolves it.
  await mustRun('npm', ['run', 'build', '--workspace', 'client-app'], { quiet });
}

/** Builds the solution; `quiet` shows the build's output only when it fails. */
export async function buildDotnet(configuration, { quiet = false } = {}) {
  if (!has('dotnet')) {
    throw new Error('The .NET 10 SDK (dotnet) is required.');
  }
  log(`building Bff.sln (${configuration})`);
  await mustRun('dotnet', ['build', 'Bff.sln', '-c', configuration, '-nologo', '-v', 'minimal'], { quiet, env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } });
}
