// Shared test helpers: fixture paths, pulled-model lookup, reference JSON.
import Foundation
@testable import ModelIO

enum Fixtures {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!.path
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// A pulled default model, or nil (tests print why they skip; CI pulls them in setup.sh).
    static func model(_ alias: String) -> String? {
        if let p = ModelStore.default.cachedPath(alias) { return p }
        print("SKIP: model \(alias) not pulled (run `srcode model pull \(alias)`)")
        return nil
    }

    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "modelio-test-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}
