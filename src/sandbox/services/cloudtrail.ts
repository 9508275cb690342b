import type { JsonService } from '../types.ts';

/** Placeholder: filled in by the JSON-services work. */
export const cloudTrailService: JsonService = {};
