// Real-time messages from the sample API's SignalR hub, through the BFF.
//
// The browser never holds a token: the BFF attaches the user's access token to every request of
// the connection (negotiate, the WebSocket upgrade, the SSE stream, long polls). `X-CSRF: 1` goes
// on every request the SignalR client can put a header on; the WebSocket handshake and a browser's
// EventSource cannot carry it, and the BFF checks their Origin / fetch metadata instead.

import {
  HttpTransportType,
  type HubConnection,
  HubConnectionBuilder,
  type IHttpConnectionOptions,
  LogLevel,
} from '@microsoft/signalr';
import { el } from './dom';

/** The hub, behind the BFF's `/api` route. */
export const hubPath = '/api/hubs/notifications';

/** A message of the hub's `notify` method. */
interface Notification {
  kind: string;
  text: string;
  from?: string | null;
  time: string;
}

const transports: Record<string, HttpTransportType> = {
  websockets: HttpTransportType.WebSockets,
  sse: HttpTransportType.ServerSentEvents,
  longpolling: HttpTransportType.LongPolling,
};

/** The transport named by `?transport=websockets|sse|longpolling` (for trying each); all three otherwise. */
export function transportFrom(search: string): HttpTransportType | undefined {
  const name = new URLSearchParams(search).get('transport');
  return name === null ? undefined : transports[name.toLowerCase()];
}

/** The client's options as any SPA behind the BFF sets them: the cookie (withCredentials) and `X-CSRF: 1`, no token. */
export function connectionOptions(transport?: HttpTransportType): IHttpConnectionOptions {
  return { headers: { 'X-CSRF': '1' }, withCredentials: true, ...(transport === undefined ? {} : { transport }) };
}

/** Builds the connection to the hub through the BFF. */
export function buildConnection(transport?: HttpTransportType): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(hubPath, connectionOptions(transport))
    .withAutomaticReconnect() // e.g. after the API closed it when the token attached at the upgrade expired
    .configureLogging(LogLevel.Warning)
    .build();
}

/** The `#live` section: connection state, received messages, a broadcast form. `stop` closes the connection. */
export function renderLive(search: string): { section: HTMLElement; stop: () => void } {
  const status = el('span', { id: 'live-status' }, 'connecting');
  const messages = el('ul', { id: 'live-messages' });
  const text = el('input', { id: 'broadcast-text', type: 'text', maxlength: '500', 'aria-label': 'Message' });
  const send = el('button', { id: 'broadcast', type: 'submit' }, 'Broadcast');
  const form = el('form', { id: 'broadcast-form' }, text, send);
  const section = el('section', { id: 'live' }, el('h3', {}, 'Live messages ', status), messages, form);

  const connection = buildConnection(transportFrom(search));
  connection.on('notify', (message: Notification) => {
    const from = message.from ? ` (from ${message.from})` : '';
    messages.append(el('li', { class: `live-${message.kind}` }, `${message.text}${from}`));
  });
  const connected = (): void => {
    status.textContent = 'connected';
  };
  connection.onreconnecting(() => (status.textContent = 'reconnecting'));
  connection.onreconnected(connected);
  connection.onclose(() => (status.textContent = 'disconnected'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (text.value.length === 0) return;
    connection.invoke('Broadcast', text.value).then(
      () => (text.value = ''),
      (error: unknown) => messages.append(el('li', { class: 'live-error' }, `Not sent: ${String(error)}`)),
    );
  });

  let stopped = false;
  connection.start().then(connected, (error: unknown) => {
    if (!stopped) status.textContent = `not connected: ${String(error)}`;
  });
  return {
    section,
    stop: () => {
      stopped = true;
      void connection.stop();
    },
  };
}

