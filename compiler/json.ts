/**
 * The one JSON format of generated files: two-space indentation, keys in the order the compiler
 * wrote them (which is fixed), a newline at the end. Same input, same bytes, on every machine.
 */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
