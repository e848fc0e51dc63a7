/**
 * CloudWatch Logs' documented limits (PutLogEvents, GetLogEvents, FilterLogEvents API reference;
 * "CloudWatch Logs quotas"): an event's size is its message in UTF-8 plus 26 bytes, at most 1 MB;
 * a batch holds at most 10,000 events and 1,048,576 bytes counted that way; a read returns at most
 * 10,000 events and 1 MB.
 */
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_BATCH_EVENTS = 10_000;
/** The longest message one event holds: 1 MB less the event's overhead. */
export const MAX_MESSAGE_BYTES = MAX_BATCH_BYTES - EVENT_OVERHEAD_BYTES;
/** GetLogEvents / FilterLogEvents: at most this many events and bytes per response. */
export const MAX_READ_EVENTS = 10_000;
export const MAX_READ_BYTES = 1_048_576;
/** DescribeLogGroups / DescribeLogStreams: the default (and, by the model, largest) page. */
export const DESCRIBE_PAGE = 50;
/** FilterLogEvents examines at most this many events and message bytes per call; past either
 * the call answers the matches found so far with a nextToken, as CloudWatch does when a search
 * runs long, so a pattern that matches rarely cannot hold a request for the whole group. */
export const MAX_FILTER_SCAN_EVENTS = 100_000;
export const MAX_FILTER_SCAN_BYTES = 64 * 1024 * 1024;
