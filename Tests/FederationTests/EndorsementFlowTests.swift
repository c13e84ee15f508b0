import Foundation
import Contracts
@testable import LedgerCore
import LedgerPrimitives
@testable import Node
import Testing
@testable import BenchmarkSpec
@testable import Consensus
@testable import Federation
@testable import Load
@testable import NodeCore
import TestSupport

/// Execute-order-validate in the driver: which peers endorse, how answers are judged, and an
/// in-process federation with contention.
@Suite("Execute-order-validate in the driver")
struct EndorsementFlowTests {
    static func plan(policy: String, targets: EndorsementTargets, organizations: [(String, Int)] = [("org1", 2), ("org2", 3)],
                     directory: String = "/tmp/unused") throws -> FederationPlan {
        let genesis = GenesisConfiguration(chainId: "eov", regulator: SigningAccount.deterministic(seed: 1, index: 0).address)
        var plan = FederationPlan(genesis: genesis, members: FederationMembers(orderers: 1, organizations: organizations),
                                  orderer: OrdererOptions(batch: BatchOptions(maxMessageCount: 50, batchTimeoutMilliseconds: 50)),
                                  directory: directory, fsync: false, seed: 9)
        plan.enableEndorsement(policy: try EndorsementPolicy.parse(policy, organizations: organizations.map(\.0)), targets: targets)
        return plan
    }

