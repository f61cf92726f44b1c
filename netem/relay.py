#!/usr/bin/env python3
"""The network emulator's relay: one TUN device in each node's network namespace, and every IPv4 packet a node
sends is carried to the node it is addressed to through two links, the sender's uplink then the receiver's
downlink. Each link drops a share of packets (loss), queues what exceeds its rate in a token bucket and drops
what overflows its queue (tail drop), then holds each packet for its one-way delay plus jitter. A link keeps its
packets in order (jitter never lets a later packet overtake an earlier one, unlike netem's).

Python because the relay must ioctl TUNSETIFF and setns, which Node cannot do without a native package; the
standard library is enough and python3 is on every Debian.

Started by netem/emulator.ts with the configuration as JSON in argv[1] (or `--probe`, see probe()). It prints `ready` once every TUN device
exists, answers `stats` on stdin with one JSON line of counters, and exits when stdin closes (its owner died or
stopped it) or on SIGTERM. The TUN devices are not persistent: they vanish with the relay's file descriptors.
"""

import ctypes
import fcntl
import heapq
import json
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
MAX_PACKET = 65536
READS_PER_WAKE = 256
MAX_UNROUTABLE_KINDS = 32
# Round-robin real-time priority, the lowest: above every ordinary process (the browsers), below the kernel's own
# real-time threads. The kernel's real-time throttling still leaves ordinary processes 5 % of each core.
REALTIME_PRIORITY = 1


class Link:
    """One direction of a node's access link: loss, then a token bucket and a byte-bounded queue, then delay.
    Counters: packets accepted, their bytes, lost, dropped on a full queue, and (on a downlink) written to the node."""

    def __init__(self, spec, rng):
        self.delay = spec.get("delayMs", 0) / 1000.0
        self.jitter = spec.get("jitterMs", 0) / 1000.0
        self.loss = spec.get("loss", 0)
        self.rate = spec.get("rateBytesPerSecond", 0)
        self.queue = spec.get("queueBytes", 0)
        self.burst = spec.get("burstBytes", 0)
        self.rng = rng
        # The time the bucket's last queued byte leaves (a virtual clock): the backlog is what lies ahead of it.
        self.clock = 0.0
        self.last_arrival = 0.0
        self.counters = {"packets": 0, "bytes": 0, "lost": 0, "queueDropped": 0, "delivered": 0}

    def enter(self, now, size):
        """When the packet reaches the far end of this link, or None when the link drops it."""
        if self.loss and self.rng.random() < self.loss:
            self.counters["lost"] += 1
            return None
        depart = now
        if self.rate:
            clock = max(self.clock, now - self.burst / self.rate)
            backlog = max(0.0, clock - now) * self.rate
            if self.queue and backlog + size > self.queue:
                self.counters["queueDropped"] += 1
                return None
            clock += size / self.rate
            self.clock = clock
            depart = max(now, clock)
        arrival = depart + self.delay
        if self.jitter:
            arrival += self.rng.uniform(-self.jitter, self.jitter)
        arrival = max(arrival, depart, self.last_arrival)
        self.last_arrival = arrival
        self.counters["packets"] += 1
        self.counters["bytes"] += size
        return arrival


class Node:
    def __init__(self, spec, rng):
        self.name = spec["name"]
        self.address = bytes(int(part) for part in spec["address"].split("."))
        self.up = Link(spec["up"], rng)
        self.down = Link(spec["down"], rng)
        self.fd = open_tun_in(spec["netns"], spec["device"])


