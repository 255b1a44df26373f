// oracle-ensemble-bench: V, F, D, span hit rate and throughput of each external analyzer and the ensemble
// on the C/C++ pairs of SVEN train and the PrimeVul sample. A benchmark, not a test (see docs/BENCHMARKS.md).
//
// Usage: oracle-ensemble-bench [--sven DIR] [--primevul FILE] [--limit N] [--jobs J] [--tools a,b] [--json OUT]
import Foundation
import SecurityOracle

// MARK: - Arguments

var args = [String: String]()
var it = CommandLine.arguments.dropFirst().makeIterator()
while let a = it.next() { if a.hasPrefix("--") { args[String(a.dropFirst(2))] = it.next() ?? "" } }
let svenDir = args["sven"] ?? "../shared/data/sven/train"
let primevulFile = args["primevul"] ?? "../shared/data/primevul-sample/pairs_dev.jsonl"
let limit = Int(args["limit"] ?? "") ?? Int.max
let jobs = Int(args["jobs"] ?? "") ?? 2
let toolNames = args["tools"].map { $0.split(separator: ",").map(String.init) }
    ?? AnalyzerRegistry.names.filter(AnalyzerRegistry.isAvailable)

/// Every `k`-th pair so that at most `limit` remain: a deterministic, CWE-spread subset.
func subset(_ p: [BenchPair]) -> [BenchPair] {
    guard p.count > limit else { return p }
    let k = Double(p.count) / Double(limit)
    return (0..<limit).map { p[Int(Double($0) * k)] }
}

// MARK: - Metrics

struct Tally {
    var pairs = 0, vulnFlagged = 0, fixedFlagged = 0, vulnFindings = 0, vulnHits = 0
    var units = 0
    var seconds = 0.0
    mutating func add(_ o: Tally) {
        pairs += o.pairs; vulnFlagged += o.vulnFlagged; fixedFlagged += o.fixedFlagged
        vulnFindings += o.vulnFindings; vulnHits += o.vulnHits; units += o.units; seconds += o.seconds
    }
    var v: Double { pairs == 0 ? 0 : Double(vulnFlagged) / Double(pairs) }
    var f: Double { pairs == 0 ? 0 : Double(fixedFlagged) / Double(pairs) }
    var hit: Double { vulnFindings == 0 ? 0 : Double(vulnHits) / Double(vulnFindings) }
}

/// Findings each "tool" column sees on one unit: single tools raw; `ensemble` = merged findings passing the
/// a-priori policy (``Ensemble/counts(_:)``); `union` = every merged finding, for contrast.
func columns(_ r: UnitReport, tools: [String]) -> [String: [SourceSpan]] {
    var out: [String: [SourceSpan]] = [:]
    for t in tools { out[t] = (r.perTool[t] ?? []).map(\.span) }
    out["union"] = r.merged.map(\.finding.span)
    out["ensemble"] = r.merged.filter(Ensemble.counts).map(\.finding.span)
    return out
}

func spanHitsLines(_ s: SourceSpan, _ lines: Set<Int>) -> Bool {
    (s.start.line...max(s.start.line, s.end.line)).contains { lines.contains($0) }
}

let fmt = { (x: Double) in String(format: "%.3f", x) }

// MARK: - Run

let analyzers = toolNames.compactMap(AnalyzerRegistry.make)
let columnNames = toolNames + ["union", "ensemble"]
var json: [String: Any] = [:]
print("tools: \(toolNames.joined(separator: ",")), jobs \(jobs), limit \(limit == Int.max ? "all" : String(limit)) pairs per dataset\n")

