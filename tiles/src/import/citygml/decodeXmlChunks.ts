/**
 * Turns a stream of XML bytes into a stream of text in the encoding the document declares. German
 * state data and the KIT test files still declare `ISO-8859-1`; decoding them as UTF-8 would mangle
 * every umlaut in names and addresses.
 */

/** How far into the stream the XML declaration may end; it is always at the very start. */
const DECLARATION_WINDOW_BYTES = 1024;

/**
 * The encoding named in an XML declaration at the start of `head` (bytes read as ASCII), or
 * `undefined` when there is none. A byte-order mark decides before the declaration does.
 */
export function declaredXmlEncoding(head: Uint8Array): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  let ascii = '';
  for (const byte of head.subarray(0, DECLARATION_WINDOW_BYTES)) ascii += String.fromCharCode(byte);
  const match = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(ascii);
  return match?.[1];
}

/** Whether `bytes` hold enough of the start of the document to know its encoding. */
function headIsComplete(bytes: Uint8Array): boolean {
  if (bytes.length >= DECLARATION_WINDOW_BYTES) return true;
  const firstNonSpace = bytes.findIndex(
    (byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d,
  );
  if (firstNonSpace === -1) return false;
  // Anything but `<?` (or a byte-order mark) at the start means there is no declaration to wait for.
  if (bytes[firstNonSpace] !== 0x3c) return true;
  if (firstNonSpace + 1 >= bytes.length) return false;
  if (bytes[firstNonSpace + 1] !== 0x3f) return true;
  for (let i = firstNonSpace + 2; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x3f && bytes[i + 1] === 0x3e) return true;
  }
  return false;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

function createDecoder(label: string | undefined, onUnknownEncoding: (label: string) => void): TextDecoder {
  if (label === undefined) return new TextDecoder('utf-8');
  try {
    return new TextDecoder(label.toLowerCase());
  } catch {
    onUnknownEncoding(label);
    return new TextDecoder('utf-8');
  }
}

/**
 * Decodes `source` chunk by chunk with a streaming `TextDecoder`, so a character split across two
 * chunks is decoded whole. Strings pass through unchanged. Only the first bytes (up to the end of
 * the XML declaration) are held back, never the document.
 */
export async function* decodeXmlChunks(
  source: AsyncIterable<string | Uint8Array>,
  onUnknownEncoding: (label: string) => void = () => undefined,
): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      if (decoder) {
        const rest = decoder.decode();
        if (rest) yield rest;
      } else if (head.length > 0) {
        yield createDecoder(declaredXmlEncoding(head), onUnknownEncoding).decode(head);
        head = new Uint8Array(0);
      }
      decoder = undefined;
      if (chunk) yield chunk;
      continue;
    }
    if (!decoder) {
      head = concat(head, chunk);
      if (!headIsComplete(head)) continue;
      decoder = createDecoder(declaredXmlEncoding(head), onUnknownEncoding);
      const text = decoder.decode(head, { stream: true });
      head = new Uint8Array(0);
      if (text) yield text;
      continue;
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  if (decoder) {
    const rest = decoder.decode();
    if (rest) yield rest;
  } else if (head.length > 0) {
    yield createDecoder(declaredXmlEncoding(head), onUnknownEncoding).decode(head);
  }
}
