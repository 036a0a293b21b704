// Bulk cancellation jobs on the order service: the dry run, the start, the job as it goes, and
// its result as a CSV file.
import type { z } from 'zod';
import type { BulkCancellationBody, BulkCancellationDryRun, BulkCancellationPage, startBulkCancellationSchema } from '@cancelflow/domain';
import { ApiError, type Transport } from './http.ts';

export type BulkCancellation = BulkCancellationBody;
export type { BulkCancellationDryRun, BulkCancellationPage };
export type StartBulkCancellationBody = z.input<typeof startBulkCancellationSchema>;

/** Fetches a file the API answers (not JSON), with the session's token. */
export type FileFetcher = (path: string) => Promise<Blob>;

export interface BulkCancellationsApi {
  dryRun(body: StartBulkCancellationBody): Promise<BulkCancellationDryRun>;
  start(body: StartBulkCancellationBody): Promise<BulkCancellation>;
  /** The merchant's jobs, newest first. */
  list(): Promise<BulkCancellationPage>;
  get(jobId: string): Promise<BulkCancellation>;
  control(jobId: string, action: 'pause' | 'resume' | 'stop'): Promise<BulkCancellation>;
  result(jobId: string): Promise<Blob>;
}

const id = (value: string) => encodeURIComponent(value);

export function bulkCancellationsApi(t: Transport, file: FileFetcher): BulkCancellationsApi {
  return {
    dryRun: (body) => t.request<BulkCancellationDryRun>('POST', '/bulk-cancellations/dry-run', { body }),
    start: (body) => t.request<BulkCancellation>('POST', '/bulk-cancellations', { body }),
    list: () => t.request<BulkCancellationPage>('GET', '/bulk-cancellations?limit=20'),
    get: (jobId) => t.request<BulkCancellation>('GET', `/bulk-cancellations/${id(jobId)}`),
    control: (jobId, action) => t.request<BulkCancellation>('POST', `/bulk-cancellations/${id(jobId)}/${action}`, { body: {} }),
    result: (jobId) => file(`/bulk-cancellations/${id(jobId)}/result`),
  };
}

/** A FileFetcher over fetch: the bearer token, and the API's error words when it refuses. */
export function fileFetcher(options: { baseUrl: string; token: () => string | null; fetch?: typeof fetch }): FileFetcher {
  return async (path) => {
    const token = options.token();
    const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    const response = await doFetch(options.baseUrl + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!response.ok) {
      const text = await response.text();
      let message = `the server answered ${response.status}`;
      try {
        message = (JSON.parse(text) as { error: { message: string } }).error.message;
      } catch {
        // not the error envelope: keep the status
      }
      throw new ApiError(response.status, 'ERROR', message);
    }
    return response.blob();
  };
}
