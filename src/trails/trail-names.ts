/**
 * Trail names and ARNs (spec/cloudtrail.md §2.1): every Name/TrailName parameter accepts the
 * bare name or the trail ARN `arn:aws:cloudtrail:<homeRegion>:<account>:trail/<name>`.
 */
import { AwsError } from '../core/aws-error.ts';

const NAME_CHARS = /^[A-Za-z0-9._-]+$/;
const IP_LIKE = /^\d{1,3}(\.\d{1,3}){3}$/;
const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

/** Why a trail name is invalid, or undefined when it is valid. */
export function trailNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 128) return 'Trail name must be between 3 and 128 characters.';
  if (!NAME_CHARS.test(name)) return 'Trail name can only contain letters, numbers, periods, underscores and dashes.';
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name)) return 'Trail name must start and end with a letter or number.';
  if (/[._-]{2}/.test(name)) return 'Trail name cannot have adjacent periods, underscores or dashes.';
  if (IP_LIKE.test(name)) return 'Trail name cannot be formatted as an IP address.';
  return undefined;
}

export function assertTrailName(name: string): void {
  const problem = trailNameProblem(name);
  if (problem) throw new AwsError('InvalidTrailNameException', problem);
}

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

export interface TrailRef {
  /** Set when the caller gave an ARN. */
  arn?: string;
  name: string;
}

/** Reads a Name/TrailName parameter: an ARN, or a name meaning a trail of the caller's region. */
export function readTrailRef(value: string | undefined): TrailRef {
  if (!value) throw new AwsError('TrailNotProvidedException', 'Trail name or ARN must be specified.');
  if (value.startsWith('arn:')) {
    const m = TRAIL_ARN.exec(value);
    if (!m) throw new AwsError('CloudTrailARNInvalidException', `Invalid trail ARN: ${value}`);
    return { arn: value, name: m[3]! };
  }
  assertTrailName(value);
  return { name: value };
}

export function parseTrailArn(arn: string): { region: string; accountId: string; name: string } | undefined {
  const m = TRAIL_ARN.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : undefined;
}
