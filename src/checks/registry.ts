import type { CheckDefinition } from './types.ts';
import { defaultEncryption } from './s3/default-encryption.ts';
import { sseKmsCmk } from './s3/sse-kms-cmk.ts';
import { bucketKey } from './s3/bucket-key.ts';
import { denyUnencryptedPut } from './s3/deny-unencrypted-put.ts';
import { tlsOnly } from './s3/tls-only.ts';
import { bucketPublicAccessBlock } from './s3/bucket-public-access-block.ts';
import { notPublic } from './s3/not-public.ts';
import { sseCBlocked } from './s3/sse-c-blocked.ts';
import { objectEncryptionInventory } from './s3/object-encryption-inventory.ts';
import { accountPublicAccessBlock } from './s3/account-public-access-block.ts';
import { rotationEnabled } from './kms/rotation-enabled.ts';
import { keyPolicyNotPublic } from './kms/key-policy-not-public.ts';
import { keyUsable } from './kms/key-usable.ts';
import { recorderActive } from './config/recorder-active.ts';
import { rulesPresent } from './config/rules-present.ts';
import { ruleCompliant } from './config/rule-compliant.ts';
import { multiRegionLogging } from './cloudtrail/multi-region-logging.ts';
import { kmsEventsLogged } from './cloudtrail/kms-events-logged.ts';
import { logFileValidation } from './cloudtrail/log-file-validation.ts';
import { s3DataEvents } from './cloudtrail/s3-data-events.ts';
import { exceptionsValid } from './exceptions/valid.ts';
import { noExternalAccess } from './s3/no-external-access.ts';
import { keyNoExternalAccess } from './kms/no-external-access.ts';

/**
 * Every check, in catalogue order. Each check declares its id, title, criteria, reads and method
 * once, in its own file; the id list (`ids.ts`), the default control mapping
 * (`controls/mapping.ts`), the report's Method section and the README's check table are derived from
 * this list. A new check is one file under `src/checks/` plus one line here (a test fails when a
 * check file is not listed).
 */
export const CHECKS: readonly CheckDefinition[] = [
  defaultEncryption,
  sseKmsCmk,
  bucketKey,
  denyUnencryptedPut,
  tlsOnly,
  bucketPublicAccessBlock,
  notPublic,
  sseCBlocked,
  objectEncryptionInventory,
  accountPublicAccessBlock,
  noExternalAccess,
  rotationEnabled,
  keyPolicyNotPublic,
  keyNoExternalAccess,
  keyUsable,
  recorderActive,
  rulesPresent,
  ruleCompliant,
  multiRegionLogging,
  kmsEventsLogged,
  logFileValidation,
  s3DataEvents,
  exceptionsValid,
];
