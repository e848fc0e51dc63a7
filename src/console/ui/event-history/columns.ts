/**
 * Event history's columns: AWS's fixed order (EVENT_HISTORY_COLUMNS), the default set of
 * spec §4.2, and the user's choice kept in localStorage.
 */
import { useCallback, useState } from 'react';
import { EVENT_HISTORY_COLUMNS } from '../../api-contract.ts';
import type { TrailEvent } from '../api/aws-types.ts';
import { recordString } from './lookup.ts';

export type Column = (typeof EVENT_HISTORY_COLUMNS)[number];

export const DEFAULT_COLUMNS: readonly Column[] = [
  'Event name', 'Event time', 'User name', 'Event source', 'Resource type', 'Resource name',
];

const STORAGE_KEY = 'healthtrail.console.eventHistory.columns';

function loadColumns(): Set<Column> {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (Array.isArray(saved)) {
      const valid = saved.filter((c): c is Column => (EVENT_HISTORY_COLUMNS as readonly string[]).includes(c));
      if (valid.length > 0) return new Set(valid);
    }
  } catch {
    // Unreadable preference: defaults.
  }
  return new Set(DEFAULT_COLUMNS);
}

export function useColumns(): { visible: Column[]; isVisible: (c: Column) => boolean; toggle: (c: Column) => void; reset: () => void } {
  const [chosen, setChosen] = useState<Set<Column>>(loadColumns);
  const save = (next: Set<Column>) => {
    setChosen(next);
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify([...next]));
    } catch {
      // Storage unavailable: the choice lasts for this page only.
    }
  };
  const toggle = useCallback((c: Column) => {
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(c)) {
        if (next.size === 1) return current; // keep at least one column
        next.delete(c);
      } else next.add(c);
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify([...next]));
      } catch {
        // ignore
      }
      return next;
    });
  }, []);
  return {
    visible: EVENT_HISTORY_COLUMNS.filter((c) => chosen.has(c)),
    isVisible: (c) => chosen.has(c),
    toggle,
    reset: () => save(new Set(DEFAULT_COLUMNS)),
  };
}

const resources = (event: TrailEvent, field: 'ResourceType' | 'ResourceName'): string =>
  (event.Resources ?? []).map((r) => r[field] ?? '').filter(Boolean).join(', ');

/** A cell's text (times are formatted by the table itself). */
export function cellText(column: Column, event: TrailEvent): string {
  switch (column) {
    case 'Event time': return event.EventTime ?? '';
    case 'User name': return event.Username ?? '';
    case 'Event name': return event.EventName ?? '';
    case 'Resource type': return resources(event, 'ResourceType');
    case 'Resource name': return resources(event, 'ResourceName');
    case 'Event source': return event.EventSource ?? '';
    case 'AWS access key': return event.AccessKeyId ?? '';
    case 'Read-only': return event.ReadOnly ?? '';
    case 'Error code': return recordString(event, 'errorCode');
  }
}
