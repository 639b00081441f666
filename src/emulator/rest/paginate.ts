import type { PageTokens } from "./page-tokens.js";

/** Zoom's page metadata, as every paginated listing returns it. */
export interface PageMeta {
  page_count: number;
  page_size: number;
  total_records: number;
  next_page_token: string;
}

/** Zoom's default and maximum `page_size` (zoom-facts §5.2). */
export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 300;

/** A page, or the reason the request's paging parameters were refused. */
export type PageResult<T> = { ok: true; meta: PageMeta; items: T[] } | { ok: false; message: string };

/**
 * Cuts one page out of `items` following `page_size` and `next_page_token`. `scope` names the
 * listing (route + resource + filters) so a token cannot continue a different listing.
 * `next_page_token` is "" on the last page, as on Zoom.
 */
export function paginate<T>(
  items: readonly T[],
  query: { page_size?: string; next_page_token?: string },
  scope: string,
  tokens: PageTokens,
): PageResult<T> {
  const requested = query.page_size === undefined || query.page_size === "" ? DEFAULT_PAGE_SIZE : Number(query.page_size);
  if (!Number.isInteger(requested) || requested < 1) {
    return { ok: false, message: `Invalid field: page_size must be an integer from 1 to ${MAX_PAGE_SIZE}.` };
  }
  // Zoom caps oversize pages at the maximum rather than failing.
  const pageSize = Math.min(requested, MAX_PAGE_SIZE);
  let offset = 0;
  if (query.next_page_token) {
    const resolved = tokens.resolve(query.next_page_token, scope);
    if (resolved === undefined) return { ok: false, message: "The next page token is invalid or expired." };
    offset = resolved;
  }
  const slice = items.slice(offset, offset + pageSize);
  const next = offset + pageSize < items.length ? tokens.issue(scope, offset + pageSize) : "";
  return {
    ok: true,
    items: slice,
    meta: {
      page_count: Math.ceil(items.length / pageSize),
      page_size: pageSize,
      total_records: items.length,
      next_page_token: next,
    },
  };
}