    @Test func theFirstPeerOfEachNeededOrganisationEndorsesByDefault() throws {
        let plan = try Self.plan(policy: "AND('org1.member', 'org2.member')", targets: .first)
        for account in 0..<7 { #expect(plan.endorsers(forAccount: account).map(\.name) == ["peer0.org1", "peer0.org2"]) }
        let twice = try Self.plan(policy: "AND('org2.member', 'org2.member', OR('org1.member', 'org2.member'))", targets: .first)
        #expect(twice.endorsers(forAccount: 3).map(\.name) == ["peer0.org2", "peer1.org2", "peer0.org1"])
        let either = try Self.plan(policy: "OR('org2.peer', 'org1.peer')", targets: .first)
        #expect(either.endorsers(forAccount: 0).map(\.name) == ["peer0.org2"])
    }

    @Test func spreadTargetsTakePeersInTurn() throws {
        let plan = try Self.plan(policy: "AND('org1.member', 'org2.member')", targets: .spread)
        #expect(plan.endorsers(forAccount: 0).map(\.name) == ["peer0.org1", "peer0.org2"])
        #expect(plan.endorsers(forAccount: 1).map(\.name) == ["peer1.org1", "peer1.org2"])
        #expect(plan.endorsers(forAccount: 2).map(\.name) == ["peer0.org1", "peer2.org2"])
    }

    @Test func theGenesisListsEveryPeerWithItsOrganisationAndKey() throws {
        let plan = try Self.plan(policy: "MAJORITY", targets: .first)
        let endorsers = try #require(plan.genesis.endorsement?.endorsers)
        #expect(endorsers.map(\.organization) == ["org1", "org1", "org2", "org2", "org2"])
        for (index, endorser) in endorsers.enumerated() {
            #expect(endorser.publicKey == plan.endorsingIdentity(ofPeer: index).publicKey)
        }
        // A plan round-trips through JSON (node configuration files carry it) with its policy.
        let decoded = try JSONDecoder().decode(FederationPlan.self, from: JSONEncoder().encode(plan))
        #expect(decoded.genesis == plan.genesis)
        #expect(decoded.endorsementTargets == .first)
        let orderExecute = FederationPlan(genesis: GenesisConfiguration(chainId: "oe", regulator: Address(hash: .zero)),
                                          members: plan.members, directory: "/tmp/unused", seed: 1)
        #expect(orderExecute.endorsers(forAccount: 0).isEmpty)
    }

    @Test func endorsementsAgreeOnlyWhenEveryAnswerIsTheSameResult() throws {
        let result = SimulationResult(timestampMilliseconds: 5, readWriteSet: ReadWriteSet(reads: [], writes: []), output: .none)
        var other = result
        other.readWriteSet = ReadWriteSet(reads: [KeyRead(key: StateKey(bytes: [2, 1]), version: nil)], writes: [])
        let first = Endorsement(endorserIndex: 0, signature: Array(repeating: 1, count: 64))
        let second = Endorsement(endorserIndex: 1, signature: Array(repeating: 2, count: 64))
        switch FederationClient.agreement(of: [.endorsed(result, first), .endorsed(result, second)]) {
        case .success(let agreed):
            #expect(agreed.result == result)
            #expect(agreed.endorsements == [first, second])
        case .failure(let failure):
            Issue.record("expected agreement, got \(failure)")
        }
        #expect(Self.failure([.endorsed(result, first), .endorsed(other, second)]) == .mismatch)
        #expect(Self.failure([.endorsed(result, first), nil]) == .timedOut)
        #expect(Self.failure([.refused(.accountMissing), .endorsed(result, second)]) == .refused(.accountMissing))
        #expect(Self.failure([.notAnEndorser]) == .notAnEndorser)
        #expect(Self.failure([.behind(height: 3)]) == .behind)
        #expect(Self.failure([]) == .notAnEndorser)
        #expect(EndorsementFailure.mismatch.description == "mismatch")
        #expect(RecordedOutcome.endorsementFailed("mismatch").failureClass == "endorsement:mismatch")
        #expect(RecordedOutcome.invalid("mvccReadConflict").failureClass == "invalid:mvccReadConflict")
    }

    static func failure(_ answers: [EndorsementAnswer?]) -> EndorsementFailure? {
        if case .failure(let failure) = FederationClient.agreement(of: answers) { return failure }
        return nil
    }

    /// An in-process federation: opens and queries succeed, transfers among four accounts at a
    /// high rate conflict, and every peer ends on one state digest.
    @Test func contentionShowsAsMVCCConflictsAndPeersAgree() async throws {
        let directory = try TemporaryDirectory()
        let plan = try Self.plan(policy: "AND('org1.member', 'org2.member')", targets: .first,
                                 organizations: [("org1", 2), ("org2", 2)], directory: directory.path)
        let federation = try await InProcessFederation.start(plan)
        #expect(await federation.awaitLeader(timeout: .seconds(30)) != nil)
        let accounts = AccountPool(seed: 3, count: 40, window: 1)
        let context = WorkloadContext(seed: 3, accounts: accounts, startMilliseconds: WallClock.nowMilliseconds())
        let target = FederationTarget(federation: federation)
        func round(_ workload: Workload, _ count: Int, tps: Double) async throws -> RoundRecording {
            let generator = WorkloadGenerator(workload: workload, context: context)
            try await generator.prepare(round: "r", target: target)
            let runner = RoundRunner(target: target, generator: generator, accounts: accounts, transactionTimeout: .seconds(20))
            return await runner.run(label: "r", length: .transactions(count), schedule: FixedRateSchedule(tps: tps))
        }
        let arguments = SimpleArguments(numberOfAccounts: 4, initialMoney: 1_000, moneyToTransfer: 1)
        let open = try await round(.simpleOpen(arguments), 20, tps: 100)
        #expect(open.aggregate.failures.isEmpty && open.aggregate.succeeded == 20)
        let query = try await round(.simpleQuery(arguments), 20, tps: 100)
        #expect(query.aggregate.failures.isEmpty)
        let transfer = try await round(.simpleTransfer(arguments), 200, tps: 400)
        #expect((transfer.aggregate.failures["invalid:mvccReadConflict"] ?? 0) > 0, "\(transfer.aggregate.failures)")
        #expect(transfer.aggregate.succeeded > 0)
        #expect(await federation.settle(timeout: .seconds(30)))
        let states = await federation.chainStates()
        await federation.stop()
        #expect(Set(states.map(\.headHash)).count == 1)
        #expect(Set(states.compactMap(\.stateDigest)).count == 1)
    }
}
