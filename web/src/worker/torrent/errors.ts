// The words a failure shows: an Error's message, or the thrown value itself.

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** The reason a torrent shows when its session threw. */
export function engineError(error: unknown): string {
  return `engine error: ${errorMessage(error)}`;
}
