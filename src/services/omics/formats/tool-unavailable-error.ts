/**
 * A scanner needs an external tool (samtools) that is not installed or cannot run. Not the
 * file's fault (not a FormatError): the caller fails the job item with this message.
 */
export class ToolUnavailableError extends Error {
  override readonly name = 'ToolUnavailableError';
}
