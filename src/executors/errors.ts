/**
 * An argument the executor refuses to put on the wire (traversal, header injection, a reserved header). The
 * message is shown to the client, so it names the argument and the rule, and quotes no value.
 */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArgumentError";
  }
}
