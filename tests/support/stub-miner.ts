import { startScriptedServer } from './scripted-server.ts';

/** A server that answers GET /health with a fixed body: for global setup's checks, without a real miner. */
export function startStubHealth(status: number, body: string) {
  return startScriptedServer(({ path }) =>
    path === '/health' ? { status, body, contentType: 'application/json' } : { status: 404, body: { detail: 'Not Found' } },
  );
}

const health = (kontextEdit: string) =>
  JSON.stringify({
    status: 'healthy',
    timestamp: '2025-01-31T12:00:00',
    services: { inference: 'loaded', kontext_edit: kontextEdit },
    config: {},
  });

export const HEALTH_WITH_EDITING_DISABLED = health('disabled');
export const HEALTH_WITH_EDITING_ENABLED = health('loaded');
