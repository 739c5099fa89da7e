/**
 * A small namespace-aware element tree of an XML document, read with saxes (browser and node alike,
 * no DOMParser). The OGC readers match elements by local name and, where two vocabularies share a
 * name, by namespace, so prefixed and default namespaces (`wms:Layer`, `<Layer xmlns=…>`) and
 * INSPIRE extensions read the same. Text may be fed in chunks as it arrives (`createXmlTreeReader`).
 */
import { SaxesParser } from 'saxes';

/** One element: its namespace URI, local name, attributes by local name, children and own text. */
export interface XmlElement {
  readonly ns: string;
  readonly name: string;
  /** Attributes by local name (`xlink:href` is `href`); the first wins when two share one. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (not its children's), as written. */
  readonly text: string;
}

interface OpenElement {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Deeper nesting is refused: OGC documents are a few dozen levels deep. */
export const MAX_XML_DEPTH = 256;

/** A namespace that was used without a declaration (MapServer output has some); read, not refused. */
const UNDECLARED_NS = 'urn:citytwin:undeclared';

/** A reader fed text in pieces; `close()` returns the root element or throws a readable error. */
export interface XmlTreeReader {
  write(chunk: string): void;
  close(): XmlElement;
}

export function createXmlTreeReader(): XmlTreeReader {
  const parser = new SaxesParser({ xmlns: true, resolvePrefix: () => UNDECLARED_NS });
  const stack: OpenElement[] = [];
  let root: XmlElement | null = null;
  let failure: Error | null = null;

  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_XML_DEPTH) throw new Error(`XML nested deeper than ${MAX_XML_DEPTH} elements`);
    const attrs: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
      if (!(attribute.local in attrs)) attrs[attribute.local] = attribute.value;
    }
    stack.push({ ns: tag.uri ?? '', name: tag.local ?? tag.name, attrs, children: [], text: '' });
  });
  parser.on('text', (text) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  });
  parser.on('cdata', (text) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    const done = stack.pop();
    if (!done) return;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(done);
    else root = done;
  });
  parser.on('error', (error) => {
    failure ??= error;
  });

  return {
    write(chunk) {
      if (failure) return;
      try {
        parser.write(chunk);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    },
    close() {
      if (!failure) {
        try {
          parser.close();
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
        }
      }
      if (failure) throw new Error(`not well-formed XML: ${failure.message.split('\n')[0] ?? ''}`);
      if (!root) throw new Error('not well-formed XML: no root element');
      return root;
    },
  };
}

/** Reads a whole document. */
export function parseXml(text: string): XmlElement {
  const reader = createXmlTreeReader();
  // Pieces of 64 KB keep saxes' buffers small on the large capabilities documents.
  for (let i = 0; i < text.length; i += 65_536) reader.write(text.slice(i, i + 65_536));
  return reader.close();
}

/** The direct children named `name` (local name), optionally in namespace `ns`. */
export function childrenNamed(element: XmlElement, name: string, ns?: string): XmlElement[] {
  return element.children.filter((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** The first direct child named `name`. */
export function childNamed(element: XmlElement, name: string, ns?: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** The trimmed text of the first child named `name`, or null when missing or empty. */
export function childText(element: XmlElement, name: string, ns?: string): string | null {
  const text = childNamed(element, name, ns)?.text.trim();
  return text ? text : null;
}

/** The first element at `path` (local names) below `element`. */
export function pathNamed(element: XmlElement, ...path: string[]): XmlElement | undefined {
  let current: XmlElement | undefined = element;
  for (const name of path) {
    if (!current) return undefined;
    current = childNamed(current, name);
  }
  return current;
}

/** Every descendant named `name`, in document order (not below a match). */
export function descendantsNamed(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const child of e.children) {
      if (child.name === name) found.push(child);
      else walk(child);
    }
  };
  walk(element);
  return found;
}

/** All text of an element and its descendants, in order. */
export function deepText(element: XmlElement): string {
  return element.text + element.children.map(deepText).join('');
}
