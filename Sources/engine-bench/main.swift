// engine-bench: times one training step (fwd + bwd + AdamW) of a real model shape; reports tokens/s, GFLOP/s, peak RSS.
//
//   swift build -c release --product engine-bench
//   .build/release/engine-bench --shape smollm2-135m --steps 3
import COpenBLAS
import Foundation
import LM
import Tensor

// MARK: - Options

let shapes: [String: LlamaConfig] = [
    "smollm2-135m": LlamaConfig(modelType: "llama", hiddenSize: 576, numHiddenLayers: 30, numAttentionHeads: 9,
                                numKeyValueHeads: 3, intermediateSize: 1536, vocabSize: 49152, ropeTheta: 100000,
                                tieWordEmbeddings: true),
    "qwen2.5-coder-0.5b": LlamaConfig(modelType: "qwen2", hiddenSize: 896, numHiddenLayers: 24, numAttentionHeads: 14,
                                      numKeyValueHeads: 2, intermediateSize: 4864, vocabSize: 151936, ropeTheta: 1_000_000,
                                      rmsNormEps: 1e-6, tieWordEmbeddings: true, attentionBias: true),
]

var args = CommandLine.arguments.dropFirst()
var shapeName = "smollm2-135m", steps = 3, B = 4, T = 256, layers: Int? = nil
var loraRank: Int? = nil, precision = ComputePrecision.f32
while let a = args.popFirst() {
    switch a {
    case "--shape": shapeName = args.popFirst() ?? shapeName
    case "--steps": steps = Int(args.popFirst() ?? "") ?? steps
    case "--batch": B = Int(args.popFirst() ?? "") ?? B
    case "--seq": T = Int(args.popFirst() ?? "") ?? T
    case "--layers": layers = Int(args.popFirst() ?? "")  // fewer layers, for profiling
    case "--lora": loraRank = Int(args.popFirst() ?? "")  // LoRA on q/k/v/o (the RL recipes' targets), base frozen
    case "--precision": precision = ComputePrecision(rawValue: args.popFirst() ?? "") ?? precision
    default:
        FileHandle.standardError.write("usage: engine-bench [--shape \(shapes.keys.sorted().joined(separator: "|"))] [--steps N] [--batch B] [--seq T] [--lora RANK] [--precision f32|bf16|auto]\n".data(using: .utf8)!)
        exit(2)
    }
}
guard var config = shapes[shapeName] else {
    FileHandle.standardError.write("engine-bench: unknown shape '\(shapeName)'\n".data(using: .utf8)!)
    exit(2)
}

if let layers { config.numHiddenLayers = layers }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
func peakRSSGiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024 / 1024  // KiB on Linux
}

// MARK: - sgemm peak in this run (same threads, same process)

func sgemmPeak() -> Double {
    let (M, N, K) = (1024, 1536, 576 * 2)
    let a = Tensor(zeros: [M, K]), b = Tensor(zeros: [N, K]), c = Tensor(zeros: [M, N])
    for i in 0..<a.count { a.data[i] = Float(i % 7) * 0.1 }
    for i in 0..<b.count { b.data[i] = Float(i % 5) * 0.1 }
    var best = 0.0
    for _ in 0..<5 {
        let t0 = now()
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(M), Int32(N), Int32(K), 1, a.data, Int32(K),
                    b.data, Int32(K), 0, c.data, Int32(N))
        best = max(best, 2.0 * Double(M * N * K) / (now() - t0) / 1e9)
    }
    return best
}

// MARK: - Model FLOPs per step (6·N·matmul params + causal-free attention 12·L·B·H·T²·D; 4·N·params with a
// frozen base: no weight gradients, the LoRA side paths' FLOPs not counted)

func stepFLOPs(_ c: LlamaConfig, B: Int, T: Int, frozenBase: Bool) -> Double {
    let (C, F, V, D, L) = (c.hiddenSize, c.intermediateSize, c.vocabSize, c.resolvedHeadDim, c.numHiddenLayers)
    let perLayer = C * (c.numAttentionHeads + 2 * c.numKeyValueHeads) * D + c.numAttentionHeads * D * C + 3 * C * F
    let matmulParams = Double(L * perLayer + V * C)
    let N = Double(B * T)
    return (frozenBase ? 4 : 6) * N * matmulParams + 12 * Double(L * B * c.numAttentionHeads * T * T * D)
}

// MARK: - Run

Engine.configure(threads: nil)
let peak = sgemmPeak()
var rng = SeededRNG(seed: 0)
let t0 = now()
let model = try LlamaModel(config: config, rng: &rng)
if let loraRank { try model.addLoRA(LoRAConfig(rank: loraRank, alpha: 2 * Float(loraRank), targets: ["q_proj", "k_proj", "v_proj", "o_proj"]), rng: &rng) }
let runs = model.setPrecision(precision)
let session = TrainingSession(model: model, optimizer: AdamWConfig(learningRate: 1e-4, weightDecay: 0.1),
                              schedule: LRSchedule(kind: .constant, peak: 1e-4), maxGradNorm: 1, seed: 0)
let tokens = (0..<(B * (T + 1))).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
var inputs = [Int32](), targets = [Int32]()
for b in 0..<B {
    let row = tokens[(b * (T + 1))..<((b + 1) * (T + 1))]
    inputs += row.dropLast()
    targets += row.dropFirst()
}
let batch = TokenBatch(tokens: inputs, targets: targets, batch: B)
print(String(format: "engine-bench %@: %.1fM params, B=%d T=%d, threads %d, init %.1fs, LoRA %@, %@",
             shapeName, Double(config.parameterCount) / 1e6, B, T, Engine.threads, now() - t0,
             loraRank.map { "r\($0) on q/k/v/o" } ?? "none (full fine-tuning)", precision.summary(runs: runs)))
var times = [Double]()
for s in 0...steps {  // step 0 warms the buffer pool and is not timed
    let t = now()
    let loss = try session.trainStep([batch])
    let dt = now() - t
    if s > 0 { times.append(dt) }
    print(String(format: "  step %d: loss %.4f  %.2fs%@", s, loss, dt, s == 0 ? " (warm-up)" : ""))
}
let median = times.sorted()[times.count / 2]
let tokPerSec = Double(B * T) / median
let gflops = stepFLOPs(config, B: B, T: T, frozenBase: loraRank != nil) / median / 1e9
print(String(format: "RESULT swift precision=%@ shape=%@ tokens_per_s=%.1f step_s=%.3f gflops=%.1f sgemm_peak_gflops=%.1f mfu_of_peak=%.2f peak_rss_gib=%.2f",
             runs.rawValue, shapeName, tokPerSec, median, gflops, peak, gflops / peak, peakRSSGiB()))
