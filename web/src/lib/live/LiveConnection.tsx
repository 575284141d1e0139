import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { applyLiveEvent } from './apply-live-event.ts';
import { joinLiveStream } from './live-connection.ts';
import { liveConnected } from './live-store.ts';

/** Keeps this tab on the browser's live stream while signed in (mounted by the shell). */
export function LiveConnection() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      joinLiveStream({
        onEvent: (event) => applyLiveEvent(queryClient, event),
        onStatus: (connected) => {
          liveConnected.set(connected);
          // Visible to tests and to styles: whether this page hears live changes now.
          document.documentElement.dataset.live = connected ? 'open' : 'closed';
        },
      }),
    [queryClient],
  );
  return null;
}
