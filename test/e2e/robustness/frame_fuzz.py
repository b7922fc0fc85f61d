#!/usr/bin/env python3
# test/e2e/robustness/frame_fuzz.py — a seeded Ethernet frame fuzzer for test/e2e/robustness.test.ts. Run inside
# the test's network namespace (root): it resolves the guest's MAC by ARP, then writes COUNT frames to the tap
# device through an AF_PACKET socket: valid templates addressed to the guest (ARP request, ICMP echo, UDP, TCP SYN
# and an HTTP data segment to port 8080, IPv4 fragments, a DHCP reply, pure random bytes), mutated at the header
# level (lengths, IHL, data offset, flags, ports, options; checksums then mostly fixed so the frame gets past
# them) and at the byte level (bit flips, truncation, garbage). Every 200th frame is an unmutated ping (the
# "probe"): the replies to those show the guest kept answering during the run. Frames the guest sends back are
# counted and checked (IPv4 and ICMP/UDP/TCP checksums — a partial one, left to the device by checksum offload, by
# its pseudo-header sum —, source addresses). The last stdout line is a JSON summary.
#
# Safety: TCP frames always come from HOST_IP (the host's kernel resets the guest's SYN-ACKs, so the listen backlog
# does not fill with half-open connections), and no ARP frame may claim HOST_IP with another MAC (that would poison
# the guest's neighbour entry for its gateway and cut the test's own HTTP checks off for a minute).
import argparse, json, os, random, select, socket, struct, sys, time

ETH_P_ALL, ETH_P_ARP, ETH_P_IP = 0x0003, 0x0806, 0x0800
PACKET_OUTGOING, PACKET_IGNORE_OUTGOING = 4, 23
PACKET_AUXDATA, TP_STATUS_CSUMNOTREADY = 8, 1 << 3                          # struct tpacket_auxdata.tp_status
BROADCAST = b"\xff" * 6
MAX_FRAME = 1514


def ip4(s):
    return socket.inet_aton(s)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=0, frag=0, ttl=64, tos=0, options=b""):
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, ihl * 4 + len(payload), ident, frag, ttl, proto, 0, src, dst) + options
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def l4_checksum(src, dst, proto, seg):
    return csum(src + dst + struct.pack("!BBH", 0, proto, len(seg)) + seg)


def udp(src, dst, sport, dport, payload):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = l4_checksum(src, dst, 17, seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp(src, dst, sport, dport, seq, ack, flags, window=65535, options=b"", payload=b""):
    doff = 5 + len(options) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, window, 0, 0) + options + payload
    return seg[:16] + struct.pack("!H", l4_checksum(src, dst, 6, seg)) + seg[18:]


def icmp_echo(ident, seq, data, kind=8):
    m = struct.pack("!BBHHH", kind, 0, 0, ident, seq) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, op, sha, spa, tha, tpa)


