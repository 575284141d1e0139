// One source for the filter tree's bounds: the validator enforces them and the OpenAPI document states them.
/** Levels a filter tree may nest: the root is level 1, each `and`/`or`/`not` adds one. */
export const FILTER_MAX_DEPTH = 8;
/** Conditions (`{ field, op, value }` leaves) one filter tree may hold. */
export const FILTER_MAX_CONDITIONS = 200;
