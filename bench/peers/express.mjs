// A peer of `npm run bench -- --peers` (bench/lib/peers.mjs), started by the driver:
//
//   node bench/peers/express.mjs proxy --upstream URL
//     the floor: express + http-proxy-middleware forwarding /api/* to the upstream, nothing else;
//   node bench/peers/express.mjs oidc --upstream URL --issuer URL --client-id ID --client-secret S --scope "..."
//     the same proxy behind express-openid-connect (the code flow with PKCE, the library's default
//     session: encrypted in its own cookie, rolled on every response), attaching the user's access
//     token (`Authorization: Bearer`, req.oidc.accessToken) and not forwarding the cookies.
//
// Both listen on 127.0.0.1, on a port the system chooses, and print "listening on http://…".
// Upstream connections are kept alive (an http.Agent with keepAlive), as YARP's and Apache's are.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import express from 'express';
import expressOpenidConnect from 'express-openid-connect';
import { createProxyMiddleware } from 'http-proxy-middleware';

const { auth, requiresAuth } = expressOpenidConnect; // CommonJS: no named exports
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    upstream: { type: 'string' },
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    scope: { type: 'string' },
  },
});
const mode = positionals[0];
if (!['proxy', 'oidc'].includes(mode) || !values.upstream) {
  console.error('usage: express.mjs proxy|oidc --upstream URL [--issuer URL --client-id ID --client-secret SECRET --scope SCOPE]');
  process.exit(2);
}

let app = null;
const server = http.createServer((req, res) => app(req, res));
server.listen(0, '127.0.0.1', () => {
  const baseURL = `http://127.0.0.1:${server.address().port}`;
  app = express();
  app.disable('x-powered-by');
  const agent = new http.Agent({ keepAlive: true });
  if (mode === 'proxy') {
    app.use(createProxyMiddleware({ target: values.upstream, pathFilter: '/api', agent }));
  } else {
    app.use(
      auth({
        issuerBaseURL: values.issuer,
        baseURL,
        clientID: values['client-id'],
        clientSecret: values['client-secret'],
        secret: randomBytes(32).toString('hex'),
        authRequired: false,
        idpLogout: false,
        authorizationParams: { response_type: 'code', scope: values.scope },
      }),
    );
    app.get('/', (req, res) => res.type('text').send(req.oidc.isAuthenticated() ? 'signed in' : 'signed out'));
    app.use('/api', requiresAuth());
    app.use(
      createProxyMiddleware({
        target: values.upstream,
        pathFilter: '/api',
        agent,
        on: {
          proxyReq: (proxyReq, req) => {
            proxyReq.setHeader('authorization', `Bearer ${req.oidc.accessToken.access_token}`);
            proxyReq.removeHeader('cookie');
          },
        },
      }),
    );
  }
  console.log(`listening on ${baseURL}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
