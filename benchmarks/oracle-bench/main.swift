// oracle-bench: throughput and V/F/D of the built-in analyzer on vulnerability-fix pairs (not a test).
//
// Usage: oracle-bench [--data ../shared/data] [--rules] [--pairs DIR] [--cyberseceval FILE]
//   Reads sven/train/*.jsonl (func_src_before/after, C/C++ files only) and primevul-sample/pairs_dev.jsonl
//   (func_before/after). Prints throughput, V/F/D per CWE and overall (any finding, and high/medium findings only:
//   what the reward calls vulnerable), span hit rate, and (--rules) per-rule counts.
//   --pairs DIR: instead, flawed/fixed pairs written as files `<name>.bad.c` / `<name>.good.c` (Juliet style; the
//   CWE is the name's `CWE-<n>` prefix).
//   --ensemble (with --pairs, optionally --timeout S): V/F/D and seconds per sample for builtin, clang, gcc alone
//   and for the rollout ensemble (RewardOracle), high/medium findings.
//   --cyberseceval FILE: the share of `origin_code` snippets (a JSON array of CyberSecEval rows) with a finding,
//                        by language and by the row's CWE family (families with at least 3 rows);
//   figures only, no per-snippet output, because those snippets are evaluation data that rules must not be fit to.
import Foundation
import SecurityOracle

struct Pair { var dataset: String; var cwe: String; var before: String; var after: String }

// MARK: - Loading

func loadPairs(_ root: String) -> [Pair] {
    var out: [Pair] = []
    let fm = FileManager.default
    let sven = root + "/sven/train"
    for f in ((try? fm.contentsOfDirectory(atPath: sven)) ?? []).sorted() where f.hasSuffix(".jsonl") {
        for obj in jsonLines(sven + "/" + f) {
            let file = (obj["file_name"] as? String ?? "").lowercased()
            guard [".c", ".h", ".cc", ".cpp", ".cxx", ".hpp"].contains(where: { file.hasSuffix($0) }),
                  let b = obj["func_src_before"] as? String, let a = obj["func_src_after"] as? String else { continue }
            let cwe = (obj["vul_type"] as? String ?? "").uppercased().replacingOccurrences(of: "CWE-0", with: "CWE-")
            out.append(Pair(dataset: "sven", cwe: cwe, before: b, after: a))
        }
    }
    for obj in jsonLines(root + "/primevul-sample/pairs_dev.jsonl") {
        guard let b = obj["func_before"] as? String, let a = obj["func_after"] as? String else { continue }
        let cwe = (obj["cwe"] as? [String])?.first ?? "unknown"
        out.append(Pair(dataset: "primevul", cwe: cwe, before: b, after: a))
    }
    return out
}

func jsonLines(_ path: String) -> [[String: Any]] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return data.split(separator: UInt8(ascii: "\n")).compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
    }
}

// MARK: - Changed lines (LCS over lines)

/// 1-based lines of `before` that the fix deleted or changed; for a pure insertion, the lines around it.
func changedLines(_ before: String, _ after: String) -> Set<Int> {
    let a = before.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    let b = after.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    var pre = 0
    while pre < a.count, pre < b.count, a[pre] == b[pre] { pre += 1 }
    var suf = 0
    while suf < a.count - pre, suf < b.count - pre, a[a.count - 1 - suf] == b[b.count - 1 - suf] { suf += 1 }
    let x = Array(a[pre..<(a.count - suf)]), y = Array(b[pre..<(b.count - suf)])
    var out = Set<Int>()
    if x.count * y.count > 4_000_000 { for i in x.indices { out.insert(pre + i + 1) }; return out }
    var dp = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in stride(from: x.count - 1, through: 0, by: -1) {
        for j in stride(from: y.count - 1, through: 0, by: -1) {
            dp[i][j] = x[i] == y[j] ? dp[i + 1][j + 1] + 1 : max(dp[i + 1][j], dp[i][j + 1])
        }
    }
    var i = 0, j = 0
    while i < x.count || j < y.count {
        if i < x.count, j < y.count, x[i] == y[j] { i += 1; j += 1 }
        else if i < x.count, j == y.count || dp[i + 1][j] >= dp[i][j + 1] { out.insert(pre + i + 1); i += 1 }
        else { out.insert(pre + i); out.insert(pre + i + 1); j += 1 }  // insertion: neighbours on the old side
    }
    return out.filter { $0 >= 1 && $0 <= a.count }
}

