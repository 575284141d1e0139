import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Ticked rows by id, Shift for a range from the last one ticked, and "all that match the filter"
 * (then a bulk action carries the filter, not the loaded ids). Cleared when the list's query changes.
 */
export function useSelection(rows: { id: string }[], listKey: string) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const anchor = useRef<number | null>(null);

  const clear = useCallback(() => {
    setSelected(new Set());
    setAllMatching(false);
    anchor.current = null;
  }, []);
  useEffect(clear, [listKey, clear]);

  const toggle = (index: number, range: boolean) => {
    const row = rows[index];
    if (!row) return;
    setAllMatching(false);
    setSelected((prev) => {
      const next = new Set(prev);
      if (range && anchor.current !== null) {
        const [a, b] = [Math.min(anchor.current, index), Math.max(anchor.current, index)];
        for (const r of rows.slice(a, b + 1)) next.add(r.id);
      } else if (next.has(row.id)) next.delete(row.id);
      else next.add(row.id);
      return next;
    });
    anchor.current = index;
  };
  const toggleAll = () => {
    setAllMatching(false);
    setSelected((prev) => (rows.length > 0 && rows.every((r) => prev.has(r.id)) ? new Set() : new Set(rows.map((r) => r.id))));
  };
  return { selected, allMatching, selectAllMatching: () => setAllMatching(true), toggle, toggleAll, clear };
}
