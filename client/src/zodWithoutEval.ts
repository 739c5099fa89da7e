/**
 * Zod compiles object parsers with `new Function` when it can, and finds out whether it can by
 * trying; under the server's Content-Security-Policy (no `'unsafe-eval'`) that try is refused and
 * reported as a violation. The viewer parses small payloads, so the plain parsers are fast enough:
 * turned on here, imported first by `main.tsx`, before any schema runs.
 */
import { z } from 'zod';

z.config({ jitless: true });
