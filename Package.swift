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
        .library(name: "ModelIO", targets: ["ModelIO"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        // MARK: - Data: normalized vulnerability-fix pairs, streamed from real datasets.
        .target(name: "SRCodeData"),
        .testTarget(name: "SRCodeDataTests", dependencies: ["SRCodeData"], resources: [.copy("Fixtures")]),

        // MARK: - Security oracle: span-precise CWE findings for C/C++ (no tensor dependency).
        .target(name: "SecurityOracle", dependencies: ["SRCodeData"]),
        .testTarget(name: "SecurityOracleTests", dependencies: ["SecurityOracle"]),

        // MARK: - Model I/O: GGUF/safetensors readers, quantized kernels, BPE tokenizer, model fetching
        // (no tensor dependency: the LM target builds models on top of it).
        .target(name: "ModelIO", resources: [.copy("Resources")]),
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

        // MARK: - CLI: thin; parse, call the library, print.
        .executableTarget(
            name: "srcode",
            dependencies: [
                "SRCodeData",
                "SecurityOracle",
                "ModelIO",
                "ModelHub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
