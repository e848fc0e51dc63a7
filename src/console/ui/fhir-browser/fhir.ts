/**
 * FHIR helpers for the browser: Bundle and CapabilityStatement shapes, turning a Bundle link
 * (an absolute URL on the datastore endpoint) into a path for the console's FHIR proxy, and a
 * one-line summary of a resource.
 */

export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
  [key: string]: unknown;
}

export interface BundleLink {
  relation: string;
  url: string;
}

export interface Bundle extends FhirResource {
  resourceType: 'Bundle';
  type?: string;
  total?: number;
  link?: BundleLink[];
  entry?: { fullUrl?: string; resource?: FhirResource; search?: { mode?: string }; request?: { method?: string; url?: string }; response?: { status?: string } }[];
}

export interface CapabilityStatement extends FhirResource {
  rest?: { mode?: string; resource?: { type: string; searchParam?: { name: string; type?: string; documentation?: string }[] }[] }[];
}

/**
 * The part of a FHIR URL after the datastore's r4/ base (query included), whether the link
 * names the datastore endpoint (/datastore/<id>/r4/...) or the console proxy
 * (/console/api/fhir/<id>/r4/...). Null for a link to anything else.
 */
export function proxyPath(link: string, datastoreId: string): string | null {
  let url: URL;
  try {
    url = new URL(link, window.location.origin);
  } catch {
    return null;
  }
  const id = datastoreId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`/(?:datastore|console/api/fhir)/${id}/r4/(.*)$`).exec(url.pathname);
  if (!m) return null;
  return `${m[1]}${url.search}`;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function humanName(names: unknown): string {
  if (!Array.isArray(names) || names.length === 0) return '';
  const n = names[0] as { text?: unknown; given?: unknown; family?: unknown; prefix?: unknown };
  if (text(n.text)) return text(n.text);
  const given = Array.isArray(n.given) ? n.given.filter((g) => typeof g === 'string').join(' ') : '';
  return [given, text(n.family)].filter(Boolean).join(' ');
}

function concept(c: unknown): string {
  if (!c || typeof c !== 'object') return '';
  const cc = c as { text?: unknown; coding?: { display?: unknown; code?: unknown }[] };
  if (text(cc.text)) return text(cc.text);
  const coding = Array.isArray(cc.coding) ? cc.coding[0] : undefined;
  return coding ? text(coding.display) || text(coding.code) : '';
}

/** A short, human description: name, code, status, subject — as plain text. */
export function summarize(r: FhirResource): string {
  const parts = [
    humanName(r.name),
    typeof r.name === 'string' ? r.name : '',
    concept(r.code),
    text(r.status),
    text(r.gender),
    text(r.birthDate),
    r.subject && typeof r.subject === 'object' ? text((r.subject as { reference?: unknown }).reference) : '',
  ].filter(Boolean);
  return parts.join(' · ');
}
