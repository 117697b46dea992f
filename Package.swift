// swift-tools-version: 6.1
// mux: a headless terminal multiplexer. The module graph is one-way; see docs/architecture.md.

import PackageDescription

let package = Package(
    name: "mux",
    products: [
        .executable(name: "mux", targets: ["mux"]),
        .library(name: "MuxTerminal", targets: ["MuxTerminal"]),
        .library(name: "MuxProtocol", targets: ["MuxProtocol"]),
        .library(name: "MuxWorkloads", targets: ["MuxWorkloads"]),
        // For Tests/Fuzz's session-machine target (built with -enable-testing); not an API.
        .library(name: "MuxServer", targets: ["MuxServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // libutf8proc from the system (apt: libutf8proc-dev). No pkgConfig: its .pc file adds a
        // flag SwiftPM rejects with a warning on every build (see docs/architecture.md).
        .systemLibrary(
            name: "CUtf8proc",
            providers: [.apt(["libutf8proc-dev"])]
        ),
        // Character widths and grapheme clusters; the only module that calls utf8proc.
        .target(name: "MuxUnicode", dependencies: ["CUtf8proc"]),
        // JSON string literals, for the emulator's render and the CLI's --json listings alike.
        .target(name: "MuxJSON"),
        // The VT emulator: parser, screen, scrollback, replies. Pure: no I/O.
        .target(name: "MuxTerminal", dependencies: ["MuxUnicode", "MuxJSON"]),
        // Deterministic output streams for benchmarks and stress tests.
        .target(name: "MuxWorkloads"),
        // The wire protocol: frames and messages. Knows nothing of the emulator or server.
        .target(name: "MuxProtocol"),
        // posix_openpt + posix_spawn in C, so nothing but the C library runs in the child; and the
        // few declarations Swift's Glibc hides (pipe2, struct ucred, the window size ioctl).
        .target(name: "CPTYShim"),
        // What the server and the client both need from the system: the Unix socket and its probe,
        // write-all and read-to-the-end, spawning a helper program, threads, pipes, SystemError.
        .target(name: "MuxSystem", dependencies: ["CPTYShim"]),
        .target(name: "MuxPTY", dependencies: ["CPTYShim", "MuxSystem"]),
        // The keeper: the process that holds every program, its PTY master and the listening socket,
        // and supervises the server; and the server's end of their link. See docs/lifecycle.md.
        .target(name: "MuxKeeper", dependencies: ["CPTYShim", "MuxSystem", "MuxPTY", "MuxProtocol"]),
        // The journal: what existed, in SQLite (GRDB), written off the event loop; see docs/journal.md.
        .target(
            name: "MuxJournal",
            dependencies: [
                "MuxSystem", "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // zlib from the system (apt: zlib1g-dev), to compress saved screens.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The server: sessions, connections, the lease, fan-out. NIO event loop; see docs/server.md.
        .target(
            name: "MuxServer",
            dependencies: [
                "MuxTerminal", "MuxProtocol", "MuxPTY", "MuxSystem", "CPTYShim", "MuxJournal", "MuxKeeper",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The client side: a blocking socket, starting the server, the attached terminal with its
        // replica of the session and the diff renderer for windows of another size.
        .target(
            name: "MuxClient",
            dependencies: ["MuxTerminal", "MuxUnicode", "MuxProtocol", "MuxSystem", "MuxJSON", "CPTYShim"]),
        // `mux bench`: the whole path against a raw PTY and tmux.
        .target(
            name: "MuxBench",
            dependencies: ["MuxPTY", "MuxClient", "MuxProtocol", "MuxSystem", "MuxWorkloads", "CPTYShim"]),
        // The command line. Only `mux render` and `mux wait` run the emulator.
        .executableTarget(
            name: "mux",
            dependencies: [
                "MuxTerminal", "MuxServer", "MuxClient", "MuxProtocol", "MuxPTY", "MuxSystem", "MuxJSON", "MuxBench",
                "MuxWorkloads", "MuxJournal", "MuxKeeper",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "MuxUnicodeTests", dependencies: ["MuxUnicode"]),
        .testTarget(
            name: "MuxTerminalTests",
            dependencies: ["MuxTerminal", "MuxUnicode", "MuxWorkloads"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "MuxJSONTests", dependencies: ["MuxJSON"]),
        .testTarget(name: "MuxSystemTests", dependencies: ["MuxSystem"]),
        .testTarget(name: "MuxPTYTests", dependencies: ["MuxPTY", "MuxSystem"]),
        .testTarget(name: "MuxProtocolTests", dependencies: ["MuxProtocol"]),
        .testTarget(name: "MuxJournalTests", dependencies: ["MuxJournal"]),
        .testTarget(name: "MuxKeeperTests", dependencies: ["MuxKeeper", "MuxPTY", "MuxSystem", "CPTYShim", "mux"]),
        .testTarget(
            name: "MuxClientTests",
            dependencies: ["MuxClient", "MuxProtocol", "MuxTerminal", "MuxUnicode", "MuxWorkloads"]),
        .testTarget(
            name: "MuxServerTests",
            dependencies: [
                "MuxServer", "MuxProtocol", "MuxPTY",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "MuxCLITests",
            dependencies: [
                "mux", "CPTYShim", "MuxPTY", "MuxTerminal", "MuxProtocol", "MuxClient", "MuxServer", "MuxSystem",
                "MuxJournal",
            ],
            exclude: ["Help"]  // each command's expected --help (HelpTests)
        ),
    ],
    swiftLanguageModes: [.v6]
)
