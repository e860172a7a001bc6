/**
 * @outrigger/placement: the service that makes a set of sidecars one cluster. This package
 * will hold the placement server and the protocol module shared with the runtime; today it
 * holds the constants sidecars already rely on.
 */

/** The port a sidecar tries when given no `--placement-host-address` (as Dapr's CLI). */
export const DEFAULT_PLACEMENT_PORT = 50005;
