/** A failure the operator can act on: its message is the one sentence printed before exiting. */
export class DockerScriptError extends Error {
  override name = 'DockerScriptError';
  constructor(
    message: string,
    /** Output worth quoting below the sentence (a build log's tail, the container's last lines). */
    readonly details?: string,
  ) {
    super(message);
  }
}
