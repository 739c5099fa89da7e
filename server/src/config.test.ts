import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

function configFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-config-'));
  const file = join(dir, 'citytwin.json');
  writeFileSync(file, content);
  return file;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses port 8080, the demo city and the simulator when nothing is set', () => {
    const config = loadConfig({ env: {} });
    expect(config.port).toBe(8080);
    expect(config.city).toBe('boeblingen-demo');
    expect(config.simulator).toEqual({ enabled: true, seed: 20211, timeScale: 1 });
    expect(config.tickHz).toBe(50);
  });

  it('reads the tolerance for readings ahead of the server clock, 30 s when not set', () => {
    expect(loadConfig({ env: {} }).ingest.maxFutureSkewMs).toBe(30_000);
    expect(loadConfig({ env: { CITYTWIN_MAX_FUTURE_SKEW_MS: '5000' } }).ingest.maxFutureSkewMs).toBe(5000);
    expect(errorOf(() => loadConfig({ env: { CITYTWIN_MAX_FUTURE_SKEW_MS: '-1' } })).message).toContain(
      'ingest.maxFutureSkewMs',
    );
  });

  it('reads PORT and the simulator settings from the environment', () => {
    const config = loadConfig({
      env: { PORT: '9090', CITYTWIN_SIM_TIME_SCALE: '60', CITYTWIN_SIM_SEED: '7', CITYTWIN_SIMULATOR: 'off' },
    });
    expect(config.port).toBe(9090);
    expect(config.simulator).toEqual({ enabled: false, seed: 7, timeScale: 60 });
  });

  it('reads the import limits from the file and the environment, the rest by default', () => {
    const file = configFile(JSON.stringify({ scenarioImports: { concurrency: 2 } }));
    const config = loadConfig({
      env: { CITYTWIN_IMPORT_TIME_LIMIT_S: '120', CITYTWIN_IMPORT_MEMORY_MIB: '2048' },
      file,
    });
    expect(config.scenarioImports).toEqual({
      timeLimitS: 120,
      memoryLimitMiB: 2048,
      concurrency: 2,
      maxWaiting: 4,
      maxWaitS: 30,
    });
  });

  it('names an import memory limit too small to load the importers', () => {
    const error = errorOf(() => loadConfig({ env: { CITYTWIN_IMPORT_MEMORY_MIB: '16' } }));
    expect(error.message).toMatch(
      /scenarioImports\.memoryLimitMiB \(from environment variable CITYTWIN_IMPORT_MEMORY_MIB\): must be >= 64/,
    );
  });

  it('lets the environment override the config file', () => {
    const file = configFile(JSON.stringify({ port: 7000, tickHz: 2 }));
    const config = loadConfig({ env: { PORT: '7001' }, file });
    expect(config.port).toBe(7001);
    expect(config.tickHz).toBe(2);
  });

  it('names the field, its source and the allowed values for a wrong enum', () => {
    const error = errorOf(() => loadConfig({ env: { CITYTWIN_LOG_LEVEL: 'loud' } }));
    expect(error.message).toContain('logLevel (from environment variable CITYTWIN_LOG_LEVEL)');
    expect(error.message).toContain('"debug", "info", "warn", "error", "silent"');
  });

  it('names a port out of range', () => {
    const error = errorOf(() => loadConfig({ env: { PORT: '70000' } }));
    expect(error.message).toMatch(/port \(from environment variable PORT\): must be <= 65535/);
  });

  it('rejects a non-numeric port', () => {
    const error = errorOf(() => loadConfig({ env: { PORT: 'eighty' } }));
    expect(error.message).toContain('port (from environment variable PORT)');
  });

  it('lists unknown fields in the file with the allowed ones', () => {
    const file = configFile(JSON.stringify({ prot: 1, simulator: { speed: 3 } }));
    const error = errorOf(() => loadConfig({ env: {}, file }));
    expect(error.message).toContain('unknown field(s) prot');
    expect(error.message).toContain('simulator: unknown field(s) speed; allowed: enabled, seed, timeScale');
  });

  it('names the allowed fields of the import limits and of a socket rate', () => {
    const file = configFile(
      JSON.stringify({
        scenarioImports: { seconds: 5 },
        socketLimits: { rates: { history: { socket: { burst: 1, perSecond: 1, each: 2 } } } },
      }),
    );
    const error = errorOf(() => loadConfig({ env: {}, file }));
    expect(error.message).toContain(
      'scenarioImports: unknown field(s) seconds; allowed: timeLimitS, memoryLimitMiB, concurrency, maxWaiting, maxWaitS',
    );
    expect(error.message).toContain(
      'socketLimits.rates.history.socket: unknown field(s) each; allowed: burst, perSecond',
    );
  });

  it('reports every wrong field at once', () => {
    const error = errorOf(() =>
      loadConfig({ env: { PORT: '-1', CITYTWIN_TICK_HZ: '0', CITYTWIN_CITY: 'Böblingen' } }),
    );
    expect(error.message).toContain('port');
    expect(error.message).toContain('tickHz');
    expect(error.message).toContain('city');
  });

  it('names a config file that is not JSON', () => {
    const file = configFile('{ port: 80 ');
    expect(() => loadConfig({ env: {}, file })).toThrow(/is not valid JSON/);
  });

  it('rejects a simulator switch that is not a yes/no word', () => {
    const error = errorOf(() => loadConfig({ env: { CITYTWIN_SIMULATOR: 'maybe' } }));
    expect(error.message).toContain('simulator.enabled (from environment variable CITYTWIN_SIMULATOR)');
  });
});

