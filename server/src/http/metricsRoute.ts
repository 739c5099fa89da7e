/**
 * `GET /metrics` for Prometheus. The figures say how busy the server is, which sources fail and how
 * often keys are wrong: not for everyone. By default (`security.metrics: loopback`) the machine
 * itself may read them without a key (a Prometheus or agent beside the server), anyone else needs
 * a key with `metrics:read` or the operator API key; `key` asks everyone for one, `public` no one.
 */
import express from 'express';
import type { Request, Router } from 'express';
import type { Registry } from 'prom-client';
import type { SecurityConfig } from '../config.ts';
import type { HttpAccess } from './httpKeys.ts';
import { clientAddress } from './httpKeys.ts';
import { ROUTE_ACCESS } from './routeAccess.ts';

/** Whether an address is this machine: 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6. */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}

export interface MetricsRouteOptions {
  readonly registry: Registry;
  readonly access: HttpAccess;
  readonly mode: SecurityConfig['metrics'];
}

export function createMetricsRouter(options: MetricsRouteOptions): Router {
  const router = express.Router();
  const route = ROUTE_ACCESS.metrics;
  // The address is `req.ip`: behind a trusted proxy, the client's, so the proxy's own loopback
  // connection does not open the metrics to the internet.
  const open = (req: Request) =>
    options.mode === 'public' || (options.mode === 'loopback' && isLoopback(clientAddress(req)));

  router.get(route.path, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!open(req) && options.access.authorize(route, req, res) === undefined) return;
    res.setHeader('Content-Type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  return router;
}
