/**
 * The stored JSON of a resource version, serialized once with its meta.versionId and
 * meta.lastUpdated left open: renderStamped fills them in. An import prepares a line in a worker
 * thread before it knows which version the line will become (that needs the database); the
 * commit then only fills in two values instead of serializing the resource again.
 *
 * renderStamped(stampedJson(r, id), v, t) is exactly JSON.stringify of
 * { resourceType, id, meta: { ...r.meta, versionId: String(v), lastUpdated: ISO(t) }, ...rest }
 * — the key order clients expect (resourceType, id, meta, then the rest).
 */

type Slot = 'version' | 'updated';

export interface StampedJson {
  /** Literal text around the slots: parts.length === slots.length + 1. */
  parts: string[];
  slots: Slot[];
}

/** The meta of a stamped version, key order included (a client's versionId keeps its place). */
export function stampedMeta(meta: unknown, version: number, updated: number): Record<string, unknown> {
  return { ...((meta ?? {}) as object), versionId: String(version), lastUpdated: new Date(updated).toISOString() };
}

export function stampedJson(resource: Record<string, unknown>, id: string): StampedJson {
  const parts: string[] = [];
  const slots: Slot[] = [];
  let text = `{"resourceType":${JSON.stringify(resource.resourceType)},"id":${JSON.stringify(id)},"meta":{`;
  let first = true;
  for (const [key, value] of Object.entries(stampedMeta(resource.meta, 0, 0))) {
    const slot: Slot | undefined = key === 'versionId' ? 'version' : key === 'lastUpdated' ? 'updated' : undefined;
    const json = slot ? '' : JSON.stringify(value);
    if (json === undefined) continue; // omitted by JSON.stringify too (undefined, functions)
    text += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (slot) {
      parts.push(text);
      slots.push(slot);
      text = '';
    } else {
      text += json;
    }
  }
  text += '}';
  // The other members in their order, as JSON.stringify would write them (without copying them out).
  for (const key of Object.keys(resource)) {
    if (key === 'resourceType' || key === 'id' || key === 'meta') continue;
    const json = JSON.stringify(resource[key]);
    if (json !== undefined) text += `,${JSON.stringify(key)}:${json}`;
  }
  parts.push(`${text}}`);
  return { parts, slots };
}

export function renderStamped(t: StampedJson, version: number, updated: number): string {
  const v = `"${version}"`;
  const u = `"${new Date(updated).toISOString()}"`;
  let out = t.parts[0]!;
  for (let i = 0; i < t.slots.length; i++) out += (t.slots[i] === 'version' ? v : u) + t.parts[i + 1]!;
  return out;
}
