// SPDX-License-Identifier: MIT
// Semaphore: a counter and the ECs blocked on it, in arrival order.
// Hedron: include/sm.hpp (`Sm::up`, `Sm::dn`, `Sm::timeout`), src/sm.cpp.

/// Semaphore (SM, `Sm`): `sm_ctrl` up and down, `reply` with an SM, and interrupt delivery.
/// These helpers change only the semaphore; blocking and waking ECs is the scheduler's.
public final class Semaphore: KernelObject, TypedKernelObject {
    public typealias Permissions = SMPermissions
    public static let objectKind = KernelObject.Kind.sm

    /// The counter (`counter`, an `mword`: it wraps as Hedron's does).
    public private(set) var counter: UInt64
    /// The SM this one signals when upped (`create_sm` ARG4 chaining, Hedron's `Si`); nil for a
    /// plain semaphore.
    public let signalTarget: Semaphore?
    /// Blocked ECs, oldest first (`Queue<Ec>`): `head` indexes the oldest still queued.
    private var queue: [ExecutionContext] = []
    private var head = 0

    public init(counter: UInt64 = 0, signalTarget: Semaphore? = nil) {
        self.counter = counter
        self.signalTarget = signalTarget
        super.init(kind: .sm)
    }

    /// True if this SM is chained to another as a signal (`is_signal`).
    public var isSignal: Bool { signalTarget != nil }

    /// ECs waiting, oldest first.
    public var waiters: ArraySlice<ExecutionContext> { queue[head...] }

    /// Down without blocking: if the counter is nonzero, decrements it (or zeroes it in
    /// zero-counter mode) and returns true; otherwise false, and the caller must block.
    public func tryDown(zeroCounter: Bool = false) -> Bool {
        guard counter != 0 else { return false }
        counter = zeroCounter ? 0 : counter - 1
        return true
    }

    /// Queues `ec` as the newest waiter (`Queue<Ec>::enqueue`).
    public func enqueue(_ ec: ExecutionContext) {
        queue.append(ec)
    }

    /// Up: returns the oldest waiter, which the caller wakes; with no waiter the counter is
    /// incremented and nil returned (`Sm::up`).
    public func up() -> ExecutionContext? {
        guard head < queue.count else {
            counter &+= 1
            return nil
        }
        let ec = queue[head]
        head += 1
        if head == queue.count || head >= 64 && head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return ec
    }

    /// Removes `ec` from the waiters (a timeout, `Sm::timeout`); false if it was not waiting.
    @discardableResult
    public func remove(_ ec: ExecutionContext) -> Bool {
        guard let i = queue[head...].firstIndex(where: { $0 === ec }) else { return false }
        queue.remove(at: i)
        return true
    }
}
