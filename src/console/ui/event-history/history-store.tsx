/**
 * Event history's state, kept above the routes so that opening an event and coming back keeps
 * the filter and the pages already read. Pages are 50 events (one LookupEvents call each),
 * reached through NextToken. The watch route tells us when newer events exist: on the first
 * page the query runs again; elsewhere a notice counts them.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LookupEventsOutput, TrailEvent } from '../api/aws-types.ts';
import { isAbort, toApiError, type ApiError } from '../api/errors.ts';
import { watchEvents } from '../api/watch.ts';
import { useConsole } from '../shell/console-context.tsx';
import { DEFAULT_FILTER, freeze, isOpenEnded, lookupInput, PAGE_SIZE, type FrozenQuery, type HistoryFilter } from './lookup.ts';

export interface HistoryPage {
  events: TrailEvent[];
  nextToken?: string;
}

export interface NewEvents {
  count: number;
  /** More than `count` (the count query stopped at one page). */
  more: boolean;
}

interface HistoryState {
  filter: HistoryFilter;
  query: FrozenQuery | null;
  pages: HistoryPage[];
  pageIndex: number;
  loading: boolean;
  error: ApiError | null;
  newEvents: NewEvents | null;
  /** When the current first page was read. */
  loadedAt: number | null;
}

export interface EventHistory extends HistoryState {
  apply: (filter: HistoryFilter) => void;
  refresh: () => void;
  ensureLoaded: () => void;
  nextPage: () => void;
  previousPage: () => void;
  hasNext: boolean;
  findEvent: (eventId: string) => TrailEvent | undefined;
}

const HistoryContext = createContext<EventHistory | null>(null);

const initial: HistoryState = {
  filter: DEFAULT_FILTER, query: null, pages: [], pageIndex: 0, loading: false, error: null, newEvents: null, loadedAt: null,
};

export function EventHistoryProvider({ children }: { children: ReactNode }) {
  const { api, region, session } = useConsole();
  const [state, setState] = useState<HistoryState>(initial);
  const stateRef = useRef(state);
  stateRef.current = state;
  const requestRef = useRef<AbortController | null>(null);
  const refreshPending = useRef(false);

  const load = useCallback(async (query: FrozenQuery, pageIndex: number, token: string | undefined) => {
    requestRef.current?.abort();
    const controller = new AbortController();
    requestRef.current = controller;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const out = await api.call<LookupEventsOutput>('cloudtrail', 'LookupEvents', lookupInput(query, token), region, controller.signal);
      if (controller.signal.aborted) return;
      setState((s) => {
        const pages = s.pages.slice(0, pageIndex);
        pages[pageIndex] = { events: out.Events ?? [], ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
        return {
          ...s, pages, pageIndex, loading: false, error: null,
          ...(pageIndex === 0 ? { loadedAt: Date.now(), newEvents: null } : {}),
        };
      });
    } catch (e) {
      if (controller.signal.aborted || isAbort(e)) return;
      setState((s) => ({ ...s, loading: false, error: toApiError(e) }));
    } finally {
      if (requestRef.current === controller) requestRef.current = null;
    }
  }, [api, region]);

  const apply = useCallback((filter: HistoryFilter) => {
    const query = freeze(filter);
    setState((s) => ({ ...s, filter, query, pages: [], pageIndex: 0, newEvents: null }));
    void load(query, 0, undefined);
  }, [load]);

  const refresh = useCallback(() => apply(stateRef.current.filter), [apply]);

  const ensureLoaded = useCallback(() => {
    const s = stateRef.current;
    if (!s.query && !s.loading) apply(s.filter);
  }, [apply]);

  const nextPage = useCallback(() => {
    const s = stateRef.current;
    if (!s.query || s.loading) return;
    if (s.pages[s.pageIndex + 1]) {
      setState((c) => ({ ...c, pageIndex: c.pageIndex + 1 }));
      return;
    }
    const token = s.pages[s.pageIndex]?.nextToken;
    if (token) void load(s.query, s.pageIndex + 1, token);
  }, [load]);

  const previousPage = useCallback(() => {
    setState((s) => (s.pageIndex > 0 ? { ...s, pageIndex: s.pageIndex - 1, error: null } : s));
  }, []);

  // A new region is a new history: read it again with the same filter.
  const firstRegion = useRef(true);
  useEffect(() => {
    if (firstRegion.current) {
      firstRegion.current = false;
      return;
    }
    if (stateRef.current.query) apply(stateRef.current.filter);
  }, [region, apply]);

  // Counts the events after the current query's end (other sessions' only), up to one page.
  // Event times have whole seconds, so the query's last second is read again and the events
  // already listed are left out.
  const countNew = useCallback(async () => {
    const s = stateRef.current;
    if (!s.query) return;
    const after: FrozenQuery = { filter: s.filter, startTime: Math.floor(s.query.endTime / 1000) * 1000, endTime: Date.now() };
    const listed = new Set(s.pages.flatMap((p) => p.events.map((e) => e.EventId)));
    try {
      const out = await api.call<LookupEventsOutput>('cloudtrail', 'LookupEvents', { ...lookupInput(after), MaxResults: PAGE_SIZE }, region);
      if (stateRef.current.query !== s.query) return;
      const count = (out.Events ?? []).filter((e) => e.AccessKeyId !== session.accessKeyId && !listed.has(e.EventId)).length;
      if (count > 0 || out.NextToken) setState((c) => ({ ...c, newEvents: { count, more: !!out.NextToken } }));
    } catch {
      // The notice is a convenience; a failed count shows nothing.
    }
  }, [api, region, session.accessKeyId]);

  useEffect(() => {
    let countTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = watchEvents(api, region, () => {
      const s = stateRef.current;
      if (!s.query || !isOpenEnded(s.filter)) return;
      if (s.pageIndex === 0) {
        if (s.loading) refreshPending.current = true;
        else apply(s.filter);
      } else {
        clearTimeout(countTimer);
        countTimer = setTimeout(() => void countNew(), 300);
      }
    });
    return () => {
      stop();
      clearTimeout(countTimer);
    };
  }, [api, region, apply, countNew]);

  // A notice that arrived while the first page was loading: read it once more.
  useEffect(() => {
    if (!state.loading && refreshPending.current && state.pageIndex === 0) {
      refreshPending.current = false;
      apply(stateRef.current.filter);
    }
  }, [state.loading, state.pageIndex, apply]);

  useEffect(() => () => requestRef.current?.abort(), []);

  const value = useMemo<EventHistory>(() => ({
    ...state,
    apply,
    refresh,
    ensureLoaded,
    nextPage,
    previousPage,
    hasNext: !!state.pages[state.pageIndex + 1] || !!state.pages[state.pageIndex]?.nextToken,
    findEvent: (id) => {
      for (const page of state.pages) {
        const found = page.events.find((e) => e.EventId === id);
        if (found) return found;
      }
      return undefined;
    },
  }), [state, apply, refresh, ensureLoaded, nextPage, previousPage]);

  return <HistoryContext.Provider value={value}>{children}</HistoryContext.Provider>;
}

export function useEventHistory(): EventHistory {
  const value = useContext(HistoryContext);
  if (!value) throw new Error('useEventHistory outside EventHistoryProvider');
  return value;
}
