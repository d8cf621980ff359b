// A new 32-character lowercase hex id per request, so an admin can find the
// matching server log line (trace.id) in Kibana.
export function newTraceId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
