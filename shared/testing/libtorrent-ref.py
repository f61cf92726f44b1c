"""Reference side of the BitTorrent v2 tests: libtorrent 2.0 (Debian's python3-libtorrent) makes, reads and checks
torrents. Run with /usr/bin/python3; prints one JSON object.

  create <path> <piece length> <hybrid|v2|v1> <out.torrent>   make a torrent of a file or folder, then describe it
  describe <torrent>                                        info hashes, name, piece length, files
  check <torrent> <save path>                               check the files against the torrent: progress_ppm
  webseed <torrent> <save path>                             download from the torrent's url-list alone, no peer
  create ... <out.torrent> <web seed URL>                   the same, with the URL in the torrent's url-list
  peer <torrent> <save path> <listen port> [host:port ...]  a libtorrent peer over TCP on 127.0.0.1 (see peer())
"""
import json
import os
import sys
import threading
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
    flags = {'v2': lt.create_torrent.v2_only, 'v1': lt.create_torrent.v1_only}.get(kind, 0)
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


def emit(record):
    sys.stdout.write(json.dumps(record) + '\n')
    sys.stdout.flush()


def peer_settings(listen_port):
    return {
        'listen_interfaces': '127.0.0.1:%d' % listen_port,
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        # TCP only, as the engine's host speaks it; every peer of a test is on 127.0.0.1.
        'enable_outgoing_utp': False,
        'enable_incoming_utp': False,
        'allow_multiple_connections_per_ip': True,
        'alert_mask': lt.alert.category_t.all_categories,
        # Every peer message is an alert (the peer log): a burst (a peer refusing many requests) must not push out the
        # alerts the tests read (bans, failed pieces). A dropped alert is reported (`alerts_dropped`).
        'alert_queue_size': 1000000,
    }


def wire_event(message):
    """The direction and message name of a peer log line ('... <== HAVE_ALL [ ... ]' or '... ==> HASH_REQUEST ...'),
    or (None, the line) for the peer's other log lines."""
    words = message.split()
    for i, word in enumerate(words[:-1]):
        if word in ('<==', '==>'):
            return ('in' if word == '<==' else 'out'), words[i + 1]
    return None, message


def report_alert(alert, seen):
    if isinstance(alert, lt.peer_log_alert):
        direction, name = wire_event(alert.message())
        if direction:
            if (direction, name) not in seen:
                seen.add((direction, name))
                emit({'event': 'wire', 'direction': direction, 'message': name})
            if 'HASH' in name or 'REJECT' in name:
                emit({'event': 'wire-detail', 'direction': direction, 'text': alert.message()})
        elif any(word in name.lower() for word in ('invalid', 'error', 'disconnect', 'timed_out', 'snub')):
            emit({'event': 'peer-log', 'text': name})
    elif isinstance(alert, lt.listen_succeeded_alert) and alert.socket_type == lt.socket_type_t.tcp:
        emit({'event': 'listening', 'port': alert.port})
    elif isinstance(alert, lt.torrent_finished_alert):
        emit({'event': 'finished'})
    elif isinstance(alert, lt.alerts_dropped_alert):
        emit({'event': 'alerts_dropped', 'text': alert.message()})
    elif isinstance(alert, (lt.peer_disconnected_alert, lt.peer_error_alert, lt.peer_ban_alert,
                            lt.hash_failed_alert, lt.torrent_error_alert, lt.file_error_alert,
                            lt.block_timeout_alert, lt.peer_snubbed_alert)):
        emit({'event': type(alert).__name__.replace('_alert', ''), 'text': alert.message()})


STALL_SECONDS = 10


def watch_for_stalls(beats, stop):
    """Reports the main loop stuck for STALL_SECONDS (`stalled`, with the line it is stuck on): a libtorrent call that
    does not return, told apart from a peer that died (its exit) or one that goes on printing."""
    main = threading.main_thread().ident
    reported = None
    while not stop.wait(1):
        last = beats[0]
        if time.time() - last < STALL_SECONDS or reported == last:
            continue
        reported = last
        frame = sys._current_frames().get(main)
        where = '%s:%d' % (frame.f_code.co_name, frame.f_lineno) if frame else 'unknown'
        emit({'event': 'stalled', 'seconds': round(time.time() - last, 1), 'at': where})


def read_commands(handle, stop):
    """Lines on stdin: 'connect <host> <port>' adds a peer; end of input stops the session."""
    for line in sys.stdin:
        words = line.split()
        if len(words) == 3 and words[0] == 'connect':
            handle.connect_peer((words[1], int(words[2])))
    stop.set()


def peer(path, save_path, listen_port, peers):
    """Seeds or downloads one torrent over TCP, printing JSON lines: `listening` (the TCP port), `status` (progress
    every 200 ms), `finished`, each wire message name the first time it is sent or received (`wire`), hash messages
    and rejects in full (`wire-detail`), disconnects, peer errors, bans, failed pieces, block requests that timed
    out (`block_timeout`, past the session's request_timeout), peers snubbed for not answering (`peer_snubbed`),
    alerts lost to a full queue (`alerts_dropped`), alerts it could not print (`report_error`) and its own loop stuck
    in a call (`stalled`)."""
    session = lt.session(peer_settings(listen_port))
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(path)
    params.save_path = save_path
    # Started at once: by default a torrent is added paused and auto-managed, and stays paused until the session's
    # queue starts it; a paused torrent that already reports it seeds refuses every incoming peer (torrent_paused).
    params.flags = params.flags & ~lt.torrent_flags.paused & ~lt.torrent_flags.auto_managed
    handle = session.add_torrent(params)
    for address in peers:
        host, port = address.rsplit(':', 1)
        handle.connect_peer((host, int(port)))
    stop = threading.Event()
    threading.Thread(target=read_commands, args=(handle, stop), daemon=True).start()
    seen = set()
    last_status = 0
    beats = [time.time()]
    threading.Thread(target=watch_for_stalls, args=(beats, stop), daemon=True).start()
    while not stop.is_set():
        beats[0] = time.time()
        # Polled, never waited for: the binding of wait_for_alert wraps the alert it returns, which points into the
        # queue libtorrent's thread is still appending to; a queue that grows meanwhile moves it, and the wrapping
        # reads freed memory (a SIGSEGV in __dynamic_cast, seen at a peer's handshake and in a file check). What
        # pop_alerts returns stays valid until the next pop_alerts.
        time.sleep(0.05)
        for alert in session.pop_alerts():
            try:
                report_alert(alert, seen)
            except Exception as error:  # an alert it cannot print must not stop the peer the test talks to
                emit({'event': 'report_error', 'text': '%s: %r' % (type(alert).__name__, error)})
        if time.time() - last_status >= 0.2:
            last_status = time.time()
            status = handle.status()
            emit({'event': 'status', 'progress_ppm': status.progress_ppm, 'state': str(status.state),
                  'peers': status.num_peers, 'downloaded': status.total_payload_download,
                  'uploaded': status.total_payload_upload, 'seeding': status.is_seeding,
                  'paused': status.paused})


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
    elif command == 'peer':
        peer(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
        return
    else:
        raise SystemExit('unknown command ' + command)
    print(json.dumps(result))


main()
