// A session's environment from its creator's: other multiplexers' variables dropped, mux's own and
// then `--env` on top.

import MuxServer
import Testing

@Suite struct SessionEnvironmentTests {
    static let mux = ["TERM": "mux-256color", "MUX_SESSION": "w"]

    @Test(arguments: [
        (["FOO=x", "PATH=/bin"], ["FOO=x", "PATH=/bin", "MUX_SESSION=w", "TERM=mux-256color"]),
        (
            ["TMUX=/t,1,0", "TMUX_PANE=%1", "TMUX_TMPDIR=/t", "STY=1.x", "ZELLIJ=0", "ZELLIJ_SESSION_NAME=z", "A=b"],
            ["A=b", "MUX_SESSION=w", "TERM=mux-256color"]
        ),
        (["TERM_PROGRAM=tmux", "TERM_PROGRAM_VERSION=3.4"], ["MUX_SESSION=w", "TERM=mux-256color"]),
        (["TERM_PROGRAM=screen"], ["MUX_SESSION=w", "TERM=mux-256color"]),
        (["TERM_PROGRAM=zellij"], ["MUX_SESSION=w", "TERM=mux-256color"]),
        (
            ["TERM_PROGRAM=vscode", "TERM_PROGRAM_VERSION=1.9"],
            ["TERM_PROGRAM=vscode", "TERM_PROGRAM_VERSION=1.9", "MUX_SESSION=w", "TERM=mux-256color"]
        ),
        (["TERM=xterm-kitty", "MUX_SESSION=outer", "junk", "=x"], ["MUX_SESSION=w", "TERM=mux-256color"]),
    ])
    func creatorsEnvironmentWithoutOtherMultiplexers(creator: [String], expected: [String]) {
        #expect(SessionEnvironment.entries(creator: creator, mux: Self.mux, overrides: []) == expected)
    }

    @Test func envEntriesComeLastAndWin() {
        let entries = SessionEnvironment.entries(
            creator: ["A=1"], mux: Self.mux, overrides: ["A=2", "TERM=dumb", "TMUX=asked-for"])
        #expect(entries == ["MUX_SESSION=w", "A=2", "TERM=dumb", "TMUX=asked-for"])
    }
}
