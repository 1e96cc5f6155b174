import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyEpistula, type EpistulaCheck, type EpistulaRules } from '../lib/epistula.ts';
import { proxyQueued } from '../protocol/epistula.ts';
import { capacityAnswer } from './capacity.ts';
import type { ProxyFaults } from './faults.ts';
import { forwardToMiner } from './forward-to-miner.ts';
import { answerJson, readBody } from '../lib/http-io.ts';
import { jobIdHint } from './job-id-hint.ts';
import { rewriteBody } from './rewrite-body.ts';
import type { ProxySettings } from './settings.ts';

/** Bodies past this are refused with 413; an edit with a 1024 px PNG in base64 is a few MB. */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

/** The paths the proxy forwards to the miner, waiting at most `timeoutSeconds` for its answer. */
const FORWARDED_PATHS = new Set(['/edit', '/inference']);

export type ProxyRouteDependencies = { settings: ProxySettings; faults: ProxyFaults; closing: AbortSignal };

/** Answers one request and returns what its log line should say beyond method, path and status. */
export type ProxyRoute = (request: IncomingMessage, response: ServerResponse) => Promise<string>;

/** The reverse proxy's HTTP API, route by route, as docs/protocol.md describes it ("The reverse proxy and Epistula"). */
export function createProxyRoutes({ settings, faults, closing }: ProxyRouteDependencies): ProxyRoute {
  const { config } = settings;
  const rules: EpistulaRules = {
    minerHotkey: config.auth.miner_hotkey,
    allowedDeltaMs: config.auth.allowed_delta_ms,
    allowedSenders: config.auth.allowed_senders,
  };
  const skipped = new Set<EpistulaCheck>();
  if (faults.has('ignores-signed-for')) skipped.add('signed-for');
  if (faults.has('no-staleness-check')) skipped.add('staleness');
  if (faults.has('ignores-allowed-senders')) skipped.add('allowed-senders');
  if (faults.has('signature-unchecked')) skipped.add('signature');
  const capacityRouted = !faults.has('capacity-missing');
  const rootRouted = !faults.has('root-missing');

  /**
   * Reads the body and checks the signature over it (or over `verifiedBody`, for a fault); a refusal is answered here
   * and only its log note returned.
   */
  async function signedBody(
    request: IncomingMessage,
    response: ServerResponse,
    verifiedBody?: Buffer,
  ): Promise<{ body: Buffer; note: string } | string> {
    const body = await readBody(request, MAX_BODY_BYTES);
    if (!body) {
      answerJson(response, 413, { detail: `Request body exceeds ${MAX_BODY_BYTES} bytes` });
      return 'body too large';
    }
    if (faults.has('accepts-unsigned') && !request.headers.authorization) return { body, note: 'unsigned, let through' };
    const verdict = await verifyEpistula({ headers: request.headers, body: verifiedBody ?? body }, rules, skipped);
    if (!verdict.ok) {
      answerJson(response, verdict.status, { detail: verdict.detail });
      return verdict.detail;
    }
    return { body, note: `signed by ${verdict.signedBy}` };
  }

  async function forward(request: IncomingMessage, response: ServerResponse, path: string): Promise<string> {
    const signed = await signedBody(request, response);
    if (typeof signed === 'string') return signed;
    const late = faults.has('late-without-202');
    const waitSeconds = late ? settings.syncTimeoutSeconds : settings.timeoutSeconds;
    const forwarded = await forwardToMiner({
      minerUrl: config.services.inference_server_url,
      path,
      method: 'POST',
      headers: request.headers,
      body: faults.has('rewrites-body') ? rewriteBody(signed.body) : signed.body,
      deadlineMs: waitSeconds * 1000,
      signal: closing,
    });
    switch (forwarded.outcome) {
      case 'answered':
        response.writeHead(forwarded.status, {
          'content-type': forwarded.contentType ?? 'application/octet-stream',
          'content-length': forwarded.body.length,
        });
        response.end(forwarded.body);
        return `${signed.note}; miner answered ${forwarded.status}`;
      case 'timed-out':
        if (late) {
          answerJson(response, 504, { detail: 'Upstream timed out' });
          return `${signed.note}; miner gave no answer within ${waitSeconds} s`;
        }
        answerJson(response, 202, proxyQueued(jobIdHint(signed.body), waitSeconds));
        return `${signed.note}; miner still busy after ${waitSeconds} s, answered 202 for it`;
      case 'unreachable':
        answerJson(response, 502, { detail: 'Error connecting to backend service' });
        return `${signed.note}; miner at ${config.services.inference_server_url} unreachable (${forwarded.reason})`;
    }
  }

  return async function route(request, response) {
    const path = new URL(request.url ?? '/', 'http://proxy').pathname;
    const method = request.method ?? 'GET';
    const checked = /^\/check\/([^/]+)$/.exec(path);
    const expected =
      (path === '/' && rootRouted) || (path === '/capacity' && capacityRouted) || checked
        ? 'GET'
        : FORWARDED_PATHS.has(path)
          ? 'POST'
          : undefined;
    if (!expected) {
      answerJson(response, 404, { detail: 'Not Found' });
      return 'not a proxy route';
    }
    if (method !== expected) {
      answerJson(response, 405, { detail: 'Method Not Allowed' });
      return `only ${expected} here`;
    }
    if (path === '/') {
      answerJson(response, 200, { status: 'healthy', service: 'bittensor-miner-reverse-proxy', reference: true, faults: faults.list() });
      return 'health';
    }
    if (checked) {
      let identifier: string | undefined;
      try {
        identifier = decodeURIComponent(checked[1]!);
      } catch {
        identifier = undefined; // a broken %-escape names no hotkey
      }
      if (identifier !== config.auth.miner_hotkey) {
        if (faults.has('check-any-hotkey')) {
          answerJson(response, 200, { status: 'ok', identifier: identifier ?? checked[1] });
          return 'another hotkey, vouched for anyway';
        }
        answerJson(response, 404, { detail: 'Identifier not recognized' });
        return 'another hotkey';
      }
      answerJson(response, 200, { status: 'ok', identifier });
      return "the miner's hotkey";
    }
    if (path === '/capacity') {
      const signed = await signedBody(request, response, faults.has('capacity-hashes-empty-body') ? Buffer.alloc(0) : undefined);
      if (typeof signed === 'string') return signed;
      answerJson(response, 200, capacityAnswer(faults));
      return signed.note;
    }
    return forward(request, response, path);
  };
}
