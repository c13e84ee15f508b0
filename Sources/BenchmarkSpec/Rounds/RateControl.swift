import ConfigurationReading
/// A rate controller: when the driver releases the next transaction (Caliper's `rateControl`).
public indirect enum RateControl: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// A constant rate (`fixed-rate {tps}`).
    case fixedRate(tps: Double)
    /// A rate adjusted to keep a number of transactions in flight (`fixed-load {startTps, transactionLoad}`).
    case fixedLoad(startTps: Double, transactionLoad: Int)
    /// A rate moving linearly over the round (`linear-rate {startingTps, finishingTps}`).
    case linearRate(startingTps: Double, finishingTps: Double)
    /// A rate raised by `step` while throughput keeps up (`maximum-rate`). `latencyBound`
    /// (vernier's own option) is the latency from intended whose crossing marks the rate where the
    /// federation saturated; nil: twice the first sample interval's mean.
    case maximumRate(tps: Double, step: Double, sampleInterval: Duration, includeFailed: Bool, latencyBound: Duration? = nil)
    /// A rate that pauses when too many transactions are in flight (`fixed-feedback-rate`).
    case fixedFeedbackRate(tps: Double, transactionLoad: Int)
    /// Several controllers, each run for its weighted share of the round (`composite-rate`).
    case composite(weights: [Double], controllers: [RateControl])
    /// Sends nothing (`zero-rate`).
    case zeroRate
    /// Replays intended send times from a file (`replay-rate`).
    case replayRate(ReplayTrace)
    /// Runs `controller` and writes each transaction's send time to a file (`record-rate`).
    case recordRate(RecordTrace, controller: RateControl)

    /// The names accepted for `rateControl.type`.
    public static let typeNames = [
        "fixed-rate", "fixed-load", "linear-rate", "maximum-rate",
        "fixed-feedback-rate", "composite-rate", "zero-rate", "replay-rate", "record-rate",
    ]

    /// The default `maximum-rate` sample interval (Caliper's).
    public static let defaultSampleInterval: Duration = .seconds(10)

    /// The `type` used in the file.
    public var typeName: String {
        switch self {
        case .fixedRate: "fixed-rate"
        case .fixedLoad: "fixed-load"
        case .linearRate: "linear-rate"
        case .maximumRate: "maximum-rate"
        case .fixedFeedbackRate: "fixed-feedback-rate"
        case .composite: "composite-rate"
        case .zeroRate: "zero-rate"
        case .replayRate: "replay-rate"
        case .recordRate: "record-rate"
        }
    }

    /// A one-line description, e.g. `fixed-rate 50 tps` or `linear-rate 10→100 tps`.
    public var description: String {
        switch self {
        case .fixedRate(let tps):
            "fixed-rate \(Self.text(tps)) tps"
        case .fixedLoad(let startTps, let transactionLoad):
            "fixed-load \(transactionLoad) in flight, from \(Self.text(startTps)) tps"
        case .linearRate(let startingTps, let finishingTps):
            "linear-rate \(Self.text(startingTps))→\(Self.text(finishingTps)) tps"
        case .maximumRate(let tps, let step, let sampleInterval, let includeFailed, let latencyBound):
            "maximum-rate from \(Self.text(tps)) tps, +\(Self.text(step)) every \(sampleInterval.benchmarkText)"
                + (includeFailed ? "" : ", successes only")
                + (latencyBound.map { ", latency bound \($0.benchmarkText)" } ?? "")
        case .fixedFeedbackRate(let tps, let transactionLoad):
            "fixed-feedback-rate \(Self.text(tps)) tps, at most \(transactionLoad) in flight"
        case .composite(let weights, let controllers):
            "composite-rate ["
                + zip(weights, controllers).map { "\(Self.text($0)) × \($1)" }.joined(separator: ", ") + "]"
        case .zeroRate:
            "zero-rate"
        case .replayRate(let trace):
            "replay-rate \(trace.path)" + (trace.format == .secondsCSV ? "" : " (\(trace.format.rawValue), ms)")
                + (trace.intervalAfterTrace.map { ", then every \($0.benchmarkText)" } ?? "")
        case .recordRate(let trace, let controller):
            "\(controller), recorded to \(trace.path) (\(trace.format.rawValue))"
        }
    }

    /// A number without a useless `.0`.
    static func text(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
