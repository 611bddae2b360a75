import { fileURLToPath } from 'node:url';
import { defineConfig, type ProxyOptions } from 'vite';

/** The running BFF (Bff.Host) that `npm run dev` proxies to. */
const bffUrl = process.env.BFF_URL ?? 'http://localhost:5000';

/**
 * Paths served by the BFF rather than the SPA. changeOrigin is false so the BFF
 * sees the dev server's Host (localhost:5173): its cookies and OIDC redirects
 * then stay on the origin the browser is using. ws: WebSocket upgrades (the
 * demo's SignalR connection) go through too.
 */
const bffPaths = ['/bff', '/api', '/signin-oidc', '/signout-callback-oidc'];
const toBff: ProxyOptions = { target: bffUrl, changeOrigin: false, ws: true };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    // Served by the ASP.NET Core host (static files + SPA fallback).
    outDir: '../src/Bff.Host/wwwroot',
    emptyOutDir: true,
  },
  server: {
    proxy: Object.fromEntries(bffPaths.map((path) => [path, toBff])),
  },
});
