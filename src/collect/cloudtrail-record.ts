/** The CloudTrail record LookupEvents embeds in each event (`CloudTrailEvent`, JSON text). */

/** The members of a CloudTrail record this tool reads. */
export interface TrailRecord {
  userIdentity?: { arn?: string };
  requestID?: string;
  sourceIPAddress?: string;
  resources?: { ARN?: string }[];
}

/** The record of an event; `{}` when it is missing or not a JSON object (the event still counts). */
export function parseTrailRecord(text: string | undefined): TrailRecord {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as TrailRecord) : {};
  } catch {
    return {};
  }
}
