// SPDX-License-Identifier: MIT
// The target description gdb reads with `qXfer:features:read:target.xml` (gdb manual §G "Target
// Descriptions": §G.2 "Target Description Format", §G.4 "Predefined Target Types", §G.5.4 "i386
// Features"): architecture i386:x86-64, OS ABI GNU/Linux, and the core, SSE, Linux and segments
// features. The `org.gnu.gdb.i386.linux` feature with `orig_rax` and the GNU/Linux OS ABI are what
// make gdb's amd64-linux architecture apply, and with it `catch syscall` (gdb's amd64_linux_init_abi
// reads the syscall number from orig_rax).

public enum TargetDescription {
    /// The one document served (annex `target.xml`): every feature inline, no xi:include.
    public static let xml: String = {
        var s = """
        <?xml version="1.0"?>
        <!DOCTYPE target SYSTEM "gdb-target.dtd">
        <target version="1.0">
          <architecture>i386:x86-64</architecture>
          <osabi>GNU/Linux</osabi>

        """
        for feature in [RegisterLayout.core, RegisterLayout.sse, RegisterLayout.linux, RegisterLayout.segments] {
            s += "  <feature name=\"\(feature)\">\n"
            s += types[feature, default: ""]
            for (n, r) in RegisterLayout.registers.enumerated() where r.feature == feature {
                s += "    <reg name=\"\(r.name)\" bitsize=\"\(r.bitSize)\" type=\"\(r.type)\" regnum=\"\(n)\""
                if let g = r.group { s += " group=\"\(g)\"" }
                s += "/>\n"
            }
            s += "  </feature>\n"
        }
        return s + "</target>\n"
    }()

    /// Types a feature defines before its registers (§G.4 "Predefined Target Types" has the
    /// rest: int64, data_ptr, code_ptr, i387_ext, ieee_single, …). RFLAGS and MXCSR bits: SDM
    /// Vol. 1 §3.4.3 Figure 3-8 and §10.2.3 Figure 10-3.
    static let types: [String: String] = [
        RegisterLayout.core: flags("i386_eflags", [
            ("CF", 0), ("", 1), ("PF", 2), ("AF", 4), ("ZF", 6), ("SF", 7), ("TF", 8), ("IF", 9), ("DF", 10), ("OF", 11),
            ("NT", 14), ("RF", 16), ("VM", 17), ("AC", 18), ("VIF", 19), ("VIP", 20), ("ID", 21),
        ]),
        RegisterLayout.sse: """
            <vector id="v4f" type="ieee_single" count="4"/>
            <vector id="v2d" type="ieee_double" count="2"/>
            <vector id="v16i8" type="int8" count="16"/>
            <vector id="v8i16" type="int16" count="8"/>
            <vector id="v4i32" type="int32" count="4"/>
            <vector id="v2i64" type="int64" count="2"/>
            <union id="vec128">
              <field name="v4_float" type="v4f"/>
              <field name="v2_double" type="v2d"/>
              <field name="v16_int8" type="v16i8"/>
              <field name="v8_int16" type="v8i16"/>
              <field name="v4_int32" type="v4i32"/>
              <field name="v2_int64" type="v2i64"/>
              <field name="uint128" type="uint128"/>
            </union>

        """ + flags("i386_mxcsr", [
            ("IE", 0), ("DE", 1), ("ZE", 2), ("OE", 3), ("UE", 4), ("PE", 5), ("DAZ", 6),
            ("IM", 7), ("DM", 8), ("ZM", 9), ("OM", 10), ("UM", 11), ("PM", 12), ("FZ", 15),
        ]),
    ]

    static func flags(_ id: String, _ bits: [(String, Int)]) -> String {
        var s = "    <flags id=\"\(id)\" size=\"4\">\n"
        for (name, bit) in bits { s += "      <field name=\"\(name)\" start=\"\(bit)\" end=\"\(bit)\"/>\n" }
        return s + "    </flags>\n"
    }

    /// The `qXfer:features:read` answer for `annex` at `offset`, at most `length` bytes: `m` and
    /// a chunk while more follows, `l` with the last one (§E.4 "qXfer:object:read"); nil for an
    /// unknown annex.
    public static func read(annex: String, offset: Int, length: Int) -> [UInt8]? {
        guard annex == "target.xml" else { return nil }
        let doc = Array(xml.utf8)
        let start = min(offset, doc.count)
        let end = min(doc.count, start + length)
        return [UInt8(ascii: end == doc.count ? "l" : "m")] + Packet.escapeBinary(Array(doc[start..<end]))
    }
}
