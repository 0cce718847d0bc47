// SPDX-License-Identifier: MIT
// gdb threads are the hypervisor's guest-code ECs (gdb manual §E.4 `qfThreadInfo`,
// `qThreadExtraInfo`): numbered 1, 2, 3 … in the order the debugger first sees them (creation
// order), never reused. Host ECs (the Swift roottask and its handlers) have no instruction stream
// and are not threads; dead ECs drop out.
import Hypervisor

struct ThreadTable {
    struct Entry {
        weak var ec: ExecutionContext?
    }

    var entries: [Int: Entry] = [:]
    var ids: [ObjectIdentifier: Int] = [:]
    var next = 1

    /// The thread ID of `ec`, assigning the next one the first time.
    mutating func id(of ec: ExecutionContext) -> Int {
        let key = ObjectIdentifier(ec)
        if let id = ids[key], entries[id]?.ec === ec { return id }
        let id = next
        next += 1
        ids[key] = id
        entries[id] = Entry(ec: ec)
        return id
    }

    func knows(_ ec: ExecutionContext) -> Bool {
        ids[ObjectIdentifier(ec)].map { entries[$0]?.ec === ec } ?? false
    }

    /// The EC of thread `id` if it still exists.
    func ec(_ id: Int) -> ExecutionContext? { entries[id]?.ec }

    /// The live guest-code ECs of `hypervisor` as (thread ID, EC), in creation order.
    mutating func live(in hypervisor: Hypervisor) -> [(id: Int, ec: ExecutionContext)] {
        hypervisor.debug.objects.all(ExecutionContext.self)
            .filter { !$0.isHost && !$0.isDead }
            .map { (id(of: $0), $0) }
    }

    /// "pd hello / ec main": the names the roottask gave (`RootAPI.setDebugName`).
    static func describe(_ ec: ExecutionContext) -> String {
        "pd \(ec.pd.debugName.isEmpty ? "?" : ec.pd.debugName) / ec \(ec.debugName.isEmpty ? "?" : ec.debugName)"
    }
}
