// The app served over HTTPS for the e2e specs: the tests' tracker (playwright.config.ts) behind a TLS front with a
// certificate made at test time (shared/testing/self-signed.ts), as a deployment behind a TLS reverse proxy serves
// it: pages, the service worker and the tracker's WebSocket (wss://) alike. Browsers are told to accept the
// certificate: Chromium with --ignore-certificate-errors (HTTPS_LAUNCH_OPTIONS), Firefox with acceptInsecureCerts.
import { LAUNCH_OPTIONS } from '../playwright.config';
import {
  selfSignedCertificate,
  startTlsFront,
  type Certificate,
  type TlsFront,
} from '../shared/testing/self-signed';

/** Chromium that accepts the tests' self-signed certificates (the page's and an https:// range server's). */
export const HTTPS_LAUNCH_OPTIONS = {
  ...LAUNCH_OPTIONS,
  args: [...LAUNCH_OPTIONS.args, '--ignore-certificate-errors'],
};

/** The app of `baseURL` at https://127.0.0.1:<port>, and the certificate, for a range server over TLS too. */
export async function startHttpsApp(baseURL: string): Promise<{ front: TlsFront; certificate: Certificate }> {
  const certificate = selfSignedCertificate();
  return { front: await startTlsFront(Number(new URL(baseURL).port), certificate), certificate };
}
