// The buffer pool bounds glibc's heap growth before its first buffer (BufferPool.heapMmapThreshold): blocks of 2 MiB and more are
// mapped on their own and go back to the kernel when freed, even after a larger block was freed before.
import Foundation
import Testing
@testable import Tensor
#if canImport(Glibc)
import Glibc
#endif

@Suite struct HeapTests {
    /// glibc's default would serve the 24 MiB block from a heap once a 30 MiB block has been freed (its
    /// threshold follows the largest freed block, up to 32 MiB); with the pool's fixed threshold it is a mapping
    /// of its own. glibc marks such a chunk with bit 1 (IS_MMAPPED) of the size word just before the pointer.
    /// The sizes are large because a heap's free top serves a request before any new mapping: in a busy test
    /// process a thread's top often holds a few MiB, never tens.
    @Test func largeBlocksStayMappedAfterALargerFree() throws {
        #if canImport(Glibc)
        guard !(ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] ?? "").contains("mmap_threshold") else {
            print("SKIP: GLIBC_TUNABLES sets the threshold, so the pool leaves malloc's threshold to it"); return
        }
        _ = BufferPool.shared
        #expect(BufferPool.heapMmapThreshold == 2 << 20)
        // Through the Swift runtime's malloc and free, which the optimizer cannot pair up and drop.
        let larger = UnsafeMutableRawPointer.allocate(byteCount: 30 << 20, alignment: 16)
        larger.storeBytes(of: 1, as: UInt8.self)
        larger.deallocate()  // raises a dynamic threshold to 30 MiB; the fixed one stays at 2 MiB
        let block = UnsafeMutableRawPointer.allocate(byteCount: 24 << 20, alignment: 16)
        defer { block.deallocate() }
        let sizeWord = (block - MemoryLayout<UInt>.size).load(as: UInt.self)
        #expect(sizeWord & 2 != 0, "a 24 MiB block came from a heap, not its own mapping")
        #endif
    }
}
