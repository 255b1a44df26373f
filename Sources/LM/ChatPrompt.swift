// ChatPrompt: ChatML rendering for the supported families (Qwen2.5, SmolLM2), picked from the model's Jinja template.
import Foundation

/// Both default models use ChatML (`<|im_start|>role\ncontent<|im_end|>\n`); they differ only in
/// the system prompt their Jinja template inserts when the conversation has none. We do not run
/// Jinja: ``detect(_:)`` recognises the family by its default system text, and the rendering is
/// checked against the Jinja output in GenerationTests (fixture made by dev/chat_reference.py).
///
/// ```swift
/// let text = ChatPrompt.qwen.render([(role: "user", content: "Hi")])
/// ```
public struct ChatPrompt: Sendable, Equatable {
    public var name: String
    /// Inserted as the first turn when the conversation does not start with a system message ("" = none).
    public var defaultSystem: String

    public static let chatml = ChatPrompt(name: "chatml", defaultSystem: "")
    public static let qwen = ChatPrompt(name: "qwen2.5", defaultSystem: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
    public static let smollm = ChatPrompt(name: "smollm2", defaultSystem: "You are a helpful AI assistant named SmolLM, trained by Hugging Face")

    /// The family whose default system prompt appears in `jinja` (a GGUF's `tokenizer.chat_template`).
    public static func detect(_ jinja: String?) -> ChatPrompt {
        guard let jinja else { return .chatml }
        for f in [qwen, smollm] where jinja.contains(f.defaultSystem) { return f }
        return .chatml
    }

    /// The prompt text for `messages`, ending with the assistant header when `addGenerationPrompt`.
    public func render(_ messages: [(role: String, content: String)], addGenerationPrompt: Bool = true) -> String {
        var s = ""
        if !defaultSystem.isEmpty, messages.first?.role != "system" { s += "<|im_start|>system\n\(defaultSystem)<|im_end|>\n" }
        for m in messages { s += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
        if addGenerationPrompt { s += "<|im_start|>assistant\n" }
        return s
    }
}
