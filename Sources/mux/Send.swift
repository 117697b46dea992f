// `mux send`: type into a session from any shell, tmux `send-keys` style: each word is a key when
// it names one, else text, in the order given, all in one SEND request (docs/cli.md, "mux send").
// Deviation from tmux: `--key KEY` is a key wherever it stands, even after `--` (mux's own older
// form, `-- TEXT --key Enter`, keeps working), unless -l.

import ArgumentParser
import MuxClient
import MuxProtocol
import MuxTerminal

struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Type text and keys into a session, in order, as one unit.",
        discussion: """
            Each WORD is a key when it names one, else text typed as it is (no space is added \
            between words; `Space` is a key), as tmux send-keys does: `mux send build 'make test' \
            Enter`. Keys are encoded as the program's current modes require (cursor keys in \
            application mode, for one): Enter, Tab, BTab, Escape, Space, BSpace, Up, Down, Left, \
            Right, Home, End, PageUp, PageDown, Insert, Delete, F1-F12, C-a … C-z and C-@ C-[ C-\\ \
            C-] C-^ C-_ C-Space, M- before any of them, and any single character. `--key KEY` is \
            always a key, wherever it stands (except after `-l --`). With -l every other word is \
            text, key names too. Options go right after NAME; `--` ends them, so words after it \
            may start with '-': `mux send build -- -v Enter` types -v and presses Enter, and \
            `mux send build -- 'clear' --key Enter` types clear and presses Enter; after `-l --` \
            every word is text. Everything goes in one request, written to the terminal as one \
            unit that no other input interleaves with, or refused whole (at most about 1 MiB). A \
            text word of more than one line, or longer than 256 bytes, is a paste: it is \
            bracketed (ESC[200~ … ESC[201~) when the program enabled bracketed paste, so a shell \
            or an editor takes it as pasted text. Input belongs to the lease holder: with a \
            holder attached this is refused (LEASE_REQUIRED) unless --force.
            """
    )

    @OptionGroup var server: ServerOptions

    @Flag(name: [.customShort("l"), .customLong("literal")], help: "Type every word as text, key names too.")
    var literal = false

    @Flag(help: "Type even though another client holds the lease.")
    var force = false

    @Option(name: .customLong("key"), help: "A key to send, by name, where it stands among the words; repeatable.")
    var keys: [String] = []

    @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames)
    var name: String

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Text and key names, in order.", valueName: "word"))
    var words: [String] = []

    func validate() throws {
        let parsed = try SendWords(words, literal: literal)
        guard !parsed.items.isEmpty || !keys.isEmpty else {
            throw ValidationError("nothing to send: give text or key names after the session's name")
        }
    }

    func run() throws {
        let parsed = try SendWords(words, literal: literal)
        var server = server
        if let socket = parsed.socket { server.socket = socket }
        // `--key` before NAME comes first: the parser takes it before the words.
        let items = keys.map(SendItem.key) + parsed.items
        let size = Message.send(session: name, items: items, force: force || parsed.force).frame().payload.count
        guard size <= Frame.maximumPayload else {
            throw ClientError(
                "one send is at most \(Frame.maximumPayload / 1024) KiB; this one is \(size / 1024) KiB "
                    + "(split it into several sends)")
        }
        let connection = try server.connect(start: false)
        try expectDone(try connection.request(.send(session: name, items: items, force: force || parsed.force)))
    }
}

/// The words after `mux send NAME`, read in order into what to type (see `Send`'s help).
struct SendWords {
    var items: [SendItem] = []
    var force = false
    var literal = false
    var socket: String?

    init(_ words: [String], literal: Bool) throws {
        self.literal = literal
        var index = words.startIndex
        var options = true  // still reading options: nothing typed yet, no `--` yet
        var terminated = false
        func value(of option: String, at index: inout Int) throws -> String {
            guard index + 1 < words.count else { throw ValidationError("\(option) needs a value") }
            index += 1
            return words[index]
        }
        while index < words.count {
            let word = words[index]
            defer { index += 1 }
            if terminated && self.literal {
                items.append(.text(word))
                continue
            }
            if word == "--key" {
                items.append(.key(try value(of: word, at: &index)))
                options = false
                continue
            }
            if word.hasPrefix("--key=") {
                items.append(.key(String(word.dropFirst("--key=".count))))
                options = false
                continue
            }
            if !terminated && word == "--" {
                terminated = true
                options = false
                continue
            }
            if options && word.hasPrefix("-") && word.count > 1 {
                switch word {
                case "-h", "--help": throw CleanExit.helpRequest(Send.self)
                case "--force": force = true
                case "-l", "--literal": self.literal = true
                case "--socket": socket = try value(of: word, at: &index)
                case _ where word.hasPrefix("--socket="): socket = String(word.dropFirst("--socket=".count))
                default:
                    throw ValidationError(
                        "unknown option \(word) for send (to type it, put -- before it: `mux send NAME -- \(word)`)")
                }
                continue
            }
            options = false
            if word.isEmpty { continue }
            if !self.literal && Terminal.isKeyName(word) {
                items.append(.key(word))
            } else {
                items.append(.text(word))
            }
        }
    }
}
