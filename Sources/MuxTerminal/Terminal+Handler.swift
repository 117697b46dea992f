// The terminal as the parser's handler: each parser action forwards to a named operation. Any
// control or sequence ends what REP may repeat (xterm repeats only a graphic character printed
// just before it).

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
        lastPrinted = 0
        escapeSequence(intermediates: intermediates, final: final)
    }
    public mutating func sequenceEnded(from start: Int, to end: Int) {
        guard repliedInSequence else { return }
        repliedInSequence = false
        answeredQueries.append(start..<end)
    }
}
