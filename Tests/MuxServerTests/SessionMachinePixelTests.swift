// Whose pixel sizes a program is told (XTWINOPS 14, 15, 16, 19 and the PTY's ws_xpixel and
// ws_ypixel): the lease holder's terminal's, following the lease; zero while it is unknown.

import MuxProtocol
import Testing

@testable import MuxServer

private typealias Pixels = SessionMachine.PixelSize
private typealias Geometry = SessionMachine.PixelGeometry

private func attaching(
    _ client: String, holder: Bool, columns: UInt16 = 80, rows: UInt16 = 24, pixels: Pixels
) -> SessionMachine.Event {
    .attach(
        .init(
            client: client, mayHold: true, asHolder: holder, lossless: false, columns: columns, rows: rows,
            pixels: pixels, history: 0, since: nil))
}

private func geometries(_ actions: [Action]) -> [Geometry] {
    actions.compactMap { if case .setPixelGeometry(let geometry) = $0 { geometry } else { nil } }
}

@Suite struct SessionMachinePixelTests {
    @Test func theHoldersCellSizeIsItsPixelsOverItsCells() {
        let geometry = Geometry(columns: 80, rows: 24, pixels: Pixels(width: 800, height: 480))
        #expect(geometry.cellWidth == 10 && geometry.cellHeight == 20)
        #expect(geometry.screenWidth == 800 && geometry.screenHeight == 480)
        #expect(Geometry(columns: 80, rows: 24, pixels: Pixels(width: 0, height: 480)) == Geometry())
    }

    @Test func attachingAsHolderTellsTheProgramItsPixelsAndAnObserverDoesNot() {
        var machine = makeSession()
        let held = machine.handle(attaching("main", holder: true, pixels: Pixels(width: 800, height: 480)))
        #expect(geometries(held) == [Geometry(columns: 80, rows: 24, pixels: Pixels(width: 800, height: 480))])
        let watched = machine.handle(attaching("viewer", holder: false, pixels: Pixels(width: 1600, height: 960)))
        #expect(geometries(watched).isEmpty)
        #expect(machine.pixelGeometry.cellWidth == 10)
    }

    @Test func thePixelsFollowTheLeaseAndComeBackWithIt() {
        var machine = makeSession()
        machine.run(attaching("main", holder: true, pixels: Pixels(width: 800, height: 480)))
        machine.run(attaching("big", holder: false, columns: 100, rows: 30, pixels: Pixels(width: 1200, height: 900)))
        let taken = machine.handle(.takeLease("big", requester: "big"))
        #expect(geometries(taken) == [Geometry(columns: 100, rows: 30, pixels: Pixels(width: 1200, height: 900))])
        #expect(machine.pixelGeometry.cellWidth == 12 && machine.pixelGeometry.cellHeight == 30)
        let back = machine.handle(.detach("big", acknowledge: false))
        #expect(geometries(back) == [Geometry(columns: 80, rows: 24, pixels: Pixels(width: 800, height: 480))])
    }

    @Test func aHolderWithoutPixelsMakesThemUnknown() {
        var machine = makeSession()
        machine.run(attaching("main", holder: true, pixels: Pixels(width: 800, height: 480)))
        machine.run(attaching("plain", holder: false, pixels: Pixels()))
        #expect(geometries(machine.handle(.takeLease("plain", requester: "plain"))) == [Geometry()])
    }

    @Test func onlyTheHoldersResizeChangesThePixels() {
        var machine = makeSession()
        machine.run(attaching("main", holder: true, pixels: Pixels(width: 800, height: 480)))
        machine.run(attaching("viewer", holder: false, pixels: Pixels()))
        let refused = machine.handle(
            .resize(
                by: "viewer", columns: 80, rows: 24, force: false, acknowledge: false,
                pixels: Pixels(width: 1600, height: 960)))
        #expect(geometries(refused).isEmpty)
        // A new font: the same cells, new pixels.
        let resized = machine.handle(
            .resize(
                by: "main", columns: 80, rows: 24, force: false, acknowledge: false,
                pixels: Pixels(width: 1200, height: 720)))
        #expect(geometries(resized) == [Geometry(columns: 80, rows: 24, pixels: Pixels(width: 1200, height: 720))])
        #expect(!resized.contains { if case .resizeTerminal = $0 { true } else { false } })
        // RESIZE_SESSION carries no pixels: the holder's terminal still has the ones it said.
        let forced = machine.handle(.resize(by: "main", columns: 40, rows: 12, force: true, acknowledge: true))
        #expect(forced.contains(.resizeTerminal(columns: 40, rows: 12)))
    }
}
