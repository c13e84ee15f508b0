import ConfigurationReading
extension BenchmarkConfiguration {
    /// A one-screen summary of the configuration in effect, defaults included (for `vernier validate`).
    public var summary: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) {
            lines.append(label.padded(to: 12) + value)
        }
        row("benchmark", "\(name) (seed \(seed))")
        if !anchorBlocks.isEmpty {
            row("anchors", "top-level anchor block\(anchorBlocks.count == 1 ? "" : "s") \(anchorBlocks.joined(separator: ", ")): "
                + "YAML anchors the file reuses, not settings")
        }
        for named in federations {
            // A file with several networks names each; a file with one keeps the plain layout.
            let prefix = networks == nil ? "" : "\(named.name): "
            let network = named.configuration
            row("network", prefix + "\(network.consensus.name) consensus, \(network.deployment.rawValue) deployment")
            let nodes = network.nodeNames
            row("nodes", "\(nodes.count): \(nodes.joined(separator: ", "))")
            if let locations = network.nodeLocations, let hosts = network.hosts {
                let placement = switch hosts.placement {
                case .perOrganization: "per-organization"
                case .roundRobin: "round-robin"
                case .byGroup: "by group"
                }
                let byHost = hosts.hosts.map { host in
                    let placed = locations.filter { $0.host == host.name }.map { "\($0.node):\($0.port)" }
                    return "\(host.name) (\(host.address)): " + (placed.isEmpty ? "no nodes" : placed.joined(separator: ", "))
                }
                row("hosts", "placed \(placement); " + byHost.joined(separator: "; "))
            }
            switch network.consensus {
            case .raft(let raft):
                let batch = raft.batchSize
                row("raft", "\(raft.orderers) orderer\(raft.orderers == 1 ? "" : "s"); block at \(batch.maxMessageCount) tx, "
                    + "preferred \(ByteCount.text(bytes: batch.preferredMaxBytes)), "
                    + "max \(ByteCount.text(bytes: batch.absoluteMaxBytes)), timeout \(raft.batchTimeout.benchmarkText); "
                    + "election \(raft.electionTimeout.benchmarkText), heartbeat \(raft.heartbeatInterval.benchmarkText)")
                if let endorsement = raft.endorsement {
                    row("flow", "execute-order-validate; policy \(endorsement.policy), endorsed by each needed "
                        + "organisation's \(endorsement.targets == .first ? "first peer" : "peers in turn (spread)")")
                } else {
                    row("flow", "order-execute: peers execute every ordered transaction")
                }
            case .proofOfWork(let pow):
                row("pow", "\(pow.miners) miner\(pow.miners == 1 ? "" : "s"); block every "
                    + "\(pow.targetBlockInterval.benchmarkText), at most \(pow.maxBlockTransactions) tx; "
                    + "final after \(pow.confirmations) confirmation\(pow.confirmations == 1 ? "" : "s")")
            case .singleStore:
                row("store", "one store node, no ledger (off-ledger baseline)")
            }
            let links = network.links
            row("links", "latency \(links.latency.benchmarkText), jitter \(links.jitter.benchmarkText), "
                + "loss \(RateControl.text(links.loss * 100))%" + (links.between.isEmpty ? "" : " between other sites"))
            for link in links.between {
                row("", "\(link.sites[0]) <-> \(link.sites[1]): latency \(link.latency.benchmarkText), "
                    + "jitter \(link.jitter.benchmarkText), loss \(RateControl.text(link.loss * 100))%")
            }
            row("storage", network.storage.fsync
                ? "fsync on"
                : "fsync OFF: commits are not durable (for experiments only)")
        }
        row("accounts", "\(accounts) (nonce window \(nonceWindow)), \(repetitions) repetition"
            + "\(repetitions == 1 ? "" : "s")\(reuseFederation ? " on one federation" : ""), confidence \(RateControl.text(confidence * 100))%, "
            + "monitor every \(monitor.interval.benchmarkText)"
            + (transactionTimeout.map { ", transactions time out after \($0.benchmarkText)" } ?? ""))
        lines.append("")
        lines.append("rounds (\(rounds.count))")
        let table = [["label", "length", "rate control", "workload"]] + rounds.map { round in
            var length = round.length.description
            if let trim = round.trim { length += " (trim \(trim))" }
            if let accounts = round.accounts { length += " from \(accounts) acc" }
            if networks != nil { length += " on \(federation(of: round).name)" }
            return [round.label, length, round.rateControl.description, round.workload.description]
        }
        let widths = (0..<3).map { column in table.map { $0[column].count }.max() ?? 0 }
        for cells in table {
            let padded = (0..<3).map { cells[$0].padded(to: widths[$0]) }
            lines.append("  " + (padded + [cells[3]]).joined(separator: "  "))
        }
        let faulty = rounds.filter { !$0.faults.isEmpty }
        if !faulty.isEmpty {
            lines.append("")
            lines.append("faults (\(faulty.reduce(0) { $0 + $1.faults.count }))")
            for round in faulty {
                for fault in round.faults { lines.append("  \(round.label): \(fault)") }
            }
        }
        if !readingNotes.isEmpty {
            lines.append("")
            lines.append("read as (\(readingNotes.count))")
            for note in readingNotes { lines.append("  " + note) }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// The string padded with spaces to at least `length` characters.
    fileprivate func padded(to length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
