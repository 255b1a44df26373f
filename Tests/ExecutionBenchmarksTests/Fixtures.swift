// Fixture paths and the sandbox the scorer tests share.
import Foundation
import Sandbox

enum Fixture {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!.path
    }

    static func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("srcode-exec-test-\(UUID().uuidString.prefix(8))-\(name)").path
    }

    /// The bubblewrap sandbox, or nil with the reason printed (CI installs bubblewrap; see scripts/setup.sh).
    static func sandbox() -> Sandbox? {
        do { return try Sandbox(isolation: .bubblewrap) } catch {
            print("skipping execution test: \(error)")
            return nil
        }
    }
}
