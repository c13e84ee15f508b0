import Testing
@testable import BenchmarkSpec
@testable import ConfigurationReading

/// A round's `faults`, read strictly: times within the round, known nodes and selectors, kinds the
/// deployment can inject, and schedules that make sense.
@Suite("Fault schedules")
struct FaultScheduleTests {
    static func file(_ faults: String, deployment: String = "processes", consensus: String = "raft", length: String = "txDuration: 30s") -> String {
        let network = switch consensus {
        case "pow": "{ consensus: pow, deployment: \(deployment), organizations: [ { name: org1, peers: 2 } ], pow: { miners: 2 } }"
        case "none": "{ consensus: none, deployment: \(deployment) }"
        default: "{ consensus: raft, deployment: \(deployment), organizations: [ { name: org1, peers: 2 }, { name: org2, peers: 2 } ], raft: { orderers: 3 } }"
        }
        let faultLines = faults.split(separator: "\n").map { "      " + $0.drop { $0 == " " } }.joined(separator: "\n")
        return """
            name: faults
            network: \(network)
            rounds:
              - label: faulty
                \(length)
                rateControl: { type: fixed-rate, opts: { tps: 100 } }
                workload: { module: simple/open }
                faults:
            \(faultLines)
            """
    }

    static func errors(_ yaml: String) throws -> [String] {
        let errors = try #require(throws: ConfigurationErrors.self) { try BenchmarkConfiguration(yaml: yaml, fileName: "f.yaml") }
        return errors.errors.map { "\($0.path): \($0.message)" + ($0.suggestion.map { " (\($0))" } ?? "") }
    }

    @Test func theIssuesScheduleReadsAsProcesses() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file("""
                  - { at: 10s, crash: orderer-leader }
                  - { at: 18s, restart: orderer-leader }
                  - { at: 5s, pause: peer1.org2, for: 3s }
                  - { at: 20s, crash: "peer:1" }
                  - { at: 22s, crash: orderer-follower }
            """), fileName: "f.yaml")
        let faults = configuration.rounds[0].faults
        #expect(faults.map(\.at) == [.seconds(5), .seconds(10), .seconds(18), .seconds(20), .seconds(22)])
        #expect(faults[0] == Fault(at: .seconds(5), action: .pause(.node("peer1.org2")), duration: .seconds(3)))
        #expect(faults[1].action == .crash(.ordererLeader) && faults[2].action == .restart(.ordererLeader))
        #expect(faults[3].action == .crash(.role("peer", index: 1)) && faults[4].action == .crash(.ordererFollower))
        #expect(configuration.summary.contains("faulty: at 10s: crash orderer-leader"))
    }

    @Test func partitionAndSlowReadInProcess() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file("""
                  - { at: 12s, partition: [[peer0.org1, orderer0], rest], for: 5s }
                  - { at: 12s, slow: peer0.org2, latency: 200ms, for: 5s }
                  - { at: 20s, crash: orderer-leader }
            """, deployment: "in-process"), fileName: "f.yaml")
        #expect(configuration.rounds[0].faults.map(\.action) == [
            .partition([["peer0.org1", "orderer0"], ["rest"]]), .slow(.node("peer0.org2"), latency: .milliseconds(200)),
            .crash(.ordererLeader)])
    }

    @Test func badSchedulesAreErrorsThatNameThePath() throws {
        let cases: [(String, String, String)] = [
            ("  - { at: 31s, crash: orderer0 }", "rounds[0].faults[0].at", "within the round's 30s"),
            ("  - { at: 25s, pause: peer0.org1, for: 10s }", "rounds[0].faults[0].for", "after the round's 30s"),
            ("  - { at: 5s, crash: peer0.org3 }", "rounds[0].faults[0].crash", "unknown node \"peer0.org3\""),
            ("  - { at: 5s, crash: orderer-leadr }", "rounds[0].faults[0].crash", "(orderer-leader)"),
            ("  - { at: 5s, restart: orderer0 }", "rounds[0].faults[0]", "no crash of orderer0 before it"),
            ("  - { at: 5s, crash: orderer0, pause: orderer1 }", "rounds[0].faults[0]", "found crash and pause"),
            ("  - { at: 5s, pause: orderer0 }", "rounds[0].faults[0].for", "missing required key"),
            ("  - { at: 5s, crash: orderer0, for: 2s }", "rounds[0].faults[0].for", "a crash has no duration"),
            ("  - { at: 5s, crash: \"peer:4\" }", "rounds[0].faults[0].crash", "the network has 4 peer(s), numbered from 0"),
            ("  - { at: 5s, crash: miner }", "rounds[0].faults[0].crash", "the network has no miner"),
            ("  - { at: 5s, partition: [[peer0.org1], rest], for: 2s }", "rounds[0].faults[0].partition", "partition needs deployment: in-process"),
        ]
        for (faults, path, message) in cases {
            let errors = try Self.errors(Self.file(faults))
            #expect(errors.contains { $0.hasPrefix(path + ":") && $0.contains(message) }, "\(faults): \(errors)")
        }
    }

    @Test func overlappingAndDeploymentBoundFaultsAreRefused() throws {
        let overlapping = try Self.errors(Self.file("""
                  - { at: 5s, partition: [[peer0.org1], rest], for: 5s }
                  - { at: 8s, partition: [[peer0.org2], [peer1.org2, orderer0]], for: 1s }
            """, deployment: "in-process"))
        #expect(overlapping.contains { $0.hasPrefix("rounds[0].faults[1]:") && $0.contains("overlaps the one at 5s") }, "\(overlapping)")
        let twice = try Self.errors(Self.file("  - { at: 9s, partition: [[peer0.org1, peer0.org1], rest], for: 1s }", deployment: "in-process"))
        #expect(twice.contains { $0.contains("peer0.org1 is in two groups") }, "\(twice)")
        let inProcess = try Self.errors(Self.file("""
                  - { at: 5s, crash: orderer0 }
                  - { at: 6s, restart: orderer0 }
                  - { at: 7s, pause: peer0.org1, for: 1s }
            """, deployment: "in-process"))
        #expect(inProcess.contains { $0.contains("restart needs deployment: processes") }, "\(inProcess)")
        #expect(!inProcess.contains { $0.contains("pause") }, "a node's thread pauses in process: \(inProcess)")
        let leaderOnPow = try Self.errors(Self.file("  - { at: 5s, crash: orderer-leader }", consensus: "pow"))
        #expect(leaderOnPow.contains { $0.contains("orderer-leader needs consensus: raft") }, "\(leaderOnPow)")
        let counted = try Self.errors(Self.file("  - { at: 5s, crash: orderer0 }", length: "txNumber: 100"))
        #expect(counted.contains { $0.hasPrefix("rounds[0].faults:") && $0.contains("faults need a round with txDuration") }, "\(counted)")
    }
}
