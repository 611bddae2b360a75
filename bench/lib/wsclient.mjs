// A minimal WebSocket client (RFC 6455) over a raw TCP socket, for the benchmark: it sends the
// headers a browser would (Origin, Cookie), which Node's built-in WebSocket cannot, checks the
// handshake's Sec-WebSocket-Accept, masks what it sends and reads unfragmented frames.
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';

const guid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Opens `url` (ws://host:port/path) with `headers`; resolves once the server answered 101. */
export function openWebSocket(url, headers = {}, timeoutMs = 10_000) {
  const u = new URL(url);
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port) });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`WebSocket ${url}: no handshake answer within ${timeoutMs} ms`));
    }, timeoutMs);
    let buffer = Buffer.alloc(0);
    const onData = (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      clearTimeout(timer);
      const head = buffer.subarray(0, end).toString('latin1');
      const status = Number(head.split(' ')[1]);
      const accept = /^sec-websocket-accept:\s*(.+)$/im.exec(head)?.[1].trim();
      const expected = createHash('sha1').update(key + guid).digest('base64');
      if (status !== 101 || accept !== expected) {
        socket.destroy();
        reject(Object.assign(new Error(`WebSocket ${url}: answered ${status}${status === 101 ? ' with a wrong Sec-WebSocket-Accept' : ''}`), { status }));
        return;
      }
      resolve(new WebSocketClient(socket, buffer.subarray(end + 4), head));
    };
    socket.on('data', onData);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const lines = [
      `GET ${u.pathname}${u.search} HTTP/1.1`,
      `Host: ${u.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

class WebSocketClient {
  constructor(socket, rest, head) {
    this.socket = socket;
    /** The handshake's answer: status line and headers. */
    this.head = head;
    this.buffer = Buffer.alloc(0);
    this.waiting = [];
    this.messages = [];
    this.closed = false;
    socket.on('data', (chunk) => this.#read(chunk));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error('the WebSocket closed'));
    });
    socket.on('error', () => {});
    if (rest.length) this.#read(rest);
  }

  #read(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0] & 0x0f;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x8) {
        this.socket.end();
        return;
      }
      if (opcode === 0x1 || opcode === 0x2) {
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve(payload);
        else this.messages.push(payload);
      }
    }
  }

  /** Sends one masked text frame. */
  send(text) {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    const masked = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i & 3];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  /** The next message received (a Buffer). */
  receive() {
    if (this.messages.length) return Promise.resolve(this.messages.shift());
    if (this.closed) return Promise.reject(new Error('the WebSocket closed'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Sends a close frame and ends the connection. */
  close() {
    if (this.closed) return;
    const mask = randomBytes(4);
    const code = Buffer.from([0x03 ^ mask[0], 0xe8 ^ mask[1]]); // 1000, masked
    this.socket.end(Buffer.concat([Buffer.from([0x88, 0x82]), mask, code]));
    this.closed = true;
  }
}
