// Loads the C/C++ pairs of SVEN (raw JSONL) and the PrimeVul sample for the external-tool benchmark.
import Foundation

/// One benchmark pair: both sides, the pair's CWE, and the vulnerable-side lines the fix touched.
struct BenchPair {
    var id: String
    var cwe: String
    var cplusplus: Bool
    var vulnerable: String
    var fixed: String
    /// 1-based vulnerable-side lines changed by the fix (from a line diff; see ``changedLines``).
    var changed: Set<Int>
}

enum BenchData {
    static let cExtensions: Set<String> = ["c", "h", "cc", "cpp", "cxx", "hpp", "hh"]

    /// SVEN `cwe-*.jsonl`: `func_src_before`/`func_src_after`, `vul_type`, `file_name` (language).
    static func sven(dir: String) -> [BenchPair] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
        var out: [BenchPair] = []
        for f in files {
            for (n, obj) in lines(dir + "/" + f).enumerated() {
                let file = obj["file_name"] as? String ?? ""
                let ext = (file as NSString).pathExtension.lowercased()
                guard cExtensions.contains(ext), let before = obj["func_src_before"] as? String,
                      let after = obj["func_src_after"] as? String, before != after else { continue }
                let cwe = (obj["vul_type"] as? String ?? "").uppercased()
                out.append(BenchPair(id: "sven:\(f):\(n + 1)", cwe: cwe, cplusplus: ext != "c" && ext != "h",
                                     vulnerable: before, fixed: after, changed: changedLines(before, after)))
            }
        }
        return out
    }

    /// PrimeVul sample `pairs_dev.jsonl`: `func_before`/`func_after`, `cwe` list, `lang`.
    static func primevul(file: String) -> [BenchPair] {
        lines(file).compactMap { obj in
            guard let before = obj["func_before"] as? String, let after = obj["func_after"] as? String, before != after else { return nil }
            let lang = (obj["lang"] as? String ?? "C").lowercased()
            guard lang == "c" || lang == "c++" || lang == "cpp" else { return nil }
            let cwe = (obj["cwe"] as? [String])?.first ?? "unknown"
            return BenchPair(id: obj["pair_id"] as? String ?? "?", cwe: cwe, cplusplus: lang != "c",
                             vulnerable: before, fixed: after, changed: changedLines(before, after))
        }
    }

    static func lines(_ path: String) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.split(separator: 0x0A).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    // MARK: - Line diff

    /// Vulnerable-side lines the fix deleted or replaced, by an LCS line diff. A pure insertion has no
    /// deleted line, so the vulnerable lines on either side of the insertion point count as touched:
    /// a missing check is "at" the code it should have guarded.
    static func changedLines(_ a: String, _ b: String) -> Set<Int> {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let y = b.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let n = x.count, m = y.count
        guard n * m <= 16_000_000 else { return Set(1...max(1, n)) }
        // lcs[i][j] = LCS length of x[i...] and y[j...]   (n+1, m+1)
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var changed = Set<Int>()
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, x[i] == y[j] { i += 1; j += 1 }
            else if j < m, i == n || lcs[i][j + 1] >= lcs[i + 1][j] {
                changed.insert(max(1, i)); if i < n { changed.insert(i + 1) }  // insertion point: lines i and i+1
                j += 1
            } else { changed.insert(i + 1); i += 1 }
        }
        return changed
    }
}
