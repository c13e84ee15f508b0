/// A figure of one node's resources over a round: a typed key with its column header and unit.
/// Its raw value is the identifier the files use.
enum NodeResourceFigure: String, CaseIterable, Sendable, Hashable {
    case memoryMean, memoryMax, cpuMean, cpuMax, networkIn, networkOut, diskRead, diskWrite

    /// The seed paper's six Fabric columns, in its order.
    public static let paperColumns: [NodeResourceFigure] = [.memoryMean, .cpuMean, .networkIn, .networkOut, .diskRead, .diskWrite]

    /// The column header, unit included (the seed paper's where it has one).
    public var header: String {
        switch self {
        case .memoryMean: "RAM (MB)"
        case .memoryMax: "RAM max (MB)"
        case .cpuMean: "CPU (%)"
        case .cpuMax: "CPU max (%)"
        case .networkIn: "Network Traffic In (MB)"
        case .networkOut: "Network Traffic Out (MB)"
        case .diskRead: "Disk Read (MB)"
        case .diskWrite: "Disk Write (MB)"
        }
    }

    /// Divides the measured bytes or percent into the header's unit.
    public var scale: Double {
        switch self {
        case .cpuMean, .cpuMax: 1
        default: 1e6
        }
    }

    /// Whether, over several rounds, the figure is the highest of them (else their mean).
    public var isMaximum: Bool { self == .memoryMax || self == .cpuMax }

    /// The node's figure in the header's unit.
    public func value(of node: NodeResourceFigures) -> Double {
        let raw: Double = switch self {
        case .memoryMean: node.memoryMeanBytes
        case .memoryMax: node.memoryMaxBytes
        case .cpuMean: node.cpuMeanPercent
        case .cpuMax: node.cpuMaxPercent
        case .networkIn: node.networkInBytes
        case .networkOut: node.networkOutBytes
        case .diskRead: node.diskReadBytes
        case .diskWrite: node.diskWrittenBytes
        }
        return raw / scale
    }
}
