/**
 * Where a JSON text first breaks the grammar. `JSON.parse` in Node 20 names the position for some
 * errors and not for others ("Unexpected token '}', ... is not valid JSON"), so importers that must
 * tell a person where their file is broken find the spot themselves. Only called after
 * `JSON.parse` failed, so speed does not matter.
 */

/** A place in a text: 1-based line and column, and the 0-based character offset. */
export interface TextPosition {
  line: number;
  column: number;
  offset: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class SyntaxAt {
  constructor(readonly offset: number) {}
}

/** The offset of the first character that makes `text` invalid JSON, or undefined if it is valid. */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const skipWhitespace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const expect = (char: string): void => {
    if (text.charAt(i) !== char) fail();
    i++;
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      if (i >= text.length) fail();
      const char = text.charAt(i);
      if (char === '"') {
        i++;
        return;
      }
      if (char.charCodeAt(0) < 0x20) fail();
      if (char === '\\') {
        i++;
        const escape = text.charAt(i);
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else {
          if (!ESCAPES.has(escape)) fail();
          i++;
        }
      } else {
        i++;
      }
    }
  };
  const value = (): void => {
    skipWhitespace();
    const char = text.charAt(i);
    if (char === '{') {
      i++;
      skipWhitespace();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      for (;;) {
        skipWhitespace();
        string();
        skipWhitespace();
        expect(':');
        value();
        skipWhitespace();
        if (text.charAt(i) === '}') {
          i++;
          return;
        }
        expect(',');
      }
    }
    if (char === '[') {
      i++;
      skipWhitespace();
      if (text.charAt(i) === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        skipWhitespace();
        if (text.charAt(i) === ']') {
          i++;
          return;
        }
        expect(',');
      }
    }
    if (char === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) fail();
    i = NUMBER.lastIndex;
  };
  try {
    value();
    skipWhitespace();
    if (i < text.length) fail();
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    // Nesting deep enough to overflow the stack: the position is unknown, not the file valid.
    return 0;
  }
}

/** Line and column (both 1-based) of a character offset. */
export function textPositionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charAt(i) === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}
