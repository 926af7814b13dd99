/** Shallow freeze that keeps the literal type: IR factories freeze every node they make. */
export function freeze<T extends object>(value: T): Readonly<T> {
  return Object.freeze(value);
}
