import { OperatorError } from './operator-error.ts';

const LISTING_TIMEOUT_MS = 5_000;

/** With ASYNC_USE_EXTERNAL_CALLBACK=true, the external receiver's GET /callbacks must answer before any test waits on it. */
export async function checkExternalReceiver(baseUrl: string, timeoutMs = LISTING_TIMEOUT_MS): Promise<void> {
  const listing = `${baseUrl.replace(/\/+$/, '')}/callbacks`;
  let problem: string;
  try {
    const response = await fetch(listing, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    if (response.ok) return;
    problem = `it answered HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    problem =
      (error as Error).name === 'TimeoutError'
        ? `it gave no answer within ${timeoutMs / 1000} s`
        : `it could not be reached (${cause?.message ?? (error as Error).message})`;
  }
  throw new OperatorError(
    `ASYNC_USE_EXTERNAL_CALLBACK=true reads callbacks from the external receiver's ${listing}, but ${problem}: start the receiver or fix ASYNC_CALLBACK_BASE_URL.`,
  );
}
