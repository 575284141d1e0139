import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';

const PREFIX = /^\(\d+\+?\)\s/;
const SECTIONS: [string, string][] = [['/inbox', 'app.inbox'], ['/contacts', 'app.contacts'], ['/playbooks', 'board.nav'], ['/import', 'imports.nav'], ['/settings', 'settings.nav']];

/**
 * The tab title carries the unread count: "(3) Atención · Vixiees" (ui.md §1). A screen that sets
 * its own title keeps it; the count is put back in front when the title changes.
 */
export function useTitleCount(count: number): void {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  useEffect(() => {
    const section = SECTIONS.find(([p]) => pathname.startsWith(p));
    const fallback = section ? `${t(section[1])} · ${t('app.name')}` : t('app.name');
    const apply = () => {
      const bare = document.title.replace(PREFIX, '');
      const base = bare === '' || bare === t('app.name') || SECTIONS.some(([, k]) => bare === `${t(k)} · ${t('app.name')}`) ? fallback : bare;
      const want = count > 0 ? `(${count > 99 ? '99+' : count}) ${base}` : base;
      if (document.title !== want) document.title = want;
    };
    apply();
    const title = document.querySelector('title');
    if (!title) return;
    const watch = new MutationObserver(apply);
    watch.observe(title, { childList: true, characterData: true, subtree: true });
    return () => watch.disconnect();
  }, [count, pathname, t]);
}
