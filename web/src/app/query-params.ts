// A page's filters live in its address (?org=…&category=…), so that a view can be bookmarked and shared.
import { useCallback } from 'react';
import { useSearchParams, type NavigateOptions } from 'react-router';

/** Values to set in the query; an empty string, null or undefined removes the parameter. */
export type QueryChanges = Record<string, string | null | undefined>;

/**
 * The page's query parameters, and a way to change some of them. A change starts from the address as it
 * is when the change is made, not as it was when the page last drew: two changes in quick succession (a
 * second filter chosen before the page redrew after the first, as on a slow device) keep both.
 */
export function useQueryParams(): [URLSearchParams, (changes: QueryChanges, options?: NavigateOptions) => void] {
  const [params, setParams] = useSearchParams();
  const change = useCallback((changes: QueryChanges, options: NavigateOptions = { replace: true }) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, options);
  }, [setParams]);
  return [params, change];
}
