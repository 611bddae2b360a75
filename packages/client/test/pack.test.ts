// The package as a user gets it: `npm pack` (which builds it first, see `prepack`), then the
// tarball's file list, and a project that installs it, imports both entry points in Node and
// type-checks against its .d.ts files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(packageDir, '..', '..');
const require = createRequire(import.meta.url);

let tmp: string;
let files: Map<string, Buffer>;
let tarballSize: number;

/** The regular files of a .tgz, by path (ustar; npm pack writes no long names for this package). */
function readTarball(path: string): Map<string, Buffer> {
  const tar = gunzipSync(readFileSync(path));
  const entries = new Map<string, Buffer>();
  const text = (start: number, length: number): string => {
    const field = tar.subarray(start, start + length);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? length : end).toString('utf8');
  };
  for (let offset = 0; offset + 512 <= tar.length && tar[offset] !== 0; ) {
    const name = text(offset, 100);
    const prefix = text(offset + 345, 155);
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1);
    if (type === '' || type === '0') {
      entries.set(prefix ? `${prefix}/${name}` : name, tar.subarray(offset + 512, offset + 512 + size));
    } else if (type !== '5') {
      throw new Error(`unexpected tar entry type '${type}' for ${name}`);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'openbff-client-pack-'));
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], packageDir)) as [{ filename: string }];
  const tarball = join(tmp, packed.filename);
  tarballSize = readFileSync(tarball).length;
  files = readTarball(tarball);

  // A project with the tarball installed, and react linked from the repository's node_modules.
  const installed = join(tmp, 'app', 'node_modules', '@openbff', 'client');
  for (const [path, content] of files) {
    const target = join(installed, path.replace(/^package\//, ''));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  for (const dependency of ['react', 'react-dom', '@types/react', '@types/react-dom']) {
    const link = join(tmp, 'app', 'node_modules', dependency);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', dependency), link, 'junction');
  }
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds dist, README, LICENSE and package.json only', () => {
    expect([...files.keys()].sort()).toEqual([
      'package/LICENSE',
      'package/README.md',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/dist/react.d.ts',
      'package/dist/react.js',
      'package/package.json',
    ]);
    expect(tarballSize).toBeLessThan(30_000); // 15 kB now, most of it the README
  });

  it('ships the repository licence', () => {
    expect(files.get('package/LICENSE')?.toString('utf8')).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
  });

  it('has a package.json whose exports point at files in the tarball', () => {
    const manifest = JSON.parse(files.get('package/package.json')!.toString('utf8')) as {
      exports: Record<string, string | Record<string, string>>;
      dependencies?: object;
    };
    expect(manifest.dependencies).toBeUndefined();
    const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    for (const target of targets) {
      expect(files.has(`package/${target.replace(/^\.\//, '')}`), target).toBe(true);
    }
  });

  it('imports in Node through the exports map, the core without touching browser globals', () => {
    const script = [
      "const core = await import('@openbff/client');",
      "const react = await import('@openbff/client/react');",
      'console.log(JSON.stringify({',
      '  core: Object.keys(core).sort(),',
      '  react: Object.keys(react).sort(),',
      '}));',
    ].join('\n');
    writeFileSync(join(tmp, 'app', 'check.mjs'), script);
    const result = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: join(tmp, 'app'), encoding: 'utf8' })) as {
      core: string[];
      react: string[];
    };
    expect(result.core).toEqual([
      'BffError',
      'BffUnauthorizedError',
      'BffUser',
      'LOGOUT_URL_CLAIM',
      'SESSION_EXPIRES_IN_CLAIM',
      'bffFetch',
      'configureBff',
      'getLoginUrl',
      'getLogoutUrl',
      'getUser',
      'login',
      'logout',
      'onLoggedOut',
      'watchSession',
    ]);
    expect(result.react).toEqual(['BffProvider', 'useBffUser']);
  }, 30_000);

  it('type-checks a consumer and the README examples against the shipped .d.ts files', () => {
    const app = join(tmp, 'app');
    writeFileSync(
      join(app, 'consumer.ts'),
      [
        "import { BffUser, getUser, getLoginUrl, getLogoutUrl, type Claim } from '@openbff/client';",
        "import { BffProvider, useBffUser, type BffProviderProps, type BffUserState } from '@openbff/client/react';",
        'const claims: Claim[] = [];',
        'const user: BffUser = new BffUser(claims);',
        'const name: string | undefined = user.name;',
        'const pending: Promise<BffUser | null> = getUser({ slide: false });',
        "const urls: string[] = [getLoginUrl('/'), getLogoutUrl(user)];",
        'const useIt: () => BffUserState = useBffUser;',
        'const props: BffProviderProps = { watchSession: false };',
        'const provider: typeof BffProvider = BffProvider;',
        'export { name, pending, urls, useIt, props, provider };',
      ].join('\n'),
    );

    // Each ```ts / ```tsx block of the README is a module named by its first line (`// app.ts`).
    const readme = files.get('package/README.md')!.toString('utf8');
    const examples = [...readme.matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map(([, , code]) => code!);
    expect(examples.length).toBeGreaterThanOrEqual(6);
    const names = examples.map((code) => /^\/\/ ([\w.-]+\.tsx?)\n/.exec(code)?.[1]);
    expect(names.every((n) => n !== undefined) && new Set(names).size === names.length, String(names)).toBe(true);
    mkdirSync(join(app, 'readme'));
    examples.forEach((code, i) => writeFileSync(join(app, 'readme', names[i]!), code));
    writeFileSync(join(app, 'frameworks.d.ts'), frameworkDeclarations);

    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          module: 'ESNext',
          moduleResolution: 'bundler',
          jsx: 'react-jsx',
          experimentalDecorators: true, // as Angular projects have it
          strict: true,
          verbatimModuleSyntax: true,
          noEmit: true,
          types: [],
        },
        include: ['consumer.ts', 'frameworks.d.ts', 'readme'],
      }),
    );
    const tsc = require.resolve('typescript/bin/tsc');
    const output = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: app, encoding: 'utf8' });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();
    expect(output).toBe('');
  }, 60_000);
});

