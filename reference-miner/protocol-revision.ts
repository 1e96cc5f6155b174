/** Which edit protocol the miner speaks: the seed one, the later one as deployed, or both at once. */
export const PROTOCOL_REVISIONS = ['seed', 'later', 'both'] as const;
export type ProtocolRevision = (typeof PROTOCOL_REVISIONS)[number];

/** What the revision changes, read in one place by submission, worker and routes. */
export type RevisionRules = {
  revision: ProtocolRevision;
  /** The image-source field the revision does not declare: ignored like any unknown field. */
  undeclaredField: 'image_url' | 'reference_job_id' | undefined;
  /** Seed protocol: a missing or undecodable image is refused at submission; later: the worker fails the job. */
  checksImageAtSubmission: boolean;
  /** GET /edit/result of a job that has not completed. */
  unfinishedResultStatus: 400 | 404;
};

export function revisionRules(revision: ProtocolRevision): RevisionRules {
  return {
    revision,
    undeclaredField: revision === 'seed' ? 'image_url' : revision === 'later' ? 'reference_job_id' : undefined,
    checksImageAtSubmission: revision !== 'later',
    unfinishedResultStatus: revision === 'later' ? 404 : 400,
  };
}
