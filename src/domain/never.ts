/** Ends an exhaustive switch: adding a member to a union makes the compiler point here. */
export function assertNever(value: never): never {
  throw new Error(`unhandled kind: ${JSON.stringify(value)}`);
}
