/**
 * Log group and stream names and ARNs, with the model's rules (LogGroupName: 1-512 of
 * [.-_/#A-Za-z0-9]; LogStreamName: 1-512, no ':' or '*'). The API validates client input against
 * the model already; these checks guard the in-process writers.
 */
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

export function checkLogGroupName(name: string): void {
  if (!GROUP_NAME.test(name)) throw new RangeError(`invalid log group name ${JSON.stringify(name.slice(0, 600))}`);
}

export function checkLogStreamName(name: string): void {
  if (!STREAM_NAME.test(name)) throw new RangeError(`invalid log stream name ${JSON.stringify(name.slice(0, 600))}`);
}

/** arn:aws:logs:<region>:<account>:log-group:<name> (the resource's ARN: LogGroup.logGroupArn). */
export function logGroupArn(region: string, accountId: string, groupName: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${groupName}`;
}

/** The log-stream ARN: arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:<stream>. */
export function logStreamArn(region: string, accountId: string, groupName: string, streamName: string): string {
  return `${logGroupArn(region, accountId, groupName)}:log-stream:${streamName}`;
}
