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

// The proxy is all that stands between the miner and whoever can reach its port: a request without the
// allowed sender's fresh signature over these very bytes, for this miner, is turned away before the miner sees it.

const SIXTY_SECONDS_MS = 60_000;

test.describe('the proxy turns away what validators never send', () => {
  test(
    'no signature: 401',
    { tag: '@proxy-refuses-unsigned', annotation: plannedEdits() },
    async ({ validatorPath, callbacks, sample }) => {
      const request = validatorRequest(rivalPayload(sample), callbacks, false);
      expect(await validatorPath.tamperedEdit(request, { unsigned: true }, 'POST /edit with no Authorization header')).toBeAnsweredByProxy(
        401,
        'the proxy must require Authorization: Epistula <signature> on /edit',
      );
    },
  );

  test(
    'a signature over another body: 401',
    { tag: '@proxy-refuses-other-body', annotation: plannedEdits() },
    async ({ validatorPath, callbacks, sample }) => {
      const request = validatorRequest(rivalPayload(sample), callbacks, false);
      const signedBody = JSON.stringify({ ...request, seed: (request.seed + 1) % 2 ** 32 });
      expect(
        await validatorPath.tamperedEdit(request, { signedBody }, 'POST /edit whose Epistula signature covers another body'),
      ).toBeAnsweredByProxy(401, 'the proxy must verify the signature over the SHA-256 of the body it received');
    },
  );

  test(
    'a timestamp a minute old: 401',
    { tag: '@proxy-refuses-stale', annotation: plannedEdits() },
    async ({ validatorPath, callbacks, sample }) => {
      const request = validatorRequest(rivalPayload(sample), callbacks, false);
      expect(
        await validatorPath.tamperedEdit(request, { ageMs: SIXTY_SECONDS_MS }, 'POST /edit with an Epistula-Timestamp 60 s old'),
      ).toBeAnsweredByProxy(401, 'the proxy must refuse an Epistula-Timestamp older than auth.allowed_delta_ms (8000 ms upstream)');
    },
  );

  test(
    'signed for another miner: 401',
    { tag: '@proxy-refuses-other-miner', annotation: plannedEdits() },
    async ({ validatorPath, callbacks, sample }) => {
      const request = validatorRequest(rivalPayload(sample), callbacks, false);
      const signedFor = (await freshKey()).address;
      expect(
        await validatorPath.tamperedEdit(request, { signedFor }, `POST /edit with Epistula-Signed-For ${signedFor}`),
      ).toBeAnsweredByProxy(401, 'the proxy must refuse an Epistula-Signed-For other than auth.miner_hotkey');
    },
  );

  test(
    'a valid signature from a sender it does not allow: 403',
    { tag: '@proxy-refuses-unknown-sender', annotation: plannedEdits() },
    async ({ validatorPath, callbacks, sample }) => {
      const request = validatorRequest(rivalPayload(sample), callbacks, false);
      const signer = await freshKey();
      expect(
        await validatorPath.tamperedEdit(request, { signer }, `POST /edit signed by ${signer.address}, a key no one allowed`),
      ).toBeAnsweredByProxy(403, "list only the validators' hotkeys in auth.allowed_senders of the proxy's config.json");
    },
  );
});

/** What a rival would replay: a validator's request, with its callback to this test. */
function rivalPayload(input: InputImage) {
  return { prompt: 'Make the sky a warm sunset orange', seed: validatorSeed(), input, secret: validatorSecret() };
}
