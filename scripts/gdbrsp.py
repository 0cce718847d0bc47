# scripts/gdbrsp.py — a minimal gdb remote-protocol client for scripts/gdb-test.sh's raw
# sessions (gdb manual, Appendix E "Overview": $packet#checksum; no-ack mode after
# QStartNoAckMode). Used where stock gdb cannot express the request (vCont;s:T alone, timed ^C).
import re
import socket


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", int(port)))
        self.buf = b""

    def send(self, p):
        self.sock.sendall(b"$%s#%02x" % (p.encode(), sum(p.encode()) & 0xFF))

    def send_raw(self, data):
        self.sock.sendall(data)

    def reply(self):
        while True:
            m = re.search(rb"\$([^#]*)#..", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m.group(1).decode()
            self.buf += self.sock.recv(65536)

    def ask(self, p):
        self.send(p)
        return self.reply()
