import express from 'express';
import { describe, expect, it } from 'vitest';
import { clientAddress, type TrustProxy } from './clientAddress.ts';

/** Express's own compiled trust function for a `trust proxy` value. */
function trustOf(value: boolean | number | string): TrustProxy {
  const app = express();
  app.set('trust proxy', value);
  return app.get('trust proxy fn') as TrustProxy;
}

describe('clientAddress', () => {
  it('is the peer when no proxy is trusted, whatever the client claims', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', trustOf(false))).toBe('203.0.113.9');
  });

  it('is the forwarded client behind a trusted proxy on loopback', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.7', trustOf('loopback'))).toBe('198.51.100.7');
    // A client that adds its own header gets the address the proxy saw, not the one it forged.
    expect(clientAddress('127.0.0.1', '10.9.9.9, 198.51.100.7', trustOf('loopback'))).toBe('198.51.100.7');
    // An untrusted peer cannot forward anything.
    expect(clientAddress('203.0.113.9', '198.51.100.7', trustOf('loopback'))).toBe('203.0.113.9');
  });

  it('trusts as many hops as a number says, and takes headers given twice', () => {
    expect(clientAddress('127.0.0.1', ['198.51.100.1', '10.0.0.2'], trustOf(2))).toBe('198.51.100.1');
    expect(clientAddress('127.0.0.1', '198.51.100.1, 10.0.0.2', trustOf(1))).toBe('10.0.0.2');
  });
});
