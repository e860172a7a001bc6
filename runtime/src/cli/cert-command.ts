import { join } from 'node:path';
import { DEFAULT_TRUST_DOMAIN, PLACEMENT_APP_ID, formatSpiffeId, parseSpiffeId, type SpiffeId } from '@outrigger/placement';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_NAMESPACE } from '../invoke/index.js';
import { AUTHORITY_FILES, CREDENTIAL_FILES, createAuthority, issueCertificate, readAuthority, writeAuthority, writeCredentials } from '../tls/index.js';

interface AuthorityFlags {
  out: string;
  validDays: number;
  commonName: string;
}

interface IssueFlags {
  ca: string;
  out: string;
  appId?: string;
  placement: boolean;
  namespace: string;
  trustDomain: string;
  validDays: number;
}

/**
 * `outrigger cert`: a local CA and the certificates it signs for mTLS between sidecars and to
 * the placement (this project's stand-in for Dapr's Sentry). Identities are SPIFFE IDs.
 */
export function certCommand(): Command {
  return new Command('cert')
    .description('issue a local CA and per-app certificates for mTLS (--enable-mtls)')
    .addCommand(authorityCommand())
    .addCommand(issueCommand());
}

function authorityCommand(): Command {
  return new Command('ca')
    .description(`make a local CA: ${AUTHORITY_FILES.cert} and ${AUTHORITY_FILES.key} (ECDSA P-256) in --out`)
    .requiredOption('--out <dir>', 'the folder to write the CA to (an existing CA there is never replaced)')
    .option('--valid-days <days>', 'how long the CA is valid', days, 365)
    .option('--common-name <name>', 'the CA certificate\'s subject CN', 'Outrigger local CA')
    .action(async (flags: AuthorityFlags) => {
      await writeAuthority(flags.out, await createAuthority({ commonName: flags.commonName, validDays: flags.validDays }));
      process.stdout.write(`CA written to ${join(flags.out, AUTHORITY_FILES.cert)} and ${join(flags.out, AUTHORITY_FILES.key)}; keep the key private\n`);
    });
}

function issueCommand(): Command {
  return new Command('issue')
    .description(`issue a certificate for an app (or the placement): ${CREDENTIAL_FILES.ca}, ${CREDENTIAL_FILES.cert} and ${CREDENTIAL_FILES.key} in --out`)
    .requiredOption('--ca <dir>', `the CA's folder (made by "outrigger cert ca")`)
    .requiredOption('--out <dir>', 'the folder to write to; pass it to --mtls-dir')
    .option('--app-id <id>', 'the app id the certificate proves')
    .option('--placement', `a certificate for the placement (app id ${PLACEMENT_APP_ID})`, false)
    .option('--namespace <namespace>', 'the namespace the certificate proves', DEFAULT_NAMESPACE)
    .option('--trust-domain <domain>', 'the trust domain', DEFAULT_TRUST_DOMAIN)
    .option('--valid-days <days>', 'how long the certificate is valid (never past the CA)', days, 90)
    .action(async (flags: IssueFlags) => {
      const id = identityOf(flags);
      const authority = await readAuthority(flags.ca);
      await writeCredentials(flags.out, authority.cert, await issueCertificate(authority, { id, validDays: flags.validDays }));
      process.stdout.write(`certificate for ${formatSpiffeId(id)} written to ${flags.out}\n`);
    });
}

/** The SPIFFE ID asked for; a TypeError (reported as a usage error) when the flags are wrong. */
function identityOf(flags: IssueFlags): SpiffeId {
  if (flags.placement === (flags.appId !== undefined)) throw new TypeError('cert issue needs exactly one of --app-id <id> and --placement');
  if (flags.appId === PLACEMENT_APP_ID) throw new TypeError(`app id ${PLACEMENT_APP_ID} is the placement's; use --placement`);
  const id = { trustDomain: flags.trustDomain, namespace: flags.namespace, appId: flags.appId ?? PLACEMENT_APP_ID };
  if (!parseSpiffeId(formatSpiffeId(id))) {
    throw new TypeError(`${formatSpiffeId(id)} is not a valid SPIFFE ID: a lower-case trust domain, and letters, digits, ".", "_" or "-" in the namespace and app id`);
  }
  return id;
}

function days(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) throw new InvalidArgumentError('must be a whole number of days from 1 to 36500');
  return n;
}
