import NetworkSpec
import BenchmarkSpec
import Statistics

/// One node-resource table per transaction kind, as the seed paper's Fabric tables give them:
/// peers first (peer0 of every organisation, then peer1 ...), then the orderer; RAM, CPU, network
/// traffic in and out, disk read and write, each averaged over the kind's rounds.
///
/// A kind is a workload module's operation (`open`, `query`, `transfer`, `register-treatment`);
/// with several named networks it is prefixed by the network (`pow/register-treatment`). Per
/// repetition every figure is the mean over the kind's rounds (mean RAM and CPU, and traffic and
/// disk bytes per round), except the maxima, which are the highest of any of its rounds; then
/// each figure has its mean and interval over the repetitions.
struct KindResourceTable: Sendable {
    /// One node's row.
    public struct Row: Sendable {
        /// The name the paper's tables use (`orderer` for the only orderer).
        public var name: String
        /// The node's name in the run.
        public var node: String
        /// One interval per column, nil where no repetition measured it.
        public var figures: [ConfidenceInterval?]
        public var memoryScope: String
        public var diskSource: String
        public var networkSource: String
    }

    /// The paper's six columns, then the highest RAM and CPU of any round.
    public static let columns: [NodeResourceFigure] = NodeResourceFigure.paperColumns + [.memoryMax, .cpuMax]

    /// The kind: `open`, or `<network>/open` when the file names several networks.
    public var kind: String
    /// The labels of the kind's rounds.
    public var rounds: [String]
    public var rows: [Row]

    /// The tables of every kind that has resource figures, in the order kinds first appear.
    public static func tables(of report: RunReport) -> [KindResourceTable] {
        let configuration = report.configuration
        var kinds: [String] = []
        var labels: [String: [String]] = [:]
        var networks: [String: NamedNetwork] = [:]
        for round in configuration.rounds {
            let network = configuration.federation(of: round)
            let operation = round.workload.module.split(separator: "/").last.map(String.init) ?? round.workload.module
            let kind = configuration.networks == nil ? operation : "\(network.name)/\(operation)"
            if labels[kind] == nil {
                kinds.append(kind)
                networks[kind] = network
            }
            labels[kind, default: []].append(round.label)
        }
        return kinds.compactMap { kind in
            let kindLabels = Set(labels[kind] ?? [])
            // Per repetition, the kind's rounds' resources.
            let perRepetition = report.repetitions.map { repetition in
                repetition.resources.filter { kindLabels.contains($0.label) }
            }
            guard let first = perRepetition.first(where: { !$0.isEmpty }), let network = networks[kind] else { return nil }
            let nodes = paperOrder(first[0].nodes.map(\.node).filter { $0 != "process" }, network: network.configuration)
            let rows = nodes.map { node -> Row in
                let figures = columns.map { column -> ConfidenceInterval? in
                    let values = perRepetition.compactMap { rounds -> Double? in
                        let values = rounds.compactMap { round in round.nodes.first { $0.node == node }.map(column.value(of:)) }
                        guard !values.isEmpty else { return nil }
                        let combined = column.isMaximum ? values.max()! : values.reduce(0, +) / Double(values.count)
                        return combined
                    }
                    return ConfidenceInterval(samples: values, confidence: configuration.confidence)
                }
                let sample = first[0].nodes.first { $0.node == node }
                return Row(name: paperName(node, among: nodes), node: node, figures: figures,
                           memoryScope: sample?.memoryScope.rawValue ?? "", diskSource: sample?.diskSource.rawValue ?? "",
                           networkSource: sample?.networkSource.rawValue ?? "")
            }
            return KindResourceTable(kind: kind, rounds: labels[kind] ?? [], rows: rows)
        }
    }

    /// Nodes in the paper's order: peers by their number, then by organisation in the file's
    /// order (peer0.org1, peer0.org2, peer1.org1, peer1.org2), then the others (orderers, miners,
    /// the store) as they were.
    static func paperOrder(_ nodes: [String], network: NetworkConfiguration) -> [String] {
        let organizations = network.organizations.map(\.name)
        func peerKey(_ node: String) -> (peer: Int, organization: Int)? {
            guard node.hasPrefix("peer"), let dot = node.firstIndex(of: ".") else { return nil }
            guard let number = Int(node[node.index(node.startIndex, offsetBy: 4)..<dot]) else { return nil }
            let organization = String(node[node.index(after: dot)...])
            return (number, organizations.firstIndex(of: organization) ?? organizations.count)
        }
        let peers = nodes.compactMap { node in peerKey(node).map { (node, $0) } }
            .sorted { ($0.1.peer, $0.1.organization, $0.0) < ($1.1.peer, $1.1.organization, $1.0) }
            .map(\.0)
        return peers + nodes.filter { peerKey($0) == nil }
    }

    /// The paper's name of a node: `orderer0` is `orderer` when it is the only orderer (likewise
    /// the only miner or store); every other name stays.
    static func paperName(_ node: String, among nodes: [String]) -> String {
        for role in ["orderer", "miner", "store"] where node.hasPrefix(role) && Int(node.dropFirst(role.count)) != nil {
            let sameRole = nodes.filter { $0.hasPrefix(role) && Int($0.dropFirst(role.count)) != nil }
            return sameRole.count == 1 ? role : node
        }
        return node
    }
}

extension ResultFiles {
    /// `resources-by-kind.csv`: the tables of `KindResourceTable`, one after another: kind, name,
    /// then each column's mean over the repetitions, its standard deviation and interval bounds
    /// (empty with one repetition), the number of rounds, and where the figures came from.
    public static func resourcesByKindCSV(_ report: RunReport) -> String {
        var header = ["Kind", "Name"]
        for column in KindResourceTable.columns {
            header += IntervalColumns.header(column.header, confidence: report.configuration.confidence)
        }
        header += ["Rounds", "Node", "Memory", "Disk", "Network"]
        var lines = [CSV.line(header)]
        for table in KindResourceTable.tables(of: report) {
            for row in table.rows {
                var fields = [table.kind, row.name]
                for figure in row.figures { fields += IntervalColumns.cells(figure) }
                fields += ["\(table.rounds.count)", row.node, row.memoryScope, row.diskSource, row.networkSource]
                lines.append(CSV.line(fields))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
