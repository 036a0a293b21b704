/** The floor: a bare workflow that runs the same number of activities as a cancellation, doing nothing. */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './baseline-activities.ts';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

export async function baselineWorkflow(activityCount: number): Promise<void> {
  for (let i = 0; i < activityCount; i++) await noop(i);
}
