/** The gear menu: which columns show (their order is fixed). */
import { useId, useRef, type KeyboardEvent } from 'react';
import { EVENT_HISTORY_COLUMNS } from '../../api-contract.ts';
import type { Column } from './columns.ts';

export function ColumnSettings({ isVisible, toggle, reset }: { isVisible: (c: Column) => boolean; toggle: (c: Column) => void; reset: () => void }) {
  const id = useId();
  const menu = useRef<HTMLDetailsElement>(null);
  // Escape closes the menu and returns focus to its button.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !menu.current?.open) return;
    menu.current.open = false;
    menu.current.querySelector('summary')?.focus();
  };
  return (
    <details className="menu" ref={menu} onKeyDown={onKeyDown}>
      <summary className="button">
        <span aria-hidden="true">⚙</span> Preferences
      </summary>
      <div className="menu-panel" role="group" aria-labelledby={`${id}-legend`}>
        <p id={`${id}-legend`} className="menu-title">Visible columns</p>
        <ul className="plain-list">
          {EVENT_HISTORY_COLUMNS.map((c) => (
            <li key={c}>
              <label className="checkbox">
                <input type="checkbox" checked={isVisible(c)} onChange={() => toggle(c)} /> {c}
              </label>
            </li>
          ))}
        </ul>
        <button type="button" className="button-link" onClick={reset}>Restore defaults</button>
      </div>
    </details>
  );
}
