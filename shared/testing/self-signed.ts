// Test helper: a self-signed certificate for 127.0.0.1, made at test time with the openssl command line (Node can
// sign no X.509 certificate itself), and a TLS front that serves an HTTP server over HTTPS: the app's pages and its
// tracker's WebSocket as a deployment behind a TLS reverse proxy serves them, so a test sees an https:// page.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';

export interface Certificate {
  key: string;
  cert: string;
}

/** A fresh key and a one-day certificate for 127.0.0.1 and localhost, signed by itself. */
export function selfSignedCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-cert-'));
  try {
    // prettier-ignore
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsFront {
  /** https://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/** Ends TLS on a free loopback port and passes each connection's bytes to `port` on 127.0.0.1 as they are: HTTP
 * requests and WebSocket upgrades alike, as a TCP-level TLS proxy would. */
export async function startTlsFront(port: number, certificate: Certificate): Promise<TlsFront> {
  const server = createServer(certificate, (socket) => {
    const upstream = connect(port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: front } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${front}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
