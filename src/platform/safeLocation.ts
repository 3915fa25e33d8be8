import { sanitizeSearch } from '../config/link';

/**
 * Imported first by the entry: runs before any library reads the address. Keeps the query string as it was
 * opened (the link is read from it) and leaves the address without the pieces other code would choke on.
 */
export const openedSearch = location.search;
const clean = sanitizeSearch(openedSearch);
if (clean !== openedSearch) history.replaceState(history.state, '', `${location.pathname}${clean}${location.hash}`);
