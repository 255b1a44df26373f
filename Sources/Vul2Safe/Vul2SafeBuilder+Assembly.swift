// Final assembly: record files → primevul_plus.jsonl / rejected.jsonl in input order, and the summary.
import Foundation
import SRCodeData

extension Vul2SafeBuilder {
    func assemble(pairs: [VulnerabilityPair], inputErrors: [String], meter: TeacherMeter, progress: BuildProgress) async throws -> BuildSummary {
        var accepted = Data(), rejected = Data()
        var records: [PrimeVulPlusRecord] = []
        for pair in pairs {
            guard let data = loadRecordData(pair.id), let rec = try? JSONDecoder().decode(PrimeVulPlusRecord.self, from: data) else {
                throw DataError(file: recordPath(pair.id), line: 0, reason: "record for \(pair.id) missing after the build")
            }
            if rec.status == "accepted" { accepted.append(data); accepted.append(0x0A) } else { rejected.append(data); rejected.append(0x0A) }
            records.append(rec)
        }
        try AtomicFile.write(accepted, to: acceptedPath)
        try AtomicFile.write(rejected, to: rejectedPath)

        let wall = await progress.elapsed()
        let resumed = await progress.resumed
        let snap = await meter.snapshot()
        var summary = Self.summarize(records, input: options.input, inputErrors: inputErrors)
        let processed = pairs.count - resumed
        summary.run = BuildSummary.RunCost(
            resumedRecords: resumed, processedRecords: processed, wallSeconds: (wall * 100).rounded() / 100,
            teacherBusySeconds: (snap.busySeconds * 100).rounded() / 100,
            overheadShare: wall > 0 ? ((wall - snap.busySeconds) / wall * 1000).rounded() / 1000 : 0,
            recordsPerMinute: wall > 0 ? (Double(processed) / wall * 60 * 100).rounded() / 100 : 0,
            teacher: await clientMeter?.snapshot() ?? snap)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try AtomicFile.write(try enc.encode(summary), to: "\(options.outDirectory)/summary.json")
        try AtomicFile.write(Data((summary.text + "\n").utf8), to: "\(options.outDirectory)/summary.txt")
        return summary
    }

    /// Dataset statistics over the records (everything but `run`).
    static func summarize(_ records: [PrimeVulPlusRecord], input: String, inputErrors: [String]) -> BuildSummary {
        var byGate: [String: Int] = [:], teacherByGate: [String: Int] = [:], sources: [String: Int] = [:], splits: [String: Int] = [:]
        var acc = 0, rej = 0, fail = 0, confSum = 0.0
        var prompts: [String] = []
        var leaked = 0, dups = 0, fill = 0
        for r in records {
            switch r.status {
            case "accepted": acc += 1; confSum += r.confidence
            case "failed": fail += 1
            default: rej += 1
            }
            if r.status != "accepted" { for g in r.gates?.failedGates ?? [] { byGate[g, default: 0] += 1 } }
            for g in r.teacherGates?.failedGates ?? [] { teacherByGate[g, default: 0] += 1 }
            sources[r.repairSource, default: 0] += 1
            if r.status == "accepted" { splits[r.split, default: 0] += 1 }
            prompts += r.prompts.map(\.text)
            leaked += r.promptStats?.leaked ?? 0
            dups += r.promptStats?.duplicates ?? 0
            fill += r.promptStats?.offlineFill ?? 0
        }
        // Pairwise similarity is quadratic: measured on the first 400 prompts (deterministic).
        let diversity = NearDuplicate.diversity(prompts, pairwiseLimit: 400)
        return BuildSummary(
            input: input, pairs: records.count, inputErrors: inputErrors, accepted: acc, rejected: rej, failed: fail,
            acceptRate: records.isEmpty ? 0 : (Double(acc) / Double(records.count) * 1000).rounded() / 1000,
            rejectedByGate: byGate, teacherRejectedByGate: teacherByGate, repairSources: sources, splits: splits,
            meanConfidence: acc == 0 ? 0 : (confSum / Double(acc) * 1000).rounded() / 1000,
            prompts: prompts.count, promptsLeaked: leaked, promptsDuplicates: dups, promptsOfflineFill: fill,
            promptDiversity: diversity,
            run: BuildSummary.RunCost(resumedRecords: 0, processedRecords: 0, wallSeconds: 0, teacherBusySeconds: 0,
                                      overheadShare: 0, recordsPerMinute: 0, teacher: nil))
    }
}
