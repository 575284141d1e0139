import { useEffect, useMemo, useState } from 'react';

/**
 * A settings form's values against what is saved: `dirty` enables "Guardar cambios", and while
 * dirty the browser asks before the tab closes or reloads (ui.md §2.7: forms save explicitly).
 */
export function useSettingsForm<T extends Record<string, string>>(saved: T | undefined) {
  const [values, setValues] = useState<T | undefined>(saved);
  const savedKey = JSON.stringify(saved ?? null);
  // A new saved state (first load, or after a save) resets the form to it.
  useEffect(() => setValues(saved), [savedKey]);
  const dirty = useMemo(() => values !== undefined && JSON.stringify(values) !== savedKey, [values, savedKey]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const set = (key: keyof T, value: string) => setValues((v) => (v ? { ...v, [key]: value } : v));
  return { values, set, dirty, reset: () => setValues(saved) };
}
