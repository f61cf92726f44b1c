// Copying a link for the user: the clipboard when the page may write it, else the text selected in a field so that
// Ctrl+C copies it.

export async function copyText(text: string, fallback?: HTMLInputElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    fallback?.select();
    document.execCommand?.('copy');
  }
}
