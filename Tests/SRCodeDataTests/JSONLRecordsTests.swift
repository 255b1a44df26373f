// readJSONLRecords: the one bad-line policy of every project JSONL reader.
import Foundation
import SRCodeData
import Testing

private struct Item: Decodable { var id: Int; var name: String }

@Test func jsonlRecordsReportBadLinesAndStopEarly() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("jsonl-records-\(UUID()).jsonl").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let lines = [#"{"id": 1, "name": "a"}"#, "{not json", #"{"id": 2}"#, "   ", #"{"id": "x", "name": "b"}"#,
                 #"{"id": 3, "name": "c"}"#, #"{"id": 4, "name": "d"}"#]
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)

    var seen: [Int] = [], skipped: [DataError] = []
    try readJSONLRecords(Item.self, path: path, what: "an item", skip: { skipped.append($0) }) { item, line in
        if item.id == 3 { throw DataError(file: path, line: line, reason: "item 3 is unusable") }
        seen.append(item.id)
        return true
    }
    #expect(seen == [1, 4])
    #expect(skipped.map(\.line) == [2, 3, 5, 6])
    #expect(skipped[0].description == "\(path):2: not an item: invalid JSON")
    #expect(skipped[1].reason == "not an item: missing field name")
    #expect(skipped[2].reason == "not an item: wrong type at id")
    #expect(skipped[3].reason == "item 3 is unusable")

    // Early stop, strict mode, and a missing file.
    var first: [Int] = []
    try readJSONLRecords(Item.self, path: path, what: "an item", skip: { _ in }) { item, _ in first.append(item.id); return false }
    #expect(first == [1])
    #expect(throws: DataError(file: path, line: 2, reason: "not an item: invalid JSON")) {
        try readJSONLRecords(Item.self, path: path, what: "an item", strict: true, skip: { _ in }) { _, _ in true }
    }
    #expect(throws: DataError.self) {
        try readJSONLRecords(Item.self, path: path + ".missing", what: "an item", skip: { _ in }) { _, _ in true }
    }
}
