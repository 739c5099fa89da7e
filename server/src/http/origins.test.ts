import { describe, expect, it } from 'vitest';
import { isLoopback } from './metricsRoute.ts';
import { originCheck } from './origins.ts';

describe('originCheck', () => {
  const sameOriginOnly = originCheck([]);
  const withPortal = originCheck(['https://portal.example.de']);

  it('lets a request without an Origin header through (programs, not pages)', () => {
    expect(sameOriginOnly(undefined, 'twin.example.de')).toBe(true);
  });

  it('takes the page of the same host and port, whatever the scheme (TLS ends at the proxy)', () => {
    expect(sameOriginOnly('http://twin.example.de:8080', 'twin.example.de:8080')).toBe(true);
    expect(sameOriginOnly('https://twin.example.de', 'twin.example.de')).toBe(true);
    expect(sameOriginOnly('https://twin.example.de', 'twin.example.de:443')).toBe(true);
  });

  it('refuses another host or port, an opaque origin and anything unreadable', () => {
    expect(sameOriginOnly('https://evil.example', 'twin.example.de')).toBe(false);
    expect(sameOriginOnly('http://twin.example.de:8081', 'twin.example.de:8080')).toBe(false);
    expect(sameOriginOnly('null', 'twin.example.de')).toBe(false);
    expect(sameOriginOnly('file:///etc/passwd', 'twin.example.de')).toBe(false);
    expect(sameOriginOnly('https://twin.example.de', undefined)).toBe(false);
  });

  it('takes an allow-listed origin exactly, not a look-alike', () => {
    expect(withPortal('https://portal.example.de', 'twin.example.de')).toBe(true);
    expect(withPortal('http://portal.example.de', 'twin.example.de')).toBe(false);
    expect(withPortal('https://portal.example.de.evil.example', 'twin.example.de')).toBe(false);
  });
});

describe('isLoopback', () => {
  it('knows 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect({ address, loopback: isLoopback(address) }).toEqual({ address, loopback: true });
  });

  it('takes no other address for the machine itself', () => {
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '203.0.113.7', '::2', '1127.0.0.1', 'unknown'])
      expect({ address, loopback: isLoopback(address) }).toEqual({ address, loopback: false });
  });
});
