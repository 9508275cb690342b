import type { InventoryConfiguration } from './model.ts';

/**
 * True for an S3 Inventory configuration whose reports say how each object is encrypted: enabled,
 * with the `EncryptionStatus` optional field. The collector reads these configurations' reports,
 * the check and the report judge and show them.
 */
export function reportsEncryption(c: InventoryConfiguration): boolean {
  return c.enabled && c.optionalFields.includes('EncryptionStatus');
}
