import type { TenancyArea } from './tenancy-areas.ts';

/** Tenancy fixtures of the users area (see tenancy-areas.ts). */
export const usersArea: TenancyArea = {
  fixtures: {},
};
