// Posts to the share target for the tests: a page of another site (127.0.0.2: a different site from the app's
// 127.0.0.1, whatever the port) that posts a file as it loads, as any site on the web could once the app's service
// worker is installed; and the form a test submits in the app's own page, as the share sheet would post it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server of another site whose page posts a file, in the manifest's fields, to the app's share target as it loads. */
export async function otherSite(
  appOrigin: string,
  hideReferrer = false,
): Promise<{ server: Server; url: string }> {
  const meta = hideReferrer ? '<meta name="referrer" content="no-referrer">' : '';
  const page = `<!doctype html>${meta}<title>Another site</title><body><script>
    const form = Object.assign(document.createElement('form'), {
      method: 'POST', action: ${JSON.stringify(`${appOrigin}/share-target`)}, enctype: 'multipart/form-data' });
    const input = Object.assign(document.createElement('input'), { type: 'file', name: 'files' });
    const files = new DataTransfer();
    files.items.add(new File(['not asked for'], 'planted.bin'));
    input.files = files.files;
    form.append(input, Object.assign(document.createElement('input'), { name: 'title', value: 'A share' }));
    document.body.append(form);
    form.submit();
  </script></body>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return { server, url: `http://127.0.0.2:${(server.address() as AddressInfo).port}/` };
}

/** Run in the app's page (Playwright's or puppeteer's `evaluate`): submits a file `name` of 4 KiB to the share
 * target, with `extra` fields, navigating the page. */
export function submitShareForm({ name, extra }: { name: string; extra: Record<string, string> }): void {
  const form = Object.assign(document.createElement('form'), {
    method: 'POST',
    action: '/share-target',
    enctype: 'multipart/form-data',
  });
  const input = Object.assign(document.createElement('input'), { type: 'file', name: 'files' });
  const files = new DataTransfer();
  files.items.add(new File([new Uint8Array(4096).fill(7)], name));
  input.files = files.files;
  form.append(input);
  for (const [field, value] of Object.entries(extra))
    form.append(Object.assign(document.createElement('input'), { name: field, value }));
  document.body.append(form);
  form.submit();
}
