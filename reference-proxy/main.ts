import { ProxyConfigError, readProxySettings } from './settings.ts';
import { startReferenceProxy } from './server.ts';

// `npm run proxy`: the reference reverse proxy as the config file at REVERSE_PROXY_CONFIG_PATH sets it, one log line per request.
try {
  const { configPath, ...settings } = readProxySettings(process.env);
  const proxy = await startReferenceProxy(settings, (line) => console.log(line));
  const { server, auth, services } = settings.config;
  console.log(
    `reference proxy listening on http://${server.host}:${new URL(proxy.url).port} for miner ${auth.miner_hotkey} at ${services.inference_server_url} ` +
      `(config ${configPath}, ${auth.allowed_senders.length || 'any'} allowed senders, wait ${settings.timeoutSeconds} s, faults: ${settings.faults.join(',') || 'none'})`,
  );
  const stop = () => void proxy.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (!(error instanceof ProxyConfigError) && (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  console.error(
    error instanceof ProxyConfigError
      ? error.message
      : `Port taken: ${(error as Error).message}; set server.port in the proxy's config file to a free port.`,
  );
  process.exit(1);
}
