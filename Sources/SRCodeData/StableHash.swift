// Deterministic hashes for deduplication keys and split assignment (Swift's Hasher is seeded per run).

public enum StableHash {
    /// 64-bit FNV-1a over UTF-8 bytes.
    public static func fnv1a(_ s: String, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// 128-bit hex digest (two independent FNV-1a lanes): collision odds are negligible at dataset scale.
    public static func hex128(_ s: String) -> String {
        let a = fnv1a(s), b = fnv1a(s, seed: 0x84222325_cbf29ce4)
        return hex(a) + hex(b)
    }

    /// A uniform value in [0, 1) for `key` under `seed`, for stable bucket assignment.
    public static func unit(_ key: String, seed: UInt64 = 0) -> Double {
        var h = fnv1a(key, seed: 0xcbf2_9ce4_8422_2325 ^ (seed &* 0x9E37_79B9_7F4A_7C15))
        h ^= h >> 33; h = h &* 0xff51afd7ed558ccd; h ^= h >> 33  // finalizer: spread FNV's weak low bits
        return Double(h >> 11) / Double(1 << 53)
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// Collapses whitespace runs so formatting-only differences hash alike.
    public static func normalizedCode(_ code: String) -> String {
        var out = ""
        out.reserveCapacity(code.utf8.count)
        var pendingSpace = false
        for ch in code.unicodeScalars {
            if ch.properties.isWhitespace { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.unicodeScalars.append(" "); pendingSpace = false }
            out.unicodeScalars.append(ch)
        }
        return out
    }

    /// The pair's dedup key: normalized vulnerable and fixed code together.
    public static func pairHash(vulnerable: String, fixed: String) -> String {
        hex128(normalizedCode(vulnerable) + "\u{0}" + normalizedCode(fixed))
    }
}
