// Timestamp: the log's UTC form and the listing's local form of the same moment.

import Glibc
import MuxSystem
import Testing

@Suite struct TimestampTests {
    @Test func utcIsISO8601WithAZ() {
        #expect(Timestamp(secondsSince1970: 0).utc == "1970-01-01T00:00:00Z")
        #expect(Timestamp(secondsSince1970: 1_700_000_000).utc == "2023-11-14T22:13:20Z")
        #expect(Timestamp(secondsSince1970: 951_782_400).utc == "2000-02-29T00:00:00Z")
    }

    @Test func localIsInThisMachinesZone() {
        // Two hours east of UTC: the next day already. No other test here reads the local zone.
        setenv("TZ", "EET-2", 1)
        tzset()
        #expect(Timestamp(secondsSince1970: 1_700_000_000).local == "2023-11-15 00:13:20")
        #expect(Timestamp(secondsSince1970: 1_700_000_000).utc == "2023-11-14T22:13:20Z")
    }

    @Test func nowIsTheClocksTime() {
        let before = time(nil)
        let now = Timestamp.now.secondsSince1970
        #expect(now >= before && now <= time(nil))
    }
}
