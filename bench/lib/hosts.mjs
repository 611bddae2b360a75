// The processes of a benchmark: built once (Release), one executable with several roles
// (upstream, yarp, bff, idp, micro), each started on 127.0.0.1 port 0, configured only by
// command-line configuration, as an operator would.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, release, type } from 'node:os';
import { join, relative } from 'node:path';
import { mustRun, root } from '../../scripts/lib.mjs';
import { Child, ChildExitedError } from './processes.mjs';

export const benchDir = join(root, 'bench');
export const project = join(benchDir, 'Bff.Bench', 'Bff.Bench.csproj');
export const dll = join(benchDir, 'Bff.Bench', 'bin', 'Release', 'net10.0', 'Bff.Bench.dll');
export const cookieName = '__Host-bff';
export const apiPath = '/api/data';

export function commandExists(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function capture(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
}

export function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const meminfo = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : '';
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? NaN);
  return {
    nproc: availableParallelism(),
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU',
    memory: Number.isFinite(memKb) ? `${(memKb / 1024 / 1024).toFixed(1)} GiB RAM` : 'unknown memory',
    os: `${type()} ${release()}`,
    dotnet: capture('dotnet', ['--version']),
    node: process.version,
    wrk: capture('wrk', ['-v']).split('\n')[0].replace(/\s*Copyright.*$/, ''),
    redis: commandExists('redis-server') ? capture('redis-server', ['--version']).replace(/ sha=.*$/, '') : null,
  };
}

export function gitCommit() {
  const head = capture('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  // Result files of earlier runs (bench/results) are not changes to what is measured.
  const dirty = capture('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'bench', ':!bench/results']).length > 0;
  return /^[0-9a-f]+$/.test(head) ? `${head}${dirty ? ' (with uncommitted changes)' : ''}` : 'unknown';
}

export async function build(say) {
  if (!commandExists('dotnet')) throw new Error('The .NET 10 SDK (dotnet) is required.');
  say('building bench/Bff.Bench (Release) with the BFF library, host and dev IdP');
  await mustRun('dotnet', ['build', project, '-c', 'Release', '-nologo', '-v', 'quiet', '-clp:ErrorsOnly'], {
    env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  if (!existsSync(dll)) throw new Error(`the build did not produce ${relative(root, dll)}`);
}

export const quietAspNet = ['--Logging:LogLevel:Default=Information', '--Logging:LogLevel:Microsoft.AspNetCore=Warning', '--Logging:LogLevel:Yarp=Warning'];

export function host(name, role, args, { cpu } = {}) {
  const command = cpu === undefined ? 'dotnet' : 'taskset';
  const prefix = cpu === undefined ? [] : ['-c', String(cpu), 'dotnet'];
  return new Child(name, command, [...prefix, dll, role, '--urls', 'http://127.0.0.1:0', ...args], {
    cwd: root,
    env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', ASPNETCORE_ENVIRONMENT: 'Production' },
  });
}

export function reverseProxyArgs(upstreamUrl) {
  // Identical for bare YARP and the BFF (YARP ignores the Bff.* metadata).
  return [
    '--ReverseProxy:Routes:api:ClusterId=api',
    '--ReverseProxy:Routes:api:Match:Path=/api/{**rest}',
    '--ReverseProxy:Routes:api:Metadata:Bff.TokenType=User',
    `--ReverseProxy:Clusters:api:Destinations:d1:Address=${upstreamUrl}/`,
  ];
}

export function bffArgs({ idpUrl, upstreamUrl, store, dataPath, spaPath, redis, extra = [] }) {
  return [
    `--Bff:Oidc:Authority=${idpUrl}`,
    '--Bff:Oidc:ClientId=bff',
    '--Bff:Oidc:ClientSecret=bff-secret',
    '--Bff:Oidc:RequireHttpsMetadata=false',
    '--Bff:Oidc:Scope=openid profile email offline_access api',
    `--Bff:DataPath=${dataPath}`,
    `--Bff:Session:Store=${store}`,
    // The bench logs in one user from one address many times: no per-address login limit, no
    // per-user session limit (they would end earlier sessions and change what is measured).
    '--Bff:Login:RateLimit=0',
    '--Bff:Session:MaxPerUser=0',
    ...(store === 'Redis' ? [`--Bff:Session:Redis=${redis}`] : []),
    `--Bff:Spa:Path=${spaPath}`,
    ...quietAspNet,
    ...reverseProxyArgs(upstreamUrl),
    ...extra,
  ];
}

export function idpArgs(dataPath, extra = []) {
  return [`--Idp:DataPath=${dataPath}`, '--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information', ...extra];
}

export async function startRedis(tmp) {
  const socket = join(tmp, 'redis.sock');
  const redis = new Child('redis', 'redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', tmp]);
  await redis.waitForLine(/ready to accept connections/i, 20_000, '"ready to accept connections"');
  return { child: redis, socket };
}

/** Starts a BFF; resolves with the child, or with `unavailable` when it refuses its store at start (Redis). */
export async function startBff(name, args, { optional, cpu }) {
  const child = host(name, 'bff', args, { cpu });
  try {
    await child.listening();
    return { child };
  } catch (error) {
    if (optional && error instanceof ChildExitedError) {
      const reason = child.lines.find((l) => /Redis/i.test(l) && /^\s*-/.test(l))?.replace(/^\s*-\s*/, '') ?? `exited with ${child.exitCode}`;
      return { unavailable: reason };
    }
    throw error;
  }
}
