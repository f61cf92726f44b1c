"""Reference side of the BitTorrent v2 tests: libtorrent 2.0 (Debian's python3-libtorrent) makes, reads and checks
torrents. Run with /usr/bin/python3; prints one JSON object.

  create <path> <piece length> <hybrid|v2> <out.torrent>   make a torrent of a file or folder, then describe it
  describe <torrent>                                        info hashes, name, piece length, files
  check <torrent> <save path>                               check the files against the torrent: progress_ppm
  webseed <torrent> <save path>                             download from the torrent's url-list alone, no peer
  create ... <out.torrent> <web seed URL>                   the same, with the URL in the torrent's url-list
"""
import json
import os
import sys
import time

import libtorrent as lt


def describe(path):
    ti = lt.torrent_info(path)
    hashes = ti.info_hashes()
    fs = ti.files()
    files = []
    for i in range(fs.num_files()):
        root = fs.root(i)
        files.append({
            'path': fs.file_path(i),
            'size': fs.file_size(i),
            'offset': fs.file_offset(i),
            'pad': bool(fs.file_flags(i) & lt.file_storage.flag_pad_file),
            'root': None if root.is_all_zeros() else root.to_bytes().hex(),
        })
    return {
        'v1': str(hashes.v1) if hashes.has_v1() else None,
        'v2': hashes.v2.to_bytes().hex() if hashes.has_v2() else None,
        'name': ti.name(),
        'piece_length': ti.piece_length(),
        'num_pieces': ti.num_pieces(),
        'files': files,
    }


def create(path, piece_length, kind, out, web_seed=None):
    fs = lt.file_storage()
    lt.add_files(fs, path)
    flags = lt.create_torrent.v2_only if kind == 'v2' else 0
    ct = lt.create_torrent(fs, piece_length, flags)
    if web_seed:
        ct.add_url_seed(web_seed)
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))
    with open(out, 'wb') as f:
        f.write(lt.bencode(ct.generate()))
    return describe(out)


def start(path, save_path):
    """A session on loopback with no peer discovery, and the torrent added to it."""
    session = lt.session({
        'listen_interfaces': '127.0.0.1:0',
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
    })
    return session, session.add_torrent({'ti': lt.torrent_info(path), 'save_path': save_path})


def check(path, save_path):
    session, handle = start(path, save_path)
    deadline = time.time() + 60
    settled_since = None
    status = handle.status()
    while time.time() < deadline and status.progress_ppm != 1000000:
        time.sleep(0.05)
        status = handle.status()
        # Checking is over when the torrent is downloading (some piece failed) for a while.
        if status.state == lt.torrent_status.downloading:
            settled_since = settled_since or time.time()
            if time.time() - settled_since > 1:
                break
        else:
            settled_since = None
    pieces = status.pieces
    return {
        'progress_ppm': status.progress_ppm,
        'state': str(status.state),
        'have': sum(1 for p in pieces if p),
        'num_pieces': len(pieces),
    }


def webseed(path, save_path):
    session, handle = start(path, save_path)
    deadline = time.time() + 60
    status = handle.status()
    while time.time() < deadline and not status.is_seeding:
        time.sleep(0.05)
        status = handle.status()
    return {
        'progress_ppm': status.progress_ppm,
        'state': str(status.state),
        'have': sum(1 for p in status.pieces if p),
        'num_pieces': len(status.pieces),
    }


def main():
    command = sys.argv[1]
    if command == 'create':
        web_seed = sys.argv[6] if len(sys.argv) > 6 else None
        result = create(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], web_seed)
    elif command == 'describe':
        result = describe(sys.argv[2])
    elif command == 'check':
        result = check(sys.argv[2], sys.argv[3])
    elif command == 'webseed':
        result = webseed(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit('unknown command ' + command)
    print(json.dumps(result))


main()
