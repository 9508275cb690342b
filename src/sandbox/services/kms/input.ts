/**
 * Typed readers for JSON 1.1 request members. Each throws the service's validation error (by
 * default `ValidationException`) when a required member is missing or a member has the wrong type,
 * as AWS answers before looking at any resource. Shared by the KMS, Config and CloudTrail handlers.
 */
import { SandboxError } from '../../types.ts';

type Input = Record<string, unknown>;

/** A required string member. */
export function requiredString(input: Input, name: string, code = 'ValidationException'): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw new SandboxError(
      code,
      `1 validation error detected: Value at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** An optional string member. */
export function optionalString(input: Input, name: string, code = 'ValidationException'): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new SandboxError(code, `Value at '${lowerFirst(name)}' must be a string`);
  return value;
}

/** An optional number member. */
export function optionalNumber(input: Input, name: string, code = 'ValidationException'): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SandboxError(code, `Value at '${lowerFirst(name)}' must be a number`);
  }
  return value;
}

/** An optional boolean member. */
export function optionalBoolean(
  input: Input,
  name: string,
  code = 'ValidationException',
): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw new SandboxError(code, `Value at '${lowerFirst(name)}' must be a boolean`);
  return value;
}

/** An optional list of strings. */
export function optionalStringList(
  input: Input,
  name: string,
  code = 'ValidationException',
): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new SandboxError(code, `Value at '${lowerFirst(name)}' must be a list of strings`);
  }
  return value as string[];
}

/** An optional structure member. */
export function optionalObject(input: Input, name: string, code = 'ValidationException'): Input | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SandboxError(code, `Value at '${lowerFirst(name)}' must be a structure`);
  }
  return value as Input;
}

/** An optional list of structures. */
export function optionalObjectList(
  input: Input,
  name: string,
  code = 'ValidationException',
): Input[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw new SandboxError(code, `Value at '${lowerFirst(name)}' must be a list of structures`);
  }
  return value as Input[];
}

/** A blob member: base64 in JSON 1.1. */
export function requiredBlob(input: Input, name: string, code = 'ValidationException'): Buffer {
  const text = requiredString(input, name, code);
  return Buffer.from(text, 'base64');
}

/** Epoch seconds, the JSON 1.1 timestamp format. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** An optional timestamp member (epoch seconds as the SDK sends them). */
export function optionalTimestamp(
  input: Input,
  name: string,
  code = 'ValidationException',
): Date | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value);
  throw new SandboxError(code, `Value at '${lowerFirst(name)}' must be a timestamp`);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
