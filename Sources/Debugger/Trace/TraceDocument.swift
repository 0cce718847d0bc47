// SPDX-License-Identifier: MIT
// A trace file loaded for formatting: its records in order, the objects they name, and for each
// record the EC it belongs to (an instruction: the EC in the CPU, from the context records; an
// event: its own EC). Formats (TextFormat, JSONLFormat, Timeline, Report) read this.

public struct TraceDocument {
    public var entries: [TraceEntry]
    public var objects: [UInt32: TraceObject] = [:]
    /// For each entry, the EC it belongs to (0: unknown).
    public var owners: [UInt32]

    /// The context (EC in the CPU) after the last entry.
    public private(set) var context: UInt32

    /// A document of `entries`; a piece of a longer trace starts with the objects named and the
    /// context written before it.
    public init(entries: [TraceEntry], objects: [UInt32: TraceObject] = [:], context: UInt32 = 0) {
        self.entries = entries
        self.objects = objects
        self.context = context
        owners = []
        owners.reserveCapacity(entries.count)
        for e in entries {
            switch e {
            case .object(let o): self.objects[o.id] = o; owners.append(0)
            case .context(let ec): self.context = ec; owners.append(ec)
            case .event(let r): owners.append(r.ec)
            default: owners.append(self.context)
            }
        }
    }

    public init(path: String) throws(TraceError) {
        self.init(entries: try TraceReader.entries(path: path))
    }

    /// "pd/ec" for an EC ("hello/main"), "ec#7" when unnamed, "-" for none.
    public func label(_ id: UInt32) -> String {
        guard id != 0, let o = objects[id] else { return "-" }
        let name = o.name.isEmpty ? "\(kindName(o.kind))#\(id)" : o.name
        guard o.kind != .pd, let pd = objects[o.pd] else { return name }
        return (pd.name.isEmpty ? "pd#\(pd.id)" : pd.name) + "/" + name
    }

    /// The PD name and EC name of an EC ID (empty when unknown).
    public func names(_ id: UInt32) -> (pd: String, ec: String) {
        guard let o = objects[id] else { return ("", "") }
        if o.kind == .pd { return (o.name, "") }
        return (objects[o.pd]?.name ?? "", o.name)
    }

    func kindName(_ k: TraceObject.Kind) -> String {
        switch k {
        case .pd: "pd"
        case .ec: "ec"
        case .sc: "sc"
        case .pt: "pt"
        case .sm: "sm"
        }
    }

    /// The number of instruction records.
    public var instructionCount: Int {
        entries.reduce(0) { if case .instruction = $1 { $0 + 1 } else { $0 } }
    }
}
