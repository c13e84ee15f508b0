import Foundation

/// Wall-clock milliseconds since the Unix epoch: the time nodes stamp on blocks and feed to cores.
public enum WallClock {
    public static func nowMilliseconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }
}
