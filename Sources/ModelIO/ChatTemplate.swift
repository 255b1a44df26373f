// Chat prompt formatting from per-family template data (no Jinja interpreter).
import Foundation

/// One chat turn.
public struct ChatMessage: Codable, Sendable, Equatable {
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A chat template family loaded from `Resources/chat-templates.json`.
///
/// Models ship Jinja templates; the few families SRCode supports (Qwen2.5, SmolLM2, generic
/// ChatML, Llama-3) only use them to wrap plain text turns, so each is stored as data: a per-message
/// pattern, the default system prompt and the generation prompt. Tool calls and multimodal parts
/// are not supported. ``detect(_:)`` picks the family from a GGUF's `tokenizer.chat_template`.
///
/// ```swift
/// let t = ChatTemplate.detect(gguf.metadata["tokenizer.chat_template"]?.asString) ?? ChatTemplate.named("chatml")!
/// let prompt = t.render([ChatMessage(role: "user", content: "What is the capital of France?")])
/// ```
public struct ChatTemplate: Codable, Sendable {
    public var name: String
    public var match: [String]
    public var prefix: String
    public var defaultSystem: String
    public var message: String
    public var generationPrompt: String
    /// Text that ends the assistant's turn (generation stop strings).
    public var stop: [String]

    enum CodingKeys: String, CodingKey {
        case name, match, prefix, message, stop
        case defaultSystem = "default_system", generationPrompt = "generation_prompt"
    }

    struct File: Codable { var families: [ChatTemplate] }

    /// All bundled families, in matching order.
    public static let all: [ChatTemplate] = {
        guard let url = Bundle.module.url(forResource: "Resources/chat-templates", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let f = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return f.families
    }()

    public static func named(_ name: String) -> ChatTemplate? { all.first { $0.name == name } }

    /// The family whose markers occur in a model's Jinja template, if any.
    public static func detect(_ jinja: String?) -> ChatTemplate? {
        guard let jinja else { return nil }
        return all.first { f in f.match.contains { jinja.contains($0) } }
    }

    /// The prompt text for `messages`, ending with the assistant header when `addGenerationPrompt`.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        var s = prefix
        if !defaultSystem.isEmpty, messages.first?.role != "system" {
            s += turn(ChatMessage(role: "system", content: defaultSystem))
        }
        for m in messages { s += turn(m) }
        if addGenerationPrompt { s += generationPrompt }
        return s
    }

    func turn(_ m: ChatMessage) -> String {
        // Substitute content last so a literal "{role}" inside a message stays literal.
        message.replacingOccurrences(of: "{role}", with: m.role).replacingOccurrences(of: "{content}", with: m.content)
    }
}
