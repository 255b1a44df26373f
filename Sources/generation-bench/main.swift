// generation-bench: prefill and decode speed (batch 1 and 8) and peak RSS of the LM Generator on a GGUF.
// usage: generation-bench <model.gguf|alias> [--prompt-tokens 128] [--decode-tokens 128] [--threads 2]
//        generation-bench <model.gguf|alias> --rollouts 16 --decode-tokens 384 [--precision auto|bf16|f32]
//          [--policy-only]  (RL rollouts: the policy batched, at the given precision (default f32), vs quantized + merged LoRA)
import Foundation
import LM
import ModelIO
import Tensor

func option(_ name: String, _ fallback: Int) -> Int {
    let a = CommandLine.arguments
    guard let i = a.firstIndex(of: name), i + 1 < a.count, let v = Int(a[i + 1]) else { return fallback }
    return v
}

/// Peak resident set (VmHWM) in MiB.
func peakRSSMiB() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

/// CPU seconds (user + system, all threads) used by this process so far.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// CPU seconds of the last ``seconds(_:)`` call: on a shared, loaded machine wall time measures the
/// load as much as the code, while CPU time per token (with 1 thread) does not.
nonisolated(unsafe) var lastCPU = 0.0

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds, c0 = cpuSeconds()
    try body()
    lastCPU = cpuSeconds() - c0
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

let args = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
guard let spec = args.first else { print("usage: generation-bench <model.gguf|alias> [--prompt-tokens N] [--decode-tokens N] [--threads N]"); exit(2) }
let path = ModelStore.default.resolveLocal(spec) ?? spec
let (P, N) = (option("--prompt-tokens", 128), option("--decode-tokens", 128))
QuantizedMatrix.threads = option("--threads", 2)

let gen = try Generator.load(path: path)
let model = gen.model

// Rollout mode (issue 12): R sampled sequences of N tokens from a LoRA policy, through the two engines
// an RL step could sample with: the F32 policy batched (what `srcode train ppo` does) and the quantized
// decoder with the adapter merged into its F32 rows. No stop tokens, so both run all R × N tokens.
let R = option("--rollouts", 0)
if R > 0 {
    let policy = try LlamaModel.load(path: path, seed: 1)
    try policy.addLoRA(LoRAConfig(rank: 8, alpha: 16, targets: ["q_proj", "k_proj", "v_proj", "o_proj"]), seed: 1)
    let a = CommandLine.arguments, i = a.firstIndex(of: "--precision")
    let requested = i.flatMap { $0 + 1 < a.count ? ComputePrecision(rawValue: a[$0 + 1]) : nil } ?? .f32
    let runs = policy.setPrecision(requested)
    let tasks = ["Write a C function that copies a user name into a fixed buffer and prints a greeting.",
                 "Write a C program that reads lines from stdin into a growing array and prints them reversed.",
                 "Write a C function that builds a shell command from a file name and runs it.",
                 "Write a C function that allocates an array of n records and fills it from a file."]
    let prompts = (0..<R).map { gen.encode(gen.chat.render([(role: "user", content: tasks[$0 % tasks.count])])) }
    let params = SamplingParams(temperature: 0.8, maxTokens: N, seed: 3)
    var f32: [GenerationResult] = []
    let tF32 = try seconds { f32 = try policy.generate(prompts: prompts, params: params, stopTokens: [], batchSize: R) }
    var q: [GenerationResult] = []
    var tQ = Double.nan
    if !CommandLine.arguments.contains("--policy-only") {  // else the policy's generation alone (to profile it)
        let adapted = Generator(model: try model.adapted(from: policy), tokenizer: gen.tokenizer, chat: gen.chat)
        adapted.stopTokens = []
        tQ = try seconds { q = try adapted.generate(prompts: prompts, params: params) }
    }
    let (nF, nQ) = (f32.reduce(0) { $0 + $1.tokens.count }, q.reduce(0) { $0 + $1.tokens.count })
    print(String(format: "RESULT rollouts=%d new_tokens=%d f32_batched_s=%.1f (%.1f tok/s, %d tokens) quantized_merged_s=%.1f (%.1f tok/s, %d tokens) ratio=%.2fx peak_rss_mib=%.0f kernels=%@ policy_precision=%@",
                 R, N, tF32, Double(nF) / tF32, nF, tQ, Double(nQ) / tQ, nQ, tF32 / tQ, peakRSSMiB(), "\(QuantKernelISA.resolved)", runs.rawValue))
    exit(0)
}
let text = String(repeating: "int main(void) { char buf[16]; strcpy(buf, argv[1]); return 0; }\n", count: 40)
let prompt = Array(gen.encode(text).prefix(P))

// Prefill: the prompt in chunks (one row per token).
var cache = model.makeCache(sequences: 8, capacity: P + N + 2)
_ = try model.forward(tokens: Array(prompt.prefix(8)), sequence: 0, cache: cache)  // warm-up
cache.reset()
let prefill = try seconds { _ = try model.forward(tokens: prompt, sequence: 0, cache: cache, lastOnly: true) }
let prefillCPU = lastCPU

// Decode, batch 1: one token per step at growing positions (greedy token fed back).
var token: Int32 = prompt.last!
let decode1 = try seconds {
    for _ in 0..<N {
        let l = try model.forward(rows: [.init(sequence: 0, position: cache.length[0], token: token)], logitsFor: [0], cache: cache)
        token = Int32(l.indices.max { l[$0] < l[$1] }!)
    }
}
let decode1CPU = lastCPU

// Decode, batch 8: 8 sequences, each prefilled with the prompt, stepping together.
cache = model.makeCache(sequences: 8, capacity: P + N + 2)
for s in 0..<8 { _ = try model.forward(tokens: prompt, sequence: s, cache: cache, lastOnly: true) }
var tokens = [Int32](repeating: prompt.last!, count: 8)
let decode8 = try seconds {
    for _ in 0..<N {
        let rows = (0..<8).map { InferenceModel.Row(sequence: $0, position: cache.length[$0], token: tokens[$0]) }
        let l = try model.forward(rows: rows, logitsFor: Array(0..<8), cache: cache)
        let V = model.vocabSize
        for s in 0..<8 { let row = l[(s * V)..<((s + 1) * V)]; tokens[s] = Int32(row.indices.max { row[$0] < row[$1] }! - s * V) }
    }
}
let decode8CPU = lastCPU
let name = (path as NSString).lastPathComponent
print(String(format: "srcode %@ threads=%d prefill(%d) %.1f tok/s | decode b1 %.1f tok/s | decode b8 %.1f tok/s (aggregate) | peak RSS %.0f MiB",
             name, QuantizedMatrix.threads, prompt.count, Double(prompt.count) / prefill, Double(N) / decode1,
             Double(8 * N) / decode8, peakRSSMiB()))
print(String(format: "srcode per CPU-second (all threads): prefill %.1f tok | decode b1 %.1f tok | decode b8 %.1f tok | quant kernels %@",
             Double(prompt.count) / prefillCPU, Double(N) / decode1CPU, Double(8 * N) / decode8CPU, "\(QuantKernelISA.resolved)"))