def open_tun_in(netns, device):
    """Opens a TUN device inside `netns`: setns there, TUNSETIFF, and back, so the device is born in the namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/var/run/netns/{netns}", os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {netns}")
        fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", device.encode(), IFF_TUN | IFF_NO_PI))
    finally:
        if libc.setns(home, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back home")
        os.close(home)
        os.close(target)
    return fd


class Relay:
    def __init__(self, config):
        rng = random.Random(config.get("seed"))
        self.nodes = [Node(spec, rng) for spec in config["nodes"]]
        self.by_address = {node.address: node for node in self.nodes}
        self.by_fd = {node.fd: node for node in self.nodes}
        # (time, order, stage, packet, sender, receiver): stage 0 ends the uplink, stage 1 the downlink.
        self.events = []
        self.order = 0
        self.unroutable = 0
        self.unroutable_to = {}
        self.write_dropped = 0

    def schedule(self, when, stage, packet, receiver):
        self.order += 1
        heapq.heappush(self.events, (when, self.order, stage, packet, receiver))

    def receive(self, sender, now):
        for _ in range(READS_PER_WAKE):
            try:
                packet = os.read(sender.fd, MAX_PACKET)
            except BlockingIOError:
                return
            receiver = self.route(packet)
            if receiver is None or receiver is sender:
                self.count_unroutable(packet)
                continue
            arrival = sender.up.enter(now, len(packet))
            if arrival is not None:
                self.schedule(arrival, 0, packet, receiver)

    def count_unroutable(self, packet):
        self.unroutable += 1
        if len(packet) >= 20 and packet[0] >> 4 == 4:
            where = ".".join(str(byte) for byte in packet[16:20])
        else:
            where = f"IPv{packet[0] >> 4}" if packet else "empty"
        # Bounded: a node that scans addresses must not grow the relay's memory.
        if where in self.unroutable_to or len(self.unroutable_to) < MAX_UNROUTABLE_KINDS:
            self.unroutable_to[where] = self.unroutable_to.get(where, 0) + 1

    def route(self, packet):
        if len(packet) < 20 or packet[0] >> 4 != 4:
            return None
        return self.by_address.get(packet[16:20])

    def due(self, now):
        while self.events and self.events[0][0] <= now:
            _, _, stage, packet, receiver = heapq.heappop(self.events)
            if stage == 0:
                arrival = receiver.down.enter(now, len(packet))
                if arrival is not None:
                    self.schedule(arrival, 1, packet, receiver)
                continue
            try:
                os.write(receiver.fd, packet)
                receiver.down.counters["delivered"] += 1
            except (BlockingIOError, OSError):
                self.write_dropped += 1

    def stats(self):
        nodes = {node.name: {"up": node.up.counters, "down": node.down.counters} for node in self.nodes}
        return {"nodes": nodes, "unroutable": self.unroutable, "unroutableTo": self.unroutable_to, "writeDropped": self.write_dropped}

    def command(self, line):
        if line.strip() == "stats":
            print(json.dumps(self.stats()), flush=True)

    def run(self):
        stdin = sys.stdin.fileno()
        watched = [stdin] + list(self.by_fd)
        while True:
            now = time.monotonic()
            self.due(now)
            timeout = max(0.0, self.events[0][0] - now) if self.events else None
            readable, _, _ = select.select(watched, [], [], timeout)
            now = time.monotonic()
            for fd in readable:
                if fd != stdin:
                    self.receive(self.by_fd[fd], now)
                    continue
                data = os.read(stdin, 4096)
                if not data:
                    return
                for line in data.decode().splitlines():
                    self.command(line)


def probe():
    """Makes a TUN device and exits: run under `unshare --net`, it tells whether this machine lets the emulator
    make namespaces and TUN devices, leaving nothing behind (the device dies with the throwaway namespace)."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"sdprobe", IFF_TUN | IFF_NO_PI))
    os.close(fd)


def run_on_time():
    """A link delivers each packet when it is due. On a busy machine an ordinary process wakes late and then writes
    every overdue packet at once: a burst a real link never makes, which overflows the receiver's UDP socket buffer
    (a browser's data channel then loses packets the path never lost). Real-time priority wakes the relay on time;
    where it is refused (not root, a container without CAP_SYS_NICE) the relay runs as an ordinary process."""
    try:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(REALTIME_PRIORITY))
    except (AttributeError, PermissionError, OSError):
        pass


def main():
    if sys.argv[1:] == ["--probe"]:
        probe()
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_on_time()
    relay = Relay(json.loads(sys.argv[1]))
    print("ready", flush=True)
    relay.run()


if __name__ == "__main__":
    main()
