// Every recorded history (test/histories/*.json, written by test/histories/record.ts) replays on
// today's workflow code: a change that would break running processes (a command added, removed
// or reordered without patched()) fails here, before it ships.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import * as workflows from '../src/index.ts';
import { workflowBundle } from '../src/bundle.ts';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * The CLI's JSON as a History message. The SDK's own historyFromJSON (what runReplayHistories
 * calls on JSON) fails here with "type must be a Type": @temporalio/common and @temporalio/proto
 * each install their own copy of protobufjs, and its JSON reader checks the types by class. So
 * the reader of the copy that owns the types is used.
 */
const require = createRequire(import.meta.url);
const { fromJson } = require(createRequire(require.resolve('@temporalio/proto')).resolve('protobufjs/ext/protojson')) as {
  fromJson: (type: unknown, json: unknown, options: object) => proto.temporal.api.history.v1.History;
};
const root = patchProtobufRoot(require('@temporalio/proto') as Record<string, unknown>) as { lookupType(name: string): unknown };
const historyType = root.lookupType('temporal.api.history.v1.History');
const historyFromJson = (json: RecordedHistory) => fromJson(historyType, json, { ignoreUnknownFields: true });

interface RecordedHistory {
  events: { eventType: string; workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[];
}

async function recorded(): Promise<{ name: string; workflowType: string; history: RecordedHistory }[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const history = JSON.parse(await readFile(`${dir}${file}`, 'utf8')) as RecordedHistory;
      const workflowType = history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '(not a history)';
      return { name: file.replace(/\.json$/, ''), workflowType, history };
    }),
  );
}

describe('recorded histories replay on the current workflow code', () => {
  it('every workflow of the bundle has recorded histories, each one run to its end', async () => {
    const histories = await recorded();
    const types = new Set(histories.map((h) => h.workflowType));
    expect([...types].sort()).toEqual(Object.keys(workflows).sort());
    for (const { name, history } of histories) {
      expect(history.events.at(-1)?.eventType, name).toMatch(/^EVENT_TYPE_WORKFLOW_EXECUTION_(COMPLETED|FAILED)$/);
    }
  });

  it('replays every history without a nondeterminism error', async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const histories = await recorded();
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), replayName: 'recorded-histories' },
      histories.map(({ name, history }) => ({ workflowId: name, history: historyFromJson(history) })),
    )) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  });
});
