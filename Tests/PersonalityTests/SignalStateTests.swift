// SPDX-License-Identifier: MIT
// Masks, pending and queued signals, ignoring and the alternate stack (signal(7),
// sigaltstack(2); kernel/signal.c).
import Testing
@testable import Personality

@Suite struct SignalStateTests {
    func info(_ sig: Int32, _ tag: UInt32 = 0) -> [UInt8] {
        var b = SignalInfo.make(sig, code: SignalInfo.SI_USER)
        b.storeLE(tag, at: 16)
        return b
    }

    func handle(_ s: SignalState, _ sig: Int32) { s.actions[Int(sig - 1)].handler = 0x401000 }

    @Test func standardSignalsArePendingOnceRealTimeOnesQueue() {
        let s = SignalState()
        handle(s, Signal.SIGUSR1)
        handle(s, 33)
        s.blocked = Signal.bit(Signal.SIGUSR1) | Signal.bit(33)
        for i: UInt32 in 0 ..< 3 {
            s.generate(Signal.SIGUSR1, info: info(Signal.SIGUSR1, i))
            s.generate(33, info: info(33, i))
        }
        #expect(!s.hasDeliverable)
        #expect(s.pending == Signal.bit(Signal.SIGUSR1) | Signal.bit(33))
        s.blocked = 0
        let first = s.dequeue(from: ~0)
        #expect(first?.signal == Signal.SIGUSR1 && first?.info.loadLE(16, as: UInt32.self) == 0)   // the first one is kept
        #expect(s.dequeue(from: ~0).map { $0.signal } == 33)
        #expect(s.dequeue(from: ~0)?.info.loadLE(16, as: UInt32.self) == 1)                       // in order
        #expect(s.dequeue(from: ~0)?.info.loadLE(16, as: UInt32.self) == 2)
        #expect(s.dequeue(from: ~0) == nil && s.pending == 0)
    }

    @Test func faultSignalsComeFirstThenTheLowestNumber() {
        let s = SignalState()
        for sig in [Signal.SIGUSR2, Signal.SIGSEGV, Signal.SIGHUP] { handle(s, sig); s.generate(sig, info: info(sig)) }
        #expect(s.dequeue(from: ~0)?.signal == Signal.SIGSEGV)
        #expect(s.dequeue(from: ~0)?.signal == Signal.SIGHUP)
        #expect(s.dequeue(from: ~Signal.bit(Signal.SIGUSR2)) == nil)
    }

    @Test func ignoredSignalsAreDroppedUnlessBlocked() {
        let s = SignalState()
        s.generate(Signal.SIGCHLD, info: info(Signal.SIGCHLD))            // SIG_DFL, default ignore
        #expect(s.pending == 0)
        s.actions[Int(Signal.SIGTERM - 1)].handler = SignalAction.SIG_IGN
        s.generate(Signal.SIGTERM, info: info(Signal.SIGTERM))
        #expect(s.pending == 0)
        s.blocked = Signal.bit(Signal.SIGCHLD)                             // blocked signals are never ignored
        s.generate(Signal.SIGCHLD, info: info(Signal.SIGCHLD))
        #expect(s.pending == Signal.bit(Signal.SIGCHLD))
        s.discard(Signal.SIGCHLD)
        #expect(s.pending == 0)
        #expect(Signal.defaultAction(Signal.SIGUSR1) == .terminate && Signal.defaultAction(Signal.SIGWINCH) == .ignore)
    }

    @Test func alternateStackStates() {
        var a = AlternateStack()
        #expect(a.state(0x1000) == AlternateStack.SS_DISABLE)
        a.sp = 0x10_0000
        a.size = 0x4000
        #expect(a.state(0x10_4000) == AlternateStack.SS_ONSTACK)    // the top counts (`sp - ss_sp <= size`)
        #expect(a.state(0x10_0000) == 0)                            // the base does not
        a.flags = AlternateStack.SS_AUTODISARM
        #expect(!a.inUse(0x10_2000) && a.contains(0x10_2000))
        let q = a.bytes(at: 0x10_2000)
        #expect(q.loadLE(8, as: UInt32.self) == AlternateStack.SS_AUTODISARM && q.loadLE(16, as: UInt64.self) == 0x4000)
    }

    @Test func sigactionBytesRoundTrip() {
        var a = SignalAction()
        a.handler = 0x401234
        a.flags = SignalAction.SA_SIGINFO | SignalAction.SA_RESTORER
        a.restorer = 0x405000
        a.mask = 0x8000_0000_0000_0001
        #expect(SignalAction(bytes: a.bytes) == a && a.bytes.count == SignalAction.size)
    }
}
