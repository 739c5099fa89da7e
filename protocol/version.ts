/**
 * The version of the client-server contract. Bump it on any change a peer of the other version would
 * misread; the server refuses a handshake with another version and says so in words.
 */
export const PROTOCOL_VERSION = 3;

/** The sentence both sides show when versions differ. */
export function versionMismatchMessage(serverVersion: number, clientVersion: unknown): string {
  return `Protocol version mismatch: server speaks ${serverVersion}, client sent ${String(clientVersion)}. Reload the page to get the current viewer.`;
}
