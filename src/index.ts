/**
 * The public API of `evidence-pack`: what an `evidence.config.ts` imports, and the types of the
 * configuration and of `findings/findings.json` for code that reads a pack.
 */
export { defineConfig } from './config/define.ts';
export type {
  AccountConfig,
  ClassificationRule,
  Config,
  CriterionConfig,
  UserConfig,
} from './config/schema.ts';
export type {
  CheckResult,
  CheckStatus,
  Criterion,
  ExceptionEntry,
  ResourceRef,
  Severity,
  ValidatedException,
} from './checks/types.ts';
export type { Evaluation, Finding } from './evaluate/types.ts';
export { FINDINGS_SCHEMA } from './pack/pack-paths.ts';
export type { FindingsDocument } from './evaluate/findings-json.ts';
