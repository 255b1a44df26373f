// swift-tools-version:6.0
// SRCode: teach code language models to write secure code with token-level rewards.
// Targets are layered; dependencies flow one way (see docs/ARCHITECTURE.md):
//   SRCodeData → (SecurityOracle, Vul2Safe) ; (COpenBLAS, CBF16) → Tensor → LM → Trainer ; srcode on top.
//   CQuantKernels → ModelIO → LM (quantized inference).
import PackageDescription

let package = Package(
    name: "SRCode",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "srcode", targets: ["srcode"]),
        .library(name: "SRCodeData", targets: ["SRCodeData"]),
        .library(name: "SecurityOracle", targets: ["SecurityOracle"]),
        .library(name: "Rewards", targets: ["Rewards"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "LM", targets: ["LM"]),
        .library(name: "ModelIO", targets: ["ModelIO"]),
        .library(name: "Vul2Safe", targets: ["Vul2Safe"]),
        .library(name: "SRCodeServer", targets: ["SRCodeServer"]),
        .library(name: "RewardServer", targets: ["RewardServer"]),
        .library(name: "Charts", targets: ["Charts"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Sandbox", targets: ["Sandbox"]),
        .library(name: "ExecutionBenchmarks", targets: ["ExecutionBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // SHA-256 for model files and content addressing; already in the graph under the HTTP stack.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // MARK: - Data: normalized vulnerability-fix pairs, streamed from real datasets.
        .target(name: "SRCodeData"),
        .testTarget(name: "SRCodeDataTests", dependencies: ["SRCodeData"], resources: [.copy("Fixtures")]),

        // MARK: - Security oracle: span-precise CWE findings for C/C++ (no tensor dependency).
        // Built-in analyzer rules and C-API facts ship as JSON resources; fixtures are C files, so they are copied.
        // External-tool data (prelude headers, tool→CWE map, the local semgrep pack) is copied as a folder.
        .target(
            name: "SecurityOracle", dependencies: ["SRCodeData", "Sandbox"],
            resources: [.process("Resources/rules.json"), .process("Resources/api-facts.json"), .copy("Resources/external")]
        ),
        .testTarget(
            name: "SecurityOracleTests", dependencies: ["SecurityOracle"], exclude: ["ExternalFixtures"],
            resources: [.copy("Fixtures")]
        ),
        // Throughput and V/F/D of the built-in analyzer on the dataset pairs (a benchmark, not a test).
        .executableTarget(name: "oracle-bench", dependencies: ["SecurityOracle"], path: "benchmarks/oracle-bench"),
        // External analyzers and the ensemble on the same pairs.
        .executableTarget(name: "oracle-ensemble-bench", dependencies: ["SecurityOracle"], path: "Sources/oracle-ensemble-bench"),

        // MARK: - Training engine: system BLAS → tensors + tape autodiff → Llama-family model + AdamW.
        // Raw-pointer kernels run in Swift 5 mode: their parallel-for closures share disjoint buffer rows,
        // which strict Sendable checking cannot express.
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]
        ),
        // CBF16: bf16 GEMMs (Float32 accumulation) against frozen weights through oneDNN, loaded at run time;
        // builds without oneDNN (then every GEMM stays on sgemm).
        .target(name: "CBF16", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CBF16"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .target(name: "LM", dependencies: ["Tensor", "ModelIO", "COpenBLAS", "CQuantKernels"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "COpenBLAS", "CBF16"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(
            name: "LMTests", dependencies: ["LM", "Tensor"], resources: [.copy("Fixtures")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        // Benchmarks are opt-in and live outside Tests/: one training step of a real model shape.
        .executableTarget(
            name: "engine-bench", dependencies: ["LM", "Tensor"], swiftSettings: [.swiftLanguageMode(.v5)]
        ),

        // MARK: - Model I/O: GGUF/safetensors readers, quantized kernels, BPE tokenizer, model fetching
        // (no tensor dependency: the LM target builds models on top of it).
        // CQuantKernels: C dot kernels (quantized weights × Q8 activations), AVX2 chosen at run time.
        .target(name: "CQuantKernels"),
        .target(name: "ModelIO", dependencies: ["CQuantKernels", .product(name: "Crypto", package: "swift-crypto")], resources: [.copy("Resources")]),
        .testTarget(name: "ModelIOTests", dependencies: ["ModelIO"], resources: [.copy("Fixtures")]),
        // Hugging Face hub downloads (HTTP stack kept out of ModelIO).
        .target(name: "ModelHub", dependencies: [
            "ModelIO", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "ModelHubTests", dependencies: [
            "ModelHub",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .executableTarget(name: "modelio-bench", dependencies: ["ModelIO"], path: "Sources/ModelIOBench"),

        // MARK: - Token-level rewards: oracle spans + repair patterns + judge + outcome, per response token.
        // No tensor dependency, so the verl reward server can run it alone.
        .target(name: "Rewards", dependencies: ["SecurityOracle", "SRCodeData"]),
        .testTarget(name: "RewardsTests", dependencies: ["Rewards"]),
        // The reward over HTTP for distributed trainers (verl, OpenRLHF): `srcode reward serve`.
        // ModelIO only in the tests: alignment is checked with the default models' real tokenizers.
        .target(
            name: "RewardServer",
            dependencies: ["Rewards", "SecurityOracle", "SRCodeData", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(name: "RewardServerTests", dependencies: ["RewardServer", "Rewards", "SecurityOracle", "ModelIO"]),

        // MARK: - Trainer: SFT and PPO/GRPO with token-level rewards, on the engine.
        // Recipes are YAML (Yams); metrics are JSONL with SVG curves.
        .target(
            name: "Trainer",
            dependencies: ["LM", "ModelIO", "Tensor", "Rewards", "SRCodeData", "Charts", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "TrainerTests", dependencies: ["Trainer", "LM", "Tensor", "ModelIO", "Rewards", "SRCodeData"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),

        // MARK: - Charts: dependency-free SVG line and grouped-bar charts (training curves, model comparisons).
        .target(name: "Charts"),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),

        // MARK: - Evaluation: `srcode eval secure`: sample held-out PrimeVul+ prompts, scan, compile-check, report.
        .target(
            name: "Evaluation", dependencies: ["LM", "ModelIO", "SecurityOracle", "Rewards", "SRCodeData", "Charts", "Tensor", "ExecutionBenchmarks"],
            resources: [.process("Resources/benchmarks.json"), .process("Resources/exec_prompts.json"), .copy("Resources/icd_judge.py")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "EvaluationTests", dependencies: ["Evaluation", "Charts", "SecurityOracle", "ModelIO", "ExecutionBenchmarks", "Sandbox",
                                                    "Vul2SafeTesting"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),

        // MARK: - Execution benchmarks: run generated code in a bubblewrap sandbox (Foundation only), score
        // HumanEval, HumanEval-Pro/MBPP-Pro-style and CWEval-style tasks with pass@k (no tensor dependency).
        .target(name: "Sandbox"),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox"]),
        .target(name: "ExecutionBenchmarks", dependencies: ["Sandbox", "SRCodeData"]),
        .testTarget(name: "ExecutionBenchmarksTests", dependencies: ["ExecutionBenchmarks", "Sandbox", "SRCodeData"],
                    resources: [.copy("Fixtures")]),

        // MARK: - Vul2Safe: teacher self-reflection + objective gates + implicit prompts → PrimeVul+ records.
        .target(
            name: "Vul2Safe",
            dependencies: [
                "SRCodeData",
                "SecurityOracle",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "Vul2SafeTesting",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Vul2SafeTesting",
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(name: "Vul2SafeTests", dependencies: ["Vul2Safe", "Vul2SafeTesting", "SRCodeData"]),
        // MARK: - Generation and serving: GGUF/safetensors → quantized inference model → sampler → OpenAI-style HTTP.
        // Generation itself lives in LM (Generator, Sampler, InferenceModel); the server is its own layer on top.
        .target(
            name: "SRCodeServer",
            dependencies: ["LM", "ModelIO", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "GenerationTests", dependencies: ["LM", "ModelIO", "SRCodeServer"], resources: [.copy("Fixtures")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "generation-bench", dependencies: ["LM", "ModelIO", "Tensor"], swiftSettings: [.swiftLanguageMode(.v5)]
        ),

        // MARK: - CLI: thin; parse, call the library, print.
        .executableTarget(
            name: "srcode",
            dependencies: [
                "SRCodeData",
                "SecurityOracle",
                "ModelIO",
                "ModelHub",
                "Vul2Safe",
                "LM",
                "Tensor",
                "SRCodeServer",
                "RewardServer",
                "Trainer",
                "Evaluation",
                "ExecutionBenchmarks",
                "Charts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
