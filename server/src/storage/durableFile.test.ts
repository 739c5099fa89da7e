import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger.ts';
import { DurableFile, listParser, UnreadableFileError } from './durableFile.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-durable-'));
  dirs.push(dir);
  const log: string[] = [];
  const file = join(dir, 'things.json');
  const durable = () =>
    new DurableFile({ file, what: 'things', logger: createLogger('info', (line) => log.push(line)) });
  return { dir, file, log, durable };
}

const parseThings = listParser('things', z.object({ n: z.number() }));
const text = (...ns: number[]) => JSON.stringify({ things: ns.map((n) => ({ n })) });

describe('DurableFile', () => {
  it('keeps the replaced file as the previous copy and leaves no temporary file', () => {
    const { dir, file, durable } = setUp();
    const things = durable();
    things.write(text(1));
    things.write(text(1, 2));
    expect(readFileSync(file, 'utf8')).toBe(text(1, 2));
    expect(readFileSync(`${file}.prev`, 'utf8')).toBe(text(1));
    // The previous copy is its own file, not a second name of the current one.
    expect(statSync(`${file}.prev`).ino).not.toBe(statSync(file).ino);
    expect(readdirSync(dir).sort()).toEqual(['things.json', 'things.json.prev']);
  });

  it('moves a damaged file and a damaged previous copy aside and starts empty', () => {
    const { dir, file, log, durable } = setUp();
    writeFileSync(file, '{"things": [{"n": 1}');
    writeFileSync(`${file}.prev`, 'not json');
    expect(durable().read(parseThings)).toBeUndefined();
    const aside = readdirSync(dir).filter((name) => name.includes('.damaged-'));
    expect(aside).toHaveLength(2);
    expect(aside.map((name) => readFileSync(join(dir, name), 'utf8')).sort()).toEqual(
      ['{"things": [{"n": 1}', 'not json'].sort(),
    );
    expect(log.filter((line) => /does not parse/.test(line))).toHaveLength(2);
    expect(log.some((line) => /no usable previous copy/.test(line))).toBe(true);
  });

  it('copies a file with entries left out aside before it is written over', () => {
    const { dir, file, log, durable } = setUp();
    const original = JSON.stringify({ things: [{ n: 1 }, { n: 'zwei' }, { n: 3 }] });
    writeFileSync(file, original);
    const things = durable();
    expect(things.read(parseThings)).toEqual([{ n: 1 }, { n: 3 }]);
    things.write(text(1, 3, 4));
    const [aside] = readdirSync(dir).filter((name) => name.includes('.damaged-'));
    expect(aside && readFileSync(join(dir, aside), 'utf8')).toBe(original);
    expect(
      log.some((line) => line.includes('things[1]') && aside !== undefined && line.includes(aside)),
    ).toBe(true);
  });

  it('refuses to write over a file it could not read', () => {
    const { file, log, durable } = setUp();
    // A folder where the file should be: read fails with EISDIR, not "not there".
    mkdirSync(file);
    const things = durable();
    expect(things.read(parseThings)).toBeUndefined();
    expect(() => things.write(text(1))).toThrow(UnreadableFileError);
    expect(statSync(file).isDirectory()).toBe(true);
    expect(log.some((line) => line.includes(file) && /cannot be read/.test(line))).toBe(true);
  });

  it('treats a missing file as empty and writes it', () => {
    const { durable } = setUp();
    const things = durable();
    expect(things.read(parseThings)).toBeUndefined();
    things.write(text(7));
    expect(durable().read(parseThings)).toEqual([{ n: 7 }]);
  });
});
