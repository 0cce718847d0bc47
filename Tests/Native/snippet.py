"""Python mirror of snippet_state.h plus a client for snippet_runner.

Used by selftest.py; handy for poking at the oracle by hand:

    from snippet import Runner, State, DATA_ADDR
    with Runner("/tmp/snippet_runner") as r:
        out = r.run(State(code=bytes.fromhex("4801d8"), gpr={"rax": 1, "rbx": 2}))
        print(out)
"""
import struct
import subprocess

SIZE = 5280
OFF_GPR, OFF_RIP, OFF_RFLAGS, OFF_XMM, OFF_MXCSR, OFF_PAD0 = 0, 128, 136, 144, 400, 404
OFF_FXSAVE, OFF_MEM, OFF_EXCEPTION, OFF_CODE_LEN, OFF_CODE = 408, 920, 5016, 5020, 5024

DATA_ADDR = 0x10000000
CODE_ADDR = 0x20000000
EXC_NONE, EXC_TIMEOUT, EXC_BADREQ = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD

GPR_NAMES = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
             "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]

CF, PF, AF, ZF, SF, TF, IF, DF, OF, AC = (1 << 0, 1 << 2, 1 << 4, 1 << 6, 1 << 7,
                                          1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 18)


def default_fxsave():
    fx = bytearray(512)
    struct.pack_into("<H", fx, 0, 0x037F)       # FCW after FNINIT
    struct.pack_into("<I", fx, 24, 0x1F80)      # MXCSR (overridden by State.mxcsr)
    return fx


class State:
    def __init__(self, code=b"", gpr=None, rflags=0x2, xmm=None, mxcsr=0x1F80,
                 fxsave=None, mem=None):
        self.gpr = [0] * 16
        for k, v in (gpr or {}).items():
            self.gpr[GPR_NAMES.index(k) if isinstance(k, str) else k] = v & (2**64 - 1)
        self.rip = 0
        self.rflags = rflags
        self.xmm = [bytes(16)] * 16
        for k, v in (xmm or {}).items():
            self.xmm[k] = bytes(v).ljust(16, b"\0")
        self.mxcsr = mxcsr
        self.fxsave = bytearray(fxsave if fxsave is not None else default_fxsave())
        self.mem = bytearray(mem if mem is not None else bytes(4096))
        self.exception = 0
        self.code = bytes(code)

    def pack(self):
        b = bytearray(SIZE)
        struct.pack_into("<16Q", b, OFF_GPR, *self.gpr)
        struct.pack_into("<QQ", b, OFF_RIP, self.rip, self.rflags)
        for i, x in enumerate(self.xmm):
            b[OFF_XMM + 16 * i:OFF_XMM + 16 * i + 16] = x
        struct.pack_into("<II", b, OFF_MXCSR, self.mxcsr, 0)
        b[OFF_FXSAVE:OFF_FXSAVE + 512] = self.fxsave
        b[OFF_MEM:OFF_MEM + 4096] = self.mem
        struct.pack_into("<II", b, OFF_EXCEPTION, self.exception, len(self.code))
        b[OFF_CODE:OFF_CODE + len(self.code)] = self.code
        return bytes(b)

    @classmethod
    def unpack(cls, b):
        assert len(b) == SIZE
        s = cls()
        s.gpr = list(struct.unpack_from("<16Q", b, OFF_GPR))
        s.rip, s.rflags = struct.unpack_from("<QQ", b, OFF_RIP)
        s.xmm = [bytes(b[OFF_XMM + 16 * i:OFF_XMM + 16 * i + 16]) for i in range(16)]
        s.mxcsr, _ = struct.unpack_from("<II", b, OFF_MXCSR)
        s.fxsave = bytearray(b[OFF_FXSAVE:OFF_FXSAVE + 512])
        s.mem = bytearray(b[OFF_MEM:OFF_MEM + 4096])
        s.exception, n = struct.unpack_from("<II", b, OFF_EXCEPTION)
        s.code = bytes(b[OFF_CODE:OFF_CODE + min(n, 256)])
        return s

    def __getitem__(self, name):
        return self.gpr[GPR_NAMES.index(name)]

    def st(self, i):
        """ST(i) as stored in the FXSAVE image: (mantissa, sign_exponent)."""
        return struct.unpack_from("<QH", self.fxsave, 32 + 16 * i)

    @property
    def fcw(self): return struct.unpack_from("<H", self.fxsave, 0)[0]
    @property
    def fsw(self): return struct.unpack_from("<H", self.fxsave, 2)[0]
    @property
    def ftw(self): return self.fxsave[4]

    def __repr__(self):
        regs = " ".join(f"{n}={v:#x}" for n, v in zip(GPR_NAMES, self.gpr) if v)
        return (f"<State exc={self.exception:#x} rip={self.rip:#x} rflags={self.rflags:#x} "
                f"mxcsr={self.mxcsr:#x} {regs}>")


class Runner:
    def __init__(self, path, timeout=None):
        args = [path] + (["-t", str(timeout)] if timeout else [])
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def run(self, state):
        self.p.stdin.write(state.pack())
        self.p.stdin.flush()
        b = self.p.stdout.read(SIZE)
        if len(b) != SIZE:
            raise RuntimeError(f"runner died (rc={self.p.poll()})")
        return State.unpack(b)

    def run_many(self, states):
        """Pipelined: write all requests, then read all responses."""
        import threading
        payload = b"".join(s.pack() for s in states)
        t = threading.Thread(target=lambda: (self.p.stdin.write(payload), self.p.stdin.flush()))
        t.start()
        out = [State.unpack(self.p.stdout.read(SIZE)) for _ in states]
        t.join()
        return out

    def close(self):
        self.p.stdin.close()
        rc = self.p.wait()
        self.p.stdout.close()
        return rc

    def __enter__(self): return self
    def __exit__(self, *a): self.close()
