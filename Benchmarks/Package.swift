// swift-tools-version: 6.1
// mux's benchmarks, kept out of the main package so that `swift build` and `swift test` never
// build the benchmark library. Run from this directory:
//   swift run -c release EmulatorThroughput        # MB/s per workload and scrollback memory
//   swift package --allow-writing-to-package-directory benchmark   # ordo-one micro-benchmarks

import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which is whatever the clone was called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "MuxBenchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(name: "CHeapStats"),
        .executableTarget(
            name: "EmulatorThroughput",
            dependencies: [
                "CHeapStats",
                .product(name: "MuxTerminal", package: root),
                .product(name: "MuxWorkloads", package: root),
            ]
        ),
        .executableTarget(
            name: "EmulatorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MuxTerminal", package: root),
                .product(name: "MuxWorkloads", package: root),
            ],
            path: "Benchmarks/EmulatorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
