// Annotation types the suite's tests write and its reporters and the bench read.

/** A divergence from the seed protocol that a later-revision miner may keep; printed once at the end of the run. */
export const DIVERGENCE = 'divergence';

/** How many HTTP calls a test made to the miner: `npm run bench` sums them into requests per job. */
export const MINER_REQUESTS = 'miner requests';

/** The edits a test plans to submit, declared in its details (lib/edit-cost.ts): summed before the first job. */
export const PLANNED_EDITS = 'planned edits';

/** The edits a test did submit and the miner accepted, written when it ends: summed into what the run cost. */
export const SPENT_EDITS = 'spent edits';

/** The miner's seconds per step, first jobs against last, per kind of edit: printed at the end of the run. */
export const EDIT_TIME_TREND = 'edit time trend';

/** Steps and the miner's own edit time (`started_at` → `completed_at`) of each edit a test saw complete. */
export const EDIT_TIMES = 'edit times';
