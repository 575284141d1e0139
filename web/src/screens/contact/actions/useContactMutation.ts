import { useMutation } from '@tanstack/react-query';
import { useQueryClient } from '@tanstack/react-query';
import type { Contact } from '../../../lib/api.ts';
import { contactKey, useRefreshContact } from '../useContact.ts';

/**
 * An action on the contact that answers with the contact (ignore, restore) or nothing (delete):
 * the answer replaces the cached one, then the page, its timeline, the queue and lists refresh.
 */
export function useContactMutation(id: string, call: () => Promise<Contact | void>, onDone?: () => void) {
  const queryClient = useQueryClient();
  const refresh = useRefreshContact(id);
  return useMutation({
    mutationFn: call,
    onSuccess: (c) => {
      if (c) queryClient.setQueryData(contactKey(id), c);
      refresh();
      onDone?.();
    },
  });
}
