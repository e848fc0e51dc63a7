/**
 * The one lookup-attribute filter and the time range. Changes take effect on Apply; changing the
 * attribute keeps the time range, as in the AWS console.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { LOOKUP_ATTRIBUTE_KEYS, type LookupAttributeKey } from '../api/aws-types.ts';
import { toLocalInput } from '../shell/format.ts';
import { ATTRIBUTE_LABELS, DEFAULT_FILTER, PRESETS, type HistoryFilter, type PresetId } from './lookup.ts';

type RangeChoice = PresetId | 'custom';

export function FilterBar({ filter, onApply, busy }: { filter: HistoryFilter; onApply: (f: HistoryFilter) => void; busy: boolean }) {
  const id = useId();
  const [key, setKey] = useState<LookupAttributeKey | ''>(filter.attribute?.key ?? '');
  const [value, setValue] = useState(filter.attribute?.value ?? '');
  const [range, setRange] = useState<RangeChoice>(filter.range.kind === 'preset' ? filter.range.id : 'custom');
  const [start, setStart] = useState(() => toLocalInput(filter.range.kind === 'custom' ? filter.range.start : Date.now() - 3600_000));
  const [end, setEnd] = useState(() => toLocalInput(filter.range.kind === 'custom' ? filter.range.end : Date.now()));
  const [problem, setProblem] = useState<string | null>(null);

  // Follows the applied filter when it changes elsewhere (reset, region switch).
  useEffect(() => {
    setKey(filter.attribute?.key ?? '');
    setValue(filter.attribute?.value ?? '');
    setRange(filter.range.kind === 'preset' ? filter.range.id : 'custom');
    if (filter.range.kind === 'custom') {
      setStart(toLocalInput(filter.range.start));
      setEnd(toLocalInput(filter.range.end));
    }
  }, [filter]);

  const changeKey = (next: LookupAttributeKey | '') => {
    setKey(next);
    if (next === 'ReadOnly') setValue((v) => (v === 'true' || v === 'false' ? v : 'false'));
    else if (key === 'ReadOnly') setValue('');
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    let nextRange: HistoryFilter['range'];
    if (range === 'custom') {
      const s = new Date(start).getTime();
      const en = new Date(end).getTime();
      if (Number.isNaN(s) || Number.isNaN(en)) {
        setProblem('Enter both a start and an end time.');
        return;
      }
      if (s > en) {
        setProblem('The start time must be before the end time.');
        return;
      }
      // datetime-local has minute precision: the end minute is included whole.
      nextRange = { kind: 'custom', start: s, end: en + 59_999 };
    } else nextRange = { kind: 'preset', id: range };
    const trimmed = value.trim();
    if (key !== '' && trimmed === '') {
      setProblem(`Enter a value for ${ATTRIBUTE_LABELS[key]}, or choose no attribute.`);
      return;
    }
    onApply({ attribute: key === '' ? null : { key, value: trimmed }, range: nextRange });
  };

  return (
    <form className="filter-bar" onSubmit={submit} aria-label="Event history filter">
      <div className="field">
        <label htmlFor={`${id}-key`}>Lookup attribute</label>
        <select id={`${id}-key`} value={key} onChange={(e) => changeKey(e.target.value as LookupAttributeKey | '')}>
          <option value="">No attribute filter</option>
          {LOOKUP_ATTRIBUTE_KEYS.map((k) => (
            <option key={k} value={k}>{ATTRIBUTE_LABELS[k]}</option>
          ))}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-value`}>Value</label>
        {key === 'ReadOnly' ? (
          <select id={`${id}-value`} value={value} onChange={(e) => setValue(e.target.value)}>
            <option value="false">false</option>
            <option value="true">true</option>
          </select>
        ) : (
          <input id={`${id}-value`} value={value} disabled={key === ''} spellCheck={false}
            placeholder={key === '' ? 'Choose an attribute first' : `Enter ${ATTRIBUTE_LABELS[key].toLowerCase()}`}
            onChange={(e) => setValue(e.target.value)} />
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-range`}>Time range</label>
        <select id={`${id}-range`} value={range} onChange={(e) => setRange(e.target.value as RangeChoice)}>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>{p.label}</option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </div>
      {range === 'custom' ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-start`}>Start (local time)</label>
            <input id={`${id}-start`} type="datetime-local" value={start} required onChange={(e) => setStart(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-end`}>End (local time)</label>
            <input id={`${id}-end`} type="datetime-local" value={end} required onChange={(e) => setEnd(e.target.value)} />
          </div>
        </>
      ) : null}
      <div className="filter-actions">
        <button type="submit" className="button primary" disabled={busy}>Apply</button>
        <button type="button" className="button" onClick={() => onApply(DEFAULT_FILTER)}>Reset</button>
      </div>
      {problem ? <p className="field-error" role="alert">{problem}</p> : null}
    </form>
  );
}
