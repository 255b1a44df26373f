// Per-family chat templates reproduce the models' own Jinja templates (rendered by dev/chat_template_reference.py).
import Foundation
import Testing
@testable import ModelIO

@Test func chatTemplatesMatchTheModelsJinjaOutput() throws {
    let ref = try #require(try Fixtures.json("chat-template-reference.json") as? [String: [[String: Any]]])
    let families = ["smollm2": "smollm2", "qwen2.5-coder-0.5b": "qwen2.5"]
    for (alias, cases) in ref.sorted(by: { $0.key < $1.key }) {
        let t = try #require(ChatTemplate.named(families[alias]!))
        for c in cases {
            let msgs = (c["messages"] as! [[String: String]]).map { ChatMessage(role: $0["role"]!, content: $0["content"]!) }
            #expect(t.render(msgs) == c["prompt"] as? String, "\(alias): \(msgs.map(\.content))")
        }
    }
}

@Test func detectsTemplateFamiliesFromGGUFMetadata() throws {
    #expect(ChatTemplate.all.map(\.name) == ["qwen2.5", "smollm2", "chatml", "llama3"])
    #expect(ChatTemplate.detect("{{ '<|im_start|>' + message['role'] }}")?.name == "chatml")
    #expect(ChatTemplate.detect("<|start_header_id|>")?.name == "llama3")
    #expect(ChatTemplate.detect("{{ messages }}") == nil)
    for (alias, family) in [("smollm2", "smollm2"), ("qwen2.5-coder-0.5b", "qwen2.5")] {
        guard let p = Fixtures.model(alias) else { continue }
        let g = try GGUFFile(path: p)
        #expect(ChatTemplate.detect(g.metadata["tokenizer.chat_template"]?.asString)?.name == family)
    }
    let l3 = try #require(ChatTemplate.named("llama3"))
    #expect(l3.render([ChatMessage(role: "user", content: "hi")]) ==
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
}
