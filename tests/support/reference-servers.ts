import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { parseJsonOrUndefined } from '../../lib/wire-body.ts';

// What the tests of the reference miner and of the reference proxy share: calling a server, starting an entry point.

/** A server's answer as it came: code, content type, bytes, and its JSON where it is JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the JSON of many shapes field by field
export type Answer = { status: number; contentType: string; bytes: Buffer; json: any };

const CALL_DEADLINE_MS = 10_000;

/** One call with a deadline: a server under test that hangs fails the test instead of holding it. */
export async function call(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(CALL_DEADLINE_MS) });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', bytes, json: parseJsonOrUndefined(bytes) };
}

/**
 * As `call`, over node:http, which sends a body with any method: fetch refuses a GET with one, and validators'
 * signed GET /capacity carries `{}`.
 */
export function callSendingBody(url: string, init: { method: string; headers?: Record<string, string>; body: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: init.method,
        // node:http frames a GET's body only when told its length
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
        signal: AbortSignal.timeout(CALL_DEADLINE_MS),
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({
            status: answer.statusCode ?? 0,
            contentType: answer.headers['content-type'] ?? '',
            bytes,
            json: parseJsonOrUndefined(bytes),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

/** Starts a server's entry point (`npm run miner`, `npm run proxy`) with the given environment and collects what it prints. */
export function startEntryPoint(main: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  return { child, output };
}
