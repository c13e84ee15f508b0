public import Load

/// Where a `maximum-rate` round saturated the federation: the highest rate it sustained and the
/// offered rate at which latency left its bound.
///
/// The round is read in sliding windows of whole seconds, each as long as the controller's sample
/// interval. A window's throughput is the transactions that finished in it (committed valid only,
/// with the controller's `includeFailed: false`) over its length; its offered rate is the
/// transactions intended in it over its length; its latency is the mean latency from intended of
/// the transactions intended in it, however they ended (a timeout counts its whole wait).
public struct SaturationFigures: Sendable, Hashable, Codable {
    /// The window length, in seconds.
    public var windowSeconds: Int
    /// The highest throughput over any whole window: the rate the federation sustained.
    public var sustainedThroughput: Double
    /// The latency bound, in seconds: the file's `latencyBound`, or twice the first window's latency.
    public var latencyBoundSeconds: Double
    /// Whether the bound came from the file (else from the first window).
    public var latencyBoundGiven: Bool
    /// The offered rate of the first window whose latency passed the bound; if none did, the
    /// highest offered rate (a lower bound: see ``latencyBoundReached``).
    public var latencyBoundRate: Double
    /// Whether some window's latency passed the bound; false: the controller never pushed the
    /// federation past it, and ``latencyBoundRate`` is only the highest rate offered.
    public var latencyBoundReached: Bool
    /// Seconds into the round at which the window that passed the bound started.
    public var latencyBoundSecond: Int?

    /// The saturation of a round whose per-second load is `seconds`, read in windows of
    /// `windowSeconds` (at least 1); nil when the round holds fewer than two whole windows.
    public static func compute(seconds: [SecondLoad], windowSeconds: Int, latencyBoundSeconds given: Double?,
                               includeFailed: Bool) -> SaturationFigures? {
        let window = max(windowSeconds, 1)
        // The last second is cut off by the round's end; leave it out.
        let complete = Array(seconds.dropLast())
        guard let first = complete.firstIndex(where: { $0.offered > 0 }), complete.count - first >= 2 * window else { return nil }
        let starts = first...(complete.count - window)
        func rate(_ start: Int, _ count: (SecondLoad) -> Int) -> Double {
            Double(complete[start..<start + window].reduce(0) { $0 + count($1) }) / Double(window)
        }
        func meanLatencySeconds(_ start: Int) -> Double? {
            let slice = complete[start..<start + window]
            let offered = slice.reduce(0) { $0 + $1.offered }
            guard offered > 0 else { return nil }
            return Double(slice.reduce(UInt64(0)) { $0 &+ $1.latencyFromIntendedNanoseconds }) / 1e9 / Double(offered)
        }
        let sustained = starts.map { rate($0, includeFailed ? \.finished : \.succeeded) }.max() ?? 0
        let bound = given ?? 2 * (meanLatencySeconds(first) ?? 0)
        let crossing = starts.first { start in meanLatencySeconds(start).map { $0 > bound } ?? false }
        let boundRate = crossing.map { rate($0, \.offered) } ?? (starts.map { rate($0, \.offered) }.max() ?? 0)
        return SaturationFigures(windowSeconds: window, sustainedThroughput: sustained, latencyBoundSeconds: bound,
                                 latencyBoundGiven: given != nil, latencyBoundRate: boundRate,
                                 latencyBoundReached: crossing != nil, latencyBoundSecond: crossing)
    }
}
