// Reads a dotnet-trace 'dotnet-sampled-thread-time' trace converted to speedscope JSON and keeps
// only the samples of threads that were running (leaf CPU_TIME, or native code that is not a
// wait), so the shares are of CPU, not of wall-clock time of idle threads.

// RunFinalizers: the finalizer thread's wait shows as CPU_TIME in these traces, while
// /proc/<pid>/task shows the '.NET Finalizer' thread idle behind the BFF: counted as a wait.
// LowLevelLifoSemaphore / WorkerThreadStart as the leaf: idle thread-pool workers (waiting or
// spinning before they block), not request work.
const waits = /LowLevelLifoSemaphore|ConsoleLoggerProcessor\.TryDequeue|ManualResetEventSlim\.Wait|PortableThreadPool\+WorkerThread\.WorkerThreadStart|RunFinalizers|WaitNative|Monitor\.Wait\(|WaitOneNoCheck|Sys\.Read\(|WaitForSocketEvents|Thread\.Sleep|SleepEx|Interop\+Sys\.Poll|LowLevelSpinWaiter/;

/** Components of a proxied request, by the frames they run in (inclusive shares). */
export const components = [
  // [name, a frame on the stack, (optional) a frame that must be below it, (optional) frames that must not be on the stack]
  ['Kestrel: connection, parsing, response (not the middlewares)', /Kestrel\.Core!.*HttpProtocol\+<ProcessRequests>/, null, /EndpointRoutingMiddleware|AuthenticationMiddleware|BffMiddleware|AuthorizationMiddleware|EndpointMiddleware|HttpForwarder/],
  ['routing (EndpointRoutingMiddleware, DFA matcher)', /EndpointRoutingMiddleware\.Invoke/, /DfaMatcher|EndpointSelector|RouteValues/],
  ['UseBffAuthentication / UseAuthentication (not the middlewares after it)', /AuthenticationMiddleware\+<Invoke(Async)?>/, null, /BffMiddleware|AuthorizationMiddleware|EndpointMiddleware|HttpForwarder/],
  ['  OpenID Connect handler created per request (request-handler check)', /AuthenticationMiddleware\+<Invoke(Async)?>/, /AuthenticationHandlerProvider\+<GetHandlerAsync>|OpenIdConnectHandler|RemoteAuthenticationHandler/],
  ['  BffSessionAuthenticator: a session in use, without the cookie handler', /BffSessionAuthenticator/],
  ['    session cookie → session key (KnownSessionCookieManager)', /FindKnownSession/],
  ['    ServerSideTicketStore.GetSharedAsync (store read, cached ticket)', /ServerSideTicketStore.*GetShared/],
  ['  cookie handler: read cookie + ticket store', /CookieAuthenticationHandler\+<ReadCookieTicket>/],
  ['    cookie value Unprotect (data protection)', /CookieAuthenticationHandler\+<ReadCookieTicket>/, /SecureDataFormat`1.*\.Unprotect/],
  ['    ServerSideTicketStore.RetrieveAsync', /ServerSideTicketStore\+<RetrieveAsync>|ServerSideTicketStore\.RetrieveAsync/],
  ['      ticket Unprotect (data protection)', /ServerSideTicketStore\.Unprotect/, /KeyRingBasedDataProtector\.Unprotect/],
  ['      TicketSerializer.Deserialize', /ServerSideTicketStore\.Unprotect/, /TicketSerializer\.Deserialize/],
  ['UseBff (not the middlewares after it)', /BffMiddleware/, null, /AuthorizationMiddleware|EndpointMiddleware|HttpForwarder/],
  ['  UserTokenManager.GetAccessTokenAsync', /UserTokenManager\+<GetAccessTokenAsync>/],
  ['UseAuthorization (not the endpoint)', /AuthorizationMiddleware\+<Invoke>/, null, /EndpointMiddleware|HttpForwarder|ForwarderMiddleware/],
  ['YARP: proxy pipeline and forwarder', /ProxyPipelineInitializerMiddleware|HttpForwarder\+<SendAsync>/],
  ['  HttpClient to the upstream', /HttpConnection\+<SendAsync>/],
  ['data protection, anywhere (key derivation, AES, HMAC)', /DataProtection!/],
  ['GC: threads stopped for collections', /PollGC/],
  ['socket engine (epoll dispatch)', /SocketAsyncEngine/],
];

/** Components of a login at the BFF: `/bff/login` (challenge, PAR) and `/signin-oidc` (the rest). */
export const loginComponents = [
  ['Kestrel: connection, parsing, response (not the middlewares)', /Kestrel\.Core!.*HttpProtocol\+<ProcessRequests>/, null, /AuthenticationMiddleware|BffMiddleware|EndpointMiddleware|OpenIdConnectHandler/],
  ['/bff/login: the challenge (not PAR)', /OpenIdConnectHandler\+<HandleChallengeAsyncInternal>|OpenIdConnectHandler\+<HandleChallengeAsync>/, null, /PushAuthorizationRequest|HttpClient|HttpConnection/],
  ['  correlation and nonce cookies (data protection, anywhere in the challenge)', /OpenIdConnectHandler\+<HandleChallenge/, /DataProtection!|PropertiesDataFormat|SecureDataFormat/],
  ['/bff/login: PAR (the HTTP call and its JSON)', /PushAuthorizationRequest/],
  ['/signin-oidc: the callback (all of it)', /OpenIdConnectHandler\+<HandleRemoteAuthenticateAsync>|RemoteAuthenticationHandler`1\+<HandleRequestAsync>/],
  ['  reading the state (data protection)', /OpenIdConnectHandler\+<HandleRemoteAuthenticateAsync>/, /ReadPropertiesAndClearState|PropertiesDataFormat|SecureDataFormat.*Unprotect/],
  ['  code redemption (token endpoint call)', /OpenIdConnectHandler\+<RedeemAuthorizationCodeAsync>/],
  ['  ID token validation', /OpenIdConnectHandler\+<HandleRemoteAuthenticateAsync>/, /ValidateTokenUsingHandlerAsync|JsonWebTokenHandler|ValidateToken/],
  ['    signature (RSA)', /ValidateTokenUsingHandlerAsync|JsonWebTokenHandler|ValidateToken/, /RSA|Rsa|AsymmetricSignatureProvider/],
  ['  userinfo (call and claims)', /OpenIdConnectHandler\+<GetUserInformationAsync>/],
  ['  configuration (metadata, keys)', /ConfigurationManager`1\+<GetConfigurationAsync>/],
  ['  sign-in: cookie handler (ticket, cookie)', /CookieAuthenticationHandler\+<HandleSignInAsync>/],
  ['    ServerSideTicketStore.StoreAsync (serialize, protect, store)', /ServerSideTicketStore\+<StoreAsync>|ServerSideTicketStore\.StoreAsync/],
  ['      TicketSerializer.Serialize', /ServerSideTicketStore/, /TicketSerializer\.Serialize|TicketSerializer\.Write/],
  ['      data protection', /ServerSideTicketStore/, /DataProtection!/],
  ['  BFF events on the callback', /BffOpenIdConnectEvents/],
  ['HttpClient (anywhere: PAR, token, userinfo)', /HttpConnection\+<SendAsync>|SocketsHttpHandler/],
  ['JSON (System.Text.Json, anywhere)', /System\.Text\.Json!/],
  ['data protection, anywhere (key derivation, AES, HMAC)', /DataProtection!/],
  ['logging, anywhere', /Microsoft\.Extensions\.Logging|LoggerMessage|Logger`1|\.Log\(/],
  ['GC: threads stopped for collections', /PollGC/],
  ['socket engine (epoll dispatch)', /SocketAsyncEngine/],
];

const gcStop = /PollGC/;

export function analyze(json, parts = components) {
  const frames = json.shared.frames.map((f) => f.name);
  const inclusive = new Map();
  const exclusive = new Map();
  const componentTime = new Map(parts.map(([name]) => [name, 0]));
  let busy = 0;
  let total = 0;
  for (const profile of json.profiles) {
    if (profile.type !== 'evented') continue;
    const stack = [];
    let last = profile.startValue;
    for (const event of profile.events) {
      const dt = event.at - last;
      if (dt > 0 && stack.length > 0) {
        total += dt;
        const leaf = frames[stack.at(-1)];
        const parent = stack.length > 1 ? frames[stack.at(-2)] : '';
        const running = (leaf === 'CPU_TIME' && !waits.test(parent)) || (leaf === 'UNMANAGED_CODE_TIME' && !waits.test(parent) && parent !== '?!?');
        if (running) {
          busy += dt;
          exclusive.set(parent, (exclusive.get(parent) ?? 0) + dt);
          const names = stack.map((i) => frames[i]);
          for (const name of new Set(names)) inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
          // A thread held at a GC safepoint is counted once, in the GC row, not in the component
          // it happened to be in (with many sessions the slowest code catches more of them).
          const stoppedForGc = names.some((n) => gcStop.test(n));
          for (const [name, outer, inner, not] of parts) {
            if (stoppedForGc && !gcStop.test(outer.source)) continue;
            const at = names.findIndex((n) => outer.test(n));
            if (at >= 0 && (!inner || names.slice(at + 1).some((n) => inner.test(n))) && (!not || !names.some((n) => not.test(n)))) {
              componentTime.set(name, componentTime.get(name) + dt);
            }
          }
        }
      }
      last = event.at;
      if (event.type === 'O') stack.push(event.frame);
      else stack.pop();
    }
  }
  const top = (map, n) =>
    [...map]
      .filter(([name]) => !/^(CPU_TIME|UNMANAGED_CODE_TIME|Threads|\(Non-Activities\))$|^Process64 |^Thread \(/.test(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name: shorten(name), pct: (100 * ms) / busy }));
  return {
    busyMs: busy,
    totalMs: total,
    components: parts.map(([name]) => ({ name, pct: (100 * componentTime.get(name)) / busy })),
    top: (n) => ({ exclusive: top(exclusive, n), inclusive: top(inclusive, n) }),
  };
}

function shorten(name) {
  return name
    .replace(/^[^!]*!/, '')
    .replace(/\(.*$/, '')
    .replace(/Microsoft\.AspNetCore\./g, '')
    .replace(/System\.Private\.CoreLib!/g, '');
}

/** `requests`: how many the proxy served while sampled; each component's share is then also shown in µs of CPU per request. */
export function formatAnalysis(result, n, requests = 0) {
  const lines = [];
  const perRequest = (p) => (requests > 0 ? `  ${((p / 100) * result.busyMs * 1000 / requests).toFixed(2).padStart(6)} µs/req` : '');
  const pct = (p) => `${p.toFixed(1).padStart(5)} %`;
  lines.push(`CPU samples: ${(result.busyMs / 1000).toFixed(1)} s of threads doing work (of ${(result.totalMs / 1000).toFixed(1)} s sampled thread time; idle or spinning thread-pool workers and blocked threads left out)`, '');
  lines.push(`Components (inclusive share of CPU${requests > 0 ? ', and per request' : ''}; time a thread was held for a collection counts only in the GC row):`);
  for (const c of result.components) lines.push(`  ${pct(c.pct)}${perRequest(c.pct)}  ${c.name}`);
  const { exclusive, inclusive } = result.top(n);
  lines.push('', `Top ${n} methods by exclusive CPU:`);
  for (const f of exclusive) lines.push(`  ${pct(f.pct)}  ${f.name}`);
  lines.push('', `Top ${n} methods by inclusive CPU:`);
  for (const f of inclusive) lines.push(`  ${pct(f.pct)}  ${f.name}`);
  return lines.join('\n');
}
