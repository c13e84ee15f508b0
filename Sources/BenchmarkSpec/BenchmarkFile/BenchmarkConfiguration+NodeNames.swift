public import NetworkSpec

extension BenchmarkConfiguration {
    /// The names of the federation's nodes (see `NetworkConfiguration.nodeNames`).
    public var nodeNames: [String] {
        network.nodeNames
    }
}