// MARK: - Run

let args = CommandLine.arguments
if let path = args.firstIndex(of: "--file").map({ args[$0 + 1] }) {
    // Debug: findings and diagnostics for one file.
    let r = BuiltinAnalyzer().run(bytes: Array(FileManager.default.contents(atPath: path) ?? Data()))
    for f in r.findings { print("\(path):\(f.span.start.line):\(f.span.start.column)-\(f.span.end.line):\(f.span.end.column) \(f.ruleID) \(f.message)") }
    for d in r.diagnostics { print(d.formatted(unit: path)) }
    exit(0)
}
let root = args.firstIndex(of: "--data").map { args[$0 + 1] } ?? "../shared/data"
if let path = args.firstIndex(of: "--cyberseceval").map({ args[$0 + 1] }) {
    guard let data = FileManager.default.contents(atPath: path),
          let rows = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else { print("\(path): not a JSON array"); exit(2) }
    let oracle = BuiltinAnalyzer()
    var n = 0, any = 0, medium = 0
    var byLang: [String: (Int, Int)] = [:]
    var byCWE: [String: (Int, Int)] = [:]
    for r in rows {
        guard let code = r["origin_code"] as? String else { continue }
        let f = oracle.findings(in: code)
        n += 1
        if !f.isEmpty { any += 1 }
        let hit = f.contains { $0.severity >= .medium }
        if hit { medium += 1 }
        let lang = r["language"] as? String ?? "?"
        byLang[lang, default: (0, 0)].0 += 1
        if hit { byLang[lang, default: (0, 0)].1 += 1 }
        let cwe = r["cwe_identifier"] as? String ?? "?"
        byCWE[cwe, default: (0, 0)].0 += 1
        if hit { byCWE[cwe, default: (0, 0)].1 += 1 }
    }
    print(String(format: "cyberseceval origin_code: %d snippets; flagged (any severity) %.3f; flagged (high/medium) %.3f", n,
                 Double(any) / Double(max(1, n)), Double(medium) / Double(max(1, n))))
    for (l, (c, h)) in byLang.sorted(by: { $0.key < $1.key }) { print(String(format: "  %@: %d snippets, high/medium %.3f", l, c, Double(h) / Double(max(1, c)))) }
    // Per CWE family of the row: which families the rules reach at all (a checklist, not a per-snippet view).
    for (w, (c, h)) in byCWE.sorted(by: { ($0.value.0, $1.key) > ($1.value.0, $0.key) }) where c >= 3 {
        print(String(format: "  %@: %d snippets, high/medium %.3f", w, c, Double(h) / Double(max(1, c))))
    }
    exit(0)
}
var pairs: [Pair]
if let dir = args.firstIndex(of: "--pairs").map({ args[$0 + 1] }) {
    pairs = []
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    for f in files where f.hasSuffix(".bad.c") || f.hasSuffix(".bad.cpp") {
        let stem = f.replacingOccurrences(of: ".bad.", with: ".good.")
        guard let b = try? String(contentsOfFile: dir + "/" + f, encoding: .utf8),
              let a = try? String(contentsOfFile: dir + "/" + stem, encoding: .utf8) else { print("\(dir)/\(f): no \(stem), skipped"); continue }
        let cwe = f.split(separator: "-").prefix(2).joined(separator: "-")
        pairs.append(Pair(dataset: "juliet-style", cwe: cwe, before: b, after: a))
    }
} else {
    pairs = loadPairs(root)
}
guard !pairs.isEmpty else { print("no pairs under \(root)"); exit(2) }
let oracle = BuiltinAnalyzer()
_ = oracle.findings(in: "void warm(void) {}")

