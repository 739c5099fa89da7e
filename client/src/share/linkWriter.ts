/**
 * Keeps the address bar's link equal to what the map shows, so copying it at any moment shares that
 * state. Changes are gathered and written at most every quarter second (browsers refuse more than
 * about 100 history writes in 10 s; an opacity slider moves faster).
 */
import { hrefWithShareState, type ShareState } from './shareLink.ts';

const WRITE_DELAY_MS = 250;

export interface LinkWriter {
  /**
   * Records a change; the link is written shortly after, or at once with `now` (a camera at rest, a
   * scenario opened: rare changes a user may copy the address of right away).
   */
  write(patch: Partial<ShareState>, now?: boolean): void;
  /** The link with everything recorded so far (written or not). */
  currentHref(): string;
  dispose(): void;
}

/** A writer on `history` and `location` (the browser's by default). */
export function createLinkWriter(
  target: Pick<History, 'replaceState' | 'state'> = window.history,
  location: { readonly href: string } = window.location,
): LinkWriter {
  let pending: Partial<ShareState> = {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const href = hrefWithShareState(location.href, pending);
    pending = {};
    if (href !== location.href) target.replaceState(target.state, '', href);
  };
  return {
    write(patch, now = false) {
      pending = { ...pending, ...patch };
      if (now) {
        if (timer !== undefined) clearTimeout(timer);
        flush();
      } else timer ??= setTimeout(flush, WRITE_DELAY_MS);
    },
    currentHref: () => hrefWithShareState(location.href, pending),
    // What is still pending is dropped: the address may by now be another town's (a switch of town
    // unmounts this one after the new address is pushed).
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = {};
    },
  };
}
