import {
  expect,
  freshKey,
  type InputImage,
  plannedEdits,
  test,
  validatorRequest,
  validatorSecret,
  validatorSeed,
} from '../fixtures/index.ts';
import type { Tampering } from '../fixtures/index.ts';

// The proxy is all that stands between the miner and whoever can reach its port: a request without the
// allowed sender's fresh signature over these very bytes, for this miner, is turned away before the miner sees it.

type Spoiled = { tamper: Tampering; sent: string };

type Refusal = {
  title: string;
  tag: `@${string}`;
  /** How the validator's request is spoiled, and the words naming what was sent; the request is given to build from. */
  spoil: (request: { seed: number }) => Spoiled | Promise<Spoiled>;
  status: 401 | 403;
  /** What the operator must change when the proxy lets it through. */
  fix: string;
};

const REFUSALS: Refusal[] = [
  {
    title: 'no signature: 401',
    tag: '@proxy-refuses-unsigned',
    spoil: () => ({ tamper: { unsigned: true }, sent: 'POST /edit with no Authorization header' }),
    status: 401,
    fix: 'the proxy must require Authorization: Epistula <signature> on /edit',
  },
  {
    title: 'a signature over another body: 401',
    tag: '@proxy-refuses-other-body',
    spoil: (request) => ({
      tamper: { signedBody: JSON.stringify({ ...request, seed: (request.seed + 1) % 2 ** 32 }) },
      sent: 'POST /edit whose Epistula signature covers another body',
    }),
    status: 401,
    fix: 'the proxy must verify the signature over the SHA-256 of the body it received',
  },
  {
    title: 'a timestamp a minute old: 401',
    tag: '@proxy-refuses-stale',
    spoil: () => ({ tamper: { ageMs: 60_000 }, sent: 'POST /edit with an Epistula-Timestamp 60 s old' }),
    status: 401,
    fix: 'the proxy must refuse an Epistula-Timestamp older than auth.allowed_delta_ms (8000 ms upstream)',
  },
  {
    title: 'signed for another miner: 401',
    tag: '@proxy-refuses-other-miner',
    spoil: async () => {
      const signedFor = (await freshKey()).address;
      return { tamper: { signedFor }, sent: `POST /edit with Epistula-Signed-For ${signedFor}` };
    },
    status: 401,
    fix: 'the proxy must refuse an Epistula-Signed-For other than auth.miner_hotkey',
  },
  {
    title: 'a valid signature from a sender it does not allow: 403',
    tag: '@proxy-refuses-unknown-sender',
    spoil: async () => {
      const signer = await freshKey();
      return { tamper: { signer }, sent: `POST /edit signed by ${signer.address}, a key no one allowed` };
    },
    status: 403,
    fix: "list only the validators' hotkeys in auth.allowed_senders of the proxy's config.json",
  },
];

test.describe('the proxy turns away what validators never send', () => {
  for (const { title, tag, spoil, status, fix } of REFUSALS)
    // The tags are the table's own literals, which the tag rule cannot read through a variable.
    // eslint-disable-next-line playwright/valid-test-tags
    test(title, { tag, annotation: plannedEdits() }, async ({ validatorPath, callbacks, sample }) => {
      // The input travels inline: a refused request must not leave the miner an image to download.
      const request = validatorRequest(rivalPayload(sample), { callbacks, input: 'image_b64' });
      const { tamper, sent } = await spoil(request);
      expect(await validatorPath.tamperedEdit(request, tamper, sent)).toBeAnsweredByProxy(status, fix);
    });
});

/** What a rival would replay: a validator's request, with its callback to this test. */
function rivalPayload(input: InputImage) {
  return { prompt: 'Make the sky a warm sunset orange', seed: validatorSeed(), input, secret: validatorSecret() };
}
