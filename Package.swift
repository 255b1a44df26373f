// swift-tools-version:6.0
// SRCode: teach code language models to write secure code with token-level rewards.
// Targets are layered; dependencies flow one way (see docs/ARCHITECTURE.md):
//   SRCodeData → (SecurityOracle, Vul2Safe) ; COpenBLAS → Tensor → LM → Trainer ; srcode on top.
import PackageDescription

let package = Package(
    name: "SRCode",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "srcode", targets: ["srcode"]),
        .library(name: "SRCodeData", targets: ["SRCodeData"]),
        .library(name: "SecurityOracle", targets: ["SecurityOracle"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "LM", targets: ["LM"]),

        .library(name: "ModelIO", targets: ["ModelIO"]),
        .library(name: "SRCodeServer", targets: ["SRCodeServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // MARK: - Data: normalized vulnerability-fix pairs, streamed from real datasets.
        .target(name: "SRCodeData"),
        .testTarget(name: "SRCodeDataTests", dependencies: ["SRCodeData"], resources: [.copy("Fixtures")]),

        // MARK: - Security oracle: span-precise CWE findings for C/C++ (no tensor dependency).
        .target(name: "SecurityOracle", dependencies: ["SRCodeData"]),
        .testTarget(name: "SecurityOracleTests", dependencies: ["SecurityOracle"]),

        // MARK: - Training engine: system BLAS → tensors + tape autodiff → Llama-family model + AdamW.
        // Raw-pointer kernels run in Swift 5 mode: their parallel-for closures share disjoint buffer rows,
        // which strict Sendable checking cannot express.
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Tensor", dependencies: ["COpenBLAS"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .target(name: "LM", dependencies: ["Tensor", "ModelIO"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"], swiftSettings: [.swiftLanguageMode(.v5)]),
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
        .target(name: "ModelIO", resources: [.copy("Resources")]),
        .testTarget(name: "ModelIOTests", dependencies: ["ModelIO"], resources: [.copy("Fixtures")]),
        .executableTarget(name: "modelio-bench", dependencies: ["ModelIO"], path: "Sources/ModelIOBench"),

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
            name: "generation-bench", dependencies: ["LM", "ModelIO"], swiftSettings: [.swiftLanguageMode(.v5)]
        ),

        // MARK: - CLI: thin; parse, call the library, print.
        .executableTarget(
            name: "srcode",
            dependencies: [
                "SRCodeData",
                "SecurityOracle",
                "ModelIO",
                "LM",
                "SRCodeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