describe('the security section', () => {
  it('defaults to same origin only, no proxy, metrics from loopback and no extra CSP sources', () => {
    expect(loadConfig({ env: {} }).security).toEqual({
      allowedOrigins: [],
      trustProxy: false,
      metrics: 'loopback',
      cspSources: [],
    });
  });

  it('reads lists, the proxy setting and the metrics access from the environment', () => {
    const env = {
      CITYTWIN_ALLOWED_ORIGINS: 'https://portal.example.de, http://localhost:5173',
      CITYTWIN_CSP_SOURCES: 'https://tiles.example.de',
      CITYTWIN_METRICS_ACCESS: 'key',
    };
    const config = loadConfig({ env: { ...env, CITYTWIN_TRUST_PROXY: 'true' } });
    expect(config.security).toEqual({
      allowedOrigins: ['https://portal.example.de', 'http://localhost:5173'],
      trustProxy: true,
      metrics: 'key',
      cspSources: ['https://tiles.example.de'],
    });
    expect(loadConfig({ env: { CITYTWIN_TRUST_PROXY: '2' } }).security.trustProxy).toBe(2);
    expect(loadConfig({ env: { CITYTWIN_TRUST_PROXY: 'loopback, 10.0.0.0/8' } }).security.trustProxy).toBe(
      'loopback, 10.0.0.0/8',
    );
  });

  it('refuses an origin with a path, a CSP keyword, an unknown metrics mode and unknown fields', () => {
    const file = configFile(
      JSON.stringify({
        security: {
          allowedOrigins: ['https://portal.example.de/app'],
          cspSources: ["'unsafe-eval'"],
          metrics: 'everyone',
          cors: true,
        },
      }),
    );
    const message = errorOf(() => loadConfig({ env: {}, file })).message;
    expect(message).toContain('security.allowedOrigins.0: an origin such as');
    expect(message).toContain('security.cspSources.0: an origin or URL');
    expect(message).toContain('security.metrics: must be one of "loopback", "key", "public"');
    expect(message).toContain(
      'security: unknown field(s) cors; allowed: allowedOrigins, trustProxy, metrics, cspSources',
    );
  });
});
