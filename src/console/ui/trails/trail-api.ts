/** Trail reads shared by the trail pages. */
import type { DescribeTrailsOutput, Trail, TrailStatus } from '../api/aws-types.ts';
import type { ConsoleApi } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';

export interface TrailRow {
  trail: Trail;
  status: TrailStatus | null;
  statusError: ApiError | null;
}

/** Shadow trails (multi-region trails of another home region) are addressed by ARN, so all are. */
export async function trailStatus(api: ConsoleApi, region: string, trail: Trail, signal?: AbortSignal): Promise<TrailStatus> {
  return api.call<TrailStatus>('cloudtrail', 'GetTrailStatus', { Name: trail.TrailARN ?? trail.Name }, region, signal);
}

export async function listTrails(api: ConsoleApi, region: string, signal: AbortSignal): Promise<TrailRow[]> {
  const out = await api.call<DescribeTrailsOutput>('cloudtrail', 'DescribeTrails', {}, region, signal);
  const trails = out.trailList ?? [];
  return Promise.all(trails.map(async (trail) => {
    try {
      return { trail, status: await trailStatus(api, region, trail, signal), statusError: null };
    } catch (e) {
      return { trail, status: null, statusError: toApiError(e) };
    }
  }));
}

export async function describeTrail(api: ConsoleApi, region: string, arn: string, signal?: AbortSignal): Promise<Trail | null> {
  const out = await api.call<DescribeTrailsOutput>('cloudtrail', 'DescribeTrails', { trailNameList: [arn] }, region, signal);
  return out.trailList?.[0] ?? null;
}

/** Where a trail's log files go: [<prefix>/]AWSLogs/. */
export function logsPrefix(trail: Trail): string {
  return trail.S3KeyPrefix ? `${trail.S3KeyPrefix}/AWSLogs/` : 'AWSLogs/';
}

export function trailPath(trail: Trail, action: 'view' | 'edit'): string {
  return `/trails/${action}/${encodeURIComponent(trail.TrailARN ?? trail.Name ?? '')}`;
}
