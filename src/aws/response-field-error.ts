/** Thrown by an output parser; `call()` turns it into an `error` outcome with this code and message. */

/** A response that lacks a field the verdict needs, or carries it malformed. */
export class ResponseFieldError extends Error {
  /** `MissingField` or `MalformedField`: the gap's error code. */
  readonly code: 'MissingField' | 'MalformedField';
  /** The field's path in the SDK output, e.g. `PolicyStatus.IsPublic`. */
  readonly field: string;

  constructor(code: 'MissingField' | 'MalformedField', field: string, detail?: string) {
    super(
      code === 'MissingField'
        ? `the response has no ${field}`
        : `the response's ${field} is malformed${detail ? ` (${detail})` : ''}`,
    );
    this.name = 'ResponseFieldError';
    this.code = code;
    this.field = field;
  }
}
