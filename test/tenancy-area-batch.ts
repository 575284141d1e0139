import type { TenancyArea } from './tenancy-areas.ts';

/** Tenancy fixtures of the batch area (see tenancy-areas.ts). */
export const batchArea: TenancyArea = {
  fixtures: {},
};
