/**
 * The job_id the upstream proxy puts in its 202: `str(body["job_id"])` when the body is a JSON object with that key
 * (so a null id reads "None", as Python prints it), else null.
 */
export function jobIdHint(body: Buffer): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('job_id' in parsed)) return null;
  const id = parsed.job_id;
  if (id === null) return 'None';
  if (typeof id === 'boolean') return id ? 'True' : 'False';
  return typeof id === 'string' ? id : JSON.stringify(id);
}
