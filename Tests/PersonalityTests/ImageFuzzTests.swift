// SPDX-License-Identifier: MIT
// Mutation fuzzing of BootImage.parse: on any input it returns or throws an ImageError (typed
// throws make anything else impossible to catch here, so a crash would end the test run), in
// bounded time; and whatever it accepts is a valid image that serialises and parses back.
import Testing
@testable import Personality

@Suite struct ImageFuzzTests {
    @Test func mutatedImagesNeverCrashOrHang() {
        let base = ImageFixtures.image.serialize()
        let headers = ImageFixtures.headerOffsets(base)
        var rng = SplitMix64(state: 0x1DE4_11A6_E000_0004)
        var accepted = 0, refused = 0
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<4000 {
            var b = base
            switch round % 6 {
            case 0:  // bit flips anywhere
                for _ in 0...Int.random(in: 0..<4, using: &rng) {
                    b[Int.random(in: 0..<b.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                }
            case 1:  // truncation
                b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng)))
            case 2, 3:  // a header byte set to something plausible, with the checksum fixed up so the
                        // field's own validation is what is tested
                let h = headers[Int.random(in: 0..<headers.count, using: &rng)]
                let interesting: [UInt8] = [0, 0x20, 0x2E, 0x2F, 0x30, 0x35, 0x37, 0x38, 0x31, 0x32, 0x78, 0xFF]
                for _ in 0...Int.random(in: 0..<3, using: &rng) {
                    let i = Int.random(in: 0..<512, using: &rng)
                    if i >= 148 && i < 156 { continue }
                    b[h + i] = Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
                }
                ImageFixtures.refreshChecksum(&b, header: h)
            case 4:  // a block removed, duplicated or zeroed
                let blocks = b.count / 512
                let k = Int.random(in: 0..<blocks, using: &rng) * 512
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b.removeSubrange(k..<(k + 512))
                case 1: b.insert(contentsOf: b[k..<(k + 512)], at: k)
                default: b.replaceSubrange(k..<(k + 512), with: [UInt8](repeating: 0, count: 512))
                }
            default:  // random bytes appended or a random prefix
                if Bool.random(using: &rng) {
                    b += (0..<Int.random(in: 1..<700, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                } else {
                    b = (0..<Int.random(in: 0..<2048, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) } + b
                }
            }
            let image: BootImage
            do {
                image = try BootImage.parse(b)
            } catch {
                refused += 1
                #expect(!error.message.isEmpty && !error.message.contains("\n"))
                continue
            }
            accepted += 1
            #expect((try? image.validate()) != nil)
            #expect((try? BootImage.parse(image.serialize())) == image)
        }
        #expect(accepted + refused == 4000)
        #expect(accepted > 0 && refused > 0, "accepted \(accepted), refused \(refused)")
        #expect(clock.now - start < .seconds(60))
    }
}
