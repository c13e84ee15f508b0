import Consensus
import Foundation
import LedgerCore
import LedgerPrimitives
import Node
import NodeCore
import NodeProcess
import Transport

/// Writes the seed corpora of the codec, frame and handshake targets from real values, one file per
/// seed, into `<corpus directory>/<target>/seed-<name>`; the YAML readers' seeds are copied from
/// the repository by `scripts/fuzz seeds`.
///
/// The entry point SwiftPM links as `main` (built with the targets' `-parse-as-library`).
@_cdecl("seed_corpus_main")
public func seedCorpusMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    guard argc == 2, let directory = argv[1].map({ String(cString: $0) }) else {
        FileHandle.standardError.write(Data("usage: seed-corpus <corpus directory>\n".utf8))
        return 2
    }
    do {
        try writeSeeds(into: SeedWriter(directory: directory))
        return 0
    } catch {
        FileHandle.standardError.write(Data("seed-corpus: \(error)\n".utf8))
        return 1
    }
}

/// Writes every seed the generator knows.
func writeSeeds(into writer: SeedWriter) throws {
    let ledger = LedgerSamples()
    for (name, transaction) in ledger.transactions {
        try writer.write(transaction.canonicalBytes, target: "fuzz-transaction-codec", name: name)
    }
    for (name, block) in ledger.blocks {
        try writer.write(block.canonicalBytes, target: "fuzz-block-codec", name: name)
    }
    for (name, selector, bytes) in RaftSamples.values {
        try writer.write([selector] + bytes, target: "fuzz-raft-codec", name: name)
    }
    for (name, message) in ledger.nodeMessages {
        try writer.write(message.frame, target: "fuzz-node-message-codec", name: name)
    }
    for (name, bytes) in TransportSamples.decoderInputs {
        try writer.write(bytes, target: "fuzz-frame-decoder", name: name)
    }
    for (name, bytes) in TransportSamples.handshakeScripts {
        try writer.write(bytes, target: "fuzz-handshake", name: name)
    }
    try writer.write(Array(try NodeConfigurationSample.json()), target: "fuzz-node-configuration", name: "process-federation-orderer0")
}

/// Writes seed files under one corpus directory.
struct SeedWriter {
    let directory: String

    func write(_ bytes: [UInt8], target: String, name: String) throws {
        let folder = directory + "/" + target
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/seed-" + name))
    }
}

/// Signed transactions of every contract, blocks of every seal, and the node messages that carry them.
struct LedgerSamples {
    let alice = SigningAccount.deterministic(seed: 18, index: 1)
    let bob = SigningAccount.deterministic(seed: 18, index: 2)

    var transactions: [(String, Transaction)] {
        [
            ("simple-open", Transaction(signedBy: alice, nonce: 0, call: .simple(.open(account: "alice", money: 10_000)))),
            ("simple-transfer", Transaction(signedBy: alice, nonce: 1, call: .simple(.transfer(from: "alice", to: "bob", amount: 25)))),
            ("simple-query", Transaction(signedBy: bob, nonce: 0, call: .simple(.query(account: "bob")))),
            ("smallbank-create", Transaction(signedBy: bob, nonce: 1, call: .smallbank(.createAccount(customer: "c1", name: "Ada", checking: 500, savings: -3)))),
            ("smallbank-payment", Transaction(signedBy: bob, nonce: 2, call: .smallbank(.sendPayment(source: "c1", destination: "c2", amount: 9)))),
            ("clinical-patient", Transaction(signedBy: alice, nonce: 2, call: .clinical(.registerPatient(pseudonym: Hash256.sha256(Array("patient".utf8)))))),
            ("clinical-audit", Transaction(signedBy: alice, nonce: 3, call: .clinical(.listAuditTrail(patient: Hash256.sha256(Array("patient".utf8)))))),
        ]
    }

    var blocks: [(String, Block)] {
        let body = transactions.prefix(3).map(\.1)
        let genesis = Block(height: 0, previousHash: .zero, timestampMilliseconds: 0,
                            seal: .genesis(configurationDigest: Hash256.sha256(Array("fuzz".utf8))), transactions: [])
        return [
            ("genesis", genesis),
            ("raft", Block(height: 1, previousHash: genesis.hash, timestampMilliseconds: 1_700_000_000_000, seal: .raft(term: 2, index: 5), transactions: body)),
            ("proof-of-work", Block(height: 1, previousHash: genesis.hash, timestampMilliseconds: 1_700_000_000_500,
                                    seal: .proofOfWork(targetLeadingWord: 0x0000_FFFF_FFFF_FFFF, nonce: 77), transactions: Array(body.prefix(1)))),
            ("store", Block(height: 2, previousHash: genesis.hash, timestampMilliseconds: 9, seal: .store, transactions: Array(body.suffix(2)))),
        ]
    }

    var nodeMessages: [(String, NodeMessage)] {
        let transaction = transactions[1].1
        let block = blocks[1].1
        return [
            ("raft", .raft(Raft.Envelope(from: Raft.NodeID(1), to: Raft.NodeID(2), message: .timeoutNow(term: 4)))),
            ("submit", .submit(transaction)),
            ("forward", .forward(transaction)),
            ("deliver-request", .deliverRequest(fromHeight: 3)),
            ("blocks", .blocks([block])),
            ("subscribe-commits", .subscribeCommits),
            ("gossip-block", .gossipBlock(block)),
            ("block-request", .blockRequest(block.hash)),
            ("status-request", .statusRequest(requestId: 7, account: alice.address)),
            ("pause-mining", .pauseMining(requestId: 8, paused: true)),
            ("query", .query(requestId: 9, transaction: transactions[2].1)),
            ("transaction-check", .transactionCheck(requestId: 10, ids: [transaction.id, block.hash])),
            ("transaction-counts", .transactionCounts(requestId: 11, counts: [1, 0, 2], failure: nil)),
        ]
    }
}

