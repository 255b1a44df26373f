// BufferPool: recycles Float32 buffers by exact element count so a steady-state training step allocates nothing.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process-wide free list of raw `Float` buffers keyed by size class.
///
/// A training step asks for the same buffer sizes in the same order every time, so after the first
/// step every request is served from the free list: no `malloc`, no page faults, no zero-fill of
/// fresh pages by the kernel. Buffers come back when their `Storage` is released.
///
/// Why size classes and a cap: SFT and RL batches change length every step. Keyed by exact count,
/// every new length added buffers that no later request fit, and the pool grew until the process
/// was killed (24 GB after six Qwen SFT steps). Requests are rounded up to one of 8 classes per
/// power of two (at most 12.5 % slack), so nearby lengths share buffers, and buffers returned while
/// the pool already holds `capacityBytes` go back to the system.
public final class BufferPool: @unchecked Sendable {
    public static let shared = BufferPool()

    /// Most bytes kept in the free lists (default 2 GiB; `SRCODE_BUFFER_POOL_MB` overrides).
    public var capacityBytes: Int = {
        if let s = ProcessInfo.processInfo.environment["SRCODE_BUFFER_POOL_MB"], let mb = Int(s) { return mb << 20 }
        return 2 << 30
    }()

    /// The size class of a request: `count` rounded up to a multiple of 2^(⌊log₂ count⌋ − 3).
    static func sizeClass(_ count: Int) -> Int {
        guard count > 16 else { return max(count, 1) }
        let step = 1 << (Int.bitWidth - count.leadingZeroBitCount - 1 - 3)
        return (count + step - 1) / step * step
    }

    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private let lock = NSLock()
    /// Bytes currently held by the free lists (not in use by any tensor).
    public private(set) var pooledBytes = 0
    /// Number of fresh allocations so far: flat across steps once the pool is warm.
    public private(set) var allocations = 0

    /// A buffer of at least `count` floats (exactly `sizeClass(count)`), uninitialized.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let count = Self.sizeClass(count)
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
        Self.adviseHugePages(raw, bytes: max(count, 1) * 4)
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Asks the kernel to back the 2 MiB-aligned part of a large fresh buffer with transparent huge pages
    /// (`madvise(MADV_HUGEPAGE)`; the default THP mode, `madvise`, gives them only where asked). Below 4 MiB
    /// nothing is asked: at most one aligned huge page would fit.
    ///
    /// Why: every buffer this pool lets go returns to the kernel (``heapMmapThreshold``), so the next one is
    /// fresh memory whose every page faults in zeroed. An RL update at 512 new tokens writes about 18 GB of such
    /// memory per step; in 4 KiB pages these VMs fill fresh buffers at 1.1–1.7 GB/s, in huge pages at 2.0–5.0
    /// GB/s (docs/BENCHMARKS.md, "Fresh buffers in huge pages"). The contents and the arithmetic are unchanged;
    /// glibc's `glibc.malloc.hugetlb=1` tunable does the same for every mapping it makes.
    static func adviseHugePages(_ p: UnsafeMutableRawPointer, bytes: Int) {
        #if canImport(Glibc)
        let huge = 2 << 20
        guard bytes >= 2 * huge else { return }
        let start = (Int(bitPattern: p) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: p) + bytes) & ~(huge - 1)
        guard end > start, let base = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(base, end - start, MADV_HUGEPAGE)  // fails harmlessly where THP is off
        #endif
    }

    func give(_ p: UnsafeMutablePointer<Float>, _ requested: Int) {
        let count = Self.sizeClass(requested)
        lock.lock()
        guard pooledBytes + count * 4 <= capacityBytes else {
            lock.unlock()
            p.deallocate()
            return
        }
        free[count, default: []].append(p)
        pooledBytes += count * 4
        lock.unlock()
    }

    init() { _ = Self.heapMmapThreshold }

    /// The size from which glibc's malloc serves a block by `mmap` and gives it back to the kernel on `free`:
    /// 2 MiB, set once, before the pool's first buffer; nil where it is left alone (not glibc, or
    /// `GLIBC_TUNABLES` already sets `glibc.malloc.mmap_threshold`, which then wins).
    ///
    /// Why: glibc's default threshold rises to the largest block freed so far (up to 32 MiB), after which the
    /// buffers this pool lets go (RL mini-batches change length, so many sizes pass the cap) come from heaps
    /// that keep freed pages between the blocks still in use. A PPO arm of the proof's second run grew from
    /// 16 to over 24 GB across three steps and was OOM-killed; with the threshold fixed at 2 MiB it falls back
    /// to about 5 GB between steps and peaks at 13–14 GB on the same recipe (docs/RESULTS.md, "How run 2
    /// goes"). The arithmetic is unchanged; fresh mappings cost page faults (docs/BENCHMARKS.md).
    public static let heapMmapThreshold: Int? = {
        #if canImport(Glibc)
        if let t = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"], t.contains("mmap_threshold") { return nil }
        // Looked up at run time, like malloc_trim below: not in Swift's Glibc module, absent from other C libraries.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in <malloc.h>
        let bytes = 2 << 20
        return unsafeBitCast(f, to: Mallopt.self)(mmapThreshold, Int32(bytes)) == 1 ? bytes : nil
        #else
        return nil
        #endif
    }()

    /// Asks the C allocator to hand free heap pages back to the system (glibc's `malloc_trim`): after
    /// large buffers are freed, their pages can otherwise stay resident in the heap.
    /// Looked up at run time: Swift's Glibc module does not export it, and other C libraries lack it.
    public static func returnFreeHeapToSystem() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") { _ = unsafeBitCast(f, to: Trim.self)(0) }
        #endif
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
    /// The buffer goes back to the system, not to the pool, when this storage dies: set for a released
    /// weight's Float32 data, whose whole point is to leave the process.
    var returnsToSystem = false

    init(count: Int) {
        self.count = count
        pointer = BufferPool.shared.take(count)
    }

    deinit {
        if returnsToSystem { pointer.deallocate() } else { BufferPool.shared.give(pointer, count) }
    }
}
