// OSC 133 semantic prompt marks: the phase, the last command's status, and the phase surviving a
// snapshot (what `mux wait --command-done` relies on when it attaches mid-command).

import MuxTerminal
import Testing

@Suite struct CommandStateTests {
    @Test func marksMoveThroughTheCycle() {
        var emulator = makeTerminal(20, 2, feeding: "⎋]133;A\u{7}$ ")
        #expect(emulator.terminal.commandState.phase == .prompt)
        emulator.feed(esc("⎋]133;B\u{7}"))
        #expect(emulator.terminal.commandState.phase == .input)
        emulator.feed(esc("false\r\n⎋]133;C\u{7}"))
        #expect(emulator.terminal.commandState.phase == .running)
        #expect(emulator.terminal.commandState.lastStatus == nil)
        emulator.feed(esc("⎋]133;D;1⎋\\"))
        #expect(emulator.terminal.commandState.phase == .unknown)
        #expect(emulator.terminal.commandState.lastStatus == 1)
        #expect(emulator.terminal.commandState.finished == 1)
    }

    @Test func finishedWithoutACommandIsNotCounted() {
        // bash's PROMPT_COMMAND sends D before every prompt, also the first and after an empty line.
        let emulator = makeTerminal(20, 2, feeding: "⎋]133;D;0\u{7}⎋]133;A\u{7}$ ⎋]133;B\u{7}⎋]133;D;7\u{7}")
        #expect(emulator.terminal.commandState.finished == 0)
        #expect(emulator.terminal.commandState.lastStatus == nil)
    }

    @Test func statusOptionsAndAMissingStatus() {
        var emulator = makeTerminal(20, 2, feeding: "⎋]133;C\u{7}⎋]133;D;130;aid=4\u{7}")
        #expect(emulator.terminal.commandState.lastStatus == 130)
        emulator.feed(esc("⎋]133;C\u{7}⎋]133;D\u{7}"))
        #expect(emulator.terminal.commandState.lastStatus == nil)
        #expect(emulator.terminal.commandState.finished == 2)
    }

    @Test func marksPrintNothing() {
        let emulator = makeTerminal(20, 2, feeding: "a⎋]133;A\u{7}b⎋]133;D;0⎋\\c")
        assertScreen(emulator, ["abc", ""])
    }

    @Test func resetKeepsTheShellsState() {
        let emulator = makeTerminal(20, 2, feeding: "⎋]133;C\u{7}⎋c")
        #expect(emulator.terminal.commandState.phase == .running)
    }

    @Test(arguments: ["A", "B", "C"]) func phaseSurvivesASnapshot(mark: String) {
        let original = makeTerminal(20, 2, feeding: "⎋]133;\(mark)\u{7}x")
        let copy = replay(original.terminal)
        #expect(copy.terminal.commandState.phase == original.terminal.commandState.phase)
        #expect(copy.terminal.commandState.phase != .unknown)
        #expect(copy.terminal.differences(from: original.terminal) == [])
    }
}
