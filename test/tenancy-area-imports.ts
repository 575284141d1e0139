import type { TenancyArea } from './tenancy-areas.ts';

/** Tenancy fixtures of the imports area (see tenancy-areas.ts). */
export const importsArea: TenancyArea = {
  fixtures: {},
};
