// SPDX-License-Identifier: MIT
// Preemptive priority round robin on virtual time. Hedron: src/sc.cpp (`Sc::ready_enqueue`,
// `Sc::ready_dequeue`, `Sc::schedule`), include/timeout*.hpp; README fact 14 in guests/hedron.

/// The ready queues of one CPU and the semaphore timeouts. Time is the virtual TSC (one tick per
/// retired guest instruction); an SC's budget is a tick count.
final class Scheduler {
    /// Priorities 0…127 (`NUM_PRIORITIES`); each queue is circular in Hedron, here an array
    /// whose first element is the head.
    static let priorities = 128
    private var queues = [[SchedulingContext]](repeating: [], count: Scheduler.priorities)
    private var top = 0
    /// The SC whose EC chain runs (`Sc::current`); nil while idle.
    var current: SchedulingContext?
    /// A higher-priority SC became ready (`HZD_SCHED`): reschedule before returning to user mode.
    var hazard = false
    /// ECs blocked in a timed `sm_ctrl` down, soonest deadline first.
    private var timeouts: [ExecutionContext] = []

    /// `Sc::ready_enqueue`: an SC with budget left goes to the head of its priority, one without
    /// to the tail with its budget refilled. A higher priority than the running SC's, or an equal
    /// one with budget left, sets the scheduling hazard.
    func enqueue(_ sc: SchedulingContext) {
        let p = Int(sc.priority)
        guard !queues[p].contains(where: { $0 === sc }) else { return }
        if sc.left != 0 { queues[p].insert(sc, at: 0) } else { queues[p].append(sc) }
        if p > top { top = p }
        if let c = current, p > Int(c.priority) || (sc !== c && p == Int(c.priority) && sc.left != 0) {
            hazard = true
        } else if current == nil {
            hazard = true
        }
        if sc.left == 0 { sc.left = sc.budget }
    }

    /// Removes `sc` from its ready queue (it blocked or died).
    func dequeue(_ sc: SchedulingContext) {
        let p = Int(sc.priority)
        queues[p].removeAll { $0 === sc }
        while top > 0 && queues[top].isEmpty { top -= 1 }
    }

    /// `Sc::schedule`: puts the running SC back (unless `suspend`: it blocked) and makes the
    /// head of the highest non-empty priority current. Returns it, nil if nothing is ready.
    @discardableResult
    func schedule(suspend: Bool) -> SchedulingContext? {
        if let c = current, !suspend { enqueue(c) }
        hazard = false      // after the re-enqueue, which may set it
        while top > 0 && queues[top].isEmpty { top -= 1 }
        guard let sc = queues[top].first else { current = nil; return nil }
        queues[top].removeFirst()
        while top > 0 && queues[top].isEmpty { top -= 1 }
        current = sc
        return sc
    }

    /// True if `sc` waits in a ready queue.
    func isQueued(_ sc: SchedulingContext) -> Bool { queues[Int(sc.priority)].contains { $0 === sc } }

    // MARK: - Timeouts (`Timeout_hypercall`)

    /// The earliest semaphore deadline, if any EC waits with one.
    var nextDeadline: UInt64? { timeouts.first?.deadline }

    func addTimeout(_ ec: ExecutionContext) {
        let i = timeouts.firstIndex { $0.deadline > ec.deadline } ?? timeouts.count
        timeouts.insert(ec, at: i)
    }

    func removeTimeout(_ ec: ExecutionContext) {
        timeouts.removeAll { $0 === ec }
    }

    /// Removes and returns the ECs whose deadline is at or before `now`, in deadline order.
    func expired(at now: UInt64) -> [ExecutionContext] {
        var n = 0
        while n < timeouts.count && timeouts[n].deadline <= now { n += 1 }
        guard n > 0 else { return [] }
        let due = Array(timeouts[..<n])
        timeouts.removeFirst(n)
        return due
    }
}