if args.contains("--ensemble") {
    // Per tool and for the rollout ensemble (RewardOracle): V/F/D on high/medium findings, seconds per sample.
    let timeout = args.firstIndex(of: "--timeout").flatMap { Double(args[$0 + 1]) } ?? 10
    let tools: [(String, any Analyzer)] = [("builtin", oracle), ("clang", ClangAnalyzer(timeout: timeout)), ("gcc", GCCAnalyzer(timeout: timeout))]
    let ens = RewardOracle(mode: .ensemble, timeout: timeout)
    func flagged(_ f: [Finding]) -> Bool { f.contains { $0.severity >= .medium } }
    var rows: [(String, Int, Int, Double)] = []
    for (name, tool) in tools {
        var v = 0, f = 0
        let t0 = Date()
        for (i, p) in pairs.enumerated() {
            let cpp = p.before.contains("::")
            if flagged((try? await tool.analyze(SourceUnit(name: "\(i)b", text: p.before, isCPlusPlus: cpp))) ?? []) { v += 1 }
            if flagged((try? await tool.analyze(SourceUnit(name: "\(i)a", text: p.after, isCPlusPlus: cpp))) ?? []) { f += 1 }
        }
        rows.append((name, v, f, Date().timeIntervalSince(t0) / Double(2 * pairs.count)))
    }
    var v = 0, f = 0, diags = 0
    let t0 = Date()
    for p in pairs {
        let b = await ens.judge(p.before), a = await ens.judge(p.after)
        if flagged(b.findings) { v += 1 }
        if flagged(a.findings) { f += 1 }
        diags += b.diagnostics.count + a.diagnostics.count
    }
    rows.append(("ensemble (builtin ∪ clang ∪ gcc, parallel)", v, f, Date().timeIntervalSince(t0) / Double(2 * pairs.count)))
    print("pairs: \(pairs.count); tool timeout \(timeout) s; ensemble tool diagnostics (failures, timeouts): \(diags)")
    print("\n| tool | V | F | D = V-F | seconds per sample |")
    print("|---|---:|---:|---:|---:|")
    for (name, v, f, s) in rows {
        let n = Double(pairs.count)
        print(String(format: "| %@ | %.3f | %.3f | %+.3f | %.4f |", name, Double(v) / n, Double(f) / n, Double(v - f) / n, s))
    }
    exit(0)
}

let clock = ContinuousClock()
if let r = args.firstIndex(of: "--dump").map({ args[$0 + 1] }) {
    // Print each finding of one rule on the vulnerable side with its source text (for reviewing precision).
    for p in pairs {
        let b = Array(p.before.utf8)
        for f in oracle.run(p.before).findings where f.ruleID.hasSuffix(r) {
            let text = String(decoding: b[f.span.start.offset..<f.span.end.offset], as: UTF8.self)
            print("\(p.dataset) \(p.cwe) L\(f.span.start.line): \(text.prefix(160))  -- \(f.message.suffix(80))")
        }
    }
    exit(0)
}
if let name = args.firstIndex(of: "--arrays").map({ args[$0 + 1] }) {
    // Debug: the array declarations the structure pass found for one array name.
    for p in pairs where p.before.contains(name) {
        let src = CSource(bytes: Array(p.before.utf8))
        for f in src.functions { for d in f.arrayDecls where d.name == name { print(f.name, d, src.sig[d.token].line) } }
    }
    exit(0)
}
if let r = args.firstIndex(of: "--profile").map({ Int(args[$0 + 1]) ?? 5 }) {
    // Analysis only, repeated: for `perf record`.
    for _ in 0..<r { for p in pairs { _ = oracle.run(p.before); _ = oracle.run(p.after) } }
    exit(0)
}
// Anchor: lexing alone over the same texts, measured in the same run.
var t0 = clock.now
var tokens = 0
for p in pairs { for s in [p.before, p.after] { tokens += CLexer.lex(Array(s.utf8)).tokens.count } }
let lexTime = clock.now - t0

