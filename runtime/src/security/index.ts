/**
 * Security at the sidecar's edges: the API token an app must present (`DAPR_API_TOKEN`), and
 * the token the sidecar presents to its app (`APP_API_TOKEN`, sent by the AppChannel), and
 * access control for service invocation (the Configuration's `accessControl`).
 */
export { API_TOKEN_HEADER, apiTokenGuard, type RequestGuard } from './api-token.js';
export {
  decideAccess,
  parseAccessControl,
  type AccessControlSpec,
  type Action,
  type AppPolicy,
  type Caller,
  type Decision,
  type OperationRule,
} from './access-control.js';
