import { MinerConfigError, readMinerConfig } from './config.ts';
import { startReferenceMiner } from './server.ts';

// `npm run miner`: the reference miner on MINER_SERVER_HOST:MINER_SERVER_PORT, one log line per job.
try {
  const config = readMinerConfig(process.env);
  const miner = await startReferenceMiner(
    config,
    (line) => console.log(line),
    () => {
      console.error('The reference miner died mid-job (fault dies-mid-job): its listener is closed and it exits with code 1.');
      process.exit(1);
    },
  );
  console.log(
    `reference miner listening on http://${config.host}:${new URL(miner.url).port} (kontext edit ${config.enableKontextEdit ? 'enabled' : 'disabled'}, protocol revision ${config.protocolRevision}, faults: ${config.faults.join(',') || 'none'})`,
  );
  const stop = () => void miner.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (!(error instanceof MinerConfigError) && (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  console.error(
    error instanceof MinerConfigError ? error.message : `Port taken: ${(error as Error).message}; set MINER_SERVER_PORT to a free port.`,
  );
  process.exit(1);
}
