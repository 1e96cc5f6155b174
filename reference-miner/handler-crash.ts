/** An exception the handler lets through: the server answers it with a 500 and a Python traceback in plain text. */
export class HandlerCrash extends Error {
  constructor(
    /** The exception line, as Python prints it: "TypeError: unhashable type: 'dict'". */
    readonly exception: string,
    readonly line = 412,
  ) {
    super(exception);
  }

  traceback(): string {
    return `Traceback (most recent call last):\n  File "miner_server.py", line ${this.line}, in edit\n${this.exception}`;
  }
}
