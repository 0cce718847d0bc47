// SPDX-License-Identifier: MIT
// The boot configuration: member boot.json of a boot image (docs/boot-image.md, "boot.json").
import Foundation

/// The programs an image starts.
public struct BootConfig: Codable, Equatable, Sendable {
    /// How a program is run.
    public enum ABI: String, Codable, Sendable {
        /// A static Linux executable in a foreign PD whose syscalls are forwarded to the personality.
        case linux
        /// A native program against Hedron's kernel interface, with the thesis's capability layout.
        case hedron
    }

    public struct Program: Codable, Equatable, Sendable {
        /// The executable's absolute path in the image's root file system.
        public var path: String
        /// The argument vector; argv[0] included, so never empty.
        public var argv: [String]
        /// The environment, "NAME=value" strings; default none.
        public var env: [String]
        /// The absolute working directory; default "/".
        public var cwd: String
        /// JSON "init": whether emu's exit status is this program's; exactly one program has it.
        public var isInit: Bool
        /// Default "linux".
        public var abi: ABI

        public init(path: String, argv: [String], env: [String] = [], cwd: String = "/", isInit: Bool = false, abi: ABI = .linux) {
            self.path = path
            self.argv = argv
            self.env = env
            self.cwd = cwd
            self.isInit = isInit
            self.abi = abi
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case path, argv, env, cwd, isInit = "init", abi
        }

        /// Unknown keys are refused, so that a misspelt one ("evn") is not silently ignored.
        public init(from decoder: Decoder) throws {
            try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            path = try c.decode(String.self, forKey: .path)
            argv = try c.decode([String].self, forKey: .argv)
            env = try c.decodeIfPresent([String].self, forKey: .env) ?? []
            cwd = try c.decodeIfPresent(String.self, forKey: .cwd) ?? "/"
            isInit = try c.decodeIfPresent(Bool.self, forKey: .isInit) ?? false
            let name = try c.decodeIfPresent(String.self, forKey: .abi) ?? ABI.linux.rawValue
            guard let abi = ABI(rawValue: name) else {
                throw DecodingError.dataCorruptedError(forKey: .abi, in: c, debugDescription: "'\(name)' is neither \"linux\" nor \"hedron\"")
            }
            self.abi = abi
        }
    }

    public var programs: [Program]

    public init(programs: [Program]) { self.programs = programs }

    enum CodingKeys: String, CodingKey, CaseIterable { case programs }

    public init(from decoder: Decoder) throws {
        try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        programs = try decoder.container(keyedBy: CodingKeys.self).decode([Program].self, forKey: .programs)
    }

    /// The program whose exit status is emu's.
    public var initProgram: Program? { programs.first { $0.isInit } }

    /// Checks what JSON's types cannot: at least one program, exactly one init, absolute paths,
    /// non-empty argv, no NUL bytes in the strings a program receives.
    public func validate() throws(ImageError) {
        func fail(_ s: String) -> ImageError { ImageError("boot.json: " + s) }
        if programs.isEmpty { throw fail("no programs") }
        let inits = programs.indices.filter { programs[$0].isInit }
        if inits.isEmpty { throw fail("no program has \"init\": true") }
        if inits.count > 1 { throw fail("programs \(inits.map(String.init).joined(separator: " and ")) both have \"init\": true (exactly one may)") }
        for (i, p) in programs.enumerated() {
            if let problem = ImageEntry.pathProblem(p.path) { throw fail("programs[\(i)].path: \(problem)") }
            if p.path == "/" { throw fail("programs[\(i)].path: '/' is not a file") }
            if let problem = ImageEntry.pathProblem(p.cwd) { throw fail("programs[\(i)].cwd: \(problem)") }
            if p.argv.isEmpty { throw fail("programs[\(i)].argv is empty (it holds argv[0] at least)") }
            for (name, list) in [("argv", p.argv), ("env", p.env)] {
                if let j = list.firstIndex(where: { $0.utf8.contains(0) }) { throw fail("programs[\(i)].\(name)[\(j)] contains a NUL byte") }
            }
        }
    }

    /// Decodes and validates boot.json.
    public static func decode(_ json: [UInt8]) throws(ImageError) -> BootConfig {
        let config: BootConfig
        do {
            // JSONSerialization first: its syntax errors say where ("around character 6").
            _ = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw ImageError("boot.json: not valid JSON: \(detail)")
        }
        do {
            config = try JSONDecoder().decode(BootConfig.self, from: Data(json))
        } catch let e as DecodingError {
            throw ImageError("boot.json: " + describe(e))
        } catch {
            throw ImageError("boot.json: \(error)")
        }
        try config.validate()
        return config
    }

    /// The canonical encoding: sorted keys, two-space indentation, every field written.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Encoding strings, booleans and arrays of them cannot fail.
        return Array(try! encoder.encode(self)) + [UInt8(ascii: "\n")]
    }

    /// One line for a DecodingError: where in the document, and what was wrong.
    static func describe(_ e: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            let s = keys.map { k in k.intValue.map { "[\($0)]" } ?? ".\(k.stringValue)" }.joined()
            return s.hasPrefix(".") ? String(s.dropFirst()) : (s.isEmpty ? "the document" : s)
        }
        switch e {
        case .typeMismatch(let type, let c): return "\(path(c.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let c): return "\(path(c.codingPath)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])): missing"
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [String].Type: "an array of strings"
        default: t is any Collection.Type ? "an array" : "an object"
        }
    }
}

/// Throws a DecodingError for the first key of the object being decoded that is not in `known`.
private func refuseUnknownKeys(_ decoder: Decoder, known: [String]) throws {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    let c = try decoder.container(keyedBy: AnyKey.self)
    if let k = c.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [AnyKey(stringValue: k)],
                                                debugDescription: "unknown key (known: \(known.joined(separator: ", ")))"))
    }
}
