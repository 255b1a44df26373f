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
        .library(name: "Vul2Safe", targets: ["Vul2Safe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        // MARK: - Data: normalized vulnerability-fix pairs, streamed from real datasets.
        .target(name: "SRCodeData"),
        .testTarget(name: "SRCodeDataTests", dependencies: ["SRCodeData"], resources: [.copy("Fixtures")]),

        // MARK: - Security oracle: span-precise CWE findings for C/C++ (no tensor dependency).
        .target(name: "SecurityOracle", dependencies: ["SRCodeData"]),
        .testTarget(name: "SecurityOracleTests", dependencies: ["SecurityOracle"]),

        // MARK: - Vul2Safe: teacher self-reflection + objective gates + implicit prompts → PrimeVul+ records.
        .target(
            name: "Vul2Safe",
            dependencies: [
                "SRCodeData",
                "SecurityOracle",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
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

        // MARK: - CLI: thin; parse, call the library, print.
        .executableTarget(
            name: "srcode",
            dependencies: [
                "SRCodeData",
                "SecurityOracle",
                "Vul2Safe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