for (dataset, pairs) in [("sven", subset(BenchData.sven(dir: svenDir))), ("primevul", subset(BenchData.primevul(file: primevulFile)))] {
    guard !pairs.isEmpty else { print("\(dataset): no data, skipped"); continue }
    var units: [SourceUnit] = []
    for p in pairs {
        units.append(SourceUnit(name: "\(p.id)/vulnerable", text: p.vulnerable, isCPlusPlus: p.cplusplus))
        units.append(SourceUnit(name: "\(p.id)/fixed", text: p.fixed, isCPlusPlus: p.cplusplus))
    }
    let t0 = Date()
    // Chunks only to report progress on stderr (a full run takes long on a shared machine).
    var reports: [UnitReport] = []
    let ensemble = Ensemble(analyzers: analyzers, concurrency: jobs, perUnitTimeout: 120)
    for start in stride(from: 0, to: units.count, by: 60) {
        reports += await ensemble.run(Array(units[start..<min(start + 60, units.count)]))
        FileHandle.standardError.write(Data("\(dataset): \(reports.count)/\(units.count) functions, \(Int(Date().timeIntervalSince(t0))) s\n".utf8))
    }
    let wall = Date().timeIntervalSince(t0)
    var perCWE: [String: [String: Tally]] = [:]
    var parseFailures: [String: Int] = [:]
    for (i, p) in pairs.enumerated() {
        let vr = reports[2 * i], fr = reports[2 * i + 1]
        let vc = columns(vr, tools: toolNames), fc = columns(fr, tools: toolNames)
        for d in vr.diagnostics + fr.diagnostics where d.contains("does not parse") {
            parseFailures[String(d.prefix { $0 != ":" }), default: 0] += 1
        }
        for c in columnNames {
            var t = Tally()
            t.pairs = 1
            t.vulnFlagged = vc[c]!.isEmpty ? 0 : 1
            t.fixedFlagged = fc[c]!.isEmpty ? 0 : 1
            t.vulnFindings = vc[c]!.count
            t.vulnHits = vc[c]!.filter { spanHitsLines($0, p.changed) }.count
            t.units = 2
            t.seconds = c == "union" || c == "ensemble"
                ? toolNames.reduce(0) { $0 + (vr.seconds[$1] ?? 0) + (fr.seconds[$1] ?? 0) }
                : (vr.seconds[c] ?? 0) + (fr.seconds[c] ?? 0)
            perCWE[p.cwe, default: [:]][c, default: Tally()].add(t)
            perCWE["all", default: [:]][c, default: Tally()].add(t)
        }
    }
    print("## \(dataset): \(pairs.count) C/C++ pairs (\(units.count) functions), wall \(Int(wall)) s\n")
    print("| tool | V | F | D | span hit | functions/s |\n|---|---|---|---|---|---|")
    var dsJSON: [String: Any] = [:]
    for c in columnNames {
        let t = perCWE["all"]![c]!
        print("| \(c) | \(fmt(t.v)) | \(fmt(t.f)) | \(fmt(t.v - t.f)) | \(fmt(t.hit)) (\(t.vulnHits)/\(t.vulnFindings)) | \(String(format: "%.2f", Double(t.units) / max(t.seconds, 1e-9))) |")
    }
    let parseNote = toolNames.filter { $0 == "clang" || $0 == "gcc" }.map { "\($0) \(units.count - (parseFailures[$0] ?? 0))/\(units.count)" }
    print("\nparsed with the stub prelude: \(parseNote.joined(separator: ", "))\n")
    print("Per CWE, D = V - F (pairs):\n")
    print("| CWE | pairs | " + columnNames.joined(separator: " | ") + " |")
    print("|---|---|" + columnNames.map { _ in "---" }.joined(separator: "|") + "|")
    for cwe in perCWE.keys.sorted() where cwe != "all" {
        let row = perCWE[cwe]!
        print("| \(cwe) | \(row[columnNames[0]]!.pairs) | " + columnNames.map { fmt(row[$0]!.v - row[$0]!.f) }.joined(separator: " | ") + " |")
    }
    print("")
    for (cwe, row) in perCWE {
        dsJSON[cwe] = Dictionary(uniqueKeysWithValues: row.map { ($0.key, ["pairs": $0.value.pairs, "V": $0.value.v, "F": $0.value.f,
            "D": $0.value.v - $0.value.f, "span_hit": $0.value.hit, "functions_per_s": Double($0.value.units) / max($0.value.seconds, 1e-9)]) })
    }
    json[dataset] = dsJSON
}
if let out = args["json"], let data = try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]) {
    try? data.write(to: URL(fileURLWithPath: out))
}
