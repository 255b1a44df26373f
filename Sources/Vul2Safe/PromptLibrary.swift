// Loads the teacher prompt templates (Resources/prompts/*.md) and fills their {{placeholders}}.
import Foundation

/// Prompt templates are data: edit the `.md` files (or point `--prompts` at a copy) to change what
/// the teacher is asked, without touching Swift. Rendering is strict: a placeholder without a value
/// is an error, so a renamed field cannot silently ship an empty prompt.
public struct PromptLibrary: Sendable {
    public let templates: [String: String]

    public static let required = ["system", "analyze", "repair", "reflect", "implicit-prompts"]
    /// Templates loaded when present: a `--prompts` copy made before they existed still works, and
    /// only the option that uses one (`--prompt-style short-task`) fails without it.
    public static let optional = ["short-task-prompts"]

    /// Loads from `directory`, or the bundled templates when `nil`.
    public init(directory: String? = nil) throws {
        var t: [String: String] = [:]
        for name in Self.required {
            let text: String?
            if let directory { text = try? String(contentsOfFile: "\(directory)/\(name).md", encoding: .utf8) }
            else { text = Self.resourceText("prompts/\(name).md") }
            guard let text else { throw DataErrorLike("prompt template \(name).md not found in \(directory ?? "bundle")") }
            t[name] = text
        }
        for name in Self.optional {
            let text = directory.flatMap { try? String(contentsOfFile: "\($0)/\(name).md", encoding: .utf8) }
                ?? Self.resourceText("prompts/\(name).md")
            if let text { t[name] = text }
        }
        templates = t
    }

    /// `template` with every `{{key}}` replaced.
    public func render(_ name: String, _ values: [String: String]) throws -> String {
        guard let template = templates[name] else { throw DataErrorLike("no prompt template \(name)") }
        return try Self.fill(template, values, name: name)
    }

    static func fill(_ template: String, _ values: [String: String], name: String) throws -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { out += rest[open.lowerBound...]; return out }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[key] else { throw DataErrorLike("template \(name): no value for {{\(key)}}") }
            out += value
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// A bundled resource file's text (`Resources/<relative>`).
    public static func resourceText(_ relative: String) -> String? {
        // `.copy("Resources")` keeps the folder name inside the bundle; Foundation's `resourceURL`
        // differs across platforms, so try the bundle root first, then the resource URL.
        for base in [Bundle.module.bundleURL, Bundle.module.resourceURL].compactMap({ $0 }) {
            if let text = try? String(contentsOf: base.appendingPathComponent("Resources/\(relative)"), encoding: .utf8) { return text }
        }
        return nil
    }
}
