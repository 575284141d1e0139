import { useEffect, type RefObject } from 'react';

const TYPING = 'input, textarea, select, [contenteditable="true"]';

/**
 * j / k (and ↓ / ↑ inside the list) move focus between the list's links; Enter opens one (it
 * is a link). Single keys never fire while typing in a field (WCAG 2.1.4).
 */
export function useListKeys(list: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest(TYPING)) return;
      const inList = Boolean(target && list.current?.contains(target));
      const next = e.key === 'j' || (inList && e.key === 'ArrowDown');
      const prev = e.key === 'k' || (inList && e.key === 'ArrowUp');
      if (!next && !prev) return;
      const links = [...(list.current?.querySelectorAll<HTMLAnchorElement>('a[href]') ?? [])];
      if (links.length === 0) return;
      const at = links.findIndex((l) => l === document.activeElement);
      const to = at < 0 ? 0 : Math.min(links.length - 1, Math.max(0, at + (next ? 1 : -1)));
      links[to]?.focus();
      e.preventDefault();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [list]);
}
