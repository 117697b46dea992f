// swift-tools-version: 6.1
// libFuzzer targets over the VT parser and terminal, the wire format's decoder, and the server's
// session machine. Kept out of the main package because they only link with -sanitize=fuzzer
// (libFuzzer supplies main). See docs/fuzzing.md; in short, from here:
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing
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
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "EmulatorFuzzer",
            dependencies: ["FuzzDriver", .product(name: "MuxTerminal", package: root)]
        ),
        .executableTarget(
            name: "FrameFuzzer",
            dependencies: ["FuzzDriver", .product(name: "MuxProtocol", package: root)]
        ),
        .executableTarget(
            name: "SessionMachineFuzzer",
            dependencies: ["FuzzDriver", .product(name: "MuxServer", package: root)]
        ),
    ],
    swiftLanguageModes: [.v6]
)
