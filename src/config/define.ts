import type { UserConfig } from './schema.ts';

/**
 * Declare the evidence-pack configuration with type checking and editor completion.
 * Used in `evidence.config.ts`: `export default defineConfig({ organization: 'Acme' })`.
 */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
