import type { TenancyArea } from './tenancy-areas.ts';

/** Tenancy fixtures of the integrations area (see tenancy-areas.ts). */
export const integrationsArea: TenancyArea = {
  fixtures: {},
};
