// ModelIO benchmarks (opt-in, not tests): dequantization, quantized matvec, tokenizer throughput.
//
// usage: swift run -c release modelio-bench [smollm2|qwen2.5-coder-0.5b ...]
// Prints one line per figure; docs/BENCHMARKS.md `## Models in and out` quotes them.
import Foundation
import ModelIO

func seconds(_ f: () -> Void) -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    f()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

/// CPU seconds used by this process so far (all threads): on a shared, oversubscribed machine
/// this measures the work done, where wall time mostly measures the neighbours.
func cpuSeconds() -> Double {
    var u = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    #else
    getrusage(RUSAGE_SELF, &u)
    #endif
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

/// Best of `n` runs (the machine is shared; the minimum is the least disturbed).
func best(_ n: Int, _ f: () -> Void) -> Double { (0..<n).map { _ in seconds(f) }.min()! }

let aliases = CommandLine.arguments.count > 1 ? Array(CommandLine.arguments.dropFirst()) : ["smollm2", "qwen2.5-coder-0.5b"]
print("threads=\(QuantizedMatrix.threads)")
for alias in aliases {
    guard let path = ModelStore.default.resolveLocal(alias) else { print("\(alias): not pulled"); continue }
    let g = try GGUFFile(path: path)

    // MARK: Dequantization throughput per type (output Float32 values/s).
    var byType: [GGMLType: [GGUFTensorInfo]] = [:]
    for t in g.tensors where t.rows > 1 { byType[t.type, default: []].append(t) }
    for (type, ts) in byType.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
        let t = ts.max { $0.elementCount < $1.elementCount }!
        let out = UnsafeMutablePointer<Float>.allocate(capacity: t.elementCount)
        let s = best(3) { dequantize(g.rawBytes(t), type: type, count: t.elementCount, into: out) }
        out.deallocate()
        print(String(format: "%@ dequant %@ %@: %.0f Mvalues/s (%.2f GB/s of input)", alias, type.description, t.name,
                     Double(t.elementCount) / s / 1e6, Double(t.byteCount) / s / 1e9))
    }

    // MARK: Quantized matvec over every 2-D weight of one decode step (what a token costs in weights).
    let mats = try g.tensors.filter { $0.rows > 1 && $0.name != "token_embd.weight" }.map { try g.matrix($0.name) }
    let tied = g.info("output.weight") == nil ? try g.matrix("token_embd.weight") : nil
    let all = mats + (tied.map { [$0] } ?? [])
    let maxCols = all.map(\.columns).max()!, maxRows = all.map(\.rows).max()!
    let x = (0..<maxCols * 8).map { Float(sin(Double($0))) }
    var y = [Float](repeating: 0, count: maxRows * 8)
    let bytes = all.reduce(0) { $0 + $1.data.count }, flops = all.reduce(0) { $0 + 2 * $1.rows * $1.columns }
    for (threads, batch) in [(1, 1), (2, 1), (2, 8)] {
        QuantizedMatrix.threads = threads
        let reps = 5
        let c0 = cpuSeconds()
        let s = best(reps) {
            x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { yb in
                for m in all { m.matmul(xb.baseAddress!, batch: batch, into: yb.baseAddress!) }
            } }
        }
        let cpu = (cpuSeconds() - c0) / Double(reps)
        print(String(format: "%@ matvec all weights, threads %d, batch %d: %.2f ms/step wall (best of %d) → %.1f steps/s (×%d tok), %.2f GB/s, %.1f GFLOP/s; %.2f CPU-ms/step",
                     alias, threads, batch, s * 1e3, reps, 1 / s, batch, Double(bytes) / s / 1e9, Double(flops * batch) / s / 1e9, cpu * 1e3))
    }
    QuantizedMatrix.threads = 2

    // MARK: Tokenizer throughput on the test corpus (repeated to ~1 MB).
    let tok = try Tokenizer(gguf: g)
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/ModelIOTests/Fixtures/tokenizer-corpus")
    var text = ""
    for f in ["c-code.txt", "english.txt", "unicode.txt"] { text += try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8) }
    let big = String(repeating: text, count: 1_000_000 / text.utf8.count)
    var n = 0
    // Note: the BPE cache warms on the first run; best-of-3 reports the warm figure, like HF's.
    let s = best(3) { n = tok.encode(big).count }
    print(String(format: "%@ tokenizer encode: %.2f MB/s, %.0f ktok/s (%d bytes, %d tokens)", alias,
                 Double(big.utf8.count) / s / 1e6, Double(n) / s / 1e3, big.utf8.count, n))
}
