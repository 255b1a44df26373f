// The buffer pool bounds glibc's heap growth before its first buffer (BufferPool.heapMmapThreshold): blocks of 2 MiB and more are
// mapped on their own and go back to the kernel when freed, even after a larger block was freed before. Its large fresh
// buffers ask for transparent huge pages (BufferPool.adviseHugePages), which fault in several times faster.
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

    /// A fresh 32 MiB buffer from the pool carries the kernel's `hg` flag (MADV_HUGEPAGE) on the mapping that
    /// holds its aligned part, read back from /proc/self/smaps. The flag, not the huge pages themselves, is
    /// checked: whether the kernel finds free 2 MiB pages depends on the machine's memory, the advice does not.
    @Test func largeFreshBuffersAskForHugePages() throws {
        #if canImport(Glibc)
        let mode = (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)) ?? ""
        guard mode.contains("[madvise]") || mode.contains("[always]") else {
            print("SKIP: transparent huge pages are off or absent here (\(mode.trimmingCharacters(in: .whitespacesAndNewlines)))"); return
        }
        let count = (32 << 20) / 4 + 4_097  // 36 MiB once rounded to its size class; a pooled one was advised when made
        let p = BufferPool.shared.take(count)
        defer { BufferPool.shared.give(p, count) }
        let huge = 2 << 20
        let aligned = (Int(bitPattern: p) + huge - 1) & ~(huge - 1)
        // Read to the end: String(contentsOfFile:) stops at the first page of a /proc file, whose size reads as 0.
        let data = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps")).readToEnd() ?? Data()
        let smaps = String(decoding: data, as: UTF8.self)
        var inside = false, flags: String?
        for line in smaps.split(separator: "\n") {
            let head = line.split(separator: " ", maxSplits: 1).first ?? ""
            let range = head.split(separator: "-")
            if range.count == 2, let lo = Int(range[0], radix: 16), let hi = Int(range[1], radix: 16) {
                inside = lo <= aligned && aligned < hi
            } else if inside, line.hasPrefix("VmFlags:") {
                flags = String(line); break
            }
        }
        let f = try #require(flags, "no mapping holds the buffer's aligned part")
        #expect(f.split(separator: " ").contains("hg"), "no MADV_HUGEPAGE on the buffer's mapping: \(f)")
        #endif
    }
}
