// The client software named by a peer id's prefix, for the stats page. Azureus-style ids start with
// `-XXvvvv-`: a two-letter client code and four version characters (`-WW0300-` is WebTorrent).
const CLIENTS: Record<string, string> = {
  SD: 'SwarmDrop',
  WW: 'WebTorrent',
  WD: 'WebTorrent Desktop',
  qB: 'qBittorrent',
  TR: 'Transmission',
  UT: 'µTorrent',
  UM: 'µTorrent Mac',
  BT: 'BitTorrent',
  LT: 'libtorrent (Rasterbar)',
  lt: 'libTorrent (Rakshasa)',
  DE: 'Deluge',
  AZ: 'Vuze',
  BI: 'BiglyBT',
  KT: 'KTorrent',
  FD: 'Free Download Manager',
  TX: 'Tixati',
  AG: 'Ares',
};

const AZUREUS = /^-([A-Za-z~]{2})([0-9A-Za-z.]{4})-/;

/** "WebTorrent 0300", "Unknown (XY 1234)" or "Unknown" for a binary peer id. */
export function peerClient(peerId: string): string {
  const match = AZUREUS.exec(peerId);
  if (!match) return 'Unknown';
  const name = CLIENTS[match[1]];
  return name ? `${name} ${match[2]}` : `Unknown (${match[1]} ${match[2]})`;
}

/** The client's name without its version, for the public totals: a known name, or `Other`. */
export function clientName(peerId: string): string {
  const match = AZUREUS.exec(peerId);
  return (match && CLIENTS[match[1]]) || 'Other';
}
