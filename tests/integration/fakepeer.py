#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""fakepeer.py - a distribution peer that misbehaves on purpose.

Listens on 127.0.0.1 (port printed on stdout), accepts one connection from
beamprobe (run it with --port) and plays one scenario of a broken or hostile
node: wrong statuses, truncated or oversized handshake messages, wrong tags,
wrong digests, TLS bytes, silence; or a correct handshake (with the cookie
from $FAKEPEER_COOKIE) followed by bad frames: absurd lengths, garbage
control messages, a connection cut mid-frame.  Used by t0800-fake-peer.sh
to prove beamprobe refuses cleanly and within its deadline.

    fakepeer.py SCENARIO [hold_seconds]
"""
import hashlib
import os
import random
import socket
import struct
import sys
import time

NAME = b"fake@localhost"
FLAGS = (0x4 | 0x100 | 0x10000 | 0x20000 | 0x40000 | 0x1000000 | 0x2000000 |
         0x4000000 | 0x8000000 | 0x10 | 0x20 | 0x80 | 0x800 | 0x2000 | 0x4000 |
         0x200 | 0x40000000)


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def recv_hs(s):
    (n,) = struct.unpack(">H", recv_exact(s, 2))
    return recv_exact(s, n)


def send_hs(s, body):
    s.sendall(struct.pack(">H", len(body)) + body)


def digest(cookie, challenge):
    return hashlib.md5(cookie + str(challenge).encode()).digest()


def challenge_msg(new_style, challenge, tag=None):
    if new_style:
        t = tag or b"N"
        return t + struct.pack(">QII", FLAGS, challenge, 1234) + \
            struct.pack(">H", len(NAME)) + NAME
    t = tag or b"n"
    return t + struct.pack(">HII", 5, FLAGS & 0xffffffff, challenge) + NAME


def handshake(s, cookie):
    name = recv_hs(s)
    new_style = name[:1] == b"N"
    send_hs(s, b"sok")
    challenge = random.randint(1, 2**32 - 1)
    send_hs(s, challenge_msg(new_style, challenge))
    reply = recv_hs(s)
    if reply[:1] != b"r":
        raise EOFError
    (theirs,) = struct.unpack(">I", reply[1:5])
    if reply[5:21] != digest(cookie, challenge):
        raise EOFError  # wrong cookie: close, as a node does
    send_hs(s, b"a" + digest(cookie, theirs))


def frame(body):
    return struct.pack(">I", len(body)) + body


def main():
    scenario = sys.argv[1]
    hold = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    cookie = os.environ.get("FAKEPEER_COOKIE", "").encode()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    print(ls.getsockname()[1], flush=True)
    ls.settimeout(30)
    try:
        s, _ = ls.accept()
    except socket.timeout:
        return
    s.settimeout(hold + 5)
    try:
        play(s, scenario, cookie, hold)
    except (EOFError, OSError):
        pass
    finally:
        s.close()


def play(s, scenario, cookie, hold):
    if scenario == "silent":            # accept, then never answer
        time.sleep(hold)
        return
    if scenario == "close":             # accept and close at once
        return
    if scenario == "tls":               # a TLS server's alert to a non-TLS hello
        recv_hs(s)
        s.sendall(bytes([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]))
        return
    name = recv_hs(s)
    new_style = name[:1] == b"N"
    if scenario.startswith("status:"):  # nok, not_allowed, alive, garbage ...
        send_hs(s, b"s" + scenario[7:].encode())
        time.sleep(min(hold, 2))
        return
    if scenario == "hs-len0":           # a zero-length handshake message
        s.sendall(b"\x00\x00")
        time.sleep(min(hold, 2))
        return
    if scenario == "hs-len-max":        # announces 65535 bytes, sends 3
        s.sendall(b"\xff\xffsok")
        time.sleep(hold)
        return
    send_hs(s, b"sok")
    challenge = random.randint(1, 2**32 - 1)
    if scenario == "truncated-challenge":
        msg = challenge_msg(new_style, challenge)
        s.sendall(struct.pack(">H", len(msg)) + msg[:5])
        return
    if scenario == "wrong-tag":
        send_hs(s, challenge_msg(new_style, challenge, tag=b"X"))
        time.sleep(min(hold, 2))
        return
    if scenario == "short-challenge":
        send_hs(s, b"N\x00\x01")
        time.sleep(min(hold, 2))
        return
    send_hs(s, challenge_msg(new_style, challenge))
    reply = recv_hs(s)
    (theirs,) = struct.unpack(">I", reply[1:5])
    if scenario == "bad-digest":        # the node's ack does not prove the cookie
        send_hs(s, b"a" + bytes(16))
        time.sleep(min(hold, 2))
        return
    if scenario == "no-ack":
        time.sleep(hold)
        return
    if reply[5:21] != digest(cookie, challenge):
        return
    send_hs(s, b"a" + digest(cookie, theirs))
    # Handshake done: beamprobe now sends its probe to rex.  Answer badly.
    if scenario == "frame-len-2^31":
        s.sendall(struct.pack(">I", 2**31) + b"p\x83")
    elif scenario == "frame-len-2^32-1":
        s.sendall(struct.pack(">I", 2**32 - 1) + b"p")
    elif scenario == "frame-len-200M-slow":
        s.sendall(struct.pack(">I", 200 * 2**20) + b"p" + bytes(1000))
        time.sleep(hold)
    elif scenario == "frame-garbage":
        s.sendall(frame(b"p\x83\x68\x03\x61\x02\x64\x00\x00\xff\xff\xff"))
        time.sleep(min(hold, 2))
    elif scenario == "frame-bad-pass-through":
        s.sendall(frame(b"X" + bytes(20)))
        time.sleep(min(hold, 2))
    elif scenario == "frame-cut":
        s.sendall(struct.pack(">I", 100) + b"p\x83\x68")
        return
    elif scenario == "ticks-only":      # a node that only ticks: the call must time out
        end = time.time() + hold
        while time.time() < end:
            s.sendall(b"\x00\x00\x00\x00")
            time.sleep(0.2)
    elif scenario == "random-frames":
        rnd = random.Random(int(os.environ.get("FAKEPEER_SEED", "1")))
        for _ in range(200):
            body = b"p\x83" + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 64)))
            s.sendall(frame(body))
        time.sleep(min(hold, 2))
    else:
        time.sleep(hold)


if __name__ == "__main__":
    main()
