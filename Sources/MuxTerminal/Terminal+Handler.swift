// The terminal as the parser's handler: each parser action forwards to a named operation. Any
// control or sequence ends what REP may repeat (xterm repeats only a graphic character printed
// just before it); a sequence ends it once dispatched, so that a query can tell whether it did.

extension Terminal: VTParserHandler {
    public mutating func printASCII(_ bytes: UnsafeBufferPointer<UInt8>) { printASCIIRun(bytes) }
    public mutating func print(_ scalars: UnsafeBufferPointer<Unicode.Scalar>) { printScalars(scalars) }
    public mutating func execute(_ control: UInt8) {
        lastPrinted = 0
        executeControl(control)
    }
    public mutating func csiDispatch(_ sequence: CSISequence) {
        controlSequence(sequence)
        lastPrinted = 0
    }
    public mutating func escDispatch(intermediates: Intermediates, final: UInt8) {
        escapeSequence(intermediates: intermediates, final: final)
        lastPrinted = 0
    }
    public mutating func sequenceEnded(from start: Int, to end: Int) {
        guard repliedInSequence else {
            if !cutReplacement.isEmpty { cutReplacement = [] }
            return
        }
        answeredQueries.append(
            AnsweredQuery(span: start..<end, endsRepeat: cutEndsRepeat, replacement: cutReplacement))
        (repliedInSequence, cutEndsRepeat, cutReplacement) = (false, false, [])
    }
}

/// A sequence to cut from what viewers get, by its span in the bytes of the current feed.
struct AnsweredQuery: Sendable {
    var span: Range<Int>
    /// REP had a character to repeat when the sequence began, and the sequence ended that.
    var endsRepeat: Bool
    /// What viewers get instead: the settings the sequence made besides its queries (`OSC
    /// 4;1;?;2;red` sets entry 2 and asks for entry 1: viewers get `OSC 4;2;red`).
    var replacement: [UInt8]
}
