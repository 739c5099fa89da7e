/*
 * Zod compiles object parsers with `new Function` when it can, and finds out whether it can by
 * trying; under the server's Content-Security-Policy (no 'unsafe-eval') that try is refused and
 * reported as a violation. The viewer parses small payloads, so the plain parsers are fast enough.
 * Zod reads this setting when it loads and may build schemas at once (the shared protocol chunk
 * does), so it is set here, by a classic script that runs before any module of the app.
 */
globalThis.__zod_globalConfig = Object.assign({}, globalThis.__zod_globalConfig, { jitless: true });
