export interface ConsoleConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
  allowUnauthenticated: boolean;
}

export const DEFAULT_CONFIG: ConsoleConfig = {
  temporalUiUrl: 'http://127.0.0.1:8233',
  temporalNamespace: 'default',
  allowUnauthenticated: false,
};

/** GET /config.json from the console server; the defaults when it cannot be read. */
export async function fetchConfig(fetchImpl: typeof fetch = fetch): Promise<ConsoleConfig> {
  try {
    const response = await fetchImpl('/config.json', { headers: { accept: 'application/json' } });
    if (!response.ok) return DEFAULT_CONFIG;
    return { ...DEFAULT_CONFIG, ...((await response.json()) as Partial<ConsoleConfig>) };
  } catch {
    return DEFAULT_CONFIG;
  }
}

export const workflowUrl = (config: ConsoleConfig, workflowId: string): string =>
  `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
