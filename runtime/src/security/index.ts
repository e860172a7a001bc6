/**
 * Security at the sidecar's edges: the API token an app must present (`DAPR_API_TOKEN`), and
 * the token the sidecar presents to its app (`APP_API_TOKEN`, sent by the AppChannel).
 */
export { API_TOKEN_HEADER, apiTokenGuard, type RequestGuard } from './api-token.js';
