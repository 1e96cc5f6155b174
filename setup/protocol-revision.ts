import type { APIRequestContext } from '@playwright/test';
import { EditRequestSchema } from '../protocol/edit-job.ts';
import { editRequestFieldsOf } from '../lib/openapi.ts';

/** What the miner's edit request accepts, from its /openapi.json: which protocol revision it speaks. */
export type ProtocolRevision = {
  /** Seed protocol: an earlier job's output as the input. */
  referenceJobId: boolean;
  /** Later protocol: the miner downloads the input. */
  imageUrl: boolean;
};

/**
 * The edit-request fields a miner declares in /openapi.json (FastAPI serves one): how the suite tells
 * the seed protocol (reference_job_id) from the later one (image_url). Without a document, the seed protocol.
 */
export async function readEditRequestFields(request: APIRequestContext, minerUrl: string): Promise<string[]> {
  const response = await request.get(`${minerUrl}/openapi.json`, { failOnStatusCode: false }).catch(() => undefined);
  const document: unknown = response?.ok() ? await response.json().catch(() => undefined) : undefined;
  return editRequestFieldsOf(document) ?? Object.keys(EditRequestSchema.shape);
}

export function protocolRevision(editRequestFields: readonly string[]): ProtocolRevision {
  return { referenceJobId: editRequestFields.includes('reference_job_id'), imageUrl: editRequestFields.includes('image_url') };
}

export function describeProtocol(editRequestFields: readonly string[]): string {
  const { referenceJobId, imageUrl } = protocolRevision(editRequestFields);
  const revisions = [referenceJobId && 'the seed protocol (reference_job_id)', imageUrl && 'the later one (image_url)'].filter(Boolean);
  return `The miner's edit request speaks ${revisions.join(' and ') || 'neither reference_job_id nor image_url'}.`;
}
