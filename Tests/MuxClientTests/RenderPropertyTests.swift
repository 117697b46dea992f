// Property tests: random output streams, random session and window sizes; after every frame the
// window shows exactly the view. And the cost of a redraw in bytes per changed cell.

import MuxClient
import MuxTerminal
import MuxWorkloads
import Testing

@Suite struct RenderPropertyTests {
    @Test(arguments: 0..<40)
    func everyFrameShowsTheView(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) &* 0x9e37_79b9)
        let columns = 5 + random.next(below: 60)
        let rows = 2 + random.next(below: 20)
        var view = RenderedView(
            session: columns, rows, window: 4 + random.next(below: 70), 2 + random.next(below: 25))
        var stream = RandomStream(seed: UInt64(seed))
        for step in 0..<30 {
            view.feed(stream.bytes(length: 1 + random.next(below: 300)))
            _ = view.session.takeEffects()
            view.frame()
            let differences = view.differences
            #expect(differences == [], "seed \(seed) step \(step)")
            if !differences.isEmpty { return }
            if step == 15 {
                // The window is resized: the terminal keeps what it had, the renderer draws it all.
                let windowColumns = 4 + random.next(below: 70)
                let windowRows = 2 + random.next(below: 25)
                view.window.resize(columns: windowColumns, rows: windowRows)
                view.renderer.resize(columns: windowColumns, rows: windowRows)
            }
        }
    }

    @Test func bytesPerChangedCellOnRedrawWorkloads() {
        for workload in [Workload.redraw, .scrollRegion, .sgr, .cjk, .progress] {
            var view = RenderedView(session: 80, 24, window: 70, 20)
            let bytes = workload.generate(size: 200_000, seed: 3)
            var changed = 0
            var previous = view.window.terminal
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + 2_000, bytes.count)
                view.feed(Array(bytes[offset..<end]))
                offset = end
                view.frame()
                let now = view.window.terminal
                for y in 0..<now.rows {
                    for x in 0..<now.columns where now.screen.rows[y].cells[x] != previous.screen.rows[y].cells[x] {
                        changed += 1
                    }
                }
                previous = now
            }
            let perCell = Double(view.written) / Double(max(changed, 1))
            print(
                "renderer \(workload.rawValue): \(view.written) bytes for \(changed) changed cells: \(perCell) bytes/cell"
            )
            #expect(view.differences == [])
            #expect(perCell < 12, "\(workload.rawValue): \(perCell) bytes per changed cell")
        }
    }
}
