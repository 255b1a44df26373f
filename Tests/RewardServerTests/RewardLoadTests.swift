// A bounded load test on loopback: N concurrent clients post batches for a fixed time; p50/p99 and items/s are printed.
import Foundation
import Rewards
import Testing
@testable import RewardServer

/// A response of about 300 byte-level tokens (~1,100 bytes): prose, then a function with a finding.
func loadResponse(_ k: Int) -> String {
    var s = "Here is an implementation of the parser, number \(k). It validates the header first, then copies the name.\n```c\n"
    s += "#include <string.h>\n#include <stdlib.h>\n\nstruct rec { char name[32]; int len; };\n\n"
    s += "int parse_rec(struct rec *r, const char *src, size_t n) {\n    if (r == NULL || src == NULL) return -1;\n"
    for i in 0..<6 { s += "    int field\(i) = (int)src[\(i)] * \(k % 7 + i);\n    if (field\(i) < 0) return -\(i + 2);\n" }
    s += "    strcpy(r->name, src + 8);\n    r->len = (int)strlen(r->name);\n    return r->len;\n}\n```\n"
    return s
}

@Suite(.serialized, .timeLimit(.minutes(3))) struct RewardLoadTests {
    @Test func concurrentClientsForAFixedTime() async throws {
        let clients = 4, seconds = 4.0, batch = 16
        var config = RewardConfig()
        config.checkCompile = false
        let live = try await LiveServer.start(testComposer(config))
        let bodies: [Data] = try (0..<4).map { b in
            let items: [[String: Any]] = (0..<batch).map { i in
                let r = loadResponse(b * batch + i)
                return ["response": r, "offsets": offsetsJSON(hfOffsets(r, tokenBytes: byteChunks(r, 4)))]
            }
            return try JSONSerialization.data(withJSONObject: ["items": items])
        }
        let stop = Date().addingTimeInterval(seconds)
        let t0 = Date()
        let perClient = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for c in 0..<clients {
                group.addTask {
                    var lat: [Double] = [], failures = 0, k = c
                    while Date() < stop {
                        let t = Date()
                        let (s, d) = try await live.request("/v1/rewards", body: bodies[k % bodies.count])
                        lat.append(Date().timeIntervalSince(t))
                        let bad = try s != 200 || decodeResults(d).contains(where: { $0.error != nil })
                        if bad { failures += 1 }
                        k += 1
                    }
                    return (lat, failures)
                }
            }
            var all: [([Double], Int)] = []
            for try await r in group { all.append(r) }
            return all
        }
        let elapsed = Date().timeIntervalSince(t0)
        let lat = perClient.flatMap(\.0).sorted()
        let failures = perClient.reduce(0) { $0 + $1.1 }
        #expect(failures == 0)
        #expect(lat.count >= clients)
        func pct(_ p: Double) -> Double { lat[min(lat.count - 1, Int(Double(lat.count) * p))] * 1000 }
        let items = Double(lat.count * batch)
        print(String(format: "LOAD %d clients × batch %d (~300 tokens each) for %.1f s: %d requests, p50 %.1f ms, p99 %.1f ms, %.0f items/s",
                     clients, batch, elapsed, lat.count, pct(0.5), pct(0.99), items / elapsed))
    }
}
