@testable import Consensus
@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Node
@testable import NodeCore

@Suite("Block catch-up after a snapshot")
struct BlockCatchUpTests {
    static let genesis = GenesisConfiguration(chainId: "catch-up-test",
                                              regulator: SigningAccount.deterministic(seed: 5, index: 0).address).genesisBlock

    /// A chain of empty blocks on genesis, block `h` sealed by Raft index `2 * h`.
    static func chain(to height: UInt64) -> [Block] {
        var blocks = [genesis]
        for next in 1...height {
            let parent = blocks.last!
            blocks.append(Block(height: next, previousHash: parent.hash, timestampMilliseconds: 1_000 + next,
                                seal: .raft(term: 1, index: 2 * next), transactions: []))
        }
        return blocks
    }

    static func catchUp(store: Block, formation: Block, held: Int = 4) -> BlockCatchUp {
        BlockCatchUp(storeHead: store.header, storeHeadHash: store.hash, formationHead: formation.header,
                     formationHash: formation.hash, maximumHeldBlocks: held, retryMilliseconds: 100)
    }

    @Test func withoutAGapFormedBlocksGoStraightToTheStore() {
        let blocks = Self.chain(to: 3)
        var catchUp = Self.catchUp(store: blocks[1], formation: blocks[1])
        #expect(catchUp.isComplete)
        catchUp.formed(blocks[2])
        catchUp.formed(blocks[3])
        #expect(catchUp.takeBlocksToStore() == [blocks[2], blocks[3]])
        #expect(catchUp.takeFetchRequest(nowMilliseconds: 10_000, selfID: Raft.NodeID(1),
                                         voters: [Raft.NodeID(1), Raft.NodeID(2)], leader: nil) == nil)
    }

    @Test func aSnapshotOpensAGapThatIsFetchedThenHeldBlocksFollow() {
        let blocks = Self.chain(to: 8)
        var catchUp = Self.catchUp(store: blocks[2], formation: blocks[2])
        catchUp.jump(toHeader: blocks[6].header, hash: blocks[6].hash)
        catchUp.formed(blocks[7])
        catchUp.formed(blocks[8])
        #expect(catchUp.missingHeights == 3...6)
        #expect(catchUp.takeBlocksToStore().isEmpty)

        let voters = [Raft.NodeID(1), Raft.NodeID(2), Raft.NodeID(3)]
        let first = catchUp.takeFetchRequest(nowMilliseconds: 0, selfID: Raft.NodeID(1), voters: voters, leader: Raft.NodeID(3))
        #expect(first == BlockFetchRequest(orderer: Raft.NodeID(3), fromHeight: 3))
        // Not due again until the retry time passes; then the next orderer is asked.
        #expect(catchUp.takeFetchRequest(nowMilliseconds: 50, selfID: Raft.NodeID(1), voters: voters, leader: Raft.NodeID(3)) == nil)
        let retry = catchUp.takeFetchRequest(nowMilliseconds: 100, selfID: Raft.NodeID(1), voters: voters, leader: Raft.NodeID(3))
        #expect(retry == BlockFetchRequest(orderer: Raft.NodeID(2), fromHeight: 3))

        // A block that does not link to the store's head is ignored; an old one is skipped.
        #expect(catchUp.receive([blocks[4]]) == 0)
        #expect(catchUp.receive([blocks[2], blocks[3], blocks[4]]) == 2)
        #expect(catchUp.takeBlocksToStore() == [blocks[3], blocks[4]])
        // Progress: the next part is asked for at once.
        #expect(catchUp.takeFetchRequest(nowMilliseconds: 101, selfID: Raft.NodeID(1), voters: voters, leader: nil)?.fromHeight == 5)
        #expect(catchUp.receive([blocks[5], blocks[6], blocks[7]]) == 2)
        #expect(catchUp.isComplete)
        #expect(catchUp.takeBlocksToStore() == [blocks[5], blocks[6], blocks[7], blocks[8]])
    }

    @Test func aFetchedBlockWithAnotherHashThanTheSnapshotsIsRefused() {
        let blocks = Self.chain(to: 4)
        var catchUp = Self.catchUp(store: blocks[2], formation: blocks[2])
        catchUp.jump(toHeader: blocks[3].header, hash: blocks[3].hash)
        let other = Block(height: 3, previousHash: blocks[2].hash, timestampMilliseconds: 9_999,
                          seal: .raft(term: 2, index: 6), transactions: [])
        #expect(catchUp.receive([other]) == 0)
        #expect(catchUp.missingHeights == 3...3)
        #expect(catchUp.receive([blocks[3]]) == 1)
        #expect(catchUp.isComplete)
    }

    @Test func overflowingTheHeldBlocksDropsThemToBeFetched() {
        let blocks = Self.chain(to: 10)
        var catchUp = Self.catchUp(store: blocks[0], formation: blocks[0], held: 2)
        catchUp.jump(toHeader: blocks[4].header, hash: blocks[4].hash)
        for height in 5...7 { catchUp.formed(blocks[height]) }
        #expect(catchUp.heldBlocks.count == 1)
        #expect(catchUp.heldDropCount == 1)
        #expect(catchUp.missingHeights == 1...6)
        #expect(catchUp.receive(Array(blocks[1...6])) == 6)
        #expect(catchUp.takeBlocksToStore() == Array(blocks[1...7]))
        #expect(catchUp.isComplete)
    }
}
