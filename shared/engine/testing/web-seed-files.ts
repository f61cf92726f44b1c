// The torrent the web-seed tests of every tier download (the e2e specs, the process matrix over HTTP and the
// simulator's in virtual time): names a URL must encode (`#`, `?`, `%`, spaces and accents), one empty file, and
// lengths that end mid-piece, so a hybrid torrent puts pad files after them.
export const WEB_SEED_TORRENT_NAME = 'web seed #1 é';

export const WEB_SEED_FILES: Array<[string, number]> = [
  ['a #b?.bin', 1_300_000],
  ['empty.txt', 0],
  ['100% c d.bin', 2_500_000],
  ['été ü.bin', 333_333],
];
