// `mux send`: type into a session from any shell.

import ArgumentParser
import MuxClient
import MuxProtocol

struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Type text and keys into a session.",
        discussion: """
            Types TEXT, then the --key keys in order. Keys are encoded as the program's current \
            modes require (cursor keys in application mode, for one): Enter, Tab, BTab, Escape, \
            Space, BSpace, Up, Down, Left, Right, Home, End, PageUp, PageDown, Insert, Delete, \
            F1-F12, C-a … C-z and C-@ C-[ C-\\ C-] C-^ C-_ C-Space, and M- before any of them. \
            Input belongs to the lease holder: with a holder attached this is refused \
            (LEASE_REQUIRED) unless --force. Example: `mux send build --key C-c` or \
            `mux send work --key Enter -- 'make test'` (types the text, then Enter).
            """
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session.")
    var name: String

    @Option(name: .customLong("key"), help: "A key to send, by name; repeatable.")
    var keys: [String] = []

    @Flag(help: "Type even though another client holds the lease.")
    var force = false

    @Argument(parsing: .postTerminator, help: "Text to type, after --.")
    var text: [String] = []

    func validate() throws {
        guard !keys.isEmpty || !text.isEmpty else { throw ValidationError("nothing to send: give --key or -- TEXT") }
    }

    func run() throws {
        let connection = try server.connect(start: false)
        // Text in pieces that each fit a frame, then the keys, each piece its own request.
        var requests: [[SendItem]] = []
        var piece = ""
        var pieceBytes = 0
        for scalar in text.joined(separator: " ").unicodeScalars {
            piece.unicodeScalars.append(scalar)
            pieceBytes += UTF8.width(scalar)
            if pieceBytes >= 256 * 1024 {
                requests.append([.text(piece)])
                piece = ""
                pieceBytes = 0
            }
        }
        if !piece.isEmpty { requests.append([.text(piece)]) }
        if !keys.isEmpty { requests.append(keys.map(SendItem.key)) }
        for items in requests {
            try expectDone(try connection.request(.send(session: name, items: items, force: force)))
        }
    }
}
