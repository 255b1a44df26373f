// InferenceCache: per-sequence key/value rows for InferenceModel, plus the scratch buffers a forward reuses.
import Foundation

// Legend: L layers, N sequences, S capacity per sequence, W = G·D key/value width.

/// Keys and values of every layer for `sequences` independent sequences, each filled left to right
/// up to `capacity` positions. Sequences advance independently (ragged prompts, early stops), so
/// batched decode never pads. Scratch activations live here too: a decode step allocates nothing.
public final class InferenceCache: @unchecked Sendable {
    public let layers: Int
    public let sequences: Int
    public let capacity: Int
    let width: Int
    /// Positions written per sequence.
    public internal(set) var length: [Int]
    /// Keys and values are rounded to Float16 as they are written, because llama.cpp's default KV
    /// cache is f16: with it, our top-1 tokens match llama.cpp's on all 50 Qwen2.5-Coder parity
    /// prompts, against 49 without (near-tied tokens flip on this rounding). `false` keeps them exact,
    /// for comparisons with the Float32 training model.
    public var halfPrecision = true
    /// (L, N, S, W) keys and values.
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    /// Forward scratch, grown on first use to the model's (rows × width) needs.
    var scratch: [String: UnsafeMutablePointer<Float>] = [:]
    var scratchCount: [String: Int] = [:]

    init(layers: Int, sequences: Int, capacity: Int, width: Int) {
        self.layers = layers
        self.sequences = sequences
        self.capacity = capacity
        self.width = width
        length = [Int](repeating: 0, count: sequences)
        let n = layers * sequences * capacity * width
        keys = .allocate(capacity: max(n, 1))
        values = .allocate(capacity: max(n, 1))
    }

    deinit {
        keys.deallocate()
        values.deallocate()
        for p in scratch.values { p.deallocate() }
    }

    /// Bytes held by keys and values.
    public var byteCount: Int { 2 * layers * sequences * capacity * width * MemoryLayout<Float>.size }

    /// Forgets sequence `s` (or all) so its slot can take a new prompt.
    public func reset(sequence s: Int? = nil) {
        if let s { length[s] = 0 } else { length = [Int](repeating: 0, count: sequences) }
    }

    /// Rewinds sequence `s` to `n` positions (e.g. to re-use a shared prompt prefix).
    public func truncate(sequence s: Int, to n: Int) { length[s] = min(length[s], max(n, 0)) }

    @inline(__always) func keyRow(_ layer: Int, _ seq: Int, _ pos: Int) -> UnsafeMutablePointer<Float> {
        keys + ((layer * sequences + seq) * capacity + pos) * width
    }

    @inline(__always) func valueRow(_ layer: Int, _ seq: Int, _ pos: Int) -> UnsafeMutablePointer<Float> {
        values + ((layer * sequences + seq) * capacity + pos) * width
    }

    /// A reusable buffer of at least `count` floats under `name`.
    func buffer(_ name: String, _ count: Int) -> UnsafeMutablePointer<Float> {
        if let p = scratch[name], scratchCount[name]! >= count { return p }
        scratch[name]?.deallocate()
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        scratch[name] = p
        scratchCount[name] = count
        return p
    }
}