/// Raft's wire and log values, each after the selector byte the Raft target reads first.
enum RaftSamples {
    static var values: [(String, UInt8, [UInt8])] {
        let entries = [
            Raft.Entry(term: 1, index: 1, kind: .noop),
            Raft.Entry(term: 1, index: 2, kind: .normal(payload: Array("block bytes".utf8))),
        ]
        let snapshot = Raft.Snapshot(metadata: Raft.SnapshotMetadata(lastIncludedIndex: 40, lastIncludedTerm: 3), data: Array("state".utf8))
        let messages: [(String, Raft.Message)] = [
            ("request-vote", .requestVote(term: 3, lastLogIndex: 9, lastLogTerm: 2, preVote: true, leadershipTransfer: false)),
            ("request-vote-response", .requestVoteResponse(term: 3, granted: true, preVote: false)),
            ("append-entries", .appendEntries(term: 3, prevLogIndex: 0, prevLogTerm: 0, entries: entries, leaderCommit: 1)),
            ("append-entries-response", .appendEntriesResponse(term: 3, success: false, matchIndex: 0, rejectedIndex: 5, conflictTerm: 2, conflictIndex: 4)),
            ("install-snapshot", .installSnapshot(term: 3, snapshot: snapshot)),
            ("install-snapshot-response", .installSnapshotResponse(term: 3, matchIndex: 40)),
            ("timeout-now", .timeoutNow(term: 3)),
        ]
        var values = messages.map { name, message in
            ("envelope-" + name, UInt8(0), Raft.Envelope(from: Raft.NodeID(1), to: Raft.NodeID(3), message: message).canonicalBytes)
        }
        values.append(("entry-normal", 1, entries[1].canonicalBytes))
        values.append(("hard-state", 2, Raft.HardState(term: 3, votedFor: Raft.NodeID(2), commitIndex: 8).canonicalBytes))
        values.append(("snapshot", 3, snapshot.canonicalBytes))
        return values
    }
}

/// Connection bytes for the frame decoder target, and step scripts for the handshake target.
enum TransportSamples {
    /// A frame: the big-endian body length, version 1, the kind, the fields.
    static func frame(kind: UInt8, _ fields: [UInt8]) -> [UInt8] {
        let length = UInt32(2 + fields.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), 1, kind] + fields
    }

    static var decoderInputs: [(String, [UInt8])] {
        let name = Array("node-b".utf8)
        let hello = frame(kind: 1, [0, UInt8(name.count)] + name + [UInt8](repeating: 7, count: 32))
        let proof = frame(kind: 2, [UInt8](repeating: 9, count: 64))
        let data = frame(kind: 3, Array("payload".utf8))
        return [
            ("handshake-then-data", [255, 16] + hello + proof + data + data),
            ("one-byte-reads", [255, 0] + hello + data),
            ("over-limit", [0, 255] + data + hello),
            ("truncated", [255, 255] + hello + Array(data.prefix(5))),
        ]
    }

    static var handshakeScripts: [(String, [UInt8])] {
        let nonce = [UInt8](repeating: 3, count: 32)
        let payload = Array("block".utf8)
        return [
            // A client's hello, a genuine proof, two data frames.
            ("client-authenticates", [1, 0] + nonce + [2, 0] + [4, UInt8(payload.count)] + payload + [4, 0]),
            // A node's hello, a genuine proof.
            ("node-authenticates", [1, 1] + nonce + [2, 1] + [4, UInt8(payload.count)] + payload),
            // A forged proof.
            ("forged-proof", [1, 0] + nonce + [3] + [UInt8](repeating: 5, count: 64) + [4, 1, 42]),
            // Data before any hello; a stranger's hello.
            ("data-first", [4, 2, 1, 2]),
            ("stranger", [1, 3] + nonce + [2, 0]),
        ]
    }
}

/// A node configuration as the process deployment writes it for its first orderer.
enum NodeConfigurationSample {
    static func json() throws -> Data {
        let members = FederationMembers(orderers: 1, organizations: [(name: "org1", peers: 1)])
        let regulator = SigningAccount.deterministic(seed: 18, index: 9)
        let plan = FederationPlan(genesis: GenesisConfiguration(chainId: "fuzz", regulator: regulator.address),
                                  members: members, directory: "/tmp/vernier-fuzz", seed: 18)
        let addresses = plan.nodeAddresses
        let identities = addresses.enumerated().map { SigningAccount.deterministic(seed: 18, index: UInt64(20 + $0.offset)) }
        let driver = SigningAccount.deterministic(seed: 18, index: 30)
        var configurationMembers = zip(addresses, identities).enumerated().map { offset, member in
            NodeProcessConfiguration.Member(name: member.0, publicKey: NodeProcessConfiguration.hex(member.1.publicKey),
                                            host: "127.0.0.1", port: 7_050 + offset)
        }
        configurationMembers.append(NodeProcessConfiguration.Member(name: "driver", publicKey: NodeProcessConfiguration.hex(driver.publicKey),
                                                                    host: nil, port: nil))
        let configuration = NodeProcessConfiguration(node: addresses[0], plan: plan, identity: identities[0], listenHost: "127.0.0.1",
                                                     listenPort: 7_050, members: configurationMembers, driver: "driver", parentProcessId: 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(configuration)
    }
}

/// Never called: libFuzzer's runtime, linked whole into every binary this package builds with
/// `scripts/fuzz`, refers to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func unusedTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { 0 }
