import { apiRequest } from './client';
import type { Job, JobRetried, JobState } from './types';

// The jobs admin API (http/openapi.yaml: listJobs, retryJob, discardJob).
type Token = string | null;

export const JOB_STATES = ['waiting', 'retrying', 'dead', 'failed'] as const satisfies readonly JobState[];
export type { Job, JobState };

/** Dead-lettered and failed jobs are the ones an admin may retry or discard. */
export const isGivenUp = (job: Job) => job.state === 'dead' || job.state === 'failed';

export const listJobs = (token: Token, state: JobState | '', limit = 50) => {
  const query = new URLSearchParams({ limit: String(limit) });
  if (state) query.set('state', state);
  return apiRequest<Job[]>(`/api/jobs?${query}`, { token });
};

export const retryJob = (token: Token, id: number) =>
  apiRequest<JobRetried>(`/api/jobs/${id}/retry`, { method: 'POST', token });

export const discardJob = (token: Token, id: number) =>
  apiRequest<null>(`/api/jobs/${id}`, { method: 'DELETE', token });
