// Tests for the live section's connection settings (live.ts).
import { HttpTransportType } from '@microsoft/signalr';
import { describe, expect, it } from 'vitest';
import { connectionOptions, hubPath, transportFrom } from './live';

describe('transportFrom', () => {
  it.each([
    ['?transport=websockets', HttpTransportType.WebSockets],
    ['?transport=sse', HttpTransportType.ServerSentEvents],
    ['?transport=LongPolling', HttpTransportType.LongPolling],
    ['?transport=carrier-pigeon', undefined],
    ['', undefined],
  ])('%s', (search, expected) => {
    expect(transportFrom(search)).toBe(expected);
  });
});

describe('connectionOptions', () => {
  it('sends the anti-forgery header and the cookie, never a token', () => {
    const options = connectionOptions(HttpTransportType.LongPolling);

    expect(options.headers).toEqual({ 'X-CSRF': '1' });
    expect(options.withCredentials).toBe(true);
    expect(options.accessTokenFactory).toBeUndefined();
    expect(options.transport).toBe(HttpTransportType.LongPolling);
  });

  it('leaves the transport to the client (WebSockets, then SSE, then long polling) unless asked', () => {
    expect(connectionOptions().transport).toBeUndefined();
  });
});

it('the hub is behind the BFF\'s /api route', () => {
  expect(hubPath).toBe('/api/hubs/notifications');
});
