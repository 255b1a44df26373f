// Recipe: one YAML file names the model, the data, the SFT and RL hyper-parameters, the reward weights and the seed.
import Foundation
import LM
import Rewards
import Tensor
import Yams

/// Everything one training run needs, read from YAML (snake_case keys; every section optional).
///
/// ```yaml
/// model: qwen2.5-coder-0.5b        # alias, GGUF file, or HF directory
/// output: runs/srcode-token        # checkpoints, metrics.jsonl, metrics.svg, final adapter
/// seed: 1
/// init: runs/sft/final.safetensors # optional: start from an earlier run's weights (e.g. SFT → PPO)
/// lora: {rank: 16, alpha: 32, targets: [q_proj, k_proj, v_proj, o_proj]}
/// data: {train: out/primevul_plus.jsonl, split: train, valid_split: valid}
/// sft: {steps: 200, learning_rate: 2.0e-4}
/// ppo: {algorithm: ppo, kl_beta: 0.05}
/// rollout: {steps: 20, prompts_per_step: 4, samples_per_prompt: 2, max_new_tokens: 256}
/// reward: {level: token}
/// precision: auto                 # GEMMs against frozen weights: auto (bf16 where the CPU has it), bf16, f32
/// ```
public struct Recipe: Codable, Sendable {
    /// Model alias (`qwen2.5-coder-0.5b`), GGUF path or HF safetensors directory.
    public var model: String
    /// Run directory.
    public var output: String
    public var seed: UInt64 = 0
    /// Weights (a checkpoint or exported adapter) to start from, e.g. the SFT run's for PPO.
    public var initFrom: String?
    /// Nil: full fine-tuning.
    public var lora: LoRAConfig?
    public var data: DataSection
    public var sft = SFTConfig()
    public var ppo = PPOConfig()
    public var rollout = RolloutConfig()
    public var reward = RewardConfig()
    /// Precision of the GEMMs against frozen weights (a LoRA run's base and LM head). `auto`: bf16 with
    /// Float32 accumulation where the CPU has AVX512-BF16 and oneDNN is installed, else Float32.
    public var precision = ComputePrecision.auto

    /// Where the training examples come from.
    public struct DataSection: Codable, Sendable, Equatable {
        /// PrimeVul+ JSONL (`primevul_plus.jsonl` from `srcode vul2safe build`).
        public var train: String
        /// Records whose `split` equals this train; others are ignored (held-out splits never reach a step).
        public var split = "train"
        /// Split used for the SFT eval loss.
        public var validSplit = "valid"
        /// At most this many records (nil: all).
        public var limit: Int?
        /// Record languages to keep: the oracle and the compile gate judge C and C++.
        public var languages = ["c", "cpp"]
        /// SFT only: chat pairs (`{"prompt", "response"}` JSONL, ``ReplayPair``) trained on beside the records,
        /// the response verbatim: the base model's own answers, against drift.
        public var replay: String?
        /// The share of the training examples that are replay pairs (cycled or cut to fit); nil: each pair once.
        public var replayFraction: Double?

        enum CodingKeys: String, CodingKey {
            case train, split, validSplit = "valid_split", limit, languages, replay, replayFraction = "replay_fraction"
        }

        public init(train: String) { self.train = train }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            train = try c.decode(String.self, forKey: .train)
            split = try c.decodeIfPresent(String.self, forKey: .split) ?? "train"
            validSplit = try c.decodeIfPresent(String.self, forKey: .validSplit) ?? "valid"
            limit = try c.decodeIfPresent(Int.self, forKey: .limit)
            languages = try c.decodeIfPresent([String].self, forKey: .languages) ?? ["c", "cpp"]
            replay = try c.decodeIfPresent(String.self, forKey: .replay)
            replayFraction = try c.decodeIfPresent(Double.self, forKey: .replayFraction)
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, output, seed, initFrom = "init", lora, data, sft, ppo, rollout, reward, precision
    }

    public init(model: String, output: String, data: DataSection) {
        self.model = model
        self.output = output
        self.data = data
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        output = try c.decode(String.self, forKey: .output)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        initFrom = try c.decodeIfPresent(String.self, forKey: .initFrom)
        lora = try c.decodeIfPresent(LoRAConfig.self, forKey: .lora)
        data = try c.decode(DataSection.self, forKey: .data)
        sft = try c.decodeIfPresent(SFTConfig.self, forKey: .sft) ?? SFTConfig()
        ppo = try c.decodeIfPresent(PPOConfig.self, forKey: .ppo) ?? PPOConfig()
        rollout = try c.decodeIfPresent(RolloutConfig.self, forKey: .rollout) ?? RolloutConfig()
        reward = try c.decodeIfPresent(RewardConfig.self, forKey: .reward) ?? RewardConfig()
        precision = try c.decodeIfPresent(ComputePrecision.self, forKey: .precision) ?? .auto
    }

    /// Reads a recipe; relative paths inside it stay relative to the working directory.
    /// Errors name the file, and Yams' line/column or the key path that failed. Keys no field reads are
    /// reported through `warn` (standard error by default), or fail the load when `strict`.
    public static func load(path: String, strict: Bool = false,
                            warn: (String) -> Void = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }) throws -> Recipe {
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw RecipeError(file: path, reason: "cannot read the file")
        }
        let recipe = try parse(text, file: path)
        let unknown = unknownKeys(text, recipe: recipe)
        if strict, let first = unknown.first {
            throw RecipeError(file: path, reason: "line \(first.line): unknown key '\(first.key)'" + (unknown.count > 1 ? " (and \(unknown.count - 1) more)" : ""))
        }
        for u in unknown { warn("\(path):\(u.line): unknown key '\(u.key)' is ignored") }
        return recipe
    }

    /// Keys of the YAML that no field of `recipe` reads, with their lines.
    ///
    /// Why: the decoder skips keys it does not know, so a misspelt `max_new_token` would leave the default in
    /// force without a word. A key counts as known when re-encoding the decoded recipe writes it back, which
    /// holds for every field without a second list of names to keep in step. Keys set to `null` are skipped.
    public static func unknownKeys(_ text: String, recipe: Recipe) -> [(key: String, line: Int)] {
        guard let node = try? Yams.compose(yaml: text), let data = try? JSONEncoder().encode(recipe),
              let known = try? JSONSerialization.jsonObject(with: data) else { return [] }
        var out: [(key: String, line: Int)] = []
        func walk(_ node: Node, _ known: Any?, _ prefix: String) {
            guard let mapping = node.mapping else { return }
            let knownKeys = known as? [String: Any] ?? [:]
            for (k, v) in mapping {
                guard let name = k.string else { continue }
                let path = prefix.isEmpty ? name : prefix + "." + name
                if v.null != nil { continue }
                if let sub = knownKeys[name] { walk(v, sub, path) } else { out.append((path, k.mark?.line ?? 0)) }
            }
        }
        walk(node, known, "")
        return out
    }

    public static func parse(_ text: String, file: String = "<recipe>") throws -> Recipe {
        do {
            return try YAMLDecoder().decode(Recipe.self, from: text)
        } catch let e as YamlError {
            throw RecipeError(file: file, reason: "\(e)")
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw RecipeError(file: file, reason: "missing key '\(path(ctx.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx),
                let DecodingError.dataCorrupted(ctx) {
            throw RecipeError(file: file, reason: "at '\(path(ctx.codingPath))': \(ctx.debugDescription)")
        }
    }

    static func path(_ keys: [CodingKey]) -> String { keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
}

/// A recipe that cannot be used, with the file and the reason.
public struct RecipeError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "\(file): \(reason)" }
}
