/**
 * Behind a reverse proxy the server trusts (`security.trustProxy`), a socket counts against its
 * client's forwarded address, as an HTTP request does: one visitor's wrong keys throttle that
 * visitor, not everyone behind the proxy. Without the setting, a forwarded address counts for
 * nothing (anyone could write one).
 */
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/index.ts';
import type { App } from '../app.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const KEY = 'address-test-operator-key-0123';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(trustProxy: boolean | string): Promise<string> {
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  app = await createApp(
    {
      ...base,
      accessKeys: [{ id: 'leitstelle', role: 'operator', apiKey: KEY }],
      security: { ...base.security, trustProxy },
    },
    { rootDir: repoRoot, history: null },
  );
  return `http://127.0.0.1:${await app.listen()}`;
}

/** Opens a socket as the client at `forwardedFor`; resolves with the role or the refusal's code. */
function handshake(url: string, accessKey: string, forwardedFor: string): Promise<string> {
  const socket = connect(url, {
    auth: { protocolVersion: PROTOCOL_VERSION, accessKey },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { 'X-Forwarded-For': forwardedFor },
  });
  return new Promise<string>((resolve) => {
    socket.once('server:hello', (hello: { role: string }) => resolve(hello.role));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
      resolve(error.data?.code ?? error.message),
    );
  }).finally(() => socket.disconnect());
}

/** Eleven visitors each send one wrong key, then a twelfth signs in with the right one. */
async function manyVisitorsThenStaff(url: string): Promise<{ wrong: string[]; staff: string }> {
  const wrong: string[] = [];
  for (let i = 1; i <= 11; i += 1) wrong.push(await handshake(url, `not-the-key-${i}`, `198.51.100.${i}`));
  return { wrong, staff: await handshake(url, KEY, '198.51.100.200') };
}

describe('the address a socket counts against', () => {
  it("is the client's behind a trusted proxy: others' wrong keys do not lock staff out", async () => {
    const url = await start('loopback');
    const { wrong, staff } = await manyVisitorsThenStaff(url);
    expect(wrong).toEqual(Array.from({ length: 11 }, () => 'forbidden'));
    expect(staff).toBe('operator');
  });

  it('is the peer without trustProxy: a forwarded address is not believed', async () => {
    const url = await start(false);
    const { wrong, staff } = await manyVisitorsThenStaff(url);
    // All from one peer: after ten wrong keys the address is throttled, the right key too.
    expect(wrong.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 'forbidden'));
    expect(wrong[10]).toBe('rate-limited');
    expect(staff).toBe('rate-limited');
    // Counted for the control room (read from loopback, which /metrics is open to by default).
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^citytwin_wrong_keys_total 10$/m);
    expect(metrics).toMatch(/^citytwin_keys_throttled_total 2$/m);
  });
});
