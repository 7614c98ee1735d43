/** A worker's ChatProvider id, in logs, metrics and its balancing keys: `worker:<id>`. */
export function workerEndpointId(workerId: string): string {
  return `worker:${workerId}`;
}
