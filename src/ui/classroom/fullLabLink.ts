import { encodeLink } from '../../config/link';
import type { LabState } from '../../store/labStore';
import { linkStateOf } from '../share/linkState';

/** A query string ("?a=1&embed=1&b=2") without its embed parameter, everything else as it was, in order. */
export function withoutEmbed(search: string): string {
  // Piece by piece, so the rest stays exactly as written (commas in views=a,b are not re-encoded).
  const rest = search
    .replace(/^\?/, '')
    .split('&')
    .filter((p) => p !== '' && p.split('=')[0] !== 'embed');
  return rest.length ? `?${rest.join('&')}` : '';
}

/**
 * The address of the full lab for an embedded one: the link of what is on screen (the same link the address bar
 * holds), without embed=1. Until the first run is ready the store cannot say the step or the backend yet, so the
 * address the embed was opened with stands in.
 */
export function fullLabHref(s: LabState, loc: { pathname: string; search: string }): string {
  if (s.run.status !== 'ready') return `${loc.pathname}${withoutEmbed(loc.search)}`;
  const state = linkStateOf(s);
  const query = encodeLink({ ...state, view: { ...state.view, embed: undefined } });
  const keep = new URLSearchParams(loc.search).has('mainthread') ? '&mainthread' : '';
  return `${loc.pathname}?${query}${keep}`;
}
