import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession } from './lib/session.tsx';
import { Shell } from './shell/Shell.tsx';
import { InboxPage } from './screens/inbox/InboxPage.tsx';
import { SignInPage } from './screens/sign-in/SignInPage.tsx';

// Only the shell and the inbox load first; the other screens are their own chunks.
const ContactsPage = lazy(() => import('./screens/contacts/ContactsPage.tsx'));
const ContactPage = lazy(() => import('./screens/contact/ContactPage.tsx'));
const BoardPage = lazy(() => import('./screens/board/BoardPage.tsx'));
const PlaybookIndex = lazy(() => import('./screens/board/BoardPage.tsx').then((m) => ({ default: m.PlaybookIndex })));
const ImportPage = lazy(() => import('./screens/import/ImportPage.tsx'));
const SettingsPage = lazy(() => import('./screens/settings/SettingsPage.tsx'));
const AcceptInvitePage = lazy(() => import('./screens/settings/AcceptInvitePage.tsx'));

function Loading() {
  const { t } = useTranslation();
  return (
    <Center h="50vh">
      <Loader role="status" aria-label={t('common.loading')} />
    </Center>
  );
}

function RequireSession({ children }: { children: React.ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (session === undefined) return <Loading />;
  if (session === null) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/invite" element={<Suspense fallback={<Loading />}><AcceptInvitePage /></Suspense>} />
      <Route
        element={
          <RequireSession>
            <Shell />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/inbox" replace />} />
        <Route path="/inbox" element={<InboxPage />} />
        <Route path="/contacts" element={<Suspense fallback={<Loading />}><ContactsPage /></Suspense>} />
        <Route path="/contacts/:id" element={<Suspense fallback={<Loading />}><ContactPage /></Suspense>} />
        <Route path="/playbooks" element={<Suspense fallback={<Loading />}><PlaybookIndex /></Suspense>} />
        <Route path="/playbooks/:id/board" element={<Suspense fallback={<Loading />}><BoardPage /></Suspense>} />
        <Route path="/import" element={<Suspense fallback={<Loading />}><ImportPage /></Suspense>} />
        <Route path="/settings/*" element={<Suspense fallback={<Loading />}><SettingsPage /></Suspense>} />
        <Route path="*" element={<Navigate to="/inbox" replace />} />
      </Route>
    </Routes>
  );
}
