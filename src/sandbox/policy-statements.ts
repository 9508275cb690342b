/**
 * The statements of a policy document as loose records (`Statement` may be one object or a list),
 * or none when the text is not JSON. For the sandbox's own coarse policy reads (CloudTrail's
 * bucket-policy check, AWS Config's managed rules); the tool's checks use real IAM evaluation.
 */
export function policyStatements(policy: string): Record<string, unknown>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    return [];
  }
  const raw = (doc as { Statement?: unknown } | null)?.Statement;
  return (Array.isArray(raw) ? raw : [raw]).filter(
    (s): s is Record<string, unknown> => typeof s === 'object' && s !== null,
  );
}
