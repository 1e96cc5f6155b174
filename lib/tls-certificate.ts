import { isIP } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { formatSeconds } from './wait-until.ts';

// A server's certificate as any HTTPS client with Node's default trust store judges it (NODE_EXTRA_CA_CERTS included):
// the stand-in for validators' own client, which verifies every miner's certificate before it sends anything.

/** What the TLS handshake with a server came to. */
export type CertificateVerdict =
  | { outcome: 'trusted' }
  /** The handshake finished but the certificate was refused: Node's code, and why, in words. */
  | { outcome: 'refused'; code: string; cause: string; fix: string }
  /** No handshake: the port is closed, speaks plain http, or said nothing within the deadline. */
  | { outcome: 'no-handshake'; cause: string };

/** Why Node refused a certificate, by its error code, and what the operator does about it. */
export function describeCertificateRefusal(
  code: string,
  certificate: Partial<PeerCertificate>,
  host: string,
): { cause: string; fix: string } {
  const subject = nameOf(certificate.subject) ?? 'no subject name';
  const issuer = nameOf(certificate.issuer) ?? 'an unnamed issuer';
  const publicAuthority = "serve a certificate from a public authority (such as Let's Encrypt) with its full chain";
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return { cause: `self-signed (${subject}), vouched for by no authority`, fix: publicAuthority };
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return { cause: `signed under a self-signed root no public authority vouches for (issuer ${issuer})`, fix: publicAuthority };
    case 'CERT_HAS_EXPIRED':
      return {
        cause: `expired on ${certificate.valid_to ?? 'a date it does not say'}`,
        fix: 'renew it, and have it renewed before it expires',
      };
    case 'CERT_NOT_YET_VALID':
      return {
        cause: `not valid until ${certificate.valid_from ?? 'a later date'}`,
        fix: 'check the clock of the machine that made it, or wait for its start',
      };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        cause: `issued for another host (${certificate.subjectaltname ?? subject}, not ${host})`,
        fix: `serve one issued for ${host}, the address validators reach`,
      };
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return {
        cause: `signed by an authority the trust store does not know (issuer ${issuer}), or served without its intermediate certificates`,
        fix: publicAuthority,
      };
    default:
      return { cause: `refused (${subject}, issuer ${issuer})`, fix: publicAuthority };
  }
}

/** A certificate name as its common name, else its organisation. */
function nameOf(name: PeerCertificate['subject'] | undefined): string | undefined {
  const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);
  const common = text(name?.CN);
  if (common) return `CN=${common}`;
  const organisation = text(name?.O);
  return organisation ? `O=${organisation}` : undefined;
}

/**
 * Makes a TLS handshake with `url`'s host and port, verified against Node's default trust store and the host's name,
 * within `deadlineMs`; nothing is sent over it.
 */
export function checkCertificate(url: URL, deadlineMs: number): Promise<CertificateVerdict> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 443);
  return new Promise((resolve) => {
    // Verified, never refused here: the certificate stays readable so the verdict can say what is wrong with it.
    const socket = connect({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false });
    const settle = (verdict: CertificateVerdict) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    };
    const timer = setTimeout(
      () => settle({ outcome: 'no-handshake', cause: `finished no TLS handshake within ${formatSeconds(deadlineMs)}` }),
      deadlineMs,
    );
    socket.once('secureConnect', () => {
      if (socket.authorized) return settle({ outcome: 'trusted' });
      // Node gives the code as a string here (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID), typed as an Error
      const refusal = socket.authorizationError as unknown as string | Error;
      const code = typeof refusal === 'string' ? refusal : ((refusal as NodeJS.ErrnoException).code ?? refusal.message);
      settle({ outcome: 'refused', code, ...describeCertificateRefusal(code, socket.getPeerCertificate(), host) });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const plainHttp = /wrong version number|packet length too long|http request/i.test(error.message);
      settle({
        outcome: 'no-handshake',
        cause: plainHttp
          ? 'answers plain http where TLS was expected'
          : `could not be reached for a TLS handshake (${error.code ?? error.message})`,
      });
    });
  });
}
