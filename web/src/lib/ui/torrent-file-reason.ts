// Why a file is not a .torrent, in the user's words: read by the engine when it opens one, and by the page when
// `Torrent to seed` is chosen (refused then, before its files are).

/** The parser's reason, without repeating that this is not a .torrent file. */
export function torrentFileReason(message: string): string {
  const wrapped = /^Not a \.torrent file \((.*)\)$/s.exec(message);
  const reason = wrapped ? wrapped[1] : message;
  // A parser's words (`invalid bencode: unexpected byte 0x74 at byte 0`) mean nothing to a user: say what happened.
  if (/^(invalid bencode|not a dictionary)/i.test(reason))
    return 'this file is not in the .torrent format (choose the .torrent file a BitTorrent app made)';
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}
