// SPDX-License-Identifier: MIT
// boot.json (docs/boot-image.md, "boot.json"): decoding, defaults, and every validation error.
import Testing
@testable import Personality

@Suite struct BootConfigTests {
    typealias F = ImageFixtures

    func decode(_ json: String) throws(ImageError) -> BootConfig { try BootConfig.decode(Array(json.utf8)) }

    @Test func decodesTheDocumentedExampleAndDefaults() throws {
        let c = try decode("""
            { "programs": [ { "path": "/bin/hello", "argv": ["hello"], "env": ["HOME=/"], "cwd": "/",
                              "init": true, "abi": "linux" },
                            { "path": "/bin/n", "argv": ["n"] } ] }
            """)
        #expect(c.programs[0] == BootConfig.Program(path: "/bin/hello", argv: ["hello"], env: ["HOME=/"], cwd: "/", isInit: true, abi: .linux))
        #expect(c.programs[1] == BootConfig.Program(path: "/bin/n", argv: ["n"], env: [], cwd: "/", isInit: false, abi: .linux))
        #expect(c.initProgram?.path == "/bin/hello")
        #expect(try decode(#"{"programs":[{"path":"/h","argv":["h"],"init":true,"abi":"hedron"}]}"#).programs[0].abi == .hedron)
    }

    @Test func canonicalEncodingRoundTrips() throws {
        let bytes = F.config.encoded()
        #expect(try BootConfig.decode(bytes) == F.config)
        #expect(F.config.encoded() == bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""init" : true"#) && text.contains(#""path" : "/bin/hello""#) && text.hasSuffix("}\n"))
    }

    @Test func validationErrors() {
        let cases: [(String, String)] = [
            (#"{"programs":[]}"#, "boot.json: no programs"),
            (#"{"programs":[{"path":"/a","argv":["a"]}]}"#, #"no program has "init": true"#),
            (#"{"programs":[{"path":"/a","argv":["a"],"init":true},{"path":"/b","argv":["b"],"init":true}]}"#, "programs 0 and 1 both have"),
            (#"{"programs":[{"path":"a","argv":["a"],"init":true}]}"#, "programs[0].path: 'a' is not an absolute path"),
            (#"{"programs":[{"path":"/a/../b","argv":["a"],"init":true}]}"#, "programs[0].path: '/a/../b' has a '..' component"),
            (#"{"programs":[{"path":"/","argv":["a"],"init":true}]}"#, "programs[0].path: '/' is not a file"),
            (#"{"programs":[{"path":"/a","argv":["a"],"init":true,"cwd":"tmp"}]}"#, "programs[0].cwd: 'tmp' is not an absolute path"),
            (#"{"programs":[{"path":"/a","argv":[],"init":true}]}"#, "programs[0].argv is empty"),
            (#"{"programs":[{"path":"/a","argv":["a\u0000b"],"init":true}]}"#, "programs[0].argv[0] contains a NUL byte"),
            (#"{"programs":[{"path":"/a","argv":["a"],"env":["A=\u0000"],"init":true}]}"#, "programs[0].env[0] contains a NUL byte"),
            (#"{"programs":[{"path":"/a","argv":["a"],"init":true,"abi":"win"}]}"#, #"programs[0].abi: 'win' is neither "linux" nor "hedron""#),
            (#"{"programs":[{"path":"/a","argv":["a"],"init":true,"evn":[]}]}"#, "programs[0].evn: unknown key"),
            (#"{"programs":[{"path":"/a","argv":["a"],"init":true}],"extra":1}"#, "extra: unknown key"),
            (#"{"programs":[{"path":"/a","argv":"a","init":true}]}"#, "programs[0].argv: expected"),
            (#"{"programs":[{"path":"/a","argv":["a"],"init":"yes"}]}"#, "programs[0].init: expected true or false"),
            (#"{"programs":[{"argv":["a"],"init":true}]}"#, "programs[0].path: missing"),
            (#"{"programs":[{"path":null,"argv":["a"],"init":true}]}"#, "programs[0].path: expected a string, found null"),
            (#"{}"#, "programs: missing"),
            (#"[1]"#, "boot.json: "),
            (#"{"programs": [ }"#, "not valid JSON"),
            ("", "not valid JSON"),
            ("\u{FF}", "not valid JSON"),
        ]
        for (json, message) in cases {
            F.expectError(message) { _ = try decode(json) }
        }
    }
}
