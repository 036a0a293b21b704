import { Client, Connection } from '@temporalio/client';
import { clientInterceptors } from './temporal-telemetry.ts';

export interface TemporalSettings {
  address: string;
  namespace: string;
}

export const temporalSettingsFromEnv = (): TemporalSettings => ({
  address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
});

export async function connectTemporalClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ address: settings.address });
  return new Client({ connection, namespace: settings.namespace, interceptors: { workflow: clientInterceptors() } });
}
