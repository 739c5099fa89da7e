/**
 * The address a client connects from, the way Express's `req.ip` finds it: the peer's address, or,
 * where the config trusts the proxies in between (`security.trustProxy`), the last address in
 * `X-Forwarded-For` that no trusted proxy added. Socket.io's handshake has the headers and the peer
 * but none of Express's logic: without this, every socket behind a reverse proxy would count against
 * the proxy's address (one rate for every visitor, one throttle on every staff key).
 */

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`): whether to trust hop `i`. */
export type TrustProxy = (address: string, hop: number) => boolean;

/** The client's address given the peer's, the `X-Forwarded-For` header and which hops to trust. */
export function clientAddress(
  peer: string,
  forwardedFor: string | readonly string[] | undefined,
  trust: TrustProxy,
): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor as string | undefined);
  // Nearest first: the peer, then the forwarded addresses from the last one added backwards.
  const chain = [
    peer,
    ...(header ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .reverse(),
  ];
  for (let hop = 0; hop < chain.length - 1; hop += 1)
    if (!trust(chain[hop] as string, hop)) return chain[hop] as string;
  return chain[chain.length - 1] as string;
}
