/**
 * GetLogEvents' nextForwardToken / nextBackwardToken and FilterLogEvents' nextToken: a Position
 * in a stream's (or group's) event order, bound to the stream or group it was issued for.
 * Forward tokens read "f/" and backward ones "b/" as CloudWatch's do. The same position always
 * gives the same text, so a reader at the end of a stream gets its own token back and the SDK's
 * paginator (stopOnSameToken) and the CLI stop.
 */
import { AwsError } from '../../core/aws-error.ts';
import { decodeToken, encodeToken } from '../shared/page-token.ts';
import type { Position } from './log-reader.ts';

export type Direction = 'forward' | 'backward';

const FIELDS = ['t', 'i'] as const;

export function encodeStreamToken(direction: Direction, at: Position, streamId: number): string {
  return `${direction === 'forward' ? 'f' : 'b'}/${encodeToken({ t: at.timestamp, i: at.id }, 'GetLogEvents', streamId)}`;
}

export function decodeStreamToken(token: string, streamId: number): { direction: Direction; at: Position } {
  const direction = token.startsWith('f/') ? 'forward' : token.startsWith('b/') ? 'backward' : undefined;
  if (!direction) throw new AwsError('InvalidParameterException', 'Invalid NextToken.');
  const p = decodeToken(token.slice(2), 'GetLogEvents', streamId, FIELDS, 'InvalidParameterException');
  return { direction, at: { timestamp: p.t, id: p.i } };
}

/** FilterLogEvents: bound to the group and the search's parameters. */
export function encodeFilterToken(at: Position, bound: unknown): string {
  return encodeToken({ t: at.timestamp, i: at.id }, 'FilterLogEvents', bound);
}

export function decodeFilterToken(token: string, bound: unknown): Position {
  const p = decodeToken(token, 'FilterLogEvents', bound, FIELDS, 'InvalidParameterException');
  return { timestamp: p.t, id: p.i };
}

/** The gap right after an event. */
export function after(e: { timestamp: number; id: number }): Position {
  return { timestamp: e.timestamp, id: e.id + 1 };
}

/** The gap right before an event. */
export function before(e: { timestamp: number; id: number }): Position {
  return { timestamp: e.timestamp, id: e.id };
}
