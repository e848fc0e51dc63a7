/**
 * Reading HealthOmics through the console API: a list operation followed through its pages, and
 * one Get, each as a useLoad that polls (usePolling) while anything it shows is still moving.
 */
import type { ConsoleApi } from '../api/client.ts';
import { useConsole } from '../shell/console-context.tsx';
import { useLoad, usePolling, type Loaded } from '../shell/use-load.ts';

/** Enough for a page; more is a filter's job (as in AWS's console, which pages at 100). */
const MAX_PAGES = 10;
const POLL_MS = 1500;

/** Every item of a List* call, following nextToken (or startingToken for ListRunTasks). */
export async function listAll<T>(api: ConsoleApi, region: string, operation: string, input: Record<string, unknown>, itemsKey: string,
  signal?: AbortSignal, tokenIn = 'nextToken'): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await api.call<Record<string, unknown>>('omics', operation, { ...input, ...(token ? { [tokenIn]: token } : {}) }, region, signal);
    items.push(...((out[itemsKey] as T[] | undefined) ?? []));
    token = out.nextToken as string | undefined;
    if (!token) break;
  }
  return items;
}

export function useOmicsList<T>(operation: string, input: Record<string, unknown>, itemsKey: string,
  stillMoving: (items: T[]) => boolean, deps: readonly unknown[], tokenIn?: string): Loaded<T[]> {
  const { api, region } = useConsole();
  const list = useLoad((signal) => listAll<T>(api, region, operation, input, itemsKey, signal, tokenIn), [api, region, operation, ...deps]);
  usePolling(list.reload, POLL_MS, !!list.data && stillMoving(list.data));
  return list;
}

export function useOmicsGet<T>(operation: string, input: Record<string, unknown>, stillMoving: (item: T) => boolean,
  deps: readonly unknown[], service = 'omics'): Loaded<T> {
  const { api, region } = useConsole();
  const item = useLoad((signal) => api.call<T>(service, operation, input, region, signal), [api, region, service, operation, ...deps]);
  usePolling(item.reload, POLL_MS, !!item.data && stillMoving(item.data));
  return item;
}
