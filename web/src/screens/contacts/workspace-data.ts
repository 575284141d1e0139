import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../lib/api.ts';

export type Attribute = Schemas['ContactAttribute'];
export type User = Schemas['User'];
export type Playbook = Schemas['Playbook'];

const STALE = 60_000;

/** The workspace's custom attribute definitions: filter fields, columns and sort keys. */
export const useAttributes = () =>
  useQuery({ queryKey: ['contact-attributes'], staleTime: STALE, queryFn: async () => unwrap(await api.GET('/v1/contact-attributes')).data });

/** People who can own contacts (filter values, the owner column, "Asignar propietario"). */
export const useUsers = () => useQuery({ queryKey: ['users'], staleTime: STALE, queryFn: async () => unwrap(await api.GET('/v1/users')).data });

/** Playbooks with their stages (the stage filter and "Mover a etapa"). */
export const usePlaybooks = () => useQuery({ queryKey: ['playbooks'], staleTime: STALE, queryFn: async () => unwrap(await api.GET('/v1/playbooks')).data });
