/**
 * A uniform hash grid over boxes in the local plane, so that placing a building only tests the few
 * footprints near it instead of all placed so far.
 */
import type { BoxM } from './geometry.ts';

/** Items with bounding boxes, found again by box; deterministic order for a reproducible generator. */
export class SpatialIndex<T> {
  private readonly cells = new Map<string, number[]>();
  private readonly items: { box: BoxM; value: T }[] = [];

  /** @param cellSizeM grid spacing; about the size of a typical item keeps queries cheap. */
  constructor(private readonly cellSizeM: number) {}

  insert(box: BoxM, value: T): void {
    const index = this.items.length;
    this.items.push({ box, value });
    this.forCells(box, (key) => {
      const cell = this.cells.get(key);
      if (cell) cell.push(index);
      else this.cells.set(key, [index]);
    });
  }

  /** Items whose box comes within `marginM` of `box`, each once, in insertion order. */
  query(box: BoxM, marginM = 0): T[] {
    const grown: BoxM = [box[0] - marginM, box[1] - marginM, box[2] + marginM, box[3] + marginM];
    const found = new Set<number>();
    this.forCells(grown, (key) => {
      for (const index of this.cells.get(key) ?? []) found.add(index);
    });
    const result: T[] = [];
    for (const index of [...found].sort((a, b) => a - b)) {
      const item = this.items[index];
      if (
        item &&
        item.box[0] <= grown[2] &&
        grown[0] <= item.box[2] &&
        item.box[1] <= grown[3] &&
        grown[1] <= item.box[3]
      ) {
        result.push(item.value);
      }
    }
    return result;
  }

  private forCells(box: BoxM, visit: (key: string) => void): void {
    const x0 = Math.floor(box[0] / this.cellSizeM);
    const y0 = Math.floor(box[1] / this.cellSizeM);
    const x1 = Math.floor(box[2] / this.cellSizeM);
    const y1 = Math.floor(box[3] / this.cellSizeM);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) visit(`${x},${y}`);
  }
}
