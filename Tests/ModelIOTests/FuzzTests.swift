// Hostile and corrupt inputs: every parser must throw a ModelIOError, never crash or over-allocate.
import Foundation
import Testing
@testable import ModelIO

/// Deterministic xorshift so failures reproduce.
struct XorShift: RandomNumberGenerator {
    var s: UInt64
    mutating func next() -> UInt64 { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s }
}

private func write(_ bytes: [UInt8], _ path: String) { _ = FileManager.default.createFile(atPath: path, contents: Data(bytes)) }

/// Mutations that hit what parsers trust: truncation, random bytes, and big values in 8-byte fields.
private func mutate(_ src: [UInt8], _ rng: inout XorShift, headerBytes: Int) -> [UInt8] {
    var b = src
    switch rng.next() % 4 {
    case 0: b = Array(b.prefix(Int(rng.next() % UInt64(b.count))))
    case 1: for _ in 0..<(1 + rng.next() % 8) { b[Int(rng.next() % UInt64(min(headerBytes, b.count)))] = UInt8(truncatingIfNeeded: rng.next()) }
    case 2:
        let at = Int(rng.next() % UInt64(max(min(headerBytes, b.count) - 8, 1)))
        let v: UInt64 = [UInt64.max, UInt64(Int64.max), 1 << 40, 0xFFFF_FFFF, 0][Int(rng.next() % 5)]
        for k in 0..<8 where at + k < b.count { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
    default: b.insert(contentsOf: (0..<(1 + rng.next() % 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: Int(rng.next() % UInt64(b.count)))
    }
    return b
}

@Test func fuzzGGUFParser() throws {
    let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tiny.gguf"))))
    let g = try GGUFFile(path: Fixtures.path("tiny.gguf"))
    let dir = Fixtures.tempDir()
    var rng = XorShift(s: 0x5EED)
    var rejected = 0
    for i in 0..<400 {
        let path = "\(dir)/m\(i).gguf"
        write(mutate(valid, &rng, headerBytes: g.dataOffset), path)
        do {
            let f = try GGUFFile(path: path)
            // Whatever parsed must be safe to use: every tensor lies inside the file.
            for t in f.tensors where t.type.canDequantize { _ = try f.dequantize(t.name) }
        } catch let e as ModelIOError {
            #expect(e.file == path && !e.reason.isEmpty)
            rejected += 1
        }
    }
    #expect(rejected > 100)
}

@Test func rejectsHostileGGUFHeadersWithClearErrors() throws {
    let dir = Fixtures.tempDir()
    func header(_ tensors: UInt64, _ kvs: UInt64) -> [UInt8] {
        var b: [UInt8] = Array("GGUF".utf8) + [3, 0, 0, 0]
        for v in [tensors, kvs] { for k in 0..<8 { b.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) } }
        return b
    }
    let cases: [([UInt8], String)] = [
        (Array("GGML".utf8) + [UInt8](repeating: 0, count: 20), "bad magic"),
        (Array("GGUF".utf8) + [9, 0, 0, 0] + [UInt8](repeating: 0, count: 16), "unsupported GGUF version"),
        (header(1 << 60, 0), "tensor count"),
        (header(0, UInt64.max), "metadata count"),
        // One key "k" with an array of 2^62 u64s.
        (header(0, 1) + [1, 0, 0, 0, 0, 0, 0, 0, 0x6B] + [9, 0, 0, 0, 10, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0, 0x40], "array count"),
        (Array("GGUF".utf8) + [3, 0], "truncated"),
    ]
    for (i, (bytes, expected)) in cases.enumerated() {
        let p = "\(dir)/h\(i).gguf"
        write(bytes, p)
        do { _ = try GGUFFile(path: p); Issue.record("case \(i) accepted") } catch let e as ModelIOError {
            #expect(e.description.contains(expected), "case \(i): \(e)")
        }
    }
}

@Test func fuzzSafetensorsParser() throws {
    let dir = Fixtures.tempDir()
    var w = SafetensorsWriter()
    w.add("a.weight", floats: (0..<64).map(Float.init), shape: [8, 8])
    w.add("b.bias", floats: [1, 2, 3, 4], shape: [4])
    try w.write(to: dir + "/ok.safetensors")
    let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/ok.safetensors")))
    var rng = XorShift(s: 42)
    var rejected = 0
    for i in 0..<300 {
        let p = "\(dir)/m\(i).safetensors"
        write(mutate(valid, &rng, headerBytes: valid.count - 272), p)
        do {
            let f = try SafetensorsFile(path: p)
            for n in f.tensors.keys { _ = try? f.floats(n) }
        } catch is ModelIOError { rejected += 1 }
    }
    #expect(rejected > 50)
    // Hand-made hostile headers.
    let hostile = [
        #"{"x":{"dtype":"F32","shape":[1000000000,1000000000],"data_offsets":[0,4]}}"#,
        #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999]}}"#,
        #"{"x":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}}"#,
        #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
        #"[1,2,3]"#,
    ]
    for (i, h) in hostile.enumerated() {
        var b = [UInt8](repeating: 0, count: 8)
        let hb = Array(h.utf8)
        for k in 0..<8 { b[k] = UInt8(truncatingIfNeeded: UInt64(hb.count) >> (8 * UInt64(k))) }
        write(b + hb + [UInt8](repeating: 0, count: 8), "\(dir)/h\(i).safetensors")
        #expect(throws: ModelIOError.self) { try SafetensorsFile(path: "\(dir)/h\(i).safetensors") }
    }
}

@Test func rejectsBadTokenizerJSON() {
    let bad = [
        "not json",
        #"{"model":{"type":"Unigram","vocab":[]}}"#,
        #"{"model":{"type":"BPE","vocab":{"a":-5},"merges":[]},"pre_tokenizer":{"type":"ByteLevel"}}"#,
        #"{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"type":"ByteLevel"},"added_tokens":[{"id":99999999999,"content":"x"}]}"#,
        #"{"model":{"type":"BPE","vocab":{"a":0},"merges":[7]},"pre_tokenizer":{"type":"ByteLevel"}}"#,
        #"{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"type":"Whitespace"}}"#,
    ]
    for s in bad {
        #expect(throws: ModelIOError.self, "\(s)") { try Tokenizer(tokenizerJSONData: Data(s.utf8)) }
    }
}
