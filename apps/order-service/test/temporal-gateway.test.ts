import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { ConflictError, UnavailableError } from '@cancelflow/domain';
import { createLogger } from '@cancelflow/service-kit';
import { liveState, signalProcess, startProcess, updateProcess, type GatewayDeps } from '../src/temporal/gateway.ts';

// No worker knows this type: a process started with it stays running and answers nothing.
const SILENT = 'gatewayProbeWithoutWorker';
const probeUpdate = defineUpdate<string, [string]>('gatewayProbe');
const probeSignal = defineSignal<[string]>('gatewayProbe');
const probeQuery = defineQuery<string>('gatewayProbe');
const answers = { process: 'the probe process', ended: 'the probe process has ended' };

let connection: Connection;
let deps: GatewayDeps;
const started: string[] = [];

beforeAll(async () => {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests through the root vitest config');
  connection = await Connection.connect({ address });
  const temporal = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE || 'default' });
  deps = { temporal, logger: createLogger('test'), temporalTimeoutMs: 1_000, liveStateTimeoutMs: 300 };
});
afterAll(async () => {
  await Promise.allSettled(started.map((id) => deps.temporal.workflow.getHandle(id).terminate('gateway test over')));
  await connection?.close();
});

async function running(): Promise<string> {
  const workflowId = `gateway-probe-${randomUUID()}`;
  started.push(workflowId);
  expect(await startProcess(deps, { type: SILENT, workflowId, args: [], unreachable: 'never' })).toBe('STARTED');
  return workflowId;
}

async function ended(): Promise<string> {
  const workflowId = await running();
  await deps.temporal.workflow.getHandle(workflowId).terminate('ended for the test');
  return workflowId;
}

describe('the Temporal gateway', () => {
  it('a start that finds its process already running is the same start', async () => {
    const workflowId = await running();
    expect(await startProcess(deps, { type: SILENT, workflowId, args: [], unreachable: 'never' })).toBe('ALREADY_RUNNING');
  });

  it('leaves the live state out when the process has ended or does not exist', async () => {
    expect(await liveState(deps, await ended(), probeQuery)).toBeUndefined();
    expect(await liveState(deps, `gateway-probe-${randomUUID()}`, probeQuery)).toBeUndefined();
  });

  it('an update to an ended process is a conflict (409) saying it ended', async () => {
    const workflowId = await ended();
    const update = updateProcess(deps, workflowId, probeUpdate, ['x'], answers);
    await expect(update).rejects.toBeInstanceOf(ConflictError);
    await expect(update).rejects.toThrow('the probe process has ended');
    const looked = updateProcess(deps, workflowId, probeUpdate, ['x'], { ...answers, ended: async () => 'looked up' });
    await expect(looked).rejects.toThrow('looked up');
  });

  it('an update the process does not answer within the deadline is unavailable (503)', async () => {
    const update = updateProcess(deps, await running(), probeUpdate, ['x'], answers);
    await expect(update).rejects.toBeInstanceOf(UnavailableError);
    await expect(update).rejects.toThrow('the probe process did not answer in time: try again shortly');
  });

  it('a signal reaches a running process; an ended one hears nothing and the caller is told', async () => {
    expect(await signalProcess(deps, await running(), probeSignal, ['x'], answers)).toBe('SENT');
    expect(await signalProcess(deps, await ended(), probeSignal, ['x'], answers)).toBe('NOT_RUNNING');
  });

  it("Temporal unreachable: start, update and signal answer 503 with the caller's message, the live state is left out", async () => {
    const down: GatewayDeps = {
      ...deps,
      temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      temporalTimeoutMs: 1_000,
    };
    const workflowId = `gateway-probe-${randomUUID()}`;
    const start = startProcess(down, { type: SILENT, workflowId, args: [], unreachable: 'nothing was changed' });
    await expect(start).rejects.toBeInstanceOf(UnavailableError);
    await expect(start).rejects.toThrow('nothing was changed');
    const update = updateProcess(down, workflowId, probeUpdate, ['x'], answers);
    await expect(update).rejects.toBeInstanceOf(UnavailableError);
    // The client retries an unreachable server until the deadline: either way the caller hears 503.
    await expect(update).rejects.toThrow(/^the probe process (cannot be reached now|did not answer in time)/);
    const signal = signalProcess(down, workflowId, probeSignal, ['x'], { ...answers, unreachable: 'nothing was closed' });
    await expect(signal).rejects.toThrow('nothing was closed');
    expect(await liveState(down, workflowId, probeQuery)).toBeUndefined();
  });
});
