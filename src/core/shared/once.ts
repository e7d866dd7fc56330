/**
 * A value built on first use and kept. For zod schemas: building one runs code, and the modules that define
 * them load with the extension, while most windows parse nothing before activation ends.
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
