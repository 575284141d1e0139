/**
 * A screen's own strings, kept beside the screen so features grow without editing one shared
 * catalogue. `es` is written first; `en` must carry the same keys (the type says so).
 */
export type Bundle<M extends Record<string, unknown>> = { es: M; en: M };

export function bundle<M extends Record<string, unknown>>(es: M, en: NoInfer<M>): Bundle<M> {
  return { es, en };
}