/// CPU time of this thread: on a shared, oversubscribed machine wall time mostly measures the neighbours.
func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
let cpu0 = threadCPU()
t0 = clock.now
var results: [(Pair, BuiltinResult, BuiltinResult)] = []
for p in pairs { results.append((p, oracle.run(p.before), oracle.run(p.after))) }
let analyzeTime = clock.now - t0
let analyzeCPU = threadCPU() - cpu0
func secs(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
let nFunctions = pairs.count * 2
print("pairs: \(pairs.count) (sven \(pairs.filter { $0.dataset == "sven" }.count), primevul \(pairs.filter { $0.dataset == "primevul" }.count)); functions analyzed: \(nFunctions)")
print(String(format: "builtin: %.0f functions/s (%.3f s); anchor lexer-only: %.0f functions/s (%.3f s, %d tokens); ratio %.2f",
             Double(nFunctions) / secs(analyzeTime), secs(analyzeTime), Double(nFunctions) / secs(lexTime), secs(lexTime), tokens,
             secs(analyzeTime) / secs(lexTime)))
print(String(format: "builtin (thread CPU time): %.0f functions/s (%.3f s CPU)", Double(nFunctions) / analyzeCPU, analyzeCPU))

if args.contains("--diff") {
    // Debug: pairs whose two sides disagree (high/medium), with the rules on each side (for reviewing discrimination).
    for (p, rb, ra) in results {
        let v = rb.findings.filter { $0.severity >= .medium }, f = ra.findings.filter { $0.severity >= .medium }
        guard v.isEmpty != f.isEmpty else { continue }
        print("\(p.dataset) \(p.cwe) \(v.isEmpty ? "FIXED-ONLY" : "VULN-ONLY"): "
              + (v + f).map { "\($0.ruleID)@\($0.span.start.line)" }.joined(separator: " "))
    }
}
struct Tally { var n = 0, v = 0, f = 0, vm = 0, fm = 0, findingsV = 0, hits = 0 }
var byKey: [String: Tally] = [:]
var ruleV: [String: Int] = [:], ruleF: [String: Int] = [:], ruleHit: [String: Int] = [:]
for (p, rb, ra) in results {
    let changed = changedLines(p.before, p.after)
    let hit = rb.findings.filter { f in (f.span.start.line...f.span.end.line).contains { changed.contains($0) } }
    for key in ["\(p.dataset) ALL", "\(p.dataset) \(p.cwe)", "both ALL"] {
        var t = byKey[key] ?? Tally()
        t.n += 1
        if !rb.findings.isEmpty { t.v += 1 }
        if !ra.findings.isEmpty { t.f += 1 }
        if rb.findings.contains(where: { $0.severity >= .medium }) { t.vm += 1 }
        if ra.findings.contains(where: { $0.severity >= .medium }) { t.fm += 1 }
        t.findingsV += rb.findings.count
        t.hits += hit.count
        byKey[key] = t
    }
    for f in rb.findings { ruleV[f.ruleID, default: 0] += 1 }
    for f in ra.findings { ruleF[f.ruleID, default: 0] += 1 }
    for f in hit { ruleHit[f.ruleID, default: 0] += 1 }
}
print("\n| dataset | CWE | pairs | V | F | D = V-F | V (high/medium) | F (high/medium) | D (high/medium) | span hit rate |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for key in byKey.keys.sorted(by: { a, b in
    let (x, y) = (a.hasSuffix("ALL"), b.hasSuffix("ALL"))
    return a.split(separator: " ")[0] != b.split(separator: " ")[0] ? a < b : (x != y ? !x : a < b)
}) {
    let t = byKey[key]!
    guard t.n >= 5 || key.hasSuffix("ALL") else { continue }
    let parts = key.split(separator: " ")
    let v = Double(t.v) / Double(t.n), f = Double(t.f) / Double(t.n)
    let vm = Double(t.vm) / Double(t.n), fm = Double(t.fm) / Double(t.n)
    print(String(format: "| %@ | %@ | %d | %.3f | %.3f | %+.3f | %.3f | %.3f | %+.3f | %@ |", String(parts[0]), String(parts[1]), t.n, v, f, v - f, vm, fm, vm - fm,
                 t.findingsV == 0 ? "–" : String(format: "%.3f (%d/%d)", Double(t.hits) / Double(t.findingsV), t.hits, t.findingsV)))
}
if args.contains("--rules") {
    print("\n| rule | findings on vulnerable | on fixed | on changed lines |")
    print("|---|---:|---:|---:|")
    for r in Set(ruleV.keys).union(ruleF.keys).sorted() {
        print("| \(r) | \(ruleV[r] ?? 0) | \(ruleF[r] ?? 0) | \(ruleHit[r] ?? 0) |")
    }
}
