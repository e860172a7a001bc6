/** The placement table: membership plus one consistent-hash ring per actor type. */
export { PlacementTable } from './placement-table.js';
export type { RingSummary } from './placement-table.js';
