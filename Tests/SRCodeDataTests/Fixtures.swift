// Locates the test fixtures and the optional shared datasets.
import Foundation

enum Fixtures {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path
    static func path(_ name: String) -> String { "\(root)/\(name)" }

    /// `../shared/data` beside the package, when present (tests that use it skip otherwise).
    static let sharedData: String? = {
        var dir = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { dir.deleteLastPathComponent() }
        let p = dir.deletingLastPathComponent().appendingPathComponent("shared/data").path
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }()
}
