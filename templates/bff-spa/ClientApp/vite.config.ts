import { fileURLToPath } from 'node:url';
import { defineConfig, type ProxyOptions } from 'vite';

/** The ASP.NET Core host that `npm run dev` proxies to: `dotnet run` (Properties/launchSettings.json). */
const hostUrl = process.env.HOST_URL ?? 'http://localhost:5100';

/**
 * Paths the host answers rather than the SPA. changeOrigin is false so that the host sees the dev
 * server's Host (localhost:5173): its cookie and its OpenID Connect redirect URIs then stay on the
 * origin the browser is using.
 */
const hostPaths = ['/bff', '/api', '/local', '/signin-oidc', '/signout-callback-oidc'];
const toHost: ProxyOptions = { target: hostUrl, changeOrigin: false };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    // Served by the host (static files, index.html for the SPA's own routes).
    outDir: '../wwwroot',
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(hostPaths.map((path) => [path, toHost])),
  },
});
