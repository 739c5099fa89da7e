import { describe, expect, it } from 'vitest';
import { createProgressReporter, formatProgressBar } from './progressBar.ts';

function fakeStream(isTTY: boolean): { isTTY: boolean; output: string[]; write(text: string): void } {
  const output: string[] = [];
  return { isTTY, output, write: (text: string) => void output.push(text) };
}

describe('formatProgressBar', () => {
  it('draws filled cells, percent and counts', () => {
    expect(formatProgressBar(1300, 2500, 'buildings', 10)).toBe('[#####-----]  52% 1300/2500 buildings');
    expect(formatProgressBar(0, 4, 'buildings', 4)).toBe('[----]   0% 0/4 buildings');
    expect(formatProgressBar(4, 4, 'buildings', 4)).toBe('[####] 100% 4/4 buildings');
  });

  it('treats an empty job as done', () => {
    expect(formatProgressBar(0, 0, 'buildings', 2)).toBe('[##] 100% 0/0 buildings');
  });
});

describe('createProgressReporter', () => {
  it('redraws one line in place on a TTY and ends it with a newline', () => {
    let now = 0;
    const stream = fakeStream(true);
    const progress = createProgressReporter({
      stream,
      unit: 'buildings',
      label: 'tiles x',
      delayMs: 0,
      nowMs: () => now,
    });
    progress.update(0, 10);
    now = 50;
    progress.update(5, 10); // within the redraw interval: skipped
    now = 200;
    progress.update(6, 10);
    progress.update(10, 10); // completion is always drawn
    progress.finish();
    expect(stream.output).toHaveLength(4);
    expect(stream.output[0]).toBe(`\rtiles x [${'-'.repeat(30)}]   0% 0/10 buildings\x1b[K`);
    expect(stream.output[2]).toMatch(/100% 10\/10 buildings/);
    expect(stream.output[3]).toBe('\n');
  });

  it('prints plain lines at each quarter when not a TTY', () => {
    const stream = fakeStream(false);
    const progress = createProgressReporter({
      stream,
      unit: 'buildings',
      label: 'tiles x',
      delayMs: 0,
      nowMs: () => 0,
    });
    for (let done = 0; done <= 100; done += 10) progress.update(done, 100);
    progress.finish();
    expect(stream.output).toEqual([
      'tiles x 0% 0/100 buildings\n',
      'tiles x 30% 30/100 buildings\n',
      'tiles x 50% 50/100 buildings\n',
      'tiles x 80% 80/100 buildings\n',
      'tiles x 100% 100/100 buildings\n',
    ]);
  });

  it('stays silent on builds shorter than the delay', () => {
    const stream = fakeStream(true);
    const progress = createProgressReporter({
      stream,
      unit: 'buildings',
      label: 'tiles x',
      delayMs: 300,
      nowMs: () => 100,
    });
    progress.update(0, 10);
    progress.update(10, 10);
    progress.finish();
    expect(stream.output).toEqual([]);
  });
});
