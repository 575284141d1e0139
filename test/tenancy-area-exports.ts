import type { TenancyArea } from './tenancy-areas.ts';

/** Tenancy fixtures of the exports area (see tenancy-areas.ts). */
export const exportsArea: TenancyArea = {
  fixtures: {},
};
