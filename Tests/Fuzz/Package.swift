// swift-tools-version: 6.1
// A libFuzzer target over the VT parser and terminal. Kept out of the main package because it only
// links with -sanitize=fuzzer (libFuzzer supplies main). See docs/fuzzing.md; in short, from here:
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//   .build/release/EmulatorFuzzer -runs=1000000 corpus/

import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which is whatever the clone was called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "MuxFuzz",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "EmulatorFuzzer",
            dependencies: [.product(name: "MuxTerminal", package: root)]
        )
    ],
    swiftLanguageModes: [.v6]
)
