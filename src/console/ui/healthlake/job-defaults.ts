/** The last role ARN, KMS key and buckets used for jobs, offered again (kept in localStorage). */
export interface JobDefaults {
  roleArn: string;
  kmsKeyId: string;
  inputUri: string;
  outputUri: string;
}

const KEY = 'healthtrail.console.healthlake.jobDefaults';

export function loadJobDefaults(): JobDefaults {
  const empty: JobDefaults = { roleArn: '', kmsKeyId: '', inputUri: '', outputUri: '' };
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (saved && typeof saved === 'object') return { ...empty, ...(saved as Partial<JobDefaults>) };
  } catch {
    // Unreadable: start empty.
  }
  return empty;
}

export function saveJobDefaults(update: Partial<JobDefaults>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...loadJobDefaults(), ...update }));
  } catch {
    // Storage unavailable.
  }
}
