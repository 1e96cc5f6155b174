// Annotation types the suite's tests write and its reporters and the bench read.

/** A divergence from the seed protocol that a later-revision miner may keep; printed once at the end of the run. */
export const DIVERGENCE = 'divergence';

/** How many HTTP calls a test made to the miner: `npm run bench` sums them into requests per job. */
export const MINER_REQUESTS = 'miner requests';
