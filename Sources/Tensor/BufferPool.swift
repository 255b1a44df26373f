// BufferPool: recycles Float32 buffers by exact element count so a steady-state training step allocates nothing.
import Foundation

/// A process-wide free list of raw `Float` buffers keyed by element count.
///
/// A training step asks for the same buffer sizes in the same order every time, so after the first
/// step every request is served from the free list: no `malloc`, no page faults, no zero-fill of
/// fresh pages by the kernel. Buffers come back when their `Storage` is released.
public final class BufferPool: @unchecked Sendable {
    public static let shared = BufferPool()

    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private let lock = NSLock()
    /// Bytes currently held by the free lists (not in use by any tensor).
    public private(set) var pooledBytes = 0
    /// Number of fresh allocations so far: flat across steps once the pool is warm.
    public private(set) var allocations = 0

    /// A buffer of exactly `count` floats, uninitialized.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        lock.lock()
        if var list = free[count], let p = list.popLast() {
            free[count] = list
            pooledBytes -= count * 4
            lock.unlock()
            return p
        }
        allocations += 1
        lock.unlock()
        Tape.current.allocations += 1
        // 64-byte alignment keeps SIMD loads and BLAS panels on cache lines.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    func give(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        lock.lock()
        free[count, default: []].append(p)
        pooledBytes += count * 4
        lock.unlock()
    }

    /// Returns every pooled buffer to the system (e.g. after a phase with unusual shapes).
    public func trim() {
        lock.lock()
        for (_, list) in free { for p in list { p.deallocate() } }
        free = [:]
        pooledBytes = 0
        lock.unlock()
    }
}

/// Owns one pooled buffer; several tensors (views) may share it.
final class Storage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = BufferPool.shared.take(count)
    }

    deinit { BufferPool.shared.give(pointer, count) }
}
