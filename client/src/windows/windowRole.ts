/**
 * What a browser window of the viewer is for, from its address: the overview (the default), a detail
 * window (`?window=detail`: its camera follows the sensor selected in any window), the city cockpit
 * (`?window=cockpit`: tiles of the town's figures, no map), or a wall screen (`?wall=<name>`: shows
 * what operators push to that wall).
 */
import { WallNameSchema } from '../../../protocol/index.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';

export type WindowRole =
  | { readonly kind: 'overview' }
  | { readonly kind: 'detail' }
  | { readonly kind: 'cockpit' }
  | { readonly kind: 'wall'; readonly wall: string };

const WINDOW_KINDS = ['overview', 'detail', 'cockpit'] as const;

/** The window's role; `problem` says what in the address was not understood (the overview is used). */
export function windowRoleFromSearch(search: string): { role: WindowRole; problem: string | null } {
  const params = new URLSearchParams(search);
  const wall = params.get('wall');
  if (wall !== null) {
    const parsed = WallNameSchema.safeParse(wall);
    if (parsed.success) return { role: { kind: 'wall', wall: parsed.data }, problem: null };
    return {
      role: { kind: 'overview' },
      problem: `?wall=${wall}: a wall's name has ${zodErrorText(parsed.error, { maxIssues: 1 })}`,
    };
  }
  const kind = params.get('window');
  if (kind === null) return { role: { kind: 'overview' }, problem: null };
  if ((WINDOW_KINDS as readonly string[]).includes(kind))
    return { role: { kind } as WindowRole, problem: null };
  return {
    role: { kind: 'overview' },
    problem: `?window=${kind} is not known (known: ${WINDOW_KINDS.join(', ')})`,
  };
}

/** The address of another window of the same town at the same time (`?t=` and `?city=` kept). */
export function hrefForWindow(href: string, kind: 'overview' | 'detail' | 'cockpit'): string {
  const url = new URL(href);
  url.searchParams.delete('wall');
  if (kind === 'overview') url.searchParams.delete('window');
  else url.searchParams.set('window', kind);
  return url.toString();
}

/** The address of a wall screen of this town (what to open on the wall's computer). */
export function hrefForWall(href: string, wall: string): string {
  const url = new URL(href);
  url.searchParams.delete('window');
  url.searchParams.delete('t');
  url.searchParams.set('wall', wall);
  return url.toString();
}
