/** Starts a browser download of a URL (headless mode's one-time file offers). */
export function downloadFrom(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/** Offers text made in the page (an agent export) as a file download. */
export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloadFrom(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "2026-11-28", for file names. */
export const today = () => new Date().toISOString().slice(0, 10);