class Fuzzer:
    def __init__(self, rng, guest_mac, host_mac, guest_ip, host_ip):
        self.r, self.gmac, self.hmac = rng, guest_mac, host_mac
        self.gip, self.hip = ip4(guest_ip), ip4(host_ip)
        net = self.gip[:3]
        self.subnet_bcast = net + b"\xff"
        self.other = lambda: net + bytes([self.r.randint(10, 250)])           # another host on the link
        self.remote = lambda: bytes([198, 51, 100, self.r.randint(1, 254)])   # off-link (TEST-NET-2), via the gateway

    # -- templates: each returns (name, [frames]) --------------------------------------------------------------

    def mac(self):
        return bytes([0x02 | (self.r.randint(0, 255) & 0xFC)]) + self.r.randbytes(5)

    def ip_src(self):
        return self.r.choice([self.hip, self.hip, self.other(), self.remote()])

    def t_arp(self):
        dst = self.r.choice([BROADCAST, self.gmac])
        op = self.r.choice([1, 1, 1, 2])
        return [eth(dst, self.hmac, ETH_P_ARP, arp(op, self.mac(), self.other(), b"\0" * 6, self.gip))]

    def t_icmp(self):
        data = self.r.randbytes(self.r.choice([0, 8, 56, 200, 1400]))
        pkt = ipv4(self.ip_src(), self.gip, 1, icmp_echo(self.r.randint(0, 0xFFFF), self.r.randint(0, 0xFFFF), data),
                   ident=self.r.randint(0, 0xFFFF))
        return [eth(self.gmac, self.hmac, ETH_P_IP, pkt)]

    def t_udp(self):
        src = self.ip_src()
        port = self.r.choice([7, 53, 67, 68, 123, 8080, self.r.randint(1, 65535)])
        pkt = ipv4(src, self.gip, 17, udp(src, self.gip, self.r.randint(1024, 65535), port, self.r.randbytes(self.r.randint(0, 512))),
                   ident=self.r.randint(0, 0xFFFF))
        return [eth(self.gmac, self.hmac, ETH_P_IP, pkt)]

    def tcp_options(self):
        opts = b""
        for kind in self.r.sample(["mss", "ws", "sackok", "ts", "nop"], self.r.randint(0, 5)):
            opts += {"mss": struct.pack("!BBH", 2, 4, self.r.choice([536, 1460, 64, 65535])),
                     "ws": struct.pack("!BBB", 3, 3, self.r.choice([0, 7, 14])), "sackok": b"\x04\x02",
                     "ts": struct.pack("!BBII", 8, 10, self.r.getrandbits(32), 0), "nop": b"\x01"}[kind]
        return opts + b"\0" * (-len(opts) % 4)

    def t_syn(self):
        seg = tcp(self.hip, self.gip, self.r.randint(1024, 65535), 8080, self.r.getrandbits(32), 0, 0x02,
                  options=self.tcp_options())
        return [eth(self.gmac, self.hmac, ETH_P_IP, ipv4(self.hip, self.gip, 6, seg, ident=self.r.randint(0, 0xFFFF)))]

    def t_http(self):
        req = self.r.choice([b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                             b"POST /echo HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"a\":[1]}"])
        seg = tcp(self.hip, self.gip, self.r.randint(1024, 65535), 8080, self.r.getrandbits(32), self.r.getrandbits(32),
                  self.r.choice([0x18, 0x10, 0x19, 0x11]), payload=req)
        return [eth(self.gmac, self.hmac, ETH_P_IP, ipv4(self.hip, self.gip, 6, seg, ident=self.r.randint(0, 0xFFFF)))]

    def t_fragments(self):
        # One ICMP echo or UDP datagram cut into 8-byte-aligned pieces, sent whole, shuffled, with overlaps or gaps.
        src, ident = self.ip_src(), self.r.randint(0, 0xFFFF)
        if self.r.random() < 0.5:
            proto, body = 1, icmp_echo(ident, 1, self.r.randbytes(self.r.randint(16, 3000)))
        else:
            proto, body = 17, udp(src, self.gip, 4000, self.r.randint(1, 65535), self.r.randbytes(self.r.randint(16, 3000)))
        size = self.r.choice([8, 16, 64, 512, 1480])
        pieces = [(off, body[off:off + size]) for off in range(0, len(body), size)]
        if self.r.random() < 0.3:
            self.r.shuffle(pieces)
        if self.r.random() < 0.2:
            pieces.append(self.r.choice(pieces))                              # a duplicate
        if self.r.random() < 0.2 and len(pieces) > 1:
            pieces.pop(self.r.randrange(len(pieces)))                         # a gap: never completes
        if self.r.random() < 0.2:
            off = self.r.randrange(0, len(body), 8)
            pieces.insert(0, (off, self.r.randbytes(self.r.randint(1, 64) * 8)))  # an overlap with other bytes
        frames = []
        for off, piece in pieces[:24]:
            more = 0x2000 if off + len(piece) < len(body) else 0
            frames.append(eth(self.gmac, self.hmac, ETH_P_IP, ipv4(src, self.gip, proto, piece, ident=ident, frag=more | (off // 8))))
        return frames

    def t_dhcp(self):
        opts = bytes([53, 1, self.r.choice([2, 5, 6]), 54, 4]) + self.hip + bytes([51, 4, 0, 0, 14, 16, 1, 4, 255, 255, 255, 0, 3, 4]) \
            + self.hip + bytes([6, 8]) + self.hip + ip4("8.8.8.8") + bytes([12, 5]) + b"unijs" + b"\xff"
        bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128sI", 2, 1, 6, 0, self.r.getrandbits(32), 0, 0x8000, b"\0" * 4, self.gip,
                            self.hip, b"\0" * 4, self.gmac, b"", b"", 0x63825363) + opts
        src, dst = self.r.choice([(self.hip, ip4("255.255.255.255")), (self.hip, self.gip), (ip4("0.0.0.0"), ip4("255.255.255.255"))])
        ports = self.r.choice([(67, 68), (68, 67)])
        pkt = ipv4(src, dst, 17, udp(src, dst, ports[0], ports[1], bootp))
        return [eth(self.r.choice([BROADCAST, self.gmac]), self.hmac, ETH_P_IP, pkt)]

    def t_random(self):
        n = self.r.choice([self.r.randint(14, 64), self.r.randint(14, MAX_FRAME)])
        b = bytearray(self.r.randbytes(n))
        if n >= 14 and self.r.random() < 0.7:
            b[0:6] = self.r.choice([self.gmac, BROADCAST])                    # so the guest does not drop it at once
            if self.r.random() < 0.6:
                b[12:14] = struct.pack("!H", self.r.choice([ETH_P_IP, ETH_P_ARP, 0x86DD, 0x8100]))
        return [bytes(b)]

    # -- mutations ----------------------------------------------------------------------------------------------

    def header_mutation(self, b):
        """Corrupts one header field of the frame's outermost protocol; returns the mutation's name."""
        r = self.r
        etype = struct.unpack("!H", b[12:14])[0] if len(b) >= 14 else 0
        if etype == ETH_P_ARP and len(b) >= 42:
            field = r.choice(["htype", "ptype", "hlen", "plen", "oper"])
            off = {"htype": 14, "ptype": 16, "hlen": 18, "plen": 19, "oper": 20}[field]
            if field in ("hlen", "plen"):
                b[off] = r.choice([0, 1, 5, 7, 16, 255])
            else:
                b[off:off + 2] = struct.pack("!H", r.choice([0, 3, 0x86DD, 0xFFFF, r.randint(0, 0xFFFF)]))
            return "arp." + field
        if etype != ETH_P_IP or len(b) < 34:
            b[12:14] = struct.pack("!H", r.choice([ETH_P_IP, ETH_P_ARP, 0x0000, 0xFFFF]))
            return "eth.type"
        ihl = (b[14] & 0xF) * 4
        proto = b[23]
        l4 = 14 + ihl
        choices = ["ip.version", "ip.ihl", "ip.length", "ip.frag", "ip.ttl", "ip.proto", "ip.options", "ip.dst"]
        if proto != 6:
            choices.append("ip.src")
        if proto == 6 and len(b) >= l4 + 20:
            choices += ["tcp.doff", "tcp.flags", "tcp.ports", "tcp.window", "tcp.options", "tcp.options", "tcp.seq"] * 2
        if proto == 17 and len(b) >= l4 + 8:
            choices += ["udp.length", "udp.ports", "udp.csum0"] * 2
            if len(b) > l4 + 8 + 240:
                choices += ["dhcp.options"] * 3
        if proto == 1 and len(b) >= l4 + 8:
            choices += ["icmp.type", "icmp.cut"] * 2
        m = r.choice(choices)
        if m == "ip.version":
            b[14] = (r.choice([0, 5, 6, 15]) << 4) | (b[14] & 0xF)
        elif m == "ip.ihl":
            b[14] = 0x40 | r.choice([0, 1, 4, 6, 15])
        elif m == "ip.length":
            tl = struct.unpack("!H", b[16:18])[0]
            b[16:18] = struct.pack("!H", r.choice([0, 1, 19, 20, ihl, tl - 1, tl + 1, tl + 100, 65535, r.randint(0, 65535)]) & 0xFFFF)
        elif m == "ip.frag":
            b[20:22] = struct.pack("!H", r.choice([0x2000, 0x4000 | 0x2000, 0x8000, 0x1FFF, 0x3FFF, r.randint(0, 0xFFFF)]))
        elif m == "ip.ttl":
            b[22] = r.choice([0, 1, 255])
        elif m == "ip.proto":
            b[23] = r.choice([0, 1, 2, 6, 17, 41, 255])
        elif m == "ip.options":
            opts = r.choice([b"\x01\x01\x01\x00", b"\x07\x27\x04" + b"\0" * 37, b"\x83\x03\x10\x00", b"\x44\xff\x05\x00",
                             b"\x07\x00\x00\x00", r.randbytes(4 * r.randint(1, 10))])
            b[l4:l4] = opts
            b[14] = 0x40 | min(15, (ihl + len(opts)) // 4)
            b[16:18] = struct.pack("!H", min(65535, struct.unpack("!H", b[16:18])[0] + len(opts)))
        elif m == "ip.dst":
            b[30:34] = r.choice([self.subnet_bcast, ip4("255.255.255.255"), ip4("0.0.0.0"), ip4("224.0.0.1"), ip4("127.0.0.1"), self.other()])
        elif m == "ip.src":
            b[26:30] = r.choice([ip4("0.0.0.0"), ip4("255.255.255.255"), self.subnet_bcast, self.gip, ip4("127.0.0.1"), ip4("224.0.0.1")])
        elif m == "tcp.doff":
            b[l4 + 12] = (r.choice([0, 1, 4, 6, 15]) << 4) | (b[l4 + 12] & 0xF)
        elif m == "tcp.flags":
            b[l4 + 13] = r.choice([0x00, 0x03, 0x06, 0x07, 0x3F, 0xFF, 0x29, 0x01, 0x04, 0x14, 0x12, r.randint(0, 255)])
            if r.random() < 0.3:
                b[l4 + 12] |= 0x01                                            # the NS / AE bit
        elif m == "tcp.ports":
            which = r.choice([0, 2])
            b[l4 + which:l4 + which + 2] = struct.pack("!H", r.choice([0, 65535, 8080, r.randint(0, 65535)]))
        elif m == "tcp.window":
            b[l4 + 14:l4 + 16] = struct.pack("!H", r.choice([0, 1, 65535]))
            b[l4 + 18:l4 + 20] = struct.pack("!H", r.choice([0, 1, 65535]))   # urgent pointer
        elif m == "tcp.seq":
            b[l4 + 4:l4 + 12] = r.randbytes(8)
        elif m == "tcp.options":
            doff = (b[l4 + 12] >> 4) * 4
            opts = r.choice([
                b"\x02\x04\x00\x00", b"\x02\x04\x00\x01", b"\x02\x04\xff\xff", b"\x02\x02\x05\xb4", b"\x02\x00\x05\xb4",
                b"\x02\xff\x05\xb4", b"\x03\x03\xff\x00", b"\x03\x03\x0f\x00", b"\x03\x00\x00\x00", b"\x04\x00\x00\x00",
                b"\x04\x03\x00\x00", b"\x05\x0a" + r.randbytes(8) + b"\0\0", b"\x05\x12" + r.randbytes(16) + b"\0\0",
                b"\x05\xff" + r.randbytes(26), b"\x08\x0a" + r.randbytes(8) + b"\0\0", b"\x08\x02\x00\x00",
                b"\x63\x00\x00\x00", b"\x63\x01\x00\x00", b"\x00" + r.randbytes(3), r.randbytes(4 * r.randint(1, 10))])
            b[l4 + 20:l4 + doff] = opts
            b[l4 + 12] = (min(15, (20 + len(opts)) // 4) << 4) | (b[l4 + 12] & 0xF)
            b[16:18] = struct.pack("!H", min(65535, len(b) - 14))
        elif m == "udp.length":
            ul = struct.unpack("!H", b[l4 + 4:l4 + 6])[0]
            b[l4 + 4:l4 + 6] = struct.pack("!H", r.choice([0, 1, 7, 8, ul - 1, ul + 1, 65535]) & 0xFFFF)
        elif m == "udp.ports":
            which = r.choice([0, 2])
            b[l4 + which:l4 + which + 2] = struct.pack("!H", r.choice([0, 65535, 67, 68, 53]))
        elif m == "udp.csum0":
            b[l4 + 6:l4 + 8] = b"\0\0"
            return m                                                          # 0 means "no checksum": keep it
        elif m == "dhcp.options":
            start = l4 + 8 + 240
            opts = bytearray()
            for _ in range(r.randint(1, 12)):
                code = r.choice([0, 1, 3, 6, 12, 15, 50, 51, 53, 54, 55, 255, r.randint(0, 255)])
                n = r.choice([0, 1, 2, 4, 255, r.randint(0, 40)])
                opts += bytes([code, n]) + r.randbytes(min(n, r.randint(0, n)))
            b[start:] = opts
            b[16:18] = struct.pack("!H", len(b) - 14)
            b[l4 + 4:l4 + 6] = struct.pack("!H", len(b) - l4)
        elif m == "icmp.type":
            b[l4] = r.choice([0, 3, 5, 8, 11, 13, 255])
            b[l4 + 1] = r.choice([0, 1, 255])
        elif m == "icmp.cut":
            del b[l4 + r.randint(0, 7):]
        return m

    def fix_checksums(self, b):
        """Recomputes the IPv4 header checksum and the TCP/UDP/ICMP checksum from the frame as it now is."""
        if len(b) < 34 or b[12:14] != b"\x08\x00":
            return
        ihl = (b[14] & 0xF) * 4
        if ihl < 20 or len(b) < 14 + ihl:
            return
        b[24:26] = b"\0\0"
        b[24:26] = struct.pack("!H", csum(bytes(b[14:14 + ihl])))
        if struct.unpack("!H", b[20:22])[0] & 0x3FFF:
            return                                                            # a fragment: no whole segment here
        tl = struct.unpack("!H", b[16:18])[0]
        end = 14 + tl if ihl <= tl <= len(b) - 14 else len(b)
        seg, l4, proto = bytearray(b[14 + ihl:end]), 14 + ihl, b[23]
        src, dst = bytes(b[26:30]), bytes(b[30:34])
        at = {6: 16, 17: 6, 1: 2}.get(proto)
        if at is None or len(seg) < at + 2 or (proto == 17 and seg[6:8] == b"\0\0" and self.r.random() < 0.5):
            return
        seg[at:at + 2] = b"\0\0"
        c = csum(bytes(seg)) if proto == 1 else l4_checksum(src, dst, proto, bytes(seg))
        b[l4 + at:l4 + at + 2] = struct.pack("!H", c if proto != 17 else (c or 0xFFFF))

    def byte_mutation(self, b):
        r = self.r
        m = r.choice(["flip", "flip", "set", "truncate", "extend", "splice"])
        if m == "flip":
            for _ in range(r.randint(1, 16)):
                if b:
                    i = r.randrange(len(b))
                    b[i] ^= 1 << r.randrange(8)
        elif m == "set":
            for _ in range(r.randint(1, 8)):
                if b:
                    b[r.randrange(len(b))] = r.choice([0, 0xFF, 0x7F, 0x80, r.randint(0, 255)])
        elif m == "truncate":
            del b[r.randint(14, max(14, len(b) - 1)):]
        elif m == "extend":
            b += r.randbytes(r.randint(1, max(1, MAX_FRAME - len(b))))
        else:
            i = r.randrange(max(1, len(b)))
            if r.random() < 0.5:
                del b[i:i + r.randint(1, 32)]
            else:
                b[i:i] = r.randbytes(r.randint(1, 32))
        return "byte." + m

    def guard(self, b):
        """No ARP frame may claim HOST_IP with another MAC (see the header)."""
        if len(b) >= 32 and b[12:14] == b"\x08\x06" and bytes(b[28:32]) == self.hip and bytes(b[22:28]) != self.hmac:
            b[31] = 250

    def frames(self, counts):
        t = self.r.choice(["arp", "icmp", "udp", "syn", "http", "fragments", "dhcp", "random"])
        counts["templates"][t] = counts["templates"].get(t, 0) + 1
        out = []
        for f in getattr(self, "t_" + t)():
            b = bytearray(f)
            names = []
            if t != "random" and self.r.random() < (0.85 if t != "fragments" else 0.3):
                for _ in range(self.r.choice([1, 1, 1, 2, 3])):
                    names.append(self.header_mutation(b))
                if self.r.random() < 0.8:
                    self.fix_checksums(b)
            if self.r.random() < (0.35 if t != "fragments" else 0.1):
                names.append(self.byte_mutation(b))
            self.guard(b)
            for n in names:
                counts["mutations"][n] = counts["mutations"].get(n, 0) + 1
            out.append(bytes(b[:MAX_FRAME]).ljust(14, b"\0"))      # AF_PACKET refuses frames under 14 bytes
        return out


class Replies:
    """Frames from the guest: counted by kind, and checked for well-formedness."""

    def __init__(self, guest_mac, guest_ip):
        self.gmac, self.gip = guest_mac, ip4(guest_ip)
        self.kinds, self.problems, self.probe_replies = {}, {}, set()

    def problem(self, what, frame):
        p = self.problems.setdefault(what, {"count": 0, "sample": frame[:80].hex()})
        p["count"] += 1

    def add(self, f, partial=False):
        """`partial`: the kernel marked the frame's TCP/UDP checksum as left to the device (TP_STATUS_CSUMNOTREADY:
        the guest used virtio-net checksum offload); its field must then hold the pseudo-header sum."""
        if f[6:12] != self.gmac:
            return
        etype = struct.unpack("!H", f[12:14])[0] if len(f) >= 14 else 0
        kind = "other"
        if etype == ETH_P_ARP:
            kind = "arp.reply" if len(f) >= 22 and f[21] == 2 else "arp.request"
        elif etype == ETH_P_IP and len(f) >= 34:
            ihl = (f[14] & 0xF) * 4
            tl = struct.unpack("!H", f[16:18])[0]
            if csum(f[14:14 + ihl]) != 0 or tl > len(f) - 14:
                self.problem("bad IPv4 header", f)
            if f[26:30] != self.gip:
                broadcast = f[29] == 255 or f[26:30] == b"\0\0\0\0"
                self.problem("IPv4 source is a broadcast or zero address" if broadcast else "IPv4 source is not the guest's address", f)
            seg, proto = f[14 + ihl:14 + tl], f[23]
            fragment = struct.unpack("!H", f[20:22])[0] & 0x3FFF
            if proto == 1:
                kind = "icmp"
                if len(seg) >= 8 and seg[0] == 0:
                    kind = "icmp.echo-reply"
                    if struct.unpack("!H", seg[4:6])[0] == 0xBEEF:
                        self.probe_replies.add(struct.unpack("!H", seg[6:8])[0])
                if not fragment and csum(seg) != 0:
                    self.problem("bad ICMP checksum", f)
            elif proto in (6, 17):
                kind = "udp" if proto == 17 else "tcp"
                if proto == 6 and len(seg) >= 14:
                    flags = seg[13]
                    kind = "tcp.rst" if flags & 0x04 else "tcp.syn-ack" if flags & 0x12 == 0x12 else "tcp"
                if partial:
                    at = 16 if proto == 6 else 6
                    pseudo = (~csum(f[26:30] + f[30:34] + struct.pack("!BBH", 0, proto, len(seg)))) & 0xFFFF
                    if fragment or len(seg) < at + 2 or struct.unpack("!H", seg[at:at + 2])[0] != pseudo:
                        self.problem(f"bad partial {'TCP' if proto == 6 else 'UDP'} checksum", f)
                elif not fragment and l4_checksum(f[26:30], f[30:34], proto, seg) != 0 and not (proto == 17 and seg[6:8] == b"\0\0"):
                    self.problem(f"bad {'TCP' if proto == 6 else 'UDP'} checksum", f)
            else:
                kind = "ip.%d" % proto
        self.kinds[kind] = self.kinds.get(kind, 0) + 1


def resolve_guest_mac(sock, rx, host_mac, host_ip, guest_ip):
    req = eth(BROADCAST, host_mac, ETH_P_ARP, arp(1, host_mac, ip4(host_ip), b"\0" * 6, ip4(guest_ip)))
    for _ in range(20):
        sock.send(req)
        deadline = time.time() + 0.5
        while time.time() < deadline:
            if select.select([rx], [], [], 0.1)[0]:
                f = rx.recv(2048)
                if len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02" and f[28:32] == ip4(guest_ip):
                    return f[22:28]
    raise SystemExit("no ARP reply from " + guest_ip)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ifname", default="tap0")
    p.add_argument("--guest-ip", default="10.0.3.2")
    p.add_argument("--host-ip", default="10.0.3.1")
    p.add_argument("--count", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=int, default=2000, help="frames per second")
    a = p.parse_args()

    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    tx.bind((a.ifname, 0))
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    rx.setsockopt(263, PACKET_IGNORE_OUTGOING, 1)                             # SOL_PACKET
    rx.setsockopt(263, PACKET_AUXDATA, 1)                                     # tells partial checksums (offload)
    rx.bind((a.ifname, 0))
    rx.setblocking(False)
    host_mac = rx.getsockname()[4]
    guest_mac = resolve_guest_mac(tx, rx, host_mac, a.host_ip, a.guest_ip)
    stats = "/sys/class/net/%s/statistics/tx_dropped" % a.ifname
    dropped0 = int(open(stats).read())

    fz = Fuzzer(random.Random(a.seed), guest_mac, host_mac, a.guest_ip, a.host_ip)
    replies = Replies(guest_mac, a.guest_ip)
    counts = {"templates": {}, "mutations": {}}
    sent = send_errors = probes = 0
    next_probe = 199
    errors = {}
    burst = max(1, a.rate // 100)
    t0 = time.time()

    def drain():
        while True:
            try:
                f, anc, _, addr = rx.recvmsg(1 << 17, socket.CMSG_SPACE(32))      # TSO frames: up to 64 KiB
            except BlockingIOError:
                return
            if addr[2] != PACKET_OUTGOING:
                partial = any(level == 263 and kind == PACKET_AUXDATA and len(data) >= 4
                              and struct.unpack_from("I", data)[0] & TP_STATUS_CSUMNOTREADY for level, kind, data in anc)
                replies.add(f, partial)

    while sent < a.count:
        batch = []
        while len(batch) < burst:
            if sent + len(batch) >= next_probe:
                next_probe += 200
                probe = ipv4(fz.hip, fz.gip, 1, icmp_echo(0xBEEF, probes, b"probe" * 8))
                batch.append(eth(guest_mac, host_mac, ETH_P_IP, probe))
                probes += 1
            else:
                batch += fz.frames(counts)
        for f in batch:
            try:
                tx.send(f)
            except OSError as e:
                send_errors += 1
                errors[e.strerror] = errors.get(e.strerror, 0) + 1
            sent += 1
        drain()
        ahead = sent / a.rate - (time.time() - t0)
        if ahead > 0:
            time.sleep(ahead)
    elapsed = time.time() - t0
    end = time.time() + 3                                                     # late replies
    while time.time() < end:
        select.select([rx], [], [], 0.2)
        drain()
    print(json.dumps({
        "seed": a.seed, "sent": sent, "seconds": round(elapsed, 1), "sendErrors": send_errors, "errors": errors,
        "tapDropped": int(open(stats).read()) - dropped0, "guestMac": guest_mac.hex(":"),
        "probes": probes, "probeReplies": len(replies.probe_replies), "replies": replies.kinds,
        "replyProblems": replies.problems, "templates": counts["templates"], "mutations": counts["mutations"],
    }))


if __name__ == "__main__":
    sys.exit(main())
