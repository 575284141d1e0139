import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api.ts';

export const consentHistoryKey = (id: string) => ['contact-consents', id] as const;

/** Every recorded consent change of the contact, newest first (`GET /v1/contacts/{id}/consents`). */
export function useConsentHistory(id: string) {
  return useQuery({
    queryKey: consentHistoryKey(id),
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/contacts/{id}/consents', { params: { path: { id } }, signal })).data,
  });
}

export type ConsentRecord = NonNullable<ReturnType<typeof useConsentHistory>['data']>[number];
