/**
 * What a pipeline was given to start from cannot be used (a pack that does not verify, shard packs
 * of different plans, an unsafe path inside a pack): a usage error, exit 2, nothing written.
 */
export class PackSourceError extends Error {
  override name = 'PackSourceError';
  constructor(
    message: string,
    /** One line per problem found (e.g. each reason a pack does not verify). */
    readonly details: string[] = [],
  ) {
    super(message);
  }
}
