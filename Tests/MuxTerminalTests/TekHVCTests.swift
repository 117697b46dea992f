// TekHVC as Xlib's Xcms converts it (TekHVC.c): the expected u′v′Y values are what
// XcmsConvertColors gave under Xvfb (libX11 1.8, default characterization, whose white point is
// u′ 0.188353, v′ 0.446256), converting each TekHVC colour to CIEuvY.

import Testing

@testable import MuxTerminal

@Suite struct TekHVCTests {
    static let xvfbWhite = (u: 0.188353, v: 0.446256)

    @Test(arguments: [
        // H, V, C, and Xcms's u′, v′, Y
        (0.0, 0.0, 0.0, 0.188353, 0.446256, 0.0),
        (0.0, 100.0, 0.0, 0.188353, 0.446256, 1.0),
        (0.0, 50.0, 0.0, 0.188353, 0.446256, 0.184187),
        (0.0, 50.0, 20.0, 0.241423, 0.450997, 0.184187),
        (90.0, 50.0, 20.0, 0.183612, 0.499327, 0.184187),
        (180.0, 60.0, 30.0, 0.122015, 0.440330, 0.281233),
        (270.0, 40.0, 10.0, 0.191316, 0.413087, 0.112510),
        (45.5, 75.25, 15.0, 0.205205, 0.466776, 0.486771),
        (359.0, 5.0, 2.0, 0.241498, 0.450070, 0.005535),
        (0.0, 7.9, 3.0, 0.238736, 0.450757, 0.008746),
        (400.0, 50.0, 20.0, 0.225960, 0.484001, 0.184187),  // the hue goes round
        (-10.0, 50.0, 20.0, 0.241440, 0.441710, 0.184187),
    ])
    func convertsAsXcmsDoes(hue: Double, value: Double, chroma: Double, u: Double, v: Double, y: Double) {
        let result = tekHVCToUVY(
            hue: hue, value: value, chroma: chroma, whiteU: Self.xvfbWhite.u, whiteV: Self.xvfbWhite.v)
        #expect(abs(result.u - u) < 2e-5 && abs(result.v - v) < 2e-5 && abs(result.y - y) < 2e-5, "\(result)")
    }
}