/**
 * The Angular, RxJS and Vue signatures the README's recipes use, as those libraries declare them
 * (narrowed to what the recipes need): they are not dependencies of the package.
 */
const frameworkDeclarations = `
declare module 'rxjs' {
  export interface Observable<T> {
    pipe<R>(operator: OperatorFunction<T, R>): Observable<R>;
  }
  export type OperatorFunction<T, R> = (source: Observable<T>) => Observable<R>;
  export type ObservedValueOf<O> = O extends Observable<infer V> ? V : never;
  export function catchError<T, O extends Observable<unknown>>(selector: (err: any, caught: Observable<T>) => O): OperatorFunction<T, T | ObservedValueOf<O>>;
  export function throwError(errorFactory: () => any): Observable<never>;
}
declare module '@angular/core' {
  export type Signal<T> = () => T;
  export interface WritableSignal<T> extends Signal<T> {
    set(value: T): void;
    update(updateFn: (value: T) => T): void;
  }
  export function signal<T>(initialValue: T): WritableSignal<T>;
  export function computed<T>(computation: () => T): Signal<T>;
  export function inject<T>(token: abstract new (...args: any[]) => T): T;
  export function Injectable(options?: { providedIn?: 'root' | 'platform' | 'any' | null }): ClassDecorator;
  export interface ApplicationConfig {
    providers: unknown[];
  }
}
declare module '@angular/common/http' {
  import type { Observable } from 'rxjs';
  export class HttpRequest<T> {
    readonly url: string;
    readonly body: T | null;
    clone(update: { setHeaders?: { [name: string]: string | string[] }; withCredentials?: boolean }): HttpRequest<T>;
  }
  export type HttpEvent<T> = { type: number; body?: T | null };
  export type HttpHandlerFn = (req: HttpRequest<unknown>) => Observable<HttpEvent<unknown>>;
  export type HttpInterceptorFn = (req: HttpRequest<unknown>, next: HttpHandlerFn) => Observable<HttpEvent<unknown>>;
  export class HttpErrorResponse implements Error {
    readonly name: 'HttpErrorResponse';
    readonly message: string;
    readonly status: number;
  }
  export type HttpFeature = { kind: number };
  export function provideHttpClient(...features: HttpFeature[]): unknown;
  export function withInterceptors(interceptorFns: HttpInterceptorFn[]): HttpFeature;
}
declare module 'vue' {
  export interface ShallowRef<T> {
    value: T;
  }
  export interface ComputedRef<T> {
    readonly value: T;
  }
  export function shallowRef<T>(value: T): ShallowRef<T>;
  export function computed<T>(getter: () => T): ComputedRef<T>;
}
`;
