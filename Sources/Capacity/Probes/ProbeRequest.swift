public import BenchmarkSpec
public import CapacitySpec

/// What a capacity probe asks for: a fixed rate for a while, its warm-up left out.
public struct ProbeRequest: Sendable {
    public var label: String
    public var rate: Double
    public var length: Duration
    public var warmUp: Duration
    public var goal: ServiceGoal
    public var transactionTimeout: Duration

    public init(label: String, rate: Double, length: Duration, warmUp: Duration, goal: ServiceGoal, transactionTimeout: Duration) {
        self.label = label
        self.rate = rate
        self.length = length
        self.warmUp = warmUp
        self.goal = goal
        self.transactionTimeout = transactionTimeout
    }

    /// The backlog (transactions released and unfinished) past which the probe cannot meet the
    /// goal: twice the goal's worth of the offered rate, and never below 64.
    public var backlogLimit: Int {
        max(64, Int((rate * goal.p95LatencySeconds * 2).rounded(.up)))
    }
}
