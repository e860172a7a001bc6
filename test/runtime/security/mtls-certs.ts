/**
 * Certificates for the mTLS tests, issued in-process by the code behind `outrigger cert` and
 * written as the command writes them: one folder per identity (ca.crt, tls.crt, tls.key).
 */
import { join } from 'node:path';
import type { Owner } from '../../harness/cleanup.js';
import { tempDir } from '../../harness/files.js';
import { PLACEMENT_APP_ID } from '@outrigger/placement';
import {
  createAuthority,
  issueCertificate,
  readCredentials,
  writeCredentials,
  type Credentials,
  type IssuedCertificate,
} from '../../../runtime/src/tls/index.js';

export interface TestAuthority {
  readonly authority: IssuedCertificate;
  /** Writes a certificate for `appId` (the placement's with PLACEMENT_APP_ID) and returns its folder. */
  issue(appId: string, options?: { namespace?: string; trustDomain?: string; dir?: string }): Promise<string>;
  /** Issues for `appId` and reads the folder back as a peer pool or server takes it. */
  credentials(appId: string, options?: { namespace?: string; trustDomain?: string }): Promise<Credentials>;
}

export async function testAuthority(t: Owner): Promise<TestAuthority> {
  const authority = await createAuthority({ commonName: 'test CA', validDays: 1 });
  const root = await tempDir(t, 'outrigger-mtls-');
  const issue: TestAuthority['issue'] = async (appId, options = {}) => {
    const id = { trustDomain: options.trustDomain ?? 'public', namespace: options.namespace ?? 'default', appId };
    const dir = options.dir ?? join(root, `${id.trustDomain}-${id.namespace}-${appId}`);
    await writeCredentials(dir, authority.cert, await issueCertificate(authority, { id, validDays: 1 }));
    return dir;
  };
  return {
    authority,
    issue,
    credentials: async (appId, options = {}) => readCredentials(await issue(appId, options), options.trustDomain ?? 'public'),
  };
}

export { PLACEMENT_APP_ID };
