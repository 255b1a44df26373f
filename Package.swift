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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Data: normalized vulnerability-fix pairs, streamed from real datasets.
        .target(name: "SRCodeData"),
        .testTarget(name: "SRCodeDataTests", dependencies: ["SRCodeData"], resources: [.copy("Fixtures")]),

        // MARK: - Security oracle: span-precise CWE findings for C/C++ (no tensor dependency).
        .target(name: "SecurityOracle", dependencies: ["SRCodeData"], resources: [.copy("Resources/external")]),
        .testTarget(name: "SecurityOracleTests", dependencies: ["SecurityOracle"], exclude: ["ExternalFixtures"]),

        // MARK: - Benchmarks (opt-in executables, never tests): external analyzers and the ensemble on real pairs.
        .executableTarget(name: "oracle-ensemble-bench", dependencies: ["SecurityOracle"], path: "Sources/oracle-ensemble-bench"),

        // MARK: - CLI: thin; parse, call the library, print.
        .executableTarget(
            name: "srcode",
            dependencies: [
                "SRCodeData",
                "SecurityOracle",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
