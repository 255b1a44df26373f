// Tensor: a Float32, contiguous, row-major array with a shape, an optional gradient and a name for error messages.
import Foundation

/// A contiguous row-major Float32 array.
///
/// Tensors are reference types so the tape can hold the inputs an op saw. Data lives in a pooled
/// `Storage`; `reshaped` makes a view on the same storage. A tensor created by the user with
/// `requiresGrad` is a *leaf* (a parameter): its `grad` accumulates across backward passes until
/// `zeroGrad()`. Op outputs are interior: their gradients are freed as soon as backward has used them.
///
/// ```swift
/// let w = Tensor.randn([4, 3], rng: &rng, requiresGrad: true, name: "w")
/// let loss = try sum(linear(x, w))
/// try loss.backward()        // w.grad now holds dloss/dw
/// ```
public final class Tensor: @unchecked Sendable, CustomStringConvertible {
    public let shape: [Int]
    public let count: Int
    /// A `var` only so a frozen weight can free its Float32 data (``releaseFloat32()``) and remake it.
    var storage: Storage
    let offset: Int
    /// Gradient of the last backward pass(es), same shape; `nil` until one reaches this tensor.
    public var grad: Tensor?
    /// Whether gradients flow to (or through) this tensor.
    public var requiresGrad: Bool
    /// False for op outputs (their gradients are transient).
    public internal(set) var isLeaf = true
    /// Used in error messages (NaN/Inf detection, shape mismatches); parameters carry their checkpoint name.
    public var name: String
    /// A bf16 copy of this (frozen, 2-D) weight that GEMMs use instead of `data`; see ``attachBF16()``.
    public internal(set) var bf16: BF16Weights?
    /// True while this frozen weight holds only its bf16 copy (``releaseFloat32()``).
    public internal(set) var float32Released = false

    /// The Float32 values. A weight whose Float32 data was released gets it back here, remade from its
    /// bf16 copy, so a path that needs it (a fold, a load, an unfrozen weight) stays correct.
    public var data: UnsafeMutablePointer<Float> {
        if float32Released { restoreFloat32() }
        return storage.pointer + offset
    }

    /// A zero-filled tensor.
    public init(zeros shape: [Int], requiresGrad: Bool = false, name: String = "") {
        self.shape = shape
        count = shape.reduce(1, *)
        storage = Storage(count: count)
        offset = 0
        self.requiresGrad = requiresGrad
        self.name = name
        storage.pointer.initialize(repeating: 0, count: count)
    }

    /// A tensor whose contents the caller will overwrite entirely (kernel outputs).
    init(uninitialized shape: [Int], name: String = "") {
        self.shape = shape
        count = shape.reduce(1, *)
        storage = Storage(count: count)
        offset = 0
        requiresGrad = false
        self.name = name
    }

    init(view storage: Storage, offset: Int, shape: [Int], name: String) {
        self.shape = shape
        count = shape.reduce(1, *)
        self.storage = storage
        self.offset = offset
        requiresGrad = false
        self.name = name
    }

    /// A tensor holding `values` (row-major); throws if the count does not match the shape.
    public convenience init(shape: [Int], values: [Float], requiresGrad: Bool = false, name: String = "") throws {
        let n = shape.reduce(1, *)
        guard n == values.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.shapeMismatch(
                op: "Tensor(shape:values:)", detail: "shape \(shape) holds \(n) values, got \(values.count)")
        }
        self.init(uninitialized: shape, name: name)
        self.requiresGrad = requiresGrad
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: n) }
    }

    /// Normal(0, std) initialized tensor drawn from `rng` (deterministic for a given seed).
    public static func randn(
        _ shape: [Int], std: Float = 1, rng: inout SeededRNG, requiresGrad: Bool = false, name: String = ""
    ) -> Tensor {
        let t = Tensor(uninitialized: shape, name: name)
        for i in 0..<t.count { t.data[i] = rng.normal() * std }
        t.requiresGrad = requiresGrad
        return t
    }

    /// A copy of the contents as an array.
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The single value of a one-element tensor.
    public func item() -> Float { data[0] }

    /// Overwrites the contents from `values` (same count).
    public func copy(from values: [Float]) throws {
        guard values.count == count else {
            throw TensorError.shapeMismatch(op: "copy(from:)", detail: "\(name) \(shape) vs \(values.count) values")
        }
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// Sets every element to zero.
    public func fillZero() { data.update(repeating: 0, count: count) }

    /// Drops the accumulated gradient (call between optimizer steps).
    public func zeroGrad() { grad?.fillZero() }

    /// Returns `grad`, allocating a zero-filled one first if needed.
    func gradBuffer() -> UnsafeMutablePointer<Float> {
        if let g = grad { return g.data }
        let g = Tensor(zeros: shape, name: name + ".grad")
        grad = g
        return g.data
    }

    public var description: String { "Tensor(\(name.isEmpty ? "" : name + " ")\(shape))" }
}

/// Errors from tensor construction, op shape checks and the optional NaN/Inf guard.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(op: String, detail: String)
    case nonFinite(op: String, tensor: String, phase: String)
    case invalidArgument(op: String, detail: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, detail): "\(op): shape mismatch: \(detail)"
        case let .nonFinite(op, tensor, phase): "\(phase) of \(op) produced NaN/Inf in \(tensor)"
        case let .invalidArgument(op, detail): "\(op): \(detail)"
        }
    }
}
