// The headers every response of the service worker carries, whatever it serves (a file, a range of one, an error).
// A served file is anyone's bytes under the app's origin: no other site may frame it (clickjacking, or reading what
// it shows through a frame), and a file the browser renders itself (an SVG, a PDF, a page) runs nothing, loads
// nothing and reaches nothing of the app, as in an opaque sandbox.

/**
 * `default-src 'none'` loads nothing; `img-src`, `media-src` and inline styles keep the browser's own viewers (an
 * image, a media file opened on its own) working; `sandbox` without `allow-scripts` or `allow-same-origin` runs no
 * script and gives a rendered file an opaque origin. `frame-ancestors 'none'`: no page may frame a served file.
 */
export const SERVED_FILE_CSP =
  "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'";

/**
 * The same for a response with `Content-Disposition: attachment` (`?download=1`): the app's own page loads it in a
 * hidden frame to hand it to the browser's downloads (app/pickers.ts, `followAttachment`), so its own origin may
 * frame it. Any other origin still may not.
 */
export const ATTACHMENT_CSP =
  "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";

/** The framing and sniffing headers of a response: CSP, X-Frame-Options for browsers without frame-ancestors. */
export function servedHeaders(attachment = false): Record<string, string> {
  return {
    'content-security-policy': attachment ? ATTACHMENT_CSP : SERVED_FILE_CSP,
    'x-frame-options': attachment ? 'SAMEORIGIN' : 'DENY',
    'x-content-type-options': 'nosniff',
  };
}

/** A plain-text answer (an error) with the served headers. */
export function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { ...servedHeaders(), 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
}

/** Whether a file is served as a download (`Content-Disposition: attachment`): when asked (`?download=1`), and an
 * SVG requested as anything but an image. An SVG is a document that can hold scripts and links: in an `<img>` it is
 * a picture, opened on its own it would be a page (sandboxed by SERVED_FILE_CSP, and still never shown as one). */
export function servedAsAttachment(type: string, destination: string, asked: boolean): boolean {
  return asked || (type === 'image/svg+xml' && destination !== 'image');
}

/** The answer `serving` resolves to, or a 500 in words when it rejects: a promise given to `respondWith` that rejects
 * makes the browser fail the request with no reason (Firefox logs that the service worker "encountered an unexpected
 * error"), where a 500 says what went wrong. */
export async function answerOf(serving: Promise<Response>, what: string): Promise<Response> {
  try {
    return await serving;
  } catch (error) {
    return textResponse(
      500,
      `cannot serve ${what}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}
