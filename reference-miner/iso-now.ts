/** Python's datetime.utcnow().isoformat(): no zone, microseconds. */
export function isoNow(date = new Date()): string {
  return date.toISOString().replace('Z', '000');
}
